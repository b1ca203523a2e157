"""The softmax (cross-entropy) loss of a linear classifier, and its gradient.

A linear classifier scores example x_i for class j as s_j = x_i . W[:, j].
Softmax turns the scores of one example into probabilities,

    p_j = exp(s_j) / sum over k of exp(s_k),

and the loss of the example is the negative log-probability of its correct
class, L_i = -log(p_{y_i}). The data loss is the mean of L_i over the N
examples, and the L2 penalty reg * sum(W * W) is added to it.

Subtracting the same number from all scores of an example leaves every p_j
unchanged. Subtracting the largest score makes every exponent <= 0, so that
np.exp cannot overflow even when the scores are in the thousands.
"""
import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss, computed with explicit loops.

    Inputs:
    - W: A numpy array of shape (D, C), the weights: one column of D
      numbers per class, for C classes.
    - X: A numpy array of shape (N, D), a minibatch of N examples, one per row.
    - y: A numpy array of shape (N,) of integer labels in 0..C-1; y[i] is the
      label of X[i].
    - reg: (float) The strength of the L2 regularisation.

    Returns a tuple of:
    - loss: The loss as a single float: the cross-entropy averaged over the N
      examples, plus reg * np.sum(W * W).
    - dW: The gradient of the loss with respect to W, an array of the same
      shape as W.
    """
    loss = 0.0
    dW = np.zeros_like(W, dtype=np.float64)  # the gradient starts at zero

    num_classes = W.shape[1]
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        # Shift the scores so that the largest is 0: the probabilities do not
        # change, and np.exp below cannot overflow.
        scores = scores - np.max(scores)
        # log p_j = s_j - log(sum_k exp(s_k)). Taking the log this way stays
        # finite even when a probability is too small to store.
        log_probs = scores - np.log(np.sum(np.exp(scores)))
        probs = np.exp(log_probs)  # shape (C,), sums to 1
        loss -= log_probs[y[i]]
        # TODO:
        # Add the gradient of this example's loss, -log(probs[y[i]]), with
        # respect to W into dW. Work it out on paper first: the derivative of
        # the loss with respect to the score of class j is probs[j], minus 1
        # when j is the correct class y[i]. Column j of W touches the loss only
        # through that score, X[i].dot(W[:, j]).
        ### BEGIN SOLUTION
        for j in range(num_classes):
            dscore = probs[j] - (1.0 if j == y[i] else 0.0)
            dW[:, j] += dscore * X[i]
        ### END SOLUTION

    # Mean over the examples, plus the L2 regularisation.
    loss = loss / num_train + reg * np.sum(W * W)

    # TODO:
    # dW now holds the gradient of the *summed* cross-entropy. Make it the
    # gradient of the loss computed above: divide by the number of examples
    # and add the gradient of reg * np.sum(W * W).
    ### BEGIN SOLUTION
    dW /= num_train
    dW += 2 * reg * W
    ### END SOLUTION

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, computed without Python loops.

    Inputs and outputs are the same as for softmax_loss_naive.

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
    dW = np.zeros_like(W, dtype=np.float64)  # the gradient starts at zero

    # TODO:
    # Compute the softmax loss and its gradient with no Python loop. Compute
    # all the scores with one matrix product, subtract each row's maximum
    # (keepdims=True helps the broadcasting), and take the log-probabilities
    # as in the naive version, row by row at once. Pick the correct class of
    # each row with integer array indexing. For the gradient, the derivative
    # with respect to the scores is the (N, C) matrix of probabilities minus
    # 1 at each correct class; one matrix product with X.T turns it into dW.
    # Do not forget the 1 / N and the regularisation in both.
    ### BEGIN SOLUTION
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X.dot(W)
    scores = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    loss = -np.sum(log_probs[rows, y]) / num_train + reg * np.sum(W * W)

    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    ### END SOLUTION

    return loss, dW
