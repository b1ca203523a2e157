"""Assignment 1, hidden cases: compared with the reference solution.

Instructors only: this file never ships to students.  Inputs are drawn
fresh from the run's seed; the grader computes the reference outputs itself.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, as_array, close, each, labels, mapping, matches_either_reference
from grader.public.kinds import Model
from grader.public.plan import Call, Ref
from grader.public.source_rules import no_loops
from grader.suites.assignment1.public import (KNN_FILE, LINEAR, LOSS_AND_GRADIENT, affine, cross_validation, knn,
                                              knn_data, knn_steps, linear_data, net, net_initialisation,
                                              net_initialised, net_params, relu, softmax_loss_layer, softmax_naive,
                                              softmax_vectorized, svm_loss_layer, svm_naive, svm_vectorized)

DISTANCES = {"compute_distances_two_loops": "two_loops", "compute_distances_one_loop": "one_loop",
             "compute_distances_no_loops": "no_loops"}


def distances(method, num_train, num_test, dim, pixels=False):
    def plan(rng):
        X_train, y_train, X_test = knn_data(rng, num_train, num_test, dim)
        if pixels:  # whole-number pixel values stored as integers
            X_train, X_test = rng.integers(0, 256, size=X_train.shape), rng.integers(0, 256, size=X_test.shape)
        return knn_steps(X_train, y_train, Call(method, X_test, save="out"))
    return plan


def vote(num_train, num_test, k, num_classes=10):
    """predict_labels on distinct random distances (no ties among distances,
    so the order of equal distances never matters)."""
    def plan(rng):
        dists = rng.permuted(np.tile(np.arange(num_train, dtype=float), (num_test, 1)), axis=1) + rng.random()
        y_train = rng.integers(num_classes, size=num_train)
        return knn_steps(np.zeros((num_train, 1)), y_train, Call("predict_labels", dists, k=k, save="out"))
    return plan


def tied_vote(num_test, k, num_classes=10):
    """Test point i's k nearest neighbours are training points i*k ... i*k+k-1,
    half of them labelled a and half b: every vote is a tie between a and b."""
    def plan(rng):
        num_train = num_test * k
        dists = 10.0 + rng.random((num_test, num_train))
        y_train = np.empty(num_train, dtype=np.int64)
        for i in range(num_test):
            block = slice(i * k, (i + 1) * k)
            dists[i, block] = rng.random(k)
            y_train[block] = rng.permutation(np.repeat(rng.choice(num_classes, 2, replace=False), k // 2))
        return knn_steps(np.zeros((num_train, 1)), y_train, Call("predict_labels", dists, k=k, save="out"))
    return plan


def two_inputs(method):
    """The same kNN's `method` on two different test sets, saved as "first" and "second"."""
    def plan(rng):
        X_train, y_train, X_test = knn_data(rng, 30, 16, 8)
        return knn_steps(X_train, y_train, Call(method, X_test[:8], save="first"),
                         Call(method, X_test[8:], save="second"))
    return plan


