"""Planted bugs ("mutants") in the reference solution of each assignment.

Each mutant is one realistic mistake: a text substitution in one file of
solutions/<assignment>, and the set of graded cases it must break.  The tests
grade each mutant alone and assert it loses exactly those cases; the
`planted_bugs` example submission carries several at once.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    file: str
    old: str
    new: str
    breaks: frozenset


KNN = "cs231n/classifiers/k_nearest_neighbor.py"
NOTEBOOK = "knn.ipynb"
CROSS_VALIDATION = {"cross_validation_accuracies", "cross_validation_uneven_folds"}

MUTANTS = {
    "assignment1": {
        # Squared distances: same nearest neighbours, wrong distances.
        "two_loops_forgets_sqrt": Mutant(
            KNN, "dists[i, j] = np.sqrt(np.sum(diff * diff))", "dists[i, j] = np.sum(diff * diff)",
            frozenset({"two_loops_fixed_example", "two_loops_random", "two_loops_one_test_point_one_feature",
                       "two_loops_integer_pixels"})),
        # Sums over the whole matrix instead of each row.
        "one_loop_sums_everything": Mutant(
            KNN, "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))", "dists[i, :] = np.sqrt(np.sum(diff * diff))",
            frozenset({"one_loop_random", "one_loop_one_test_point_one_feature", "one_loop_integer_pixels",
                       "predict_dispatches_num_loops"})),
        # A sign error in the expansion of ||a - b||^2.
        "no_loops_wrong_sign": Mutant(
            KNN, "sq_dists = test_sq + train_sq - 2.0 * X_test.dot(X_train.T)",
            "sq_dists = test_sq + train_sq + 2.0 * X_test.dot(X_train.T)",
            frozenset({"no_loops_has_no_loops", "no_loops_random", "no_loops_one_test_point_one_feature",
                       "no_loops_integer_pixels", "no_loops_realistic_size", "predict_dispatches_num_loops",
                       *CROSS_VALIDATION})),
        # Ties go to the larger label.
        "votes_tie_to_largest_label": Mutant(
            KNN, "y_pred[i] = labels[np.argmax(counts)]",
            "y_pred[i] = labels[len(counts) - 1 - np.argmax(counts[::-1])]",
            frozenset({"predict_labels_fixed_example", "predict_labels_tied_votes", "predict_labels_k5",
                       "predict_dispatches_num_loops", *CROSS_VALIDATION})),
        # The validation fold is also used for training.
        "cross_validation_trains_on_validation_fold": Mutant(
            NOTEBOOK, "classifier.train(X_rest, y_rest)", "classifier.train(X_train, y_train)",
            frozenset(CROSS_VALIDATION)),
    },
}

# Submissions that do not run at all, or never finish.  `breaks` here lists
# the cases graded 0; the tests check that and that the other cases pass.
BROKEN = {
    "assignment1": {
        "syntax_error": Mutant(
            KNN, "def predict_labels(self, dists, k=1):", "def predict_labels(self, dists, k=1)",
            frozenset()),  # every case: the module (and so the notebook's classifier) cannot be imported
        "infinite_loop": Mutant(
            KNN, "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))",
            "while True:  # a loop that never ends\n                pass",
            frozenset({"one_loop_random", "one_loop_one_test_point_one_feature", "one_loop_integer_pixels",
                       "predict_dispatches_num_loops"})),
    },
}
