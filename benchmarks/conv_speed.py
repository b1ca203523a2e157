"""How fast are assignment 2's convolution and pooling layers?  Prints, from
one run on one machine:

- the provided fast layers (cs231n/fast_layers.py, pure numpy) against the
  naive reference layers (cs231n/layers.py), forward and backward, on the
  shapes ConvolutionalNetworks.ipynb times and on ThreeLayerConvNet's;
- the fast convolution, forward + backward, against torch.nn.functional.conv2d
  on the CPU, float32, with the same number of threads (skipped, saying so,
  when torch is not installed: `.venv/bin/pip install torch==2.13.0`).

    .venv/bin/python benchmarks/conv_speed.py [--threads 1] [--repeats 5]

Each figure is the best of `repeats` runs (the naive layers: one run);
ratios are of figures measured in this run.  The naive figures are the
reference solution's, which loops over output positions only; a student's
four nested loops are much slower.
"""
import argparse
import os
import sys

# The thread count must be fixed before numpy (and its BLAS) is imported.
_parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
_parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
_parser.add_argument("--repeats", type=int, default=5, help="timed runs of each fast layer (default 5)")
ARGS = _parser.parse_args()
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = str(ARGS.threads)

import time  # noqa: E402

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "solutions", "assignment2"))
from cs231n.fast_layers import (conv_backward_fast, conv_forward_fast, max_pool_backward_fast,  # noqa: E402
                                max_pool_forward_fast)
from cs231n.layers import (conv_backward_naive, conv_forward_naive, max_pool_backward_naive,  # noqa: E402
                           max_pool_forward_naive)

# (what, x shape, w shape, conv_param): the notebook's timing shapes, then the convnet's first layer.
CONV_SHAPES = [
    ("notebook: 100 x 3x31x31, 25 3x3 filters, stride 2, pad 1", (100, 3, 31, 31), (25, 3, 3, 3),
     {"stride": 2, "pad": 1}),
    ("ThreeLayerConvNet: 50 x 3x32x32, 32 7x7 filters, stride 1, pad 3", (50, 3, 32, 32), (32, 3, 7, 7),
     {"stride": 1, "pad": 3}),
]
POOL_SHAPES = [
    ("notebook: 100 x 3x32x32, 2x2 windows, stride 2", (100, 3, 32, 32),
     {"pool_height": 2, "pool_width": 2, "stride": 2}),
    ("ThreeLayerConvNet: 50 x 32x32x32, 2x2 windows, stride 2", (50, 32, 32, 32),
     {"pool_height": 2, "pool_width": 2, "stride": 2}),
]


def best_time(function, repeats):
    """The shortest of `repeats` runs of function(), in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_against_fast(rng):
    print("fast (cs231n/fast_layers.py) vs naive (cs231n/layers.py), float64, best of "
          f"{ARGS.repeats} fast runs and 1 naive run")
    for what, x_shape, w_shape, conv_param in CONV_SHAPES:
        x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
        out, naive_cache = conv_forward_naive(x, w, b, conv_param)
        _, fast_cache = conv_forward_fast(x, w, b, conv_param)
        dout = rng.standard_normal(out.shape)
        timings = {
            "forward": (best_time(lambda: conv_forward_naive(x, w, b, conv_param), 1),
                        best_time(lambda: conv_forward_fast(x, w, b, conv_param), ARGS.repeats)),
            "backward": (best_time(lambda: conv_backward_naive(dout, naive_cache), 1),
                         best_time(lambda: conv_backward_fast(dout, fast_cache), ARGS.repeats)),
        }
        report(f"conv, {what}", timings)
    for what, x_shape, pool_param in POOL_SHAPES:
        x = rng.standard_normal(x_shape)
        out, naive_cache = max_pool_forward_naive(x, pool_param)
        _, fast_cache = max_pool_forward_fast(x, pool_param)
        dout = rng.standard_normal(out.shape)
        timings = {
            "forward": (best_time(lambda: max_pool_forward_naive(x, pool_param), 1),
                        best_time(lambda: max_pool_forward_fast(x, pool_param), ARGS.repeats)),
            "backward": (best_time(lambda: max_pool_backward_naive(dout, naive_cache), 1),
                         best_time(lambda: max_pool_backward_fast(dout, fast_cache), ARGS.repeats)),
        }
        report(f"max pool, {what}", timings)


def report(title, timings):
    print(f"  {title}")
    for step, (naive, fast) in timings.items():
        print(f"    {step:8s}  naive {naive * 1e3:9.1f} ms   fast {fast * 1e3:7.2f} ms   fast is {naive / fast:6.1f}x faster")


def against_torch(rng):
    try:
        import torch
    except ImportError:
        print("torch is not installed: the comparison with torch.nn.functional.conv2d is skipped "
              "(install it with `.venv/bin/pip install torch==2.13.0`)")
        return
    torch.set_num_threads(ARGS.threads)
    print(f"fast conv (numpy) vs torch {torch.__version__} conv2d, CPU, float32, forward + backward, "
          f"{ARGS.threads} thread(s) each, best of {ARGS.repeats}")
    for what, x_shape, w_shape, conv_param in CONV_SHAPES:
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        b = rng.standard_normal(w_shape[0]).astype(np.float32)

        def numpy_step():
            out, cache = conv_forward_fast(x, w, b, conv_param)
            return conv_backward_fast(np.ones_like(out), cache)

        tx, tw, tb = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))

        def torch_step():
            for tensor in (tx, tw, tb):
                tensor.grad = None  # as a training step's zero_grad()
            out = torch.nn.functional.conv2d(tx, tw, tb, stride=conv_param["stride"], padding=conv_param["pad"])
            out.backward(torch.ones_like(out))
            return tx.grad, tw.grad, tb.grad

        # Same answer first (sum of the outputs, so dout is all ones), then the timings.
        ours, theirs = numpy_step(), torch_step()
        worst = max(float(np.max(np.abs(a - t.detach().numpy())) / (np.max(np.abs(a)) + 1e-12))
                    for a, t in zip(ours, theirs))
        numpy_time = best_time(numpy_step, ARGS.repeats)
        torch_time = best_time(torch_step, ARGS.repeats)
        print(f"  {what}")
        print(f"    numpy {numpy_time * 1e3:7.2f} ms   torch {torch_time * 1e3:7.2f} ms   numpy / torch "
              f"{numpy_time / torch_time:4.2f}   (gradients agree within {worst:.1e} of their largest entry)")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    naive_against_fast(rng)
    against_torch(rng)
