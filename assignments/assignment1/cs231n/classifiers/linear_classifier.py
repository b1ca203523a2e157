"""Linear classifiers trained by minibatch stochastic gradient descent.

`LinearClassifier` holds a weight matrix W of shape (D, C) and scores an
example x as x.dot(W). Its subclasses differ only in the loss they minimise:
`LinearSVM` uses the multiclass hinge loss, `Softmax` the cross-entropy.
"""
import os

import numpy as np

from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized

# Folder where save() and load() keep model parameters: cs231n/saved/.
SAVED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "saved")


class LinearClassifier(object):
    """A linear classifier; subclasses say which loss it is trained with."""

    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100,
              batch_size=200, verbose=False):
        """
        Fit self.W by minibatch stochastic gradient descent (SGD).

        Inputs:
        - X: A numpy array of shape (N, D), the N training examples, one per row.
        - y: A numpy array of shape (N,) of integer labels in 0..C-1, where C
          is the number of classes; y[i] is the label of X[i].
        - learning_rate: (float) The step size of each SGD update.
        - reg: (float) The strength of the L2 regularisation.
        - num_iters: (int) How many SGD steps to take.
        - batch_size: (int) How many training examples each step looks at.
        - verbose: (bool) If True, print the loss every 100 steps.

        Returns:
        - loss_history: A list of num_iters floats: the minibatch loss at
          each step.
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1  # labels are 0..C-1, so the largest one is C-1
        if self.W is None:
            # First call: start from small random weights. Later calls
            # continue from the weights learned so far.
            self.W = 0.001 * np.random.randn(dim, num_classes)

        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            # TODO:
            # Sample batch_size examples and their labels from the training
            # data, to use in this step of gradient descent: X_batch of shape
            # (batch_size, D) and y_batch of shape (batch_size,). Draw the
            # indices with np.random.choice, *with* replacement (it is
            # faster than without, and makes no difference in practice).
            # YOUR CODE HERE
            raise NotImplementedError("Implement train in cs231n/classifiers/linear_classifier.py: see the TODO above.")

            # Evaluate the loss and the gradient on this minibatch.
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(float(loss))

            # TODO:
            # Update the weights with one step of gradient descent: move W
            # against the gradient, by learning_rate times the gradient.
            # YOUR CODE HERE
            raise NotImplementedError("Implement train in cs231n/classifiers/linear_classifier.py: see the TODO above.")

            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))

        return loss_history

    def predict(self, X):
        """
        Label each example with the class of highest score under self.W.

        Inputs:
        - X: A numpy array of shape (N, D), one example per row.

        Returns:
        - y_pred: A numpy array of shape (N,) of integers, the predicted class
          of each row of X.
        """
        y_pred = np.zeros(X.shape[0])
        # TODO:
        # Store in y_pred the predicted label of each example: the class with
        # the highest score, where the scores are X.dot(self.W).
        # YOUR CODE HERE
        raise NotImplementedError("Implement predict in cs231n/classifiers/linear_classifier.py: see the TODO above.")
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """
        The training loss of the current weights on a minibatch, and its
        gradient. Each subclass provides its own.

        Inputs:
        - X_batch: A numpy array of shape (N, D), N examples of dimension D.
        - y_batch: A numpy array of shape (N,), their labels.
        - reg: (float) The strength of the L2 regularisation.

        Returns a tuple of:
        - loss: The loss, a single float.
        - dW: The gradient of the loss with respect to self.W, an array of the
          same shape as self.W.
        """
        raise NotImplementedError("LinearClassifier is abstract: use LinearSVM or Softmax.")

    def save(self, fname):
        """
        Save the weights to cs231n/saved/<fname> with np.save.

        Inputs:
        - fname: File name, such as "softmax.npy".
        """
        os.makedirs(SAVED_DIR, exist_ok=True)
        fpath = os.path.join(SAVED_DIR, fname)
        np.save(fpath, {"W": self.W})
        print(fname, "saved.")

    def load(self, fname):
        """
        Load weights saved by save() from cs231n/saved/<fname>.

        Inputs:
        - fname: File name, such as "softmax.npy".

        Returns:
        - True if the file was there and loaded, False if it is missing.
        """
        fpath = os.path.join(SAVED_DIR, fname)
        if not os.path.exists(fpath):
            print(fname, "not available.")
            return False
        params = np.load(fpath, allow_pickle=True).item()
        self.W = params["W"]
        print(fname, "loaded.")
        return True


class LinearSVM(LinearClassifier):
    """A linear classifier trained with the multiclass SVM (hinge) loss."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """A linear classifier trained with the softmax (cross-entropy) loss."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
