"""The multiclass SVM (hinge) loss of a linear classifier, and its gradient.

A linear classifier scores example x_i for class j as s_j = x_i . W[:, j].
The SVM loss asks the score of the correct class y_i to beat every other
score by a margin of at least 1 (delta = 1):

    L_i = sum over j != y_i of max(0, s_j - s_{y_i} + 1)

The data loss is the mean of L_i over the N examples, and the L2 penalty
reg * sum(W * W) is added to it.
"""
import numpy as np


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass SVM loss with margin 1, computed with explicit loops.

    Inputs:
    - W: A numpy array of shape (D, C), the weights: one column of D
      numbers per class, for C classes.
    - X: A numpy array of shape (N, D), a minibatch of N examples, one per row.
    - y: A numpy array of shape (N,) of integer labels in 0..C-1; y[i] is the
      label of X[i].
    - reg: (float) The strength of the L2 regularisation.

    Returns a tuple of:
    - loss: The loss as a single float: the hinge loss averaged over the N
      examples, plus reg * np.sum(W * W).
    - dW: The gradient of the loss with respect to W, an array of the same
      shape as W.
    """
    dW = np.zeros(W.shape)  # the gradient, accumulated below

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_score + 1  # delta = 1
            if margin > 0:
                loss += margin
                # TODO:
                # This margin is violated, so it adds (scores[j] - scores[y[i]]
                # + 1) to the loss. Add the gradient of that term with respect
                # to W into dW. Only two columns of W appear in it: column j
                # (through scores[j]) and column y[i] (through scores[y[i]]),
                # and the derivative of X[i].dot(w) with respect to w is X[i].
                ### BEGIN SOLUTION
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
                ### END SOLUTION

    # Turn the sum over the examples into a mean.
    loss /= num_train

    # Add the L2 regularisation to the loss.
    loss += reg * np.sum(W * W)

    # TODO:
    # dW now holds the gradient of the *summed* hinge loss. Make it the
    # gradient of the loss computed above: divide by the number of examples,
    # as the loss was, and add the gradient of reg * np.sum(W * W).
    ### BEGIN SOLUTION
    dW /= num_train
    dW += 2 * reg * W
    ### END SOLUTION

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Multiclass SVM loss with margin 1, computed without Python loops.

    Inputs and outputs are the same as for svm_loss_naive.

    Inputs:
    - W: A numpy array of shape (D, C), the weights.
    - X: A numpy array of shape (N, D), a minibatch of N examples.
    - y: A numpy array of shape (N,) of integer labels in 0..C-1.
    - reg: (float) The strength of the L2 regularisation.

    Returns a tuple of:
    - loss: The loss as a single float.
    - dW: The gradient of the loss with respect to W, shape (D, C).
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # the gradient starts at zero

    # TODO:
    # Compute the same loss as svm_loss_naive, with no Python loop: all
    # scores at once with one matrix product, the correct-class score of each
    # row picked out by integer array indexing, every margin at once by
    # broadcasting. Remember that the correct class itself contributes no
    # margin, then average over the examples and add the regularisation.
    # Keep the intermediate arrays you will need for the gradient.
    ### BEGIN SOLUTION
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X.dot(W)
    correct_class_scores = scores[rows, y][:, np.newaxis]
    margins = np.maximum(0, scores - correct_class_scores + 1)
    margins[rows, y] = 0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
    ### END SOLUTION

    # TODO:
    # Compute the gradient of the loss with respect to W into dW, again with
    # no Python loop. Reuse what you computed for the loss.
    #
    # Hint: build an (N, C) matrix of coefficients saying how many times each
    # example X[i] is added to (or subtracted from) each column of dW: +1 for
    # every violated margin j, and minus the number of violated margins for
    # the correct class y[i]. One matrix product with X.T then gives the sum.
    ### BEGIN SOLUTION
    coefficients = (margins > 0).astype(scores.dtype)
    coefficients[rows, y] = -np.sum(coefficients, axis=1)
    dW = X.T.dot(coefficients) / num_train + 2 * reg * W
    ### END SOLUTION

    return loss, dW
