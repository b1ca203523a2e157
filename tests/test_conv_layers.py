"""Assignment 2's provided fast layers (cs231n/fast_layers.py) against the
naive reference layers, the dtype they keep, and the ConvolutionalNetworks
self-checks on the reference solution.

Assignment 2's cs231n package is imported under its own name, so that it
never meets assignment 1's `cs231n` in the same test session."""
import importlib
import importlib.util
import os
import sys

import numpy as np
import pytest

from grader.public.scoring import build_jobs, score_submission
from grader.suites.assignment2 import public_conv
from support import REPO

SOLUTION = os.path.join(REPO, "solutions", "assignment2")


def _package(name="assignment2_cs231n"):
    if name not in sys.modules:
        folder = os.path.join(SOLUTION, "cs231n")
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return name


layers = importlib.import_module(f"{_package()}.layers")
fast = importlib.import_module(f"{_package()}.fast_layers")
cnn = importlib.import_module(f"{_package()}.classifiers.cnn")

# (x shape, w shape, stride, pad)
CONV_SHAPES = [((2, 3, 7, 7), (4, 3, 3, 3), 1, 1), ((3, 2, 9, 7), (3, 2, 3, 3), 2, 1),
               ((2, 3, 6, 8), (2, 3, 3, 5), 1, 0), ((2, 2, 9, 11), (3, 2, 3, 2), 2, 0),
               ((1, 1, 5, 6), (2, 1, 3, 3), 1, 2), ((2, 3, 12, 10), (5, 3, 7, 7), 1, 3)]
# (x shape, pool height, pool width, stride): tiling, overlapping, with gaps, odd.
POOL_SHAPES = [((2, 3, 8, 8), 2, 2, 2), ((2, 2, 9, 7), 3, 3, 2), ((1, 3, 5, 6), 2, 3, 1),
               ((2, 2, 7, 8), 2, 2, 3), ((2, 3, 7, 5), 3, 1, 3)]


def conv_inputs(x_shape, w_shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(dtype) for shape in (x_shape, w_shape, w_shape[:1])]


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CONV_SHAPES)
def test_fast_convolution_computes_what_the_naive_one_does(x_shape, w_shape, stride, pad):
    x, w, b = conv_inputs(x_shape, w_shape)
    conv_param = {"stride": stride, "pad": pad}
    out, naive_cache = layers.conv_forward_naive(x, w, b, conv_param)
    out_fast, fast_cache = fast.conv_forward_fast(x, w, b, conv_param)
    np.testing.assert_allclose(out_fast, out, rtol=1e-10, atol=1e-12)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    for got, expected in zip(fast.conv_backward_fast(dout, fast_cache), layers.conv_backward_naive(dout, naive_cache)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("x_shape, height, width, stride", POOL_SHAPES)
def test_fast_max_pooling_computes_what_the_naive_one_does(x_shape, height, width, stride):
    x = np.random.default_rng(2).standard_normal(x_shape)
    pool_param = {"pool_height": height, "pool_width": width, "stride": stride}
    out, naive_cache = layers.max_pool_forward_naive(x, pool_param)
    out_fast, fast_cache = fast.max_pool_forward_fast(x, pool_param)
    np.testing.assert_array_equal(out_fast, out)
    dout = np.random.default_rng(3).standard_normal(out.shape)
    np.testing.assert_allclose(fast.max_pool_backward_fast(dout, fast_cache),
                               layers.max_pool_backward_naive(dout, naive_cache), rtol=1e-12)


def test_fast_max_pooling_sends_a_tied_window_s_gradient_to_one_input_only():
    x = np.zeros((1, 1, 2, 2))
    out, cache = fast.max_pool_forward_fast(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    dx = fast.max_pool_backward_fast(np.ones_like(out), cache)
    assert dx.sum() == 1.0 and dx[0, 0, 0, 0] == 1.0


def test_the_fast_layers_keep_float32_float32():
    x, w, b = conv_inputs((2, 3, 8, 8), (4, 3, 3, 3), dtype=np.float32)
    out, cache = fast.conv_forward_fast(x, w, b, {"stride": 1, "pad": 1})
    assert out.dtype == np.float32
    assert [g.dtype for g in fast.conv_backward_fast(np.ones_like(out), cache)] == [np.float32] * 3
    pooled, cache = fast.max_pool_forward_fast(out, {"pool_height": 2, "pool_width": 2, "stride": 2})
    assert pooled.dtype == np.float32
    assert fast.max_pool_backward_fast(np.ones_like(pooled), cache).dtype == np.float32


def test_the_fast_layers_leave_their_inputs_unchanged():
    x, w, b = conv_inputs((2, 3, 6, 6), (2, 3, 3, 3))
    before = [a.copy() for a in (x, w, b)]
    out, cache = fast.conv_forward_fast(x, w, b, {"stride": 2, "pad": 1})
    fast.conv_backward_fast(np.ones_like(out), cache)
    pooled, cache = fast.max_pool_forward_fast(x, {"pool_height": 3, "pool_width": 3, "stride": 1})
    fast.max_pool_backward_fast(np.ones_like(pooled), cache)
    assert all(np.array_equal(a, b) for a, b in zip((x, w, b), before))


def test_cs231n_s_names_for_the_fast_convolution_are_the_same_functions():
    assert fast.conv_forward_strides is fast.conv_forward_fast
    assert fast.conv_backward_strides is fast.conv_backward_fast


def test_the_convnet_computes_in_float32_by_default():
    np.random.seed(0)
    model = cnn.ThreeLayerConvNet(input_dim=(3, 8, 8), num_filters=4, filter_size=3, hidden_dim=10)
    X = np.random.randn(5, 3, 8, 8).astype(np.float32)
    loss, grads = model.loss(X, np.arange(5))
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert all(g.dtype == np.float32 for g in grads.values())
    assert abs(loss - np.log(10)) < 0.01


def test_every_convolutional_self_check_passes_on_the_reference(servers):
    cases = public_conv.CASES
    results = score_submission(servers("assignment2"), SOLUTION, cases, build_jobs(cases))
    assert {r.case: r.message for r in results if not r.passed} == {}
