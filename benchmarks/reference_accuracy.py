"""Train the reference models on the CIFAR-10 data found on disk and print
their accuracy, with the speed-ups of the vectorised code.

    .venv/bin/python benchmarks/reference_accuracy.py [--num-training 5000] [--num-test 500]

Uses solutions/assignment1 and the data in datasets/cifar-10-batches-py (or
CIFAR10_DIR).  Say which data set a figure comes from: the CI subset has
5,170 training images, the full set 50,000.
"""
import argparse
import os
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "solutions", "assignment1"))

sys.path.insert(0, REPO)

from cs231n.classifiers import KNearestNeighbor  # noqa: E402
from cs231n.data_utils import default_cifar10_dir, load_CIFAR10  # noqa: E402
from grader.worker import function_from_notebook  # noqa: E402

# The notebook's own reference cross-validation, taken from it as the grader does.
k_fold_cross_validation = function_from_notebook(os.path.join(REPO, "solutions", "assignment1", "knn.ipynb"),
                                                 "k_fold_cross_validation")

K_CHOICES = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def knn(X_train, y_train, X_test, y_test, timing_points):
    classifier = KNearestNeighbor()
    classifier.train(X_train, y_train)
    dists = classifier.compute_distances_no_loops(X_test)
    for k in (1, 5):
        print(f"kNN k={k}: test accuracy {np.mean(classifier.predict_labels(dists, k=k) == y_test):.3f}")
    means = {k: float(np.mean(v)) for k, v in k_fold_cross_validation(X_train, y_train, K_CHOICES).items()}
    best_k = max(means, key=means.get)
    accuracy = np.mean(classifier.predict(X_test, k=best_k) == y_test)
    print(f"kNN 5-fold cross-validation picks k={best_k} (mean validation accuracy {means[best_k]:.3f}); "
          f"test accuracy {accuracy:.3f}")
    sample = X_test[:timing_points]
    times = {name: timed(getattr(classifier, f"compute_distances_{name}"), sample)[1]
             for name in ("two_loops", "one_loop", "no_loops")}
    print(f"kNN distances for {len(sample)} test x {len(X_train)} training points: "
          + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in times.items())
          + f"; no_loops is {times['two_loops'] / times['no_loops']:.0f}x faster than two_loops, "
          f"{times['one_loop'] / times['no_loops']:.0f}x faster than one_loop")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-training", type=int, default=5000)
    parser.add_argument("--num-test", type=int, default=500)
    parser.add_argument("--timing-points", type=int, default=100, help="test points used to time the distances")
    args = parser.parse_args()
    folder = default_cifar10_dir()
    X_train, y_train, X_test, y_test = load_CIFAR10(folder)
    print(f"CIFAR-10 from {folder}: {len(X_train):,} training and {len(X_test):,} test images on disk")
    num_training, num_test = min(args.num_training, len(X_train)), min(args.num_test, len(X_test))
    print(f"kNN uses the first {num_training:,} training and {num_test:,} test images")
    X_train = X_train[:num_training].reshape(num_training, -1)
    X_test = X_test[:num_test].reshape(num_test, -1)
    knn(X_train, y_train[:num_training], X_test, y_test[:num_test], args.timing_points)


if __name__ == "__main__":
    main()
