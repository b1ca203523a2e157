"""Assignment 2, ConvolutionalNetworks: planted bugs and the cases each must break (never shipped).

Each mutant is one mistake real submissions make, planted in the reference
solution; grading it must lose exactly its `breaks`.  The first two are the
classics the hidden cases are built to catch at their own edge only.
"""
import io

import numpy as np

from grader.public.suite import Mutant
from grader.suites.assignment2.hidden_conv import (BN_SHAPES, CONV_SHAPES, CONVNET_LOSSES, GROUPNORM_SHAPES,
                                                   POOL_SHAPES)
from grader.suites.assignment2.public_conv import TRAINED_SHAPES

LAYERS = "cs231n/layers.py"
CNN = "cs231n/classifiers/cnn.py"
SAVED = "cs231n/saved/three_layer_convnet.npz"
SAVED_CASES = frozenset({"three_layer_convnet_saved_model_reaches_40"})


def untrained():
    """The trained architecture's arrays as initialised (weight_scale 1e-3): about 10 % accuracy."""
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    np.savez(buffer, **{name: 1e-3 * rng.normal(size=shape) if name.startswith("W") else np.zeros(shape)
                        for name, shape in TRAINED_SHAPES.items()})
    return buffer.getvalue()


def named(prefix, labels):
    return frozenset(f"{prefix}_{label}" for label in labels)


CONV_LABELS = [label for label, *_ in CONV_SHAPES]
PAD_0 = [label for label, _, _, _, pad in CONV_SHAPES if pad == 0]
POOL_LABELS = [label for label, *_ in POOL_SHAPES]
OVERLAPPING = [label for label, _, height, width, stride in POOL_SHAPES if height > stride or width > stride]
# With one channel, (N, H, W, C) and (N, C, H, W) hold the values in the same
# order: a forgotten transpose changes nothing there.
BN_SEVERAL_CHANNELS = [label for label, shape in BN_SHAPES if shape[1] > 1]
GROUPNORM_LABELS = [label for label, *_ in GROUPNORM_SHAPES]
LOSS_LABELS = [label for label, *_ in CONVNET_LOSSES]
WITH_REG = [f"loss_{label}" for label, _, _, reg in CONVNET_LOSSES if reg > 0]

MUTANTS = {
    # Cutting the padding off with [pad:-pad]: right for pad >= 1, an empty dx for pad = 0.
    "conv_backward_unpads_with_negative_index": Mutant(
        LAYERS, "dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx = dx_pad[:, :, pad:-pad, pad:-pad]",
        named("conv_backward_naive", PAD_0)),
    # Assigning each window's gradient: right unless windows overlap.
    "max_pool_backward_assigns_instead_of_adding": Mutant(
        LAYERS, "dx[:, :, rows, cols] += is_max * dout[:, :, i:i + 1, j:j + 1]",
        "dx[:, :, rows, cols] = is_max * dout[:, :, i:i + 1, j:j + 1]",
        named("max_pool_backward_naive", OVERLAPPING)),
    "conv_forward_forgets_bias": Mutant(
        LAYERS, "out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b",
        "out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))",
        named("conv_forward_naive", CONV_LABELS)),
    # dw kept for the last output position only.
    "conv_backward_overwrites_dw": Mutant(
        LAYERS, "dw += np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))",
        "dw = np.tensordot(d, x_pad[:, :, rows, cols], axes=([0], [0]))",
        named("conv_backward_naive", CONV_LABELS)),
    # Average pooling.
    "max_pool_forward_takes_the_mean": Mutant(
        LAYERS, "out[:, :, i, j] = np.max(window, axis=(2, 3))", "out[:, :, i, j] = np.mean(window, axis=(2, 3))",
        named("max_pool_forward_naive", POOL_LABELS)),
    # Reshaping the output straight to (N, C, H, W): the channels end up scrambled.
    "spatial_batchnorm_forward_forgets_the_transpose_back": Mutant(
        LAYERS, "out = out_rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)", "out = out_rows.reshape(N, C, H, W)",
        named("spatial_batchnorm_forward", [*BN_SEVERAL_CHANNELS, "test_mode"])),
    # dout.reshape(-1, C): rows that mix channels, so the wrong gradients reach each channel.
    "spatial_batchnorm_backward_reshapes_without_transpose": Mutant(
        LAYERS, "dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, C)", "dout_rows = dout.reshape(-1, C)",
        named("spatial_batchnorm_backward", BN_SEVERAL_CHANNELS)),
    "spatial_groupnorm_forward_forgets_beta": Mutant(
        LAYERS, "out = gamma * x_hat + beta", "out = gamma * x_hat",
        named("spatial_groupnorm_forward", GROUPNORM_LABELS)),
    # The gradient through the variance left out.
    "spatial_groupnorm_backward_misses_the_variance_term": Mutant(
        LAYERS, "\n                    - x_hat * np.mean(dx_hat * x_hat, axis=2, keepdims=True))", ")",
        named("spatial_groupnorm_backward", GROUPNORM_LABELS)),
    # H * W // 4 rows for W2 instead of (H // 2) * (W // 2): wrong for odd sizes.
    "convnet_hidden_weights_ignore_odd_sizes": Mutant(
        CNN, "num_filters * (H // 2) * (W // 2)", "num_filters * H * W // 4",
        frozenset({"three_layer_convnet_initialisation_odd_input"})),
    # affine instead of affine_relu: the scores are wrong, and the backward pass
    # gets a cache it cannot unpack.  Judged by the network's own layers too, it still loses.
    "convnet_forgets_the_hidden_relu": Mutant(
        CNN, "hidden, hidden_cache = affine_relu_forward(pooled, W2, b2)",
        "hidden, hidden_cache = affine_forward(pooled, W2, b2)",
        frozenset({"three_layer_convnet_scores", *named("three_layer_convnet_loss", LOSS_LABELS)})),
    "convnet_penalty_without_half": Mutant(
        CNN, "loss = data_loss + 0.5 * self.reg * (", "loss = data_loss + self.reg * (",
        named("three_layer_convnet", WITH_REG)),
    "convnet_saved_model_missing": Mutant(SAVED, None, None, SAVED_CASES),
    "convnet_saved_model_untrained": Mutant(SAVED, None, untrained(), SAVED_CASES),
}
BROKEN = {}
PLANTED = ["conv_backward_unpads_with_negative_index", "max_pool_backward_assigns_instead_of_adding"]
