"""Assignment 1, public cases: what `python -m grader check` runs for a student.

These need no reference solution: small examples whose answers are worked
out by hand below, and properties a correct implementation must have (the
loop-free distances equal the two-loop ones).  The hidden suite compares
against the reference solution on fresh inputs instead.  Cases that compare
two of the student's functions are self-checks only (graded=False): in
grading, a bug in one function must not cost the points of another.
"""
import numpy as np

from grader.compare import Verdict, PASS, agree, close, equals_data, labels
from grader.source_rules import no_loops
from grader.suite import Call, Case

KNN = "cs231n.classifiers.k_nearest_neighbor:KNearestNeighbor"
KNN_FILE = "cs231n/classifiers/k_nearest_neighbor.py"
CV = "knn.ipynb:k_fold_cross_validation"


def knn_calls(X_train, y_train, *calls):
    """A fresh KNearestNeighbor, trained on (X_train, y_train), then `calls`."""
    return [Call("__init__"), Call("train", (X_train, y_train)), *calls]


def knn_data(rng, num_train, num_test, dim, num_classes=10):
    """Random training and test points (floats) and training labels."""
    return (rng.normal(size=(num_train, dim)), rng.integers(num_classes, size=num_train),
            rng.normal(size=(num_test, dim)))


# Three training points and two test points whose distances are whole numbers
# (3-4-5 and 5-12-13 right triangles).
FIXED_TRAIN = np.array([[0.0, 0.0], [3.0, 4.0], [5.0, 12.0]])
FIXED_TEST = np.array([[0.0, 0.0], [3.0, 0.0]])
FIXED_DISTS = np.array([[0.0, 5.0, 13.0],
                        [3.0, 4.0, np.hypot(2.0, 12.0)]])
# Distances from five test points to five training points.  With k=4, test
# points 0 and 2 see the labels {0, 1, 1, 0}: a tied vote, which must go to
# the smaller label, 0.
FIXED_LABEL_DISTS = np.array([[1.0, 2.0, 3.0, 4.0, 5.0],
                              [5.0, 4.0, 3.0, 2.0, 1.0],
                              [0.5, 0.1, 0.9, 0.4, 7.0],
                              [2.0, 1.0, 4.0, 3.0, 0.0],
                              [9.0, 8.0, 0.2, 0.3, 0.1]])
FIXED_LABELS_TRAIN = np.array([0, 1, 1, 0, 2])


def _fixed(method, *args, **kwargs):
    return lambda rng: knn_calls(FIXED_TRAIN, np.array([0, 1, 2]), Call(method, args, kwargs, save="out"))


def _two_methods(first, second):
    def calls(rng):
        X_train, y_train, X_test = knn_data(rng, 40, 12, 7)
        return knn_calls(X_train, y_train,
                         Call(first, (X_test,), save=first), Call(second, (X_test,), save=second))
    return calls


def _cross_validation_calls(rng):
    X, _, _ = knn_data(rng, 30, 0, 4)
    y = rng.integers(3, size=30)
    return [Call(None, (X, y, [1, 3, 5]), {"num_folds": 3}, save="out")]


def _has_fold_accuracies(got, expected=None):
    result = got.get("out")
    if not isinstance(result, dict) or sorted(result) != [1, 3, 5]:
        return Verdict(False, "should return a dict with one entry per k in k_choices (here 1, 3, 5)")
    for k, accuracies in result.items():
        values = np.asarray(accuracies, dtype=float) if isinstance(accuracies, (list, tuple, np.ndarray)) else None
        if values is None or values.shape != (3,):
            return Verdict(False, f"k_to_accuracies[{k}] should be a list of num_folds (here 3) accuracies")
        if not np.all((values >= 0) & (values <= 1)):
            return Verdict(False, f"k_to_accuracies[{k}] holds values outside [0, 1]: accuracies are fractions")
    return PASS


CASES = [
    Case("two_loops_fixed_example", 1, KNN, "KNearestNeighbor.compute_distances_two_loops", hidden=False,
         calls=_fixed("compute_distances_two_loops", FIXED_TEST), check=equals_data(FIXED_DISTS, close()),
         hint="dists[i, j] is the square root of the sum of squared differences between X[i] and X_train[j]."),
    Case("one_loop_matches_two_loops", 1, KNN, "KNearestNeighbor.compute_distances_one_loop", hidden=False,
         graded=False,
         calls=_two_methods("compute_distances_two_loops", "compute_distances_one_loop"),
         check=agree("compute_distances_one_loop", "compute_distances_two_loops", close()),
         hint="Fill a whole row dists[i, :] per test point, broadcasting X[i] against X_train."),
    Case("no_loops_matches_two_loops", 1, KNN, "KNearestNeighbor.compute_distances_no_loops", hidden=False,
         graded=False,
         calls=_two_methods("compute_distances_two_loops", "compute_distances_no_loops"),
         check=agree("compute_distances_no_loops", "compute_distances_two_loops", close()),
         hint="Expand ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b and check the broadcasting shapes."),
    Case("no_loops_has_no_loops", 1, KNN, "KNearestNeighbor.compute_distances_no_loops", hidden=False,
         calls=_fixed("compute_distances_no_loops", FIXED_TEST), check=equals_data(FIXED_DISTS, close()),
         source_rule=no_loops(KNN_FILE, "KNearestNeighbor.compute_distances_no_loops",
                              siblings_prefix="compute_distances_"),
         hint="Replace every for/while loop and comprehension with matrix operations."),
    Case("predict_labels_fixed_example", 1, KNN, "KNearestNeighbor.predict_labels", hidden=False,
         calls=lambda rng: knn_calls(np.zeros((5, 1)), FIXED_LABELS_TRAIN,
                                     Call("predict_labels", (FIXED_LABEL_DISTS,), {"k": 4}, save="out")),
         check=equals_data(np.array([0, 1, 0, 0, 1]), labels()),
         hint="Take the labels of the k smallest distances; on a tied vote choose the smallest label."),
    Case("predict_labels_k1_fixed_example", 1, KNN, "KNearestNeighbor.predict_labels", hidden=False,
         calls=lambda rng: knn_calls(np.zeros((5, 1)), FIXED_LABELS_TRAIN,
                                     Call("predict_labels", (FIXED_LABEL_DISTS,), {"k": 1}, save="out")),
         check=equals_data(np.array([0, 2, 1, 2, 2]), labels()),
         hint="With k=1 each test point takes the label of its single nearest training point."),
    Case("cross_validation_returns_fold_accuracies", 1, CV, "k_fold_cross_validation (knn.ipynb)", hidden=False,
         calls=_cross_validation_calls, check=_has_fold_accuracies, timeout=20,
         hint="Return a dict mapping every k to the list of its num_folds validation accuracies."),
]
