"""Fast convolution and max pooling, in pure numpy (provided: nothing to write here).

The naive layers in cs231n/layers.py loop over output positions, which is
clear but slow. These versions compute the same results with a few large
array operations:

- Forward ("im2col"): every patch the filter visits is copied into one
  column of a matrix, so the convolution of each example becomes one matrix
  product, which numpy hands to its BLAS library.
  `np.lib.stride_tricks.sliding_window_view` gives all the patches as a view
  of the padded input, without copying anything; the one copy is the
  reshape into columns.
- Backward ("col2im"): the gradient of that matrix product gives a gradient
  for every patch; the patches overlap, so they are added back into the
  input's gradient. That takes one vectorised addition per offset (k, l)
  inside the window (HH * WW additions), instead of one per output position.

Every function keeps the dtype of its inputs: float32 in, float32 out.
The names are CS231n's: conv_forward_fast (= conv_forward_strides),
conv_backward_fast (= conv_backward_strides), max_pool_forward_fast and
max_pool_backward_fast, with the same inputs, outputs and shapes as the naive
layers. Their caches are their own: pass a fast forward's cache only to the
matching fast backward.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, height, width, stride):
    """
    Every height x width window of x that a layer with this stride visits,
    as a read-only view (no copy).

    Inputs:
    - x: Array of shape (N, C, H, W).
    - height, width, stride: The window's size and step.

    Returns:
    - windows: View of shape (N, C, H', W', height, width), where
      windows[n, c, i, j] = x[n, c, i*stride:i*stride+height, j*stride:j*stride+width],
      H' = 1 + (H - height) // stride and W' = 1 + (W - width) // stride.
    """
    return sliding_window_view(x, (height, width), axis=(2, 3))[:, :, ::stride, ::stride]


def _add_windows(dx, dwindows, stride):
    """
    The transpose of _windows: add each window's gradient back where the
    window came from, summing where windows overlap. Modifies dx in place.

    Inputs:
    - dx: Array of shape (N, C, H, W), the gradient to add into.
    - dwindows: Array of shape (N, C, H', W', height, width), one gradient per window.
    - stride: The step between windows.
    """
    _, _, H_out, W_out, height, width = dwindows.shape
    for k in range(height):
        for l in range(width):
            # Offset (k, l) of every window: an evenly spaced grid of pixels of dx,
            # H' x W' of them, each pixel at most once (so += is safe on a slice).
            dx[:, :, k:k + stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride] += \
                dwindows[:, :, :, :, k, l]


def conv_forward_fast(x, w, b, conv_param):
    """
    Forward pass of a convolutional layer, as one matrix product per example.

    Inputs and outputs as conv_forward_naive in cs231n/layers.py:
    - x: Input data, of shape (N, C, H, W).
    - w: Filter weights, of shape (F, C, HH, WW).
    - b: Biases, of shape (F,).
    - conv_param: A dictionary with the keys 'stride' and 'pad'.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W'),
      H' = 1 + (H + 2 * pad - HH) // stride, W' = 1 + (W + 2 * pad - WW) // stride.
    - cache: (x, w, b, conv_param, x_cols) for conv_backward_fast.
    """
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = _windows(x_pad, HH, WW, stride)  # (N, C, H', W', HH, WW), a view
    _, _, H_out, W_out, _, _ = windows.shape
    # For each example, one column per output position holding its patch in
    # the order (c, k, l) of w's axes. Keeping the output positions last
    # makes this copy read x_pad nearly in order, and the product below
    # comes out in the (N, F, H', W') order with no transpose.
    x_cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * HH * WW, H_out * W_out)
    out = w.reshape(F, -1) @ x_cols + b[:, None]  # (F, C*HH*WW) @ (N, C*HH*WW, H'*W') + (F, 1) -> (N, F, H'*W')
    out = out.reshape(N, F, H_out, W_out)
    cache = (x, w, b, conv_param, x_cols)
    return out, cache


def conv_backward_fast(dout, cache):
    """
    Backward pass of a convolutional layer computed by conv_forward_fast.

    Inputs:
    - dout: Upstream gradient, of shape (N, F, H', W').
    - cache: The cache conv_forward_fast returned.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    - dw: Gradient with respect to w, of shape (F, C, HH, WW).
    - db: Gradient with respect to b, of shape (F,).
    """
    x, w, b, conv_param, x_cols = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    dout_cols = dout.reshape(N, F, H_out * W_out)  # the forward's product, (N, F, H'*W')
    db = np.sum(dout, axis=(0, 2, 3))
    # One product per example, summed over the examples.
    dw = np.sum(dout_cols @ x_cols.transpose(0, 2, 1), axis=0).reshape(w.shape)  # (N, F, H'W') @ (N, H'W', CHW)
    dx_cols = w.reshape(F, -1).T @ dout_cols  # (C*HH*WW, F) @ (N, F, H'*W') -> (N, C*HH*WW, H'*W')
    # Back to one gradient per window, laid out as _windows lays the windows out.
    dwindows = dx_cols.reshape(N, C, HH, WW, H_out, W_out).transpose(0, 1, 4, 5, 2, 3)  # (N, C, H', W', HH, WW)
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dx_cols.dtype)
    _add_windows(dx_pad, dwindows, stride)
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


# CS231n's names for the same functions.
conv_forward_strides = conv_forward_fast
conv_backward_strides = conv_backward_fast


def max_pool_forward_fast(x, pool_param):
    """
    Forward pass of a max-pooling layer, vectorised.

    Inputs and outputs as max_pool_forward_naive in cs231n/layers.py:
    - x: Input data, of shape (N, C, H, W).
    - pool_param: A dictionary with the keys 'pool_height', 'pool_width' and 'stride'.

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W'),
      H' = 1 + (H - pool_height) // stride, W' = 1 + (W - pool_width) // stride.
    - cache: (x, pool_param, argmax) for max_pool_backward_fast.
    """
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    windows = _windows(x, ph, pw, stride)  # (N, C, H', W', ph, pw), a view
    _, _, H_out, W_out, _, _ = windows.shape
    flat = windows.reshape(N, C, H_out, W_out, ph * pw)  # (N, C, H', W', ph*pw), a copy
    # Where each window's maximum is (the first one, if several values tie).
    argmax = np.argmax(flat, axis=4)  # (N, C, H', W')
    out = np.take_along_axis(flat, argmax[..., None], axis=4)[..., 0]  # (N, C, H', W')
    cache = (x, pool_param, argmax)
    return out, cache


def max_pool_backward_fast(dout, cache):
    """
    Backward pass of a max-pooling layer computed by max_pool_forward_fast.
    Each window's gradient goes to its maximum; an input that is the maximum
    of several overlapping windows receives the sum of their gradients.

    Inputs:
    - dout: Upstream gradient, of shape (N, C, H', W').
    - cache: The cache max_pool_forward_fast returned.

    Returns:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    """
    x, pool_param, argmax = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    # dout at each window's maximum, zero at its other places.
    is_max = np.arange(ph * pw) == argmax[..., None]  # (ph*pw,) == (N, C, H', W', 1)
    dwindows = is_max * dout[..., None]  # (N, C, H', W', ph*pw) * (N, C, H', W', 1)
    dwindows = dwindows.reshape(*argmax.shape, ph, pw).astype(np.result_type(x, dout), copy=False)
    dx = np.zeros(x.shape, dtype=dwindows.dtype)
    _add_windows(dx, dwindows, stride)
    return dx
