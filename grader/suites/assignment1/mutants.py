"""Planted bugs ("mutants") in assignment 1's reference solution (instructors only).

Each mutant is one realistic mistake: a text substitution in one file of
solutions/assignment1, and the set of graded cases it must break.  The tests
grade each mutant alone and assert it loses exactly those cases; `PLANTED`
names the ones the `planted_bugs` example submission carries at once.
"""
from grader.public.suite import Mutant


KNN = "cs231n/classifiers/k_nearest_neighbor.py"
NOTEBOOK = "knn.ipynb"
SVM = "cs231n/classifiers/linear_svm.py"
SOFTMAX = "cs231n/classifiers/softmax.py"
LINEAR = "cs231n/classifiers/linear_classifier.py"
LAYERS = "cs231n/layers.py"
NET = "cs231n/classifiers/fc_net.py"
CROSS_VALIDATION = {"cross_validation_accuracies", "cross_validation_uneven_folds"}
# Only hidden cases count (public ones are self-checks), and each bug costs
# its own function's cases: TwoLayerNet's cases run with the reference layers,
# and k_fold_cross_validation's with the reference KNearestNeighbor.


def cases_of(function, *kinds):
    """Hidden case names of a linear loss function, e.g. svm_loss_naive_random."""
    return {f"{function}_{kind}" for kind in kinds}

MUTANTS = {
    # Squared distances: same nearest neighbours, wrong distances.
    "two_loops_forgets_sqrt": Mutant(
        KNN, "dists[i, j] = np.sqrt(np.sum(diff * diff))", "dists[i, j] = np.sum(diff * diff)",
        frozenset({"two_loops_random", "two_loops_one_test_point_one_feature", "two_loops_integer_pixels"})),
    # Sums over the whole matrix instead of each row.
    "one_loop_sums_everything": Mutant(
        KNN, "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))", "dists[i, :] = np.sqrt(np.sum(diff * diff))",
        frozenset({"one_loop_random", "one_loop_one_test_point_one_feature", "one_loop_integer_pixels"})),
    # A sign error in the expansion of ||a - b||^2.
    "no_loops_wrong_sign": Mutant(
        KNN, "dists *= -2.0", "dists *= 2.0",
        frozenset({"no_loops_random", "no_loops_one_test_point_one_feature", "no_loops_integer_pixels",
                   "no_loops_realistic_size"})),
    # Ties go to the larger label.
    "votes_tie_to_largest_label": Mutant(
        KNN, "y_pred[i] = labels[np.argmax(counts)]",
        "y_pred[i] = labels[len(counts) - 1 - np.argmax(counts[::-1])]",
        frozenset({"predict_labels_tied_votes", "predict_labels_k5"})),
    # The validation fold is also used for training.
    "cross_validation_trains_on_validation_fold": Mutant(
        NOTEBOOK, "classifier.train(X_rest, y_rest)", "classifier.train(X_train, y_train)",
        frozenset(CROSS_VALIDATION)),
    # Linear classifiers.
    "svm_naive_gradient_sign": Mutant(
        SVM, "dW[:, y[i]] -= X[i]", "dW[:, y[i]] += X[i]",
        frozenset(cases_of("svm_loss_naive", "random", "single_example", "zero_reg"))),
    "svm_naive_gradient_not_averaged": Mutant(  # harmless for a single example
        SVM, "    dW /= num_train\n", "",
        frozenset(cases_of("svm_loss_naive", "random", "zero_reg"))),
    "svm_vectorized_counts_correct_class": Mutant(
        SVM, "    margins[rows, y] = 0\n", "",
        frozenset(cases_of("svm_loss_vectorized", "random", "single_example", "zero_reg", "realistic_size"))),
    "softmax_naive_gradient_misses_correct_class": Mutant(
        SOFTMAX, "dscore = probs[j] - (1.0 if j == y[i] else 0.0)", "dscore = probs[j]",
        frozenset(cases_of("softmax_loss_naive", "random", "single_example", "zero_reg", "large_scores"))),
    "softmax_vectorized_unstable": Mutant(
        SOFTMAX, "    scores = scores - np.max(scores, axis=1, keepdims=True)\n", "",
        frozenset({"softmax_loss_vectorized_large_scores"})),
    "softmax_vectorized_forgets_reg_gradient": Mutant(  # harmless without regularisation
        SOFTMAX, "dW = X.T.dot(dscores) / num_train + 2 * reg * W", "dW = X.T.dot(dscores) / num_train",
        frozenset(cases_of("softmax_loss_vectorized", "random", "single_example", "realistic_size",
                           "large_scores"))),
    "train_steps_uphill": Mutant(
        LINEAR, "self.W -= learning_rate * grad", "self.W += learning_rate * grad",
        frozenset({"linearsvm_train_learns", "softmax_train_learns"})),
    "predict_takes_argmin": Mutant(  # training is judged on held-out data by the grader, not by predict
        LINEAR, "y_pred = np.argmax(X.dot(self.W), axis=1)", "y_pred = np.argmin(X.dot(self.W), axis=1)",
        frozenset({"linear_classifier_predict", "linear_classifier_predict_single_example"})),
    # Layers.
    "affine_forward_forgets_bias": Mutant(
        LAYERS, "out = x.reshape(N, -1).dot(w) + b", "out = x.reshape(N, -1).dot(w)",
        frozenset({"affine_forward_multidimensional", "affine_forward_single_example"})),
    "affine_backward_flat_dx": Mutant(  # harmless for 2-D inputs
        LAYERS, "dx = dout.dot(w.T).reshape(x.shape)", "dx = dout.dot(w.T)",
        frozenset({"affine_backward_multidimensional"})),
    "relu_forward_absolute_value": Mutant(
        LAYERS, "out = np.maximum(0, x)", "out = np.abs(x)",
        frozenset({"relu_forward_random"})),
    "relu_backward_passes_everything": Mutant(
        LAYERS, "dx = dout * (x > 0)", "dx = dout * 1.0", frozenset({"relu_backward_random"})),
    "svm_loss_layer_gradient_not_averaged": Mutant(  # harmless for a single example
        LAYERS, "    dx = positive / N", "    dx = positive", frozenset({"svm_loss_layer_random"})),
    "softmax_loss_layer_unstable": Mutant(
        LAYERS, "    shifted = x - np.max(x, axis=1, keepdims=True)", "    shifted = x",
        frozenset({"softmax_loss_layer_large_scores"})),
    # The two-layer network.
    "net_first_biases_start_at_one": Mutant(
        NET, 'self.params["b1"] = np.zeros(hidden_dim)', 'self.params["b1"] = np.ones(hidden_dim)',
        frozenset({"two_layer_net_initialisation_shapes_and_scale"})),
    # Zero first-layer weights: every ReLU is dead, so nothing but b2 ever learns.
    "net_first_weights_start_at_zero": Mutant(
        NET, 'self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)',
        'self.params["W1"] = np.zeros((input_dim, hidden_dim))',
        frozenset({"two_layer_net_initialisation_shapes_and_scale", "two_layer_net_trains_with_solver"})),
    "net_penalty_without_half": Mutant(
        NET, "reg_loss = 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))",
        "reg_loss = self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))",
        frozenset({"two_layer_net_loss_single_example", "two_layer_net_loss_with_reg"})),
}

