"""Assignment 1, hidden cases: compared with the reference solution.

Instructors only: this file never ships to students.  Inputs are drawn
fresh from the run's seed; the grader computes the reference outputs itself.
"""
import numpy as np

from grader.compare import (PASS, Verdict, as_array, close, each, labels, mapping, matches_either_reference,
                            matches_reference)
from grader.source_rules import no_loops
from grader.suite import Call, Case, Ref
from grader.suites.assignment1 import (CV, KNN, LAYERS, LINEAR, LOSS_AND_GRADIENT, NET, SOFTMAX, SVM, knn_calls,
                                       knn_data, linear_data, net_params)

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


# ------------------------------------------------------- linear classifiers
LINEAR_SHAPES = [("random", 9, 6, 4, 0.3), ("single_example", 1, 5, 3, 0.2), ("zero_reg", 12, 7, 5, 0.0),
                 ("realistic_size", 50, 3073, 10, 0.25)]


def linear_loss(target, num_train, dim, num_classes, reg, large_scores=False):
    """The loss at reg, and at reg / 2: the second is the reference's answer
    for a student who reads "L2 regularisation" as 0.5 * reg * sum(W**2).
    With `large_scores`, every score is about 1000 (exp() overflows unless
    the scores are shifted) while the scores of one example stay within a
    few units of each other (so shifted probabilities do not underflow)."""
    def calls(rng):
        W, X, y = linear_data(rng, num_train, dim, num_classes, weight_scale=0.01 if dim > 100 else 0.5)
        if large_scores:
            X[:, 0], W[0, :] = 1000.0, 1.0
        return [Call(None, (W, X, y, reg), save="out"), Call(None, (W, X, y, reg / 2), save="half_reg")]
    return calls


def linear_loss_cases():
    for module, short, naive_hint in ((SVM, "svm", "Count, for each example, the classes whose margin is violated."),
                                      (SOFTMAX, "softmax", "Shift each row of scores by its maximum before exp().")):
        for kind in ("naive", "vectorized"):
            function = f"{short}_loss_{kind}"
            rule = (no_loops(f"cs231n/classifiers/{module.rsplit('.', 1)[1]}.py", function, forbidden=(),
                             siblings_prefix=f"{short}_loss_") if kind == "vectorized" else None)
            for label, num_train, dim, num_classes, reg in LINEAR_SHAPES:
                if kind == "naive" and label == "realistic_size":
                    continue
                yield Case(f"{function}_{label}", 1, f"{module}:{function}", function,
                           calls=linear_loss(f"{module}:{function}", num_train, dim, num_classes, reg),
                           check=matches_either_reference(LOSS_AND_GRADIENT, "out", "half_reg"),
                           source_rule=rule if label == "random" else None, timeout=20,
                           hint=naive_hint if kind == "naive" else
                           "Compute all scores with one matrix product; build dW from a matrix of coefficients.")
        if short == "softmax":
            for kind in ("naive", "vectorized"):
                function = f"softmax_loss_{kind}"
                yield Case(f"{function}_large_scores", 1, f"{module}:{function}", function,
                           calls=linear_loss(f"{module}:{function}", 6, 5, 4, 0.1, large_scores=True),
                           check=matches_either_reference(LOSS_AND_GRADIENT, "out", "half_reg"),
                           hint="exp() of a score of 1000 overflows: subtract each row's maximum score first.")


def blobs(rng, num_train, dim, num_classes, spread=4.0):
    """Well separated Gaussian clusters, one per class, with a bias column of ones."""
    centres = spread * rng.normal(size=(num_classes, dim))
    y = rng.integers(num_classes, size=num_train)
    X = centres[y] + rng.normal(size=(num_train, dim))
    return np.hstack([X, np.ones((num_train, 1))]), y


def linear_training(classifier):
    def calls(rng):
        X, y = blobs(rng, 300, 5, 3)
        return ([Call("__init__", target=f"{LINEAR}:{classifier}"),
                 Call("train", (X, y), {"learning_rate": 1e-2, "reg": 1e-5, "num_iters": 150, "batch_size": 50},
                      save="history"),
                 Call("predict", (X,), save="predictions")], {"y": y, "num_iters": 150})
    return calls


