"""Assignment 2, ConvolutionalNetworks: correct alternatives and cheats (never shipped).

Correct code written differently must score full marks: convolution by
einsum over a sliding-window view and by an explicit im2col matrix, CS231n's
own four nested loops, pooling by reshape with a loop fallback, gradients
routed to the first maximum by argmax, group normalisation group by group
and by the step-by-step computation graph, spatial batchnorm with
np.moveaxis, the convnet on the naive layers.  Code that only looks right
must lose its cases.
"""
from grader.public.suite import Alternative

LAYERS = "cs231n/layers.py"
CNN = "cs231n/classifiers/cnn.py"

ALTERNATIVES = {
    "conv_forward_naive_einsum": Alternative(LAYERS, "conv_forward_naive", '''
def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
    win = np.lib.stride_tricks.sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::s, ::s]
    out = np.einsum("nchwij,fcij->nfhw", win, w) + b[None, :, None, None]
    return out, (x, w, b, conv_param)
'''),
    # CS231n's usual answer: every output entry on its own.
    "conv_forward_naive_four_loops": Alternative(LAYERS, "conv_forward_naive", '''
def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = int(1 + (H + 2 * pad - HH) / stride)
    W_out = int(1 + (W + 2 * pad - WW) / stride)
    x_padded = np.pad(x, ((0,), (0,), (pad,), (pad,)), "constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(x_padded[n, :, hs:hs + HH, ws:ws + WW] * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
'''),
    # An explicit im2col matrix and its transpose, col2im, by loops over positions.
    "conv_backward_naive_im2col": Alternative(LAYERS, "conv_backward_naive", '''
def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    cols = np.empty((C * HH * WW, N * Ho * Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * s:i * s + HH, j * s:j * s + WW].reshape(N, -1)
            cols[:, (i * Wo + j) * N:(i * Wo + j + 1) * N] = patch.T
    d = dout.transpose(1, 2, 3, 0).reshape(F, -1)
    dw = (d @ cols.T).reshape(w.shape)
    db = d.sum(axis=1)
    dcols = w.reshape(F, -1).T @ d
    dxp = np.zeros(xp.shape)
    for i in range(Ho):
        for j in range(Wo):
            block = dcols[:, (i * Wo + j) * N:(i * Wo + j + 1) * N].T.reshape(N, C, HH, WW)
            dxp[:, :, i * s:i * s + HH, j * s:j * s + WW] += block
    dx = dxp[:, :, p:p + H, p:p + W] if p else dxp
    return dx, dw, db
'''),
    "conv_backward_naive_four_loops": Alternative(LAYERS, "conv_backward_naive", '''
def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_padded = np.pad(x, ((0,), (0,), (pad,), (pad,)), "constant")
    dx_padded = np.zeros_like(x_padded)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            db[f] += np.sum(dout[n, f])
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    dw[f] += x_padded[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dx_padded[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
    dx = dx_padded[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
'''),
    # Whole windows by reshape when they tile the image, loops otherwise.
    "max_pool_forward_naive_reshape": Alternative(LAYERS, "max_pool_forward_naive", '''
def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    Ho, Wo = (H - ph) // s + 1, (W - pw) // s + 1
    if ph == pw == s:
        tiles = x[:, :, :Ho * s, :Wo * s].reshape(N, C, Ho, ph, Wo, pw)
        out = tiles.max(axis=5).max(axis=3)
    else:
        out = np.empty((N, C, Ho, Wo))
        for i in range(Ho):
            for j in range(Wo):
                out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(N, C, -1).max(axis=2)
    return out, (x, pool_param)
'''),
    # One window of one channel at a time; the gradient to the first maximum (np.argmax).
    "max_pool_backward_naive_argmax": Alternative(LAYERS, "max_pool_backward_naive", '''
def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    k, l = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + k, j * s + l] += dout[n, c, i, j]
    return dx
'''),
    "spatial_batchnorm_forward_moveaxis": Alternative(LAYERS, "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    flat = np.moveaxis(x, 1, 3).reshape(N * H * W, C)
    out, cache = batchnorm_forward(flat, gamma, beta, bn_param)
    return np.moveaxis(out.reshape(N, H, W, C), 3, 1), cache
'''),
    "spatial_batchnorm_backward_moveaxis": Alternative(LAYERS, "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward(np.moveaxis(dout, 1, 3).reshape(N * H * W, C), cache)
    return np.moveaxis(dx.reshape(N, H, W, C), 3, 1), dgamma, dbeta
'''),
    # Group by group over channel slices; the same cache as the reference's backward expects.
    "spatial_groupnorm_forward_by_group": Alternative(LAYERS, "spatial_groupnorm_forward", '''
def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    size = C // G
    x_hat = np.empty(x.shape)
    inv_std = np.empty((N, G, 1))
    for g in range(G):
        part = x[:, g * size:(g + 1) * size]
        mu = part.mean(axis=(1, 2, 3), keepdims=True)
        sd = np.sqrt(((part - mu) ** 2).mean(axis=(1, 2, 3), keepdims=True) + eps)
        x_hat[:, g * size:(g + 1) * size] = (part - mu) / sd
        inv_std[:, g, 0] = 1 / sd[:, 0, 0, 0]
    out = x_hat * gamma + beta
    return out, (x_hat, gamma, inv_std, G)
'''),
    # Through the computation graph, one node at a time.
    "spatial_groupnorm_backward_graph": Alternative(LAYERS, "spatial_groupnorm_backward", '''
def spatial_groupnorm_backward(dout, cache):
    x_hat, gamma, inv_std, G = cache
    N, C, H, W = dout.shape
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3)).reshape(1, C, 1, 1)
    dbeta = dout.sum(axis=(0, 2, 3)).reshape(1, C, 1, 1)
    dxhat = (dout * gamma).reshape(N, G, -1)
    xh = x_hat.reshape(N, G, -1)
    D = xh.shape[2]
    std = 1 / inv_std
    xc = xh * std
    dxc = dxhat / std
    dstd = -np.sum(dxhat * xc, axis=2, keepdims=True) / std ** 2
    dvar = dstd / (2 * std)
    dxc += 2 * xc * dvar / D
    dmu = -np.sum(dxc, axis=2, keepdims=True)
    dx = dxc + dmu / D
    return dx.reshape(N, C, H, W), dgamma, dbeta
'''),
    # The convnet on the naive layers, one layer at a time.
    "three_layer_convnet_naive_layers": Alternative(CNN, "ThreeLayerConvNet.loss", '''
    def loss(self, X, y=None):
        from cs231n import layers
        W1, b1, W2, b2, W3, b3 = (self.params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        a, conv_cache = layers.conv_forward_naive(X, W1, b1, conv_param)
        r, relu1_cache = layers.relu_forward(a)
        p, pool_cache = layers.max_pool_forward_naive(r, pool_param)
        h, fc1_cache = layers.affine_forward(p, W2, b2)
        hr, relu2_cache = layers.relu_forward(h)
        scores, fc2_cache = layers.affine_forward(hr, W3, b3)
        if y is None:
            return scores
        loss, d = layers.softmax_loss(scores, y)
        grads = {}
        for name, W in (("W1", W1), ("W2", W2), ("W3", W3)):
            loss += 0.5 * self.reg * np.sum(W ** 2)
        d, grads["W3"], grads["b3"] = layers.affine_backward(d, fc2_cache)
        d = layers.relu_backward(d, relu2_cache)
        d, grads["W2"], grads["b2"] = layers.affine_backward(d, fc1_cache)
        d = layers.max_pool_backward_naive(d, pool_cache)
        d = layers.relu_backward(d, relu1_cache)
        _, grads["W1"], grads["b1"] = layers.conv_backward_naive(d, conv_cache)
        for name, W in (("W1", W1), ("W2", W2), ("W3", W3)):
            grads[name] = grads[name] + self.reg * W
        return loss, grads
'''),
}

