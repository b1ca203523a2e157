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
- Max pooling loops the same way, over the places inside a window: place
  (k, l) of every window at once is an evenly spaced grid of the input.

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


def _at_offset(a, k, l, stride, H_out, W_out):
    """
    The pixels that offset (k, l) inside the window covers, over all the
    window's H' x W' positions: an evenly spaced grid of a, as a view.

    Inputs:
    - a: Array of shape (N, C, H, W).
    - k, l: The row and column inside the window.
    - stride, H_out, W_out: The step between windows and their number down and across.

    Returns:
    - view: Array of shape (N, C, H_out, W_out), view[n, c, i, j] = a[n, c, i*stride + k, j*stride + l].
    """
    return a[:, :, k:k + stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride]


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
            # Each pixel of the grid appears once in it, so += on the view is safe.
            _at_offset(dx, k, l, stride, H_out, W_out)[...] += dwindows[:, :, :, :, k, l]


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

    Rather than looping over the windows, it loops over the pool_height x
    pool_width places inside a window: place (k, l) of every window at once
    is an evenly spaced grid of x (_at_offset), and the output is the
    largest of those grids, entry by entry.

    Inputs and outputs as max_pool_forward_naive in cs231n/layers.py:
    - x: Input data, of shape (N, C, H, W).
    - pool_param: A dictionary with the keys 'pool_height', 'pool_width' and 'stride'.

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W'),
      H' = 1 + (H - pool_height) // stride, W' = 1 + (W - pool_width) // stride.
    - cache: (x, pool_param, out) for max_pool_backward_fast.
    """
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = _at_offset(x, 0, 0, stride, H_out, W_out).copy()  # (N, C, H', W')
    for k, l in np.ndindex(ph, pw):
        np.maximum(out, _at_offset(x, k, l, stride, H_out, W_out), out=out)
    cache = (x, pool_param, out)
    return out, cache


def max_pool_backward_fast(dout, cache):
    """
    Backward pass of a max-pooling layer computed by max_pool_forward_fast.

    Each window's gradient goes to its maximum (the first one, in row-major
    order, if several values tie: the gradient of a window is never counted
    twice); an input that is the maximum of several overlapping windows
    receives the sum of their gradients.

    Inputs:
    - dout: Upstream gradient, of shape (N, C, H', W').
    - cache: The cache max_pool_forward_fast returned.

    Returns:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    """
    x, pool_param, out = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    routed = np.zeros(out.shape, dtype=bool)  # windows whose gradient has found its maximum
    for k, l in np.ndindex(ph, pw):
        # Windows whose maximum is at place (k, l), and not at an earlier place.
        here = (_at_offset(x, k, l, stride, H_out, W_out) == out) & ~routed  # (N, C, H', W')
        routed |= here
        _at_offset(dx, k, l, stride, H_out, W_out)[...] += dout * here
    return dx