def learns(got, expected=None, given=None):
    """Check, whatever the random minibatches: one loss per iteration, the loss
    falls, and the trained classifier separates well separated clusters."""
    history = as_array(got.get("history"), "the loss history")
    if isinstance(history, Verdict):
        return history
    if history.shape != (given["num_iters"],):
        return Verdict(False, f"train should return a list of num_iters ({given['num_iters']}) losses; "
                              f"got {history.size}")
    if not np.all(np.isfinite(history)) or not history[-10:].mean() < history[:10].mean():
        return Verdict(False, "the loss did not go down during training: check the minibatch and the update")
    predictions = as_array(got.get("predictions"), "the predictions")
    if isinstance(predictions, Verdict):
        return predictions
    accuracy = float(np.mean(predictions.ravel() == given["y"])) if predictions.size == given["y"].size else 0.0
    if accuracy < 0.9:
        return Verdict(False, f"after training on well separated clusters the training accuracy is only "
                              f"{accuracy:.2f} (at least 0.90 expected)")
    return PASS


def predictions(num_train, dim, num_classes):
    def calls(rng):
        W, X, _ = linear_data(rng, num_train, dim, num_classes)
        return [Call("__init__"), Call("__setattr__", ("W", W)), Call("predict", (X,), save="out")]
    return calls


def linear_classifier_cases():
    yield Case("linear_classifier_predict", 1, f"{LINEAR}:Softmax", "LinearClassifier.predict",
               calls=predictions(15, 6, 4), check=matches_reference(labels()),
               hint="Predict the class with the highest score, X.dot(W).argmax(axis=1).")
    yield Case("linear_classifier_predict_single_example", 1, f"{LINEAR}:LinearSVM", "LinearClassifier.predict",
               calls=predictions(1, 4, 3), check=matches_reference(labels()),
               hint="For one example, return an array of shape (1,).")
    for classifier in ("LinearSVM", "Softmax"):
        yield Case(f"{classifier.lower()}_train_learns", 2, f"{LINEAR}:{classifier}", "LinearClassifier.train",
                   calls=linear_training(classifier), check=learns, reference=False, timeout=20,
                   hint="Sample a minibatch with np.random.choice, then step W against the gradient.")


# ------------------------------------------------------------------ layers
def forward(function, shapes):
    def calls(rng):
        return [Call(None, tuple(rng.normal(size=shape) for shape in shapes), save="out", pick=(0,))]
    return calls


def backward(forward_function, backward_function, shapes, dout_shape):
    def calls(rng):
        inputs = tuple(rng.normal(size=shape) for shape in shapes)
        return [Call(None, inputs, target=f"{LAYERS}:{forward_function}", keep="forward"),
                Call(None, (rng.normal(size=dout_shape), Ref("forward", 1)), save="out")]
    return calls


def loss_layer(num_train, num_classes, offset=0.0):
    """Scores (N, C) and labels; an `offset` of 1000 makes exp() overflow
    unless the scores are shifted, as in `linear_loss`."""
    def calls(rng):
        x = offset + rng.normal(size=(num_train, num_classes))
        return [Call(None, (x, rng.integers(num_classes, size=num_train)), save="out")]
    return calls


def layer_cases():
    grads = {"affine": each(close(), close(), close(), names=("dx", "dw", "db"))}
    yield Case("affine_forward_multidimensional", 1, f"{LAYERS}:affine_forward", "affine_forward",
               calls=forward("affine_forward", [(4, 3, 2, 2), (12, 5), (5,)]), check=matches_reference(close()),
               hint="Reshape each example of x to one row of D = d_1 * ... * d_k entries.")
    yield Case("affine_forward_single_example", 1, f"{LAYERS}:affine_forward", "affine_forward",
               calls=forward("affine_forward", [(1, 7), (7, 3), (3,)]), check=matches_reference(close()),
               hint="Use x.shape[0] for N rather than assuming N > 1.")
    yield Case("affine_backward_multidimensional", 1, f"{LAYERS}:affine_backward", "affine_backward",
               calls=backward("affine_forward", "affine_backward", [(4, 3, 2, 2), (12, 5), (5,)], (4, 5)),
               check=matches_reference(grads["affine"]), hint="dx must have the original shape of x.")
    yield Case("affine_backward_single_example", 1, f"{LAYERS}:affine_backward", "affine_backward",
               calls=backward("affine_forward", "affine_backward", [(1, 6), (6, 2), (2,)], (1, 2)),
               check=matches_reference(grads["affine"]), hint="db is dout summed over the examples.")
    yield Case("relu_forward_random", 1, f"{LAYERS}:relu_forward", "relu_forward",
               calls=forward("relu_forward", [(5, 3, 4)]), check=matches_reference(close()),
               hint="ReLU keeps positive entries and sets the others to 0, whatever the shape.")
    yield Case("relu_backward_random", 1, f"{LAYERS}:relu_backward", "relu_backward",
               calls=backward("relu_forward", "relu_backward", [(5, 3, 4)], (5, 3, 4)),
               check=matches_reference(close()), hint="Pass dout through where x > 0 only.")
    for name, hint in (("svm_loss", "Margins of 1 against the correct class score, averaged over N."),
                       ("softmax_loss", "Shift scores by the row maximum; average the loss and dx over N.")):
        yield Case(f"{name}_layer_random", 1, f"{LAYERS}:{name}", name, calls=loss_layer(10, 6),
                   check=matches_reference(LOSS_AND_GRADIENT), hint=hint)
        yield Case(f"{name}_layer_single_example", 1, f"{LAYERS}:{name}", name, calls=loss_layer(1, 4),
                   check=matches_reference(LOSS_AND_GRADIENT), hint=hint)
    yield Case("softmax_loss_layer_large_scores", 1, f"{LAYERS}:softmax_loss", "softmax_loss",
               calls=loss_layer(5, 4, offset=1000.0), check=matches_reference(LOSS_AND_GRADIENT),
               hint="exp() of a large score overflows: subtract each row's maximum first.")


