"""How much faster batchnorm_backward_alt (the closed form) is than
batchnorm_backward (step by step through the graph), in one run.

    .venv/bin/python benchmarks/batchnorm_backward.py [--repeats 20]

Times both on the reference solution (solutions/assignment2) for a few batch
shapes, float64 as the notebook uses, and prints the best time of each and
their ratio.  Same process, same inputs, same thread settings: only the
ratio is meant to carry over to another machine.
"""
import argparse
import os
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "solutions", "assignment2"))

from cs231n.layers import batchnorm_backward, batchnorm_backward_alt, batchnorm_forward  # noqa: E402

SHAPES = [(100, 100), (500, 500), (1000, 3072)]


def best_time(f, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(231)
    print(f"{'N x D':>12}  {'graph (ms)':>10}  {'closed form (ms)':>16}  speed-up")
    for N, D in SHAPES:
        x = 5 * rng.standard_normal((N, D)) + 12
        gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
        _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
        graph = best_time(lambda: batchnorm_backward(dout, cache), args.repeats)
        closed = best_time(lambda: batchnorm_backward_alt(dout, cache), args.repeats)
        print(f"{f'{N} x {D}':>12}  {graph * 1e3:10.2f}  {closed * 1e3:16.2f}  {graph / closed:7.2f}x")


if __name__ == "__main__":
    main()
