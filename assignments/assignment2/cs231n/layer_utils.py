"""Common stacks of layers ("sandwich" layers), built from cs231n.layers.

Each pair behaves like a single layer: the forward function returns
(out, cache) and the backward function takes (dout, cache).
"""
from .layers import (affine_backward, affine_forward, batchnorm_backward, batchnorm_forward,
                     layernorm_backward, layernorm_forward, relu_backward, relu_forward)


def affine_relu_forward(x, w, b):
    """
    An affine layer followed by a ReLU.

    Inputs:
    - x: Input, of shape (N, d_1, ..., d_k).
    - w: Weights of the affine layer, of shape (D, M), D = d_1 * ... * d_k.
    - b: Biases of the affine layer, of shape (M,).

    Returns a tuple of:
    - out: Output of the ReLU, of shape (N, M).
    - cache: What affine_relu_backward needs: the caches of both layers.
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def affine_relu_backward(dout, cache):
    """
    Backward pass of affine_relu_forward.

    Inputs:
    - dout: Upstream gradient, of shape (N, M).
    - cache: The cache returned by affine_relu_forward.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d_1, ..., d_k).
    - dw: Gradient with respect to w, of shape (D, M).
    - db: Gradient with respect to b, of shape (M,).
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db


# ----------------------------------------------------------------------
# Fully connected sandwiches with normalisation (FullyConnectedNets)
# ----------------------------------------------------------------------

# The normalisations an affine_norm_relu layer can use, by the name
# FullyConnectedNet takes: (forward, backward).
NORMALIZATIONS = {
    "batchnorm": (batchnorm_forward, batchnorm_backward),
    "layernorm": (layernorm_forward, layernorm_backward),
}


def affine_norm_relu_forward(x, w, b, gamma, beta, norm_param, normalization):
    """
    An affine layer, then batch or layer normalization, then a ReLU.

    Inputs:
    - x: Input, of shape (N, d_1, ..., d_k).
    - w, b: Weights (D, M) and biases (M,) of the affine layer.
    - gamma, beta: Scale and shift of the normalization, each of shape (M,).
    - norm_param: The bn_param (or ln_param) dictionary of this layer; batch
      normalization updates its running averages in place.
    - normalization: "batchnorm" or "layernorm".

    Returns a tuple of:
    - out: Output of the ReLU, of shape (N, M).
    - cache: What affine_norm_relu_backward needs.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError("normalization must be one of %s, not %r" % (sorted(NORMALIZATIONS), normalization))
    norm_forward, _ = NORMALIZATIONS[normalization]
    a, fc_cache = affine_forward(x, w, b)
    an, norm_cache = norm_forward(a, gamma, beta, norm_param)
    out, relu_cache = relu_forward(an)
    return out, (fc_cache, norm_cache, relu_cache, normalization)


def affine_norm_relu_backward(dout, cache):
    """
    Backward pass of affine_norm_relu_forward.

    Returns a tuple of:
    - dx, dw, db: Gradients of the affine layer's x, w and b.
    - dgamma, dbeta: Gradients of the normalization's gamma and beta, (M,) each.
    """
    fc_cache, norm_cache, relu_cache, normalization = cache
    _, norm_backward = NORMALIZATIONS[normalization]
    dan = relu_backward(dout, relu_cache)
    da, dgamma, dbeta = norm_backward(dan, norm_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db, dgamma, dbeta


# ----------------------------------------------------------------------
# Convolutional sandwiches, built on the fast layers (ConvolutionalNetworks)
# ----------------------------------------------------------------------
# These use the fast layers of cs231n/fast_layers.py, which compute what the
# naive ones in cs231n/layers.py do, many times faster.
from .fast_layers import conv_backward_fast, conv_forward_fast, max_pool_backward_fast, max_pool_forward_fast
from .layers import spatial_batchnorm_backward, spatial_batchnorm_forward


def conv_relu_forward(x, w, b, conv_param):
    """
    A convolutional layer followed by a ReLU.

    Inputs:
    - x: Input, of shape (N, C, H, W).
    - w, b, conv_param: Weights (F, C, HH, WW), biases (F,) and the
      {'stride', 'pad'} dictionary of the convolution.

    Returns a tuple of:
    - out: Output of the ReLU, of shape (N, F, H', W').
    - cache: What conv_relu_backward needs.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    out, relu_cache = relu_forward(a)
    cache = (conv_cache, relu_cache)
    return out, cache


def conv_relu_backward(dout, cache):
    """
    Backward pass of conv_relu_forward.

    Returns a tuple of:
    - dx, dw, db: Gradients with respect to x, w and b.
    """
    conv_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db


def conv_bn_relu_forward(x, w, b, gamma, beta, conv_param, bn_param):
    """
    A convolutional layer, spatial batch normalisation, then a ReLU.

    Inputs:
    - x: Input, of shape (N, C, H, W).
    - w, b, conv_param: Weights (F, C, HH, WW), biases (F,) and the
      {'stride', 'pad'} dictionary of the convolution.
    - gamma, beta: Scale and shift of the batch normalisation, of shape (F,).
    - bn_param: The batch normalisation's dictionary (see batchnorm_forward).

    Returns a tuple of:
    - out: Output of the ReLU, of shape (N, F, H', W').
    - cache: What conv_bn_relu_backward needs.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    an, bn_cache = spatial_batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(an)
    cache = (conv_cache, bn_cache, relu_cache)
    return out, cache


def conv_bn_relu_backward(dout, cache):
    """
    Backward pass of conv_bn_relu_forward.

    Returns a tuple of:
    - dx, dw, db, dgamma, dbeta: Gradients with respect to x, w, b, gamma and beta.
    """
    conv_cache, bn_cache, relu_cache = cache
    dan = relu_backward(dout, relu_cache)
    da, dgamma, dbeta = spatial_batchnorm_backward(dan, bn_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db, dgamma, dbeta


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """
    A convolutional layer, a ReLU, then max pooling.

    Inputs:
    - x: Input, of shape (N, C, H, W).
    - w, b, conv_param: Weights (F, C, HH, WW), biases (F,) and the
      {'stride', 'pad'} dictionary of the convolution.
    - pool_param: The {'pool_height', 'pool_width', 'stride'} dictionary of the pooling.

    Returns a tuple of:
    - out: Output of the pooling layer.
    - cache: What conv_relu_pool_backward needs.
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_fast(s, pool_param)
    cache = (conv_cache, relu_cache, pool_cache)
    return out, cache


def conv_relu_pool_backward(dout, cache):
    """
    Backward pass of conv_relu_pool_forward.

    Returns a tuple of:
    - dx, dw, db: Gradients with respect to x, w and b.
    """
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_fast(dout, pool_cache)
    da = relu_backward(ds, relu_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db