CHEATS = {
    # Gradient routed to every input of the window: the notebook's loss still falls.
    "max_pool_backward_naive_spreads_evenly": Alternative(LAYERS, "max_pool_backward_naive", '''
def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout[:, :, i:i + 1, j:j + 1] / (ph * pw)
    return dx
''', frozenset({"max_pool_backward_naive_2x2_stride_2", "max_pool_backward_naive_3x3_stride_2_overlapping"})),
    # The reference's gradient shape but only zeros: no points for a shape.
    "conv_backward_naive_zeros": Alternative(LAYERS, "conv_backward_naive", '''
def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    return np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
''', frozenset({"conv_backward_naive_stride_1_pad_1", "conv_backward_naive_stride_1_pad_0_non_square_kernel"})),
}

# Planted together in the blank release, which must still score 0.
BLANK_CHEATS = {
    # A made-up batchnorm (its input, unchanged) under a spatial batchnorm that
    # wraps it as it should: the wrapper's fallback refuses a batchnorm that
    # normalises nothing.
    "conv_blank_batchnorm_forward_returns_x": Alternative(LAYERS, "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, bn_param):
    return x, (x, gamma)
'''),
    "conv_blank_spatial_batchnorm_forward_wraps_it": Alternative(LAYERS, "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    out, cache = batchnorm_forward(x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, bn_param)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache
'''),
    # The upstream gradient passed straight through, under a correct wrapper.
    "conv_blank_batchnorm_backward_passes_dout": Alternative(LAYERS, "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    return dout, np.zeros(dout.shape[1]), np.zeros(dout.shape[1])
'''),
    "conv_blank_spatial_batchnorm_backward_wraps_it": Alternative(LAYERS, "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward(dout.transpose(0, 2, 3, 1).reshape(-1, C), cache)
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta
'''),
}