# Submissions that do not run at all, or never finish.  `breaks` here lists
# the cases graded 0; the tests check that and that the other cases pass.
BROKEN = {
    "syntax_error": Mutant(
        KNN, "def predict_labels(self, dists, k=1):", "def predict_labels(self, dists, k=1)",
        # every case of k_nearest_neighbor.py (the notebook's cross-validation runs with the reference classifier)
        frozenset()),
    "infinite_loop": Mutant(
        KNN, "dists[i, :] = np.sqrt(np.sum(diff * diff, axis=1))",
        "while True:  # a loop that never ends\n                pass",
        frozenset({"one_loop_random", "one_loop_one_test_point_one_feature", "one_loop_integer_pixels"})),
}
PLANTED = ["two_loops_forgets_sqrt", "votes_tie_to_largest_label", "cross_validation_trains_on_validation_fold"]


# ============================================================================
# The cases hidden.py's audit_cases() added (after the mutation audit) that
# these planted bugs break as well.  Kept in one block so that it merges as
# one piece.
# ============================================================================
from dataclasses import replace as _replace  # noqa: E402

AUDIT_BREAKS = {
    "no_loops_wrong_sign": {"no_loops_test_points_equal_training_points"},
    "softmax_vectorized_unstable": {"softmax_loss_vectorized_scores_far_apart"},
    "softmax_vectorized_forgets_reg_gradient": {"softmax_loss_vectorized_scores_far_apart"},
    "train_steps_uphill": {"softmax_train_samples_every_example", "softmax_train_steps_by_the_learning_rate"},
    "relu_backward_passes_everything": {"relu_backward_at_zero", "relu_backward_leaves_dout_unchanged"},
    "relu_forward_absolute_value": {"relu_forward_leaves_x_unchanged"},
    "softmax_loss_layer_unstable": {"softmax_loss_layer_scores_far_apart"},
}
MUTANTS = {name: _replace(m, breaks=m.breaks | AUDIT_BREAKS.get(name, set())) for name, m in MUTANTS.items()}
