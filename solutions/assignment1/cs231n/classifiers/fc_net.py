"""Fully connected neural networks built from the layers in cs231n.layers."""
import os

import numpy as np

# All the layers, ready for you to use (you will not need every one).
from ..layer_utils import affine_relu_backward, affine_relu_forward
from ..layers import (affine_backward, affine_forward, relu_backward, relu_forward,
                      softmax_loss, svm_loss)


def _saved_path(fname):
    """Path of the file fname in the folder cs231n/saved/."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "saved", fname)


class TwoLayerNet(object):
    """
    A two-layer fully connected neural network with a ReLU nonlinearity and a
    softmax loss. Inputs have dimension D, the hidden layer has H units, and
    the network predicts scores for C classes. The architecture is

        affine - relu - affine - softmax

    This class does no optimisation itself: it computes the loss and the
    gradients, and a Solver object uses them to update the parameters.

    The learnable parameters are stored in the dictionary self.params, which
    maps parameter names to numpy arrays.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        """
        Initialise a new network.

        Inputs:
        - input_dim: An integer, D, the size of one (flattened) input.
        - hidden_dim: An integer, H, the number of hidden units.
        - num_classes: An integer, C, the number of classes.
        - weight_scale: A scalar, the standard deviation of the random
          initial weights.
        - reg: A scalar, the strength of the L2 regularisation.
        """
        self.params = {}
        self.reg = reg

        # TODO:
        # Initialise the parameters of the network and store them in
        # self.params under the keys 'W1', 'b1' (first layer) and 'W2', 'b2'
        # (second layer):
        # - W1 of shape (D, H) and W2 of shape (H, C): Gaussian with mean 0 and
        #   standard deviation weight_scale (scale np.random.randn);
        # - b1 of shape (H,) and b2 of shape (C,): zeros.
        ### BEGIN SOLUTION
        self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b2"] = np.zeros(num_classes)
        ### END SOLUTION

    def loss(self, X, y=None):
        """
        Compute the loss and its gradients on a minibatch of data.

        Inputs:
        - X: A numpy array of input data, of shape (N, d_1, ..., d_k), with
          d_1 * ... * d_k = D.
        - y: A numpy array of labels, of shape (N,); y[i] is the label of X[i].

        Returns:
        If y is None, run a test-time forward pass and return:
        - scores: A numpy array of shape (N, C); scores[i, c] is the score of
          class c for X[i].

        If y is not None, run a training-time forward and backward pass and
        return a tuple of:
        - loss: A scalar, the softmax loss plus the L2 regularisation
          0.5 * reg * (sum(W1**2) + sum(W2**2)). Biases are not regularised.
        - grads: A dictionary with the same keys as self.params, mapping each
          parameter name to the gradient of the loss with respect to it.
        """
        scores = None
        # TODO:
        # Forward pass: compute the class scores for X and store them in
        # scores. The layers in cs231n/layers.py and cs231n/layer_utils.py
        # do most of the work; keep their caches for the backward pass.
        ### BEGIN SOLUTION
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        hidden, hidden_cache = affine_relu_forward(X, W1, b1)
        scores, scores_cache = affine_forward(hidden, W2, b2)
        ### END SOLUTION

        # Without labels we only need the scores (test time).
        if y is None:
            return scores

        loss, grads = 0, {}
        # TODO:
        # Backward pass: compute the loss in loss and the gradients in grads,
        # where grads['W1'] is the gradient of the loss with respect to
        # self.params['W1'], and so on.
        # The data loss is softmax_loss. Add the L2 regularisation with the
        # factor 0.5, 0.5 * self.reg * sum(W**2) for W1 and W2 (not the
        # biases), which makes its gradient simply self.reg * W. Your loss and
        # gradients must match this exactly for the checks to pass.
        ### BEGIN SOLUTION
        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        loss = data_loss + reg_loss

        dhidden, dW2, db2 = affine_backward(dscores, scores_cache)
        _, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)
        grads["W1"] = dW1 + self.reg * W1
        grads["b1"] = db1
        grads["W2"] = dW2 + self.reg * W2
        grads["b2"] = db2
        ### END SOLUTION

        return loss, grads

    def save(self, fname):
        """
        Save the parameters to the file fname in the folder cs231n/saved/
        (created if missing), with numpy.save.

        Input:
        - fname: A file name such as 'best_two_layer_net.npy'.
        """
        fpath = _saved_path(fname)
        os.makedirs(os.path.dirname(fpath), exist_ok=True)
        np.save(fpath, self.params)
        print(fname, "saved.")

    def load(self, fname):
        """
        Load the parameters saved by save() from cs231n/saved/fname into
        self.params.

        Input:
        - fname: A file name such as 'best_two_layer_net.npy'.

        Returns:
        - True when the parameters were loaded, False when there is no such file.
        """
        fpath = _saved_path(fname)
        if not os.path.exists(fpath):
            print(fname, "not available.")
            return False
        self.params = np.load(fpath, allow_pickle=True).item()
        print(fname, "loaded.")
        return True
