"""Layers of a neural network, each a forward / backward pair.

Every layer follows one convention:

- `*_forward(x, ...)` returns `(out, cache)`: the layer's output, and whatever
  the backward pass will need later.
- `*_backward(dout, cache)` receives the upstream gradient `dout` (the
  gradient of the loss with respect to `out`, so shaped like `out`) and the
  cache, and returns the gradients of the loss with respect to the forward
  inputs, in the order of those inputs.

Loss layers take the scores and the labels and return `(loss, dx)` at once.
No function here modifies its inputs.
"""
import numpy as np


def affine_forward(x, w, b):
    """
    Forward pass of an affine (fully connected) layer.

    Each example x[i] may have any shape (d_1, ..., d_k); it is flattened into
    a row of D = d_1 * ... * d_k numbers before it is multiplied by w. For
    CIFAR-10 images, x has shape (N, 3, 32, 32) and D = 3072.

    Inputs:
    - x: A numpy array of shape (N, d_1, ..., d_k), a minibatch of N examples.
    - w: A numpy array of weights, of shape (D, M).
    - b: A numpy array of biases, of shape (M,).

    Returns a tuple of:
    - out: The output, of shape (N, M): out[i] = x[i] (flattened) . w + b.
    - cache: The tuple (x, w, b), for the backward pass.
    """
    out = None
    # TODO:
    # Compute the output of the affine layer and store it in out. Flatten
    # each example into a row first: x.reshape(N, -1) gives a (N, D) view
    # without changing x.
    # YOUR CODE HERE
    raise NotImplementedError("Implement affine_forward in cs231n/layers.py: see the TODO above.")
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Backward pass of an affine (fully connected) layer.

    Inputs:
    - dout: Upstream gradient, of shape (N, M).
    - cache: The tuple (x, w, b) saved by affine_forward:
      - x: Input data, of shape (N, d_1, ..., d_k)
      - w: Weights, of shape (D, M)
      - b: Biases, of shape (M,)

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d_1, ..., d_k), the
      original shape of x (not flattened).
    - dw: Gradient with respect to w, of shape (D, M).
    - db: Gradient with respect to b, of shape (M,).
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    # TODO:
    # Compute dx, dw and db. Each gradient has the shape of the variable it
    # belongs to: check the shapes of your matrix products. The bias is
    # added to every row of the output, so its gradient sums over rows.
    # YOUR CODE HERE
    raise NotImplementedError("Implement affine_backward in cs231n/layers.py: see the TODO above.")
    return dx, dw, db


def relu_forward(x):
    """
    Forward pass of a layer of rectified linear units (ReLUs): max(0, x),
    entry by entry.

    Input:
    - x: A numpy array of any shape.

    Returns a tuple of:
    - out: The output, of the same shape as x.
    - cache: x, for the backward pass.
    """
    out = None
    # TODO:
    # Compute the ReLU of every entry of x. Do not change x itself: the
    # backward pass needs the original values.
    # YOUR CODE HERE
    raise NotImplementedError("Implement relu_forward in cs231n/layers.py: see the TODO above.")
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    Backward pass of a layer of rectified linear units (ReLUs).

    Inputs:
    - dout: Upstream gradient, of any shape.
    - cache: The input x of relu_forward, of the same shape as dout.

    Returns:
    - dx: Gradient with respect to x, of the same shape as x.
    """
    dx, x = None, cache
    # TODO:
    # The gradient flows through where x > 0 and is stopped elsewhere. (At
    # x == 0 exactly, take the derivative to be 0.)
    # YOUR CODE HERE
    raise NotImplementedError("Implement relu_backward in cs231n/layers.py: see the TODO above.")
    return dx


def svm_loss(x, y):
    """
    Multiclass SVM (hinge) loss and its gradient, averaged over the minibatch.

    For example i with scores s = x[i] and correct class y[i], the loss is
    sum over the classes j != y[i] of max(0, s[j] - s[y[i]] + 1).

    Inputs:
    - x: Scores, of shape (N, C); x[i, j] is the score of class j for example i.
    - y: Labels, of shape (N,); y[i] is the correct class of x[i], with
      0 <= y[i] < C.

    Returns a tuple of:
    - loss: The loss, a scalar (the mean over the N examples).
    - dx: Gradient of the loss with respect to x, of shape (N, C).
    """
    loss, dx = None, None
    # TODO:
    # Compute the loss and its gradient without a Python loop. Remember the
    # 1/N of the mean in both.
    # YOUR CODE HERE
    raise NotImplementedError("Implement svm_loss in cs231n/layers.py: see the TODO above.")
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax (cross-entropy) loss and its gradient, averaged over the minibatch.

    For example i with scores s = x[i], the class probabilities are
    p[j] = exp(s[j]) / sum_k exp(s[k]) and the loss is -log p[y[i]].

    Inputs:
    - x: Scores, of shape (N, C); x[i, j] is the score of class j for example i.
    - y: Labels, of shape (N,); y[i] is the correct class of x[i], with
      0 <= y[i] < C.

    Returns a tuple of:
    - loss: The loss, a scalar (the mean over the N examples).
    - dx: Gradient of the loss with respect to x, of shape (N, C).
    """
    loss, dx = None, None
    # TODO:
    # Compute the loss and its gradient without a Python loop. Large scores
    # make exp() overflow: subtract the largest score of each row first,
    # which does not change the probabilities.
    # YOUR CODE HERE
    raise NotImplementedError("Implement softmax_loss in cs231n/layers.py: see the TODO above.")
    return loss, dx


# ----------------------------------------------------------------------
# Batch normalisation and layer normalisation (FullyConnectedNets, BatchNormalization)
# batchnorm_forward, batchnorm_backward, batchnorm_backward_alt, layernorm_forward, layernorm_backward
# ----------------------------------------------------------------------



# ----------------------------------------------------------------------
# Dropout (Dropout)
# dropout_forward, dropout_backward
# ----------------------------------------------------------------------



# ----------------------------------------------------------------------
# Convolution and pooling, naive versions (ConvolutionalNetworks)
# conv_forward_naive, conv_backward_naive, max_pool_forward_naive, max_pool_backward_naive
# ----------------------------------------------------------------------



# ----------------------------------------------------------------------
# Normalisation for convolutional layers (ConvolutionalNetworks)
# spatial_batchnorm_forward, spatial_batchnorm_backward, spatial_groupnorm_forward, spatial_groupnorm_backward
# ----------------------------------------------------------------------