# -------------------------------------------------------------- the network
def net_loss(num_train, reg, with_labels=True):
    def calls(rng):
        params = net_params(rng, dims=(8, 6, 4))
        X = rng.normal(size=(num_train, 8))
        args = (X, rng.integers(4, size=num_train)) if with_labels else (X,)
        return [Call("__init__", kwargs={"input_dim": 8, "hidden_dim": 6, "num_classes": 4, "reg": reg}),
                Call("__setattr__", ("params", params)), Call("loss", args, save="out")]
    return calls


def net_training(rng):
    X, y = blobs(rng, 400, 10, 3)
    data = {"X_train": X[:300, :-1], "y_train": y[:300], "X_val": X[300:, :-1], "y_val": y[300:]}
    return [Call("__init__", target=NET, kwargs={"input_dim": 10, "hidden_dim": 20, "num_classes": 3,
                                                 "weight_scale": 1e-1, "reg": 1e-3}, keep="model"),
            Call("__init__", (Ref("model"), data), {"update_rule": "sgd", "optim_config": {"learning_rate": 0.1},
                                                    "num_epochs": 8, "batch_size": 25, "verbose": False},
                 target="cs231n.solver:Solver"),
            Call("train"),
            Call("check_accuracy", (data["X_val"], data["y_val"]), save="accuracy")]


def trains_well(got, expected=None, given=None):
    accuracy = got.get("accuracy")
    if not isinstance(accuracy, (int, float)) or not accuracy >= 0.9:
        return Verdict(False, f"trained with Solver on well separated clusters, the net reaches a validation "
                              f"accuracy of {accuracy} (at least 0.90 expected)")
    return PASS


def net_cases():
    grads = each(close(), mapping(close()), names=("the loss", "grads"))
    hint = "Forward: affine - relu - affine; backward through the same steps in reverse."
    yield Case("two_layer_net_scores", 1, NET, "TwoLayerNet.loss", calls=net_loss(5, 0.0, with_labels=False),
               check=matches_reference(close()), hint="With y=None, return the scores of the second affine layer.")
    yield Case("two_layer_net_loss_without_reg", 2, NET, "TwoLayerNet.loss", calls=net_loss(9, 0.0),
               check=matches_reference(grads), hint=hint)
    yield Case("two_layer_net_loss_with_reg", 2, NET, "TwoLayerNet.loss", calls=net_loss(9, 0.7),
               check=matches_reference(grads),
               hint="The penalty is 0.5 * reg * (sum(W1**2) + sum(W2**2)); its gradient is reg * W.")
    yield Case("two_layer_net_loss_single_example", 1, NET, "TwoLayerNet.loss", calls=net_loss(1, 0.3),
               check=matches_reference(grads), hint=hint)
    yield Case("two_layer_net_trains_with_solver", 2, "cs231n.solver:Solver", "TwoLayerNet (trained by Solver)",
               calls=net_training, check=trains_well, reference=False, timeout=30,
               hint="If the gradients check out, look at the initialisation (weight_scale) and the loss scale.")


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

    *linear_loss_cases(),
    *linear_classifier_cases(),
    *layer_cases(),
    *net_cases(),
]
