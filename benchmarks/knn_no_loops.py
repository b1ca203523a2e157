"""How close the reference no-loop kNN distances come to their own matrix
product, on CIFAR-sized data (500 test x 5,000 train x 3,072 float64).

    .venv/bin/python benchmarks/knn_no_loops.py [--solutions solutions] [--repeats 5]

Prints the best of --repeats for X_test.dot(X_train.T) alone and for
compute_distances_no_loops, and their ratio: the cost of everything around
the product.  --solutions points at another checkout's solutions/ to compare.
"""
import argparse
import os
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best_of(repeats, function):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", default=os.path.join(REPO, "solutions"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.solutions, "assignment1"))
    from cs231n.classifiers.k_nearest_neighbor import KNearestNeighbor
    rng = np.random.default_rng(0)
    X_train, X_test = rng.random((5000, 3072)) * 255, rng.random((500, 3072)) * 255
    knn = KNearestNeighbor()
    knn.train(X_train, np.zeros(5000, dtype=int))
    product = best_of(args.repeats, lambda: X_test.dot(X_train.T))
    distances = best_of(args.repeats, lambda: knn.compute_distances_no_loops(X_test))
    print(f"{args.solutions}: X_test.dot(X_train.T) {product * 1000:.0f} ms, compute_distances_no_loops "
          f"{distances * 1000:.0f} ms: {distances / product:.2f}x the product alone (best of {args.repeats})")


if __name__ == "__main__":
    main()
