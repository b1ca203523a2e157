"""Assignment 1, hidden cases: compared with the reference solution.

Instructors only: this file never ships to students.  Inputs are drawn
fresh from the run's seed; the grader computes the reference outputs itself.
"""
import numpy as np

from grader.compare import close, labels, mapping, matches_reference
from grader.suite import Call, Case
from grader.suites.assignment1 import CV, KNN, knn_calls, knn_data

DISTANCES = ("compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops")
SHORT = {"compute_distances_two_loops": "two_loops", "compute_distances_one_loop": "one_loop",
         "compute_distances_no_loops": "no_loops"}


def distances(method, num_train, num_test, dim, pixels=False):
    def calls(rng):
        X_train, y_train, X_test = knn_data(rng, num_train, num_test, dim)
        if pixels:  # whole-number pixel values stored as integers
            X_train, X_test = rng.integers(0, 256, size=X_train.shape), rng.integers(0, 256, size=X_test.shape)
        return knn_calls(X_train, y_train, Call(method, (X_test,), save="out"))
    return calls


def vote(num_train, num_test, k, num_classes=10):
    """predict_labels on distinct random distances (no ties among distances,
    so the order of equal distances never matters)."""
    def calls(rng):
        dists = rng.permuted(np.tile(np.arange(num_train, dtype=float), (num_test, 1)), axis=1) + rng.random()
        y_train = rng.integers(num_classes, size=num_train)
        return knn_calls(np.zeros((num_train, 1)), y_train, Call("predict_labels", (dists,), {"k": k}, save="out"))
    return calls


def tied_vote(num_test, k, num_classes=10):
    """Test point i's k nearest neighbours are training points i*k ... i*k+k-1,
    half of them labelled a and half b: every vote is a tie between a and b."""
    def calls(rng):
        num_train = num_test * k
        dists = 10.0 + rng.random((num_test, num_train))
        y_train = np.empty(num_train, dtype=np.int64)
        for i in range(num_test):
            block = slice(i * k, (i + 1) * k)
            dists[i, block] = rng.random(k)
            y_train[block] = rng.permutation(np.repeat(rng.choice(num_classes, 2, replace=False), k // 2))
        return knn_calls(np.zeros((num_train, 1)), y_train, Call("predict_labels", (dists,), {"k": k}, save="out"))
    return calls


def dispatch(rng):
    X_train, y_train, X_test = knn_data(rng, 25, 6, 5)
    return knn_calls(X_train, y_train, *[Call("predict", (X_test,), {"k": 3, "num_loops": n}, save=f"loops_{n}")
                                          for n in (0, 1, 2)])


def cross_validation(num_train, k_choices, num_folds):
    def calls(rng):
        X = rng.normal(size=(num_train, 6)) + np.repeat(np.eye(6)[:3] * 1.5, -(-num_train // 3), axis=0)[:num_train]
        y = np.repeat(np.arange(3), -(-num_train // 3))[:num_train]
        order = rng.permutation(num_train)
        return [Call(None, (X[order], y[order], k_choices), {"num_folds": num_folds}, save="out")]
    return calls


def distance_cases():
    shapes = [("random", 9, 7, 5, False), ("one_test_point_one_feature", 6, 1, 1, False),
              ("integer_pixels", 11, 4, 12, True)]
    for method in DISTANCES:
        for label, num_train, num_test, dim, pixels in shapes:
            yield Case(f"{SHORT[method]}_{label}", 1, KNN, f"KNearestNeighbor.{method}",
                       calls=distances(method, num_train, num_test, dim, pixels),
                       check=matches_reference(close()),
                       hint="Compare your distances with a hand computation for one pair of points.")
    yield Case("no_loops_realistic_size", 1, KNN, "KNearestNeighbor.compute_distances_no_loops",
               calls=distances("compute_distances_no_loops", 120, 30, 3072), check=matches_reference(close()),
               hint="Check the broadcasting of the squared norms: (num_test, 1) + (1, num_train).")


CASES = [
    *distance_cases(),
    Case("predict_labels_k1", 1, KNN, "KNearestNeighbor.predict_labels", calls=vote(20, 8, 1),
         check=matches_reference(labels()), hint="With k=1, take the label of the nearest training point."),
    Case("predict_labels_k5", 1, KNN, "KNearestNeighbor.predict_labels", calls=vote(30, 10, 5),
         check=matches_reference(labels()), hint="Take the k smallest distances of each row, then vote."),
    Case("predict_labels_k_equals_num_train", 1, KNN, "KNearestNeighbor.predict_labels", calls=vote(7, 5, 7, 3),
         check=matches_reference(labels()), hint="k may be as large as the number of training points."),
    Case("predict_labels_tied_votes", 2, KNN, "KNearestNeighbor.predict_labels", calls=tied_vote(6, 4),
         check=matches_reference(labels()), hint="When two labels get the same number of votes, choose the smaller."),
    Case("predict_dispatches_num_loops", 1, KNN, "KNearestNeighbor.predict",
         calls=dispatch, check=matches_reference(labels(), "loops_0", "loops_1", "loops_2"),
         hint="predict(X, k, num_loops) must give the same labels whichever distance function it uses."),
    Case("cross_validation_accuracies", 2, CV, "k_fold_cross_validation (knn.ipynb)", timeout=30,
         calls=cross_validation(45, [1, 3, 7], 5), check=matches_reference(mapping(close(rtol=1e-9))),
         hint="Use np.array_split for the folds, fold i as validation and the others, in order, for training."),
    Case("cross_validation_uneven_folds", 1, CV, "k_fold_cross_validation (knn.ipynb)", timeout=30,
         calls=cross_validation(23, [2, 4], 4), check=matches_reference(mapping(close(rtol=1e-9))),
         hint="When the data does not split evenly, np.array_split makes the first folds one larger."),
]
