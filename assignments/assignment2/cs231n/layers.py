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


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass of batch normalization.

    In training mode each feature is normalised with the mean and (biased)
    variance of the minibatch, then scaled by gamma and shifted by beta. The
    layer also keeps an exponentially decaying average of those statistics,

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

    and uses them instead of the minibatch's in test mode, so that a test
    example's output never depends on the other examples of its batch.
    (The original paper estimates the test statistics from a large pass over
    the training data; the running average is cheaper and works as well.)

    Inputs:
    - x: Data of shape (N, D).
    - gamma: Scale parameter of shape (D,).
    - beta: Shift parameter of shape (D,).
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required.
      - eps: Constant added to the variance for numeric stability (default 1e-5).
      - momentum: Constant of the running averages (default 0.9).
      - running_mean: Array of shape (D,), the running mean of the features
        (starts at zeros when absent).
      - running_var: Array of shape (D,), the running variance (starts at zeros).
      The running averages are stored back into bn_param in training mode.

    Returns a tuple of:
    - out: Normalised, scaled and shifted data, of shape (N, D).
    - cache: What batchnorm_backward needs (None in test mode).
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # TODO:
        # Compute the minibatch mean and variance of each feature, normalise
        # x with them, then scale and shift by gamma and beta. Store what the
        # backward pass needs in cache (the intermediate values of your
        # computation graph), and update the running averages as described
        # above. Use the biased variance (divide by N), as np.var does.
        # YOUR CODE HERE
        raise NotImplementedError("Implement batchnorm_forward in cs231n/layers.py: see the TODO above.")
    elif mode == "test":
        # TODO:
        # Normalise x with the running mean and variance, then scale and
        # shift. Nothing is learned in test mode.
        # YOUR CODE HERE
        raise NotImplementedError("Implement batchnorm_forward in cs231n/layers.py: see the TODO above.")
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # Store the updated running averages back into bn_param.
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """
    Backward pass of batch normalization, step by step through its
    computation graph.

    Inputs:
    - dout: Upstream gradient, of shape (N, D).
    - cache: The cache of batchnorm_forward in training mode.

    Returns a tuple of:
    - dx: Gradient with respect to the inputs x, of shape (N, D).
    - dgamma: Gradient with respect to the scale gamma, of shape (D,).
    - dbeta: Gradient with respect to the shift beta, of shape (D,).
    """
    dx, dgamma, dbeta = None, None, None
    # TODO:
    # Draw the computation graph of your forward pass on paper, then walk it
    # backwards one node at a time, applying the chain rule at each node.
    # Remember that the mean and the variance depend on every example.
    # YOUR CODE HERE
    raise NotImplementedError("Implement batchnorm_backward in cs231n/layers.py: see the TODO above.")
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Backward pass of batch normalization, from a closed form of dx.

    Work out the derivative of the loss with respect to x on paper first,
    simplifying until dx is one short expression in dout, xhat and the
    standard deviation; then write that expression here.

    Inputs / outputs: as in batchnorm_backward.
    """
    dx, dgamma, dbeta = None, None, None
    # TODO:
    # Implement the closed form of the backward pass, in a single statement
    # for dx if you can (the notebook times it against batchnorm_backward).
    # YOUR CODE HERE
    raise NotImplementedError("Implement batchnorm_backward_alt in cs231n/layers.py: see the TODO above.")
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass of layer normalization.

    Each example (each row of x) is normalised with the mean and (biased)
    variance of its own features, then scaled by gamma and shifted by beta,
    one gamma and beta per feature as in batch normalization. The statistics
    never involve other examples, so training and test behave the same and
    there are no running averages.

    Inputs:
    - x: Data of shape (N, D).
    - gamma: Scale parameter of shape (D,).
    - beta: Shift parameter of shape (D,).
    - ln_param: Dictionary with the key
      - eps: Constant added to the variance for numeric stability (default 1e-5).

    Returns a tuple of:
    - out: Of shape (N, D).
    - cache: What layernorm_backward needs.
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    # TODO:
    # Normalise each row of x, then scale and shift each column. Batch
    # normalization's training mode does the same along the other axis:
    # a transpose (or axis=1, keepdims=True) is all that changes.
    # YOUR CODE HERE
    raise NotImplementedError("Implement layernorm_forward in cs231n/layers.py: see the TODO above.")
    return out, cache


def layernorm_backward(dout, cache):
    """
    Backward pass of layer normalization.

    Inputs:
    - dout: Upstream gradient, of shape (N, D).
    - cache: The cache of layernorm_forward.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, D).
    - dgamma: Gradient with respect to gamma, of shape (D,).
    - dbeta: Gradient with respect to beta, of shape (D,).
    """
    dx, dgamma, dbeta = None, None, None
    # TODO:
    # As batchnorm_backward_alt, with the statistics taken over each row.
    # YOUR CODE HERE
    raise NotImplementedError("Implement layernorm_backward in cs231n/layers.py: see the TODO above.")
    return dx, dgamma, dbeta


# ----------------------------------------------------------------------
# Dropout (Dropout)
# dropout_forward, dropout_backward
# ----------------------------------------------------------------------


def dropout_forward(x, dropout_param):
    """
    Forward pass of (inverted) dropout.

    In training mode each unit is kept with probability p and set to zero
    otherwise; the kept units are divided by p, so that the expected output
    equals the input and test mode can simply return x unchanged.

    Inputs:
    - x: Input data, of any shape.
    - dropout_param: A dictionary with the keys:
      - p: The probability of KEEPING each unit (1 keeps everything).
      - mode: 'train' or 'test'. In test mode the input is returned as it is.
      - seed: Optional. When present, seed numpy's random generator with it
        first, so that the same seed gives the same mask (for gradient
        checks). Leave it out for real training.

    Returns a tuple of:
    - out: An array of the same shape as x.
    - cache: The tuple (dropout_param, mask). In training mode mask is what
      x was multiplied by (0 for dropped units, 1 / p for kept ones); in test
      mode it is None.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask, out = None, None
    if mode == "train":
        # TODO:
        # Draw a mask that keeps each unit with probability p, fold the 1 / p
        # scaling into it, and apply it to x. Store the mask in `mask`.
        # YOUR CODE HERE
        raise NotImplementedError("Implement dropout_forward in cs231n/layers.py: see the TODO above.")
    elif mode == "test":
        # TODO: Implement the test phase forward pass of inverted dropout.
        # YOUR CODE HERE
        raise NotImplementedError("Implement dropout_forward in cs231n/layers.py: see the TODO above.")

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    """
    Backward pass of (inverted) dropout.

    Inputs:
    - dout: Upstream gradient, of any shape.
    - cache: The (dropout_param, mask) of dropout_forward.

    Returns:
    - dx: Gradient with respect to x, of the same shape as dout.
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        # TODO: Implement the training phase backward pass of inverted dropout.
        # YOUR CODE HERE
        raise NotImplementedError("Implement dropout_backward in cs231n/layers.py: see the TODO above.")
    elif mode == "test":
        dx = dout
    return dx


# ----------------------------------------------------------------------
# Convolution and pooling, naive versions (ConvolutionalNetworks)
# conv_forward_naive, conv_backward_naive, max_pool_forward_naive, max_pool_backward_naive
# ----------------------------------------------------------------------


def conv_forward_naive(x, w, b, conv_param):
    """
    Forward pass of a convolutional layer, written plainly.

    The input has N examples, each with C channels, height H and width W. It
    is convolved with F filters, each spanning all C channels and HH x WW
    pixels. (As in every deep learning library, this is a cross-correlation:
    the filter is not flipped.) Each filter slides over the zero-padded
    input, `stride` pixels at a time in both directions; at every position
    the output is the sum of the filter times the patch under it, plus the
    filter's bias.

    Inputs:
    - x: Input data, of shape (N, C, H, W).
    - w: Filter weights, of shape (F, C, HH, WW).
    - b: Biases, of shape (F,).
    - conv_param: A dictionary with the keys:
      - 'stride': The number of pixels between neighbouring positions of
        the filter, the same horizontally and vertically.
      - 'pad': The number of rows and columns of zeros added on each side
        (top, bottom, left and right) of every input image.

    Padding happens inside the layer: do not modify x itself.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W'), where
        H' = 1 + (H + 2 * pad - HH) // stride
        W' = 1 + (W + 2 * pad - WW) // stride
    - cache: The tuple (x, w, b, conv_param).
    """
    out = None
    # TODO:
    # Implement the forward pass of the convolution. Zero-pad x with np.pad
    # (which returns a new array), then compute each output position. Loops
    # are fine here; cs231n/fast_layers.py has a fast version.
    # YOUR CODE HERE
    raise NotImplementedError("Implement conv_forward_naive in cs231n/layers.py: see the TODO above.")
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """
    Backward pass of a convolutional layer, written plainly.

    Inputs:
    - dout: Upstream gradient, of shape (N, F, H', W').
    - cache: The tuple (x, w, b, conv_param) saved by conv_forward_naive.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    - dw: Gradient with respect to w, of shape (F, C, HH, WW).
    - db: Gradient with respect to b, of shape (F,).
    """
    dx, dw, db = None, None, None
    # TODO:
    # Implement the backward pass. Each output position received one patch
    # of the padded input times the filter: send dout back along the same
    # paths, adding up where patches overlap. Work with the gradient of the
    # padded input, then cut the padding off; make sure your code is also
    # right when pad is 0.
    # YOUR CODE HERE
    raise NotImplementedError("Implement conv_backward_naive in cs231n/layers.py: see the TODO above.")
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """
    Forward pass of a max-pooling layer, written plainly.

    A window of pool_height x pool_width pixels slides over each channel of
    each example, `stride` pixels at a time; the output at each position is
    the largest value in the window. There is no padding. Windows overlap
    when the stride is smaller than the window.

    Inputs:
    - x: Input data, of shape (N, C, H, W).
    - pool_param: A dictionary with the keys:
      - 'pool_height': The height of each pooling window.
      - 'pool_width': The width of each pooling window.
      - 'stride': The number of pixels between neighbouring windows.

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W'), where
        H' = 1 + (H - pool_height) // stride
        W' = 1 + (W - pool_width) // stride
    - cache: The tuple (x, pool_param).
    """
    out = None
    # TODO:
    # Implement the forward pass of max pooling. Loops over the output
    # positions are fine; take the maximum over each window's two spatial axes.
    # YOUR CODE HERE
    raise NotImplementedError("Implement max_pool_forward_naive in cs231n/layers.py: see the TODO above.")
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """
    Backward pass of a max-pooling layer, written plainly.

    Each output was one input value, the maximum of its window, so its
    gradient goes to that input alone. An input that is the maximum of
    several (overlapping) windows receives the sum of their gradients.

    Inputs:
    - dout: Upstream gradient, of shape (N, C, H', W').
    - cache: The tuple (x, pool_param) saved by max_pool_forward_naive.

    Returns:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    """
    dx = None
    # TODO:
    # Implement the backward pass of max pooling. For each window, find where
    # its maximum is and add dout there: add (+=), do not assign, because
    # overlapping windows may share their maximum.
    # YOUR CODE HERE
    raise NotImplementedError("Implement max_pool_backward_naive in cs231n/layers.py: see the TODO above.")
    return dx


# ----------------------------------------------------------------------
# Normalisation for convolutional layers (ConvolutionalNetworks)
# spatial_batchnorm_forward, spatial_batchnorm_backward, spatial_groupnorm_forward, spatial_groupnorm_backward
# ----------------------------------------------------------------------


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass of spatial batch normalisation.

    A convolutional layer's output should keep the same meaning at every
    pixel, so batch normalisation computes one mean and one variance per
    channel, over the N examples and all H x W positions, and has one gamma
    and one beta per channel. That is vanilla batch normalisation applied to
    N * H * W "examples" of C features each.

    Inputs:
    - x: Input data, of shape (N, C, H, W).
    - gamma: Scale, of shape (C,).
    - beta: Shift, of shape (C,).
    - bn_param: The dictionary batchnorm_forward takes:
      - mode: 'train' or 'test' (required).
      - eps: Constant for numeric stability (default 1e-5).
      - momentum: Constant for the running mean and variance (default 0.9).
      - running_mean: Array of shape (C,), the running mean of each channel.
      - running_var: Array of shape (C,), the running variance of each channel.

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W).
    - cache: What spatial_batchnorm_backward needs.
    """
    out, cache = None, None
    # TODO:
    # Implement spatial batch normalisation by calling batchnorm_forward (the
    # vanilla version, above). Move the channel axis last and flatten the
    # other three, so that each row holds the C channels of one pixel of one
    # example; normalise; then undo the reshape and the transpose. Think
    # about why x.reshape(-1, C) alone is not enough.
    # YOUR CODE HERE
    raise NotImplementedError("Implement spatial_batchnorm_forward in cs231n/layers.py: see the TODO above.")
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """
    Backward pass of spatial batch normalisation.

    Inputs:
    - dout: Upstream gradient, of shape (N, C, H, W).
    - cache: What spatial_batchnorm_forward returned.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    - dgamma: Gradient with respect to gamma, of shape (C,).
    - dbeta: Gradient with respect to beta, of shape (C,).
    """
    dx, dgamma, dbeta = None, None, None
    # TODO:
    # Implement the backward pass by calling batchnorm_backward, with the
    # same reshapes as in the forward pass.
    # YOUR CODE HERE
    raise NotImplementedError("Implement spatial_batchnorm_backward in cs231n/layers.py: see the TODO above.")
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    Forward pass of spatial group normalisation.

    The C channels are split into G groups of C // G consecutive channels.
    Each example is normalised on its own, group by group: one mean and one
    variance per (example, group), over the group's C // G channels and all
    H x W positions. Then every channel is scaled by its gamma and shifted by
    its beta. With G = 1 this is layer normalisation of each image; with
    G = C each channel of each image is normalised alone. Training and test
    time are the same: nothing depends on the other examples of the batch.

    Inputs:
    - x: Input data, of shape (N, C, H, W).
    - gamma: Scale, of shape (1, C, 1, 1).
    - beta: Shift, of shape (1, C, 1, 1).
    - G: The number of groups, an integer that divides C.
    - gn_param: A dictionary with the optional key:
      - eps: Constant for numeric stability (default 1e-5).

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W).
    - cache: What spatial_groupnorm_backward needs.
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # TODO:
    # Implement the forward pass. Reshaping x to (N, G, C // G * H * W) puts
    # the values of each (example, group) in one row; compute its statistics
    # there, as layer normalisation does, then reshape back before applying
    # gamma and beta.
    # YOUR CODE HERE
    raise NotImplementedError("Implement spatial_groupnorm_forward in cs231n/layers.py: see the TODO above.")
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """
    Backward pass of spatial group normalisation.

    Inputs:
    - dout: Upstream gradient, of shape (N, C, H, W).
    - cache: What spatial_groupnorm_forward returned.

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, C, H, W).
    - dgamma: Gradient with respect to gamma, of shape (1, C, 1, 1).
    - dbeta: Gradient with respect to beta, of shape (1, C, 1, 1).
    """
    dx, dgamma, dbeta = None, None, None
    # TODO:
    # Implement the backward pass. gamma and beta act per channel, over the
    # examples and positions; the normalisation acts per (example, group),
    # exactly as in layer normalisation once x is reshaped to (N, G, -1).
    # YOUR CODE HERE
    raise NotImplementedError("Implement spatial_groupnorm_backward in cs231n/layers.py: see the TODO above.")
    return dx, dgamma, dbeta