def cross_validation_plan(num_train, k_choices, num_folds):
    def plan(rng):
        X = rng.normal(size=(num_train, 6)) + np.repeat(np.eye(6)[:3] * 1.5, -(-num_train // 3), axis=0)[:num_train]
        y = np.repeat(np.arange(3), -(-num_train // 3))[:num_train]
        order = rng.permutation(num_train)
        return [cross_validation.call(X[order], y[order], k_choices, num_folds=num_folds)]
    return plan


def knn_cases():
    shapes = [("random", 9, 7, 5, False), ("one_test_point_one_feature", 6, 1, 1, False),
              ("integer_pixels", 11, 4, 12, True)]
    for method, short in DISTANCES.items():
        for label, num_train, num_test, dim, pixels in shapes:
            yield knn.method(method).reference(
                f"{short}_{label}", distances(method, num_train, num_test, dim, pixels),
                hint="Compare your distances with a hand computation for one pair of points.")
    yield knn.method("compute_distances_no_loops").reference(
        "no_loops_realistic_size", distances("compute_distances_no_loops", 120, 30, 3072),
        hint="Check the broadcasting of the squared norms: (num_test, 1) + (1, num_train).")
    predict_labels = knn.method("predict_labels")
    yield predict_labels.reference("predict_labels_k1", vote(20, 8, 1), labels(),
                                   hint="With k=1, take the label of the nearest training point.")
    yield predict_labels.reference("predict_labels_k5", vote(30, 10, 5), labels(),
                                   hint="Take the k smallest distances of each row, then vote.")
    yield predict_labels.reference("predict_labels_k_equals_num_train", vote(7, 5, 7, 3), labels(),
                                   hint="k may be as large as the number of training points.")
    yield predict_labels.reference("predict_labels_tied_votes", tied_vote(6, 4), labels(), points=2,
                                   hint="When two labels get the same number of votes, choose the smaller.")
    yield knn.method("compute_distances_no_loops").source(
        "no_loops_has_no_loops", no_loops(KNN_FILE, "KNearestNeighbor.compute_distances_no_loops",
                                          siblings_prefix="compute_distances_"),
        two_inputs("compute_distances_no_loops"),
        hint="Replace every for/while loop and comprehension with matrix operations.")
    # k_fold_cross_validation (knn.ipynb) runs with the reference KNearestNeighbor,
    # so that a wrong distance or vote costs its own cases only.
    yield cross_validation.reference(
        "cross_validation_accuracies", cross_validation_plan(45, [1, 3, 7], 5), mapping(close(rtol=1e-9)),
        points=2, timeout=30, lends=(KNN_FILE,),
        hint="Use np.array_split for the folds, fold i as validation and the others, in order, for training.")
    yield cross_validation.reference(
        "cross_validation_uneven_folds", cross_validation_plan(23, [2, 4], 4), mapping(close(rtol=1e-9)),
        timeout=30, lends=(KNN_FILE,), hint="When the data does not split evenly, np.array_split makes the first folds one larger.")


# ------------------------------------------------------- linear classifiers
LINEAR_SHAPES = [("random", 9, 6, 4, 0.3), ("single_example", 1, 5, 3, 0.2), ("zero_reg", 12, 7, 5, 0.0),
                 ("realistic_size", 50, 3073, 10, 0.25)]


def linear_loss(loss, num_train, dim, num_classes, reg, large_scores=False):
    """The loss at reg, and at reg / 2: the second is the reference's answer
    for a student who reads "L2 regularisation" as 0.5 * reg * sum(W**2).
    With `large_scores`, every score is about 1000 (exp() overflows unless
    the scores are shifted) while the scores of one example stay within a
    few units of each other (so shifted probabilities do not underflow)."""
    def plan(rng):
        W, X, y = linear_data(rng, num_train, dim, num_classes, weight_scale=0.01 if dim > 100 else 0.5)
        if large_scores:
            X[:, 0], W[0, :] = 1000.0, 1.0
        return [loss.call(W, X, y, reg), loss.call(W, X, y, reg / 2, save="half_reg")]
    return plan


def two_weights(loss):
    """`loss` at two different weight matrices, saved as "first" and "second"."""
    def plan(rng):
        W, X, y = linear_data(rng, 15, 6, 4)
        return [loss.call(W, X, y, 0.1, save="first"), loss.call(2.0 * W + 0.5, X, y, 0.1, save="second")]
    return plan


def linear_loss_cases():
    either = matches_either_reference(LOSS_AND_GRADIENT, "out", "half_reg")
    for short, naive, vectorized, hint in (
            ("svm", svm_naive, svm_vectorized, "Count, for each example, the classes whose margin is violated."),
            ("softmax", softmax_naive, softmax_vectorized, "Shift each row of scores by its maximum before exp().")):
        for loss in (naive, vectorized):
            for label, num_train, dim, num_classes, reg in LINEAR_SHAPES:
                if loss is naive and label == "realistic_size":
                    continue
                yield loss.case(f"{loss.function}_{label}", "reference",
                                linear_loss(loss, num_train, dim, num_classes, reg), either, timeout=20,
                                hint=hint if loss is naive else
                                "Compute all scores with one matrix product; build dW from a matrix of coefficients.")
        module_file = vectorized.target.split(":")[0].replace(".", "/") + ".py"
        yield vectorized.source(
            f"{vectorized.function}_has_no_loops",
            no_loops(module_file, vectorized.function, forbidden=(), siblings_prefix=f"{short}_loss_"),
            two_weights(vectorized), hint="Replace every for/while loop and comprehension with matrix operations.")
        if short == "softmax":
            for loss in (naive, vectorized):
                yield loss.case(f"{loss.function}_large_scores", "reference",
                                linear_loss(loss, 6, 5, 4, 0.1, large_scores=True), either,
                                hint="exp() of a score of 1000 overflows: subtract each row's maximum score first.")


def blobs(rng, num_train, dim, num_classes, spread=4.0):
    """Well separated Gaussian clusters, one per class, with a bias column of ones."""
    centres = spread * rng.normal(size=(num_classes, dim))
    y = rng.integers(num_classes, size=num_train)
    X = centres[y] + rng.normal(size=(num_train, dim))
    return np.hstack([X, np.ones((num_train, 1))]), y


HELD_OUT = 100   # examples the grader keeps: the student's code never sees them


def linear_training(classifier):
    """Train on 300 examples; the grader keeps 100 more from the same clusters."""
    def plan(rng):
        X, y = blobs(rng, 300 + HELD_OUT, 5, 3)
        return (classifier.steps(Call("train", X[:300], y[:300], learning_rate=1e-2, reg=1e-5, num_iters=150,
                                      batch_size=50, save="history"),
                                 classifier.get("W", save="W")),
                {"X": X[300:], "y": y[300:], "num_iters": 150})
    return plan


def held_out_accuracy(scores, y):
    """The accuracy of `scores` (N, C), computed here, on the grader's labels."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def learns(got, expected=None, given=None):
    """Check, whatever the random minibatches: one loss per iteration, the loss
    falls, and the weights it learned classify held-out examples of well
    separated clusters (scored here, with X.dot(W), not by the student's predict)."""
    history = as_array(got.get("history"), "the loss history")
    if isinstance(history, Verdict):
        return history
    if history.shape != (given["num_iters"],):
        return Verdict(False, f"train should return a list of num_iters ({given['num_iters']}) losses; "
                              f"got {history.size}")
    if not np.all(np.isfinite(history)) or not history[-10:].mean() < history[:10].mean():
        return Verdict(False, "the loss did not go down during training: check the minibatch and the update")
    W = as_array(got.get("W"), "self.W after training")
    if isinstance(W, Verdict):
        return W
    X = given["X"]
    if W.size != X.shape[1] * 3:
        return Verdict(False, f"self.W after training has shape {W.shape}; expected {(X.shape[1], 3)}")
    accuracy = held_out_accuracy(X @ W.reshape(X.shape[1], 3), given["y"])
    if not accuracy >= 0.9:
        return Verdict(False, f"after training on well separated clusters, the weights classify only "
                              f"{accuracy:.2f} of new examples from the same clusters correctly (at least 0.90 "
                              "expected)")
    return PASS


def predictions(classifier, num_train, dim, num_classes):
    def plan(rng):
        W, X, _ = linear_data(rng, num_train, dim, num_classes)
        return classifier.steps(classifier.set("W", W), Call("predict", X, save="out"))
    return plan


def linear_classifier_cases():
    svm, softmax = (Model(f"{LINEAR}:{name}", "LinearClassifier") for name in ("LinearSVM", "Softmax"))
    yield softmax.method("predict").reference(
        "linear_classifier_predict", predictions(softmax, 15, 6, 4), labels(),
        hint="Predict the class with the highest score, X.dot(W).argmax(axis=1).")
    yield svm.method("predict").reference(
        "linear_classifier_predict_single_example", predictions(svm, 1, 4, 3), labels(),
        hint="For one example, return an array of shape (1,).")
    for classifier in (svm, softmax):
        yield classifier.method("train").property(
            f"{classifier.target.split(':')[1].lower()}_train_learns", linear_training(classifier), learns,
            points=2, timeout=20, hint="Sample a minibatch with np.random.choice, then step W against the gradient.")


# ------------------------------------------------------------------ layers
def loss_layer(loss, num_train, num_classes, offset=0.0):
    def plan(rng):
        x = offset + rng.normal(size=(num_train, num_classes))
        return [loss.call(x, rng.integers(num_classes, size=num_train))]
    return plan


def layer_cases():
    yield affine.forward("affine_forward_multidimensional", x=(4, 3, 2, 2), w=(12, 5), b=(5,),
                         hint="Reshape each example of x to one row of D = d_1 * ... * d_k entries.")
    yield affine.forward("affine_forward_single_example", x=(1, 7), w=(7, 3), b=(3,),
                         hint="Use x.shape[0] for N rather than assuming N > 1.")
    yield affine.backward("affine_backward_multidimensional", x=(4, 3, 2, 2), w=(12, 5), b=(5,),
                          hint="dx must have the original shape of x.")
    yield affine.backward("affine_backward_single_example", x=(1, 6), w=(6, 2), b=(2,),
                          hint="db is dout summed over the examples.")
    yield relu.forward("relu_forward_random", x=(5, 3, 4),
                       hint="ReLU keeps positive entries and sets the others to 0, whatever the shape.")
    yield relu.backward("relu_backward_random", x=(5, 3, 4), hint="Pass dout through where x > 0 only.")
    for loss, hint in ((svm_loss_layer, "Margins of 1 against the correct class score, averaged over N."),
                       (softmax_loss_layer, "Shift scores by the row maximum; average the loss and dx over N.")):
        yield loss.reference(f"{loss.function}_layer_random", loss_layer(loss, 10, 6), LOSS_AND_GRADIENT, hint=hint)
        yield loss.reference(f"{loss.function}_layer_single_example", loss_layer(loss, 1, 4), LOSS_AND_GRADIENT,
                             hint=hint)
    yield softmax_loss_layer.reference(
        "softmax_loss_layer_large_scores", loss_layer(softmax_loss_layer, 5, 4, offset=1000.0), LOSS_AND_GRADIENT,
        hint="exp() of a large score overflows: subtract each row's maximum first.")


# -------------------------------------------------------------- the network
def net_loss(num_train, reg, with_labels=True):
    def plan(rng):
        params = net_params(rng, dims=(8, 6, 4))
        X = rng.normal(size=(num_train, 8))
        args = (X, rng.integers(4, size=num_train)) if with_labels else (X,)
        return net.steps(net.set("params", params), Call("loss", *args, save="out"),
                         init={"input_dim": 8, "hidden_dim": 6, "num_classes": 4, "reg": reg})
    return plan


def net_training(rng):
    """Solver trains the student's net on 300 examples (its validation set is
    the last 50 of them); the grader keeps 100 more."""
    X, y = blobs(rng, 300 + HELD_OUT, 10, 3)
    X = X[:, :-1]  # the net has biases of its own
    data = {"X_train": X[:300], "y_train": y[:300], "X_val": X[250:300], "y_val": y[250:300]}
    model = net.steps(init={"input_dim": 10, "hidden_dim": 20, "num_classes": 3, "weight_scale": 1e-1, "reg": 1e-3})
    return ([*model,
             Call("cs231n.solver:Solver", Ref("model"), data, update_rule="sgd", optim_config={"learning_rate": 0.1},
                  num_epochs=8, batch_size=25, verbose=False, keep="solver"),
             Call("train", on="solver"),
             Call("__getattribute__", "params", on="model", save="params")],
            {"X": X[300:], "y": y[300:]})


def two_layer_scores(params, X):
    """affine - relu - affine with the student's trained parameters, computed here."""
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])  # (N, H)
    return hidden @ params["W2"] + params["b2"]              # (N, C)


def trains_well(got, expected=None, given=None):
    params = got.get("params")
    shapes = {"W1": (10, 20), "b1": (20,), "W2": (20, 3), "b2": (3,)}
    if not isinstance(params, dict) or not set(shapes) <= set(params):
        return Verdict(False, "after training, model.params should hold W1, b1, W2 and b2")
    arrays = {}
    for name, shape in shapes.items():
        arrays[name] = as_array(params[name], f"params[{name!r}]")
        if isinstance(arrays[name], Verdict):
            return arrays[name]
        if arrays[name].size != np.prod(shape) or np.squeeze(arrays[name]).shape != np.squeeze(np.empty(shape)).shape:
            return Verdict(False, f"after training, params[{name!r}] has shape {arrays[name].shape}; expected {shape}")
        arrays[name] = arrays[name].reshape(shape)  # a bias kept as (1, H) by a keepdims gradient is fine
    accuracy = held_out_accuracy(two_layer_scores(arrays, given["X"]), given["y"])
    if not accuracy >= 0.9:
        return Verdict(False, f"trained with Solver on well separated clusters, the net classifies only "
                              f"{accuracy:.2f} of new examples from the same clusters correctly (at least 0.90 "
                              "expected)")
    return PASS


# TwoLayerNet is built on the student's layers: its cases run with the
# reference's, so that a wrong layer costs the layer's cases only.  Training
# also runs the provided Solver and update rule as released.
BUILDING_BLOCKS = ("cs231n/layers.py", "cs231n/layer_utils.py")
TRAINING = (*BUILDING_BLOCKS, "cs231n/solver.py", "cs231n/optim.py")


def net_cases():
    grads = each(close(), mapping(close()), names=("the loss", "grads"))
    loss = net.method("loss")
    hint = "Forward: affine - relu - affine; backward through the same steps in reverse."
    yield loss.reference("two_layer_net_scores", net_loss(5, 0.0, with_labels=False), lends=BUILDING_BLOCKS,
                         hint="With y=None, return the scores of the second affine layer.")
    yield loss.reference("two_layer_net_loss_without_reg", net_loss(9, 0.0), grads, points=2, lends=BUILDING_BLOCKS,
                         hint=hint)
    yield loss.reference("two_layer_net_loss_with_reg", net_loss(9, 0.7), grads, points=2, lends=BUILDING_BLOCKS,
                         hint="The penalty is 0.5 * reg * (sum(W1**2) + sum(W2**2)); its gradient is reg * W.")
    yield loss.reference("two_layer_net_loss_single_example", net_loss(1, 0.3), grads, lends=BUILDING_BLOCKS,
                         hint=hint)
    yield net.method("__init__").property(
        "two_layer_net_initialisation_shapes_and_scale", net_initialisation(40, 50, 30, 0.05),
        net_initialised(40, 50, 30, 0.05), hint="Weights: weight_scale * np.random.randn(...); biases: np.zeros(...).")
    yield net.property("two_layer_net_trains_with_solver", net_training, trains_well, points=2, timeout=30,
                       function="TwoLayerNet (trained by Solver)", lends=TRAINING,
                       hint="If the gradients check out, look at the initialisation (weight_scale) and the loss scale.")


CASES = [*knn_cases(), *linear_loss_cases(), *linear_classifier_cases(), *layer_cases(), *net_cases()]


# ============================================================================
# Cases added because of the mutation audit (`python -m grader audit
# --assignment assignment1`): each kills mutants of the reference that every
# case above let through.  Kept in one block so that it merges as one piece.
# ============================================================================
from grader.suites.common import wide_scores, with_zeros  # noqa: E402


def softmax_wide_scores(rng):
    """W, X for softmax_loss_vectorized whose scores X.dot(W) are `wide_scores`."""
    scores, y = wide_scores(rng)
    num_train, num_classes = scores.shape
    X = np.hstack([np.eye(num_train), rng.normal(size=(num_train, 3))])      # (N, N + 3)
    W = np.vstack([scores, 0.01 * rng.normal(size=(3, num_classes))])        # (N + 3, C)
    return [softmax_vectorized.call(W, X, y, 1e-6), softmax_vectorized.call(W, X, y, 5e-7, save="half_reg")]


def duplicated_points(rng):
    """Test points that are training points again, with large coordinates:
    ||a||^2 + ||b||^2 - 2 a.b then rounds to tiny negatives, whose square
    root is NaN unless they are clipped at 0 first."""
    X_train = 1000.0 * rng.normal(size=(60, 300))
    return knn_steps(X_train, rng.integers(10, size=60),
                     Call("compute_distances_no_loops", X_train[rng.permutation(60)], save="out"))


def sorted_training(classifier):
    """Training data ordered by label, in small minibatches: a minibatch drawn
    from the first examples only sees one class and cannot learn the others
    (the learned weights are scored on held-out examples, as in `learns`)."""
    def plan(rng):
        X, y = blobs(rng, 300 + HELD_OUT, 5, 3)
        order = np.argsort(y[:300], kind="stable")
        return (classifier.steps(Call("train", X[order], y[order], learning_rate=1e-2, reg=1e-5, num_iters=150,
                                      batch_size=20, save="history"),
                                 classifier.get("W", save="W")),
                {"X": X[300:], "y": y[300:], "num_iters": 150})
    return plan


def steps_on_one_example(classifier):
    """Three SGD steps on a single example (every minibatch is that example,
    with or without replacement): the weights after them follow from the
    learning rate and the gradient alone.  No regularisation, so that either
    reading of it (reg or 0.5 * reg) gives the same weights."""
    def plan(rng):
        W, X, y = linear_data(rng, 1, 6, 4)
        return classifier.steps(classifier.set("W", W),
                                Call("train", X, y, learning_rate=0.3, reg=0.0, num_iters=3, batch_size=1,
                                     save="history"),
                                classifier.get("W", save="W"), init={})
    return plan


def audit_cases():
    softmax = Model(f"{LINEAR}:Softmax", "LinearClassifier")
    loss_input = lambda rng: {"x": rng.normal(size=(10, 6)), "y": rng.integers(6, size=10)}
    either = matches_either_reference(LOSS_AND_GRADIENT, "out", "half_reg")
    return [
        knn.method("compute_distances_no_loops").reference(
            "no_loops_test_points_equal_training_points", duplicated_points, close(atol=1.0),
            hint="Rounding can leave a tiny negative squared distance where a test point equals a training "
                 "point: clip at 0 (np.maximum) before the square root."),
        softmax_vectorized.case(
            "softmax_loss_vectorized_scores_far_apart", "reference", softmax_wide_scores, either,
            hint="Shift each row of scores by that row's own maximum (axis=1, keepdims=True), not by the "
                 "minimum or by one number for the whole matrix."),
        softmax_loss_layer.reference(
            "softmax_loss_layer_scores_far_apart",
            lambda rng: [softmax_loss_layer.call(*wide_scores(rng))],
            LOSS_AND_GRADIENT,
            hint="Shift each row of x by that row's own maximum (axis=1, keepdims=True), not by the minimum or "
                 "by one number for the whole matrix."),
        relu.leaves_inputs("relu_forward_leaves_x_unchanged", x=(5, 3, 4)),
        relu.backward_leaves_dout("relu_backward_leaves_dout_unchanged", x=(5, 6)),
        relu.backward("relu_backward_at_zero", x=(6, 5), draw=with_zeros,
                      hint="Where x == 0 exactly, the gradient is 0: pass dout only where x > 0."),
        softmax_loss_layer.leaves_inputs("softmax_loss_layer_leaves_x_unchanged", loss_input, LOSS_AND_GRADIENT),
        softmax.method("train").property(
            "softmax_train_samples_every_example", sorted_training(softmax), learns, points=1, timeout=20,
            hint="Draw the minibatch indices from all num_train examples: np.random.choice(num_train, batch_size)."),
        softmax.method("train").reference(
            "softmax_train_steps_by_the_learning_rate", steps_on_one_example(softmax),
            close(), keys=("history", "W"), timeout=20,
            hint="Each step is W -= learning_rate * grad: check the sign and that you multiply by the rate."),
    ]


CASES += audit_cases()
