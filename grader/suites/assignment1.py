"""Assignment 1, public cases: what `python -m grader check` runs for a student.

These need no reference solution: small examples whose answers are worked
out by hand below, and properties a correct implementation must have (the
loop-free distances equal the two-loop ones).  The hidden suite compares
against the reference solution on fresh inputs instead.  Cases that compare
two of the student's functions (two-loop and no-loop distances, a layer's
backward pass and its forward pass) are self-checks only (graded=False): in
grading, a bug in one function must not cost the points of another.
"""
import numpy as np

from grader.compare import Verdict, PASS, agree, as_array, close, each, equals_data, labels
from grader.numeric import matches_numeric, nudged_calls, sample_entries
from grader.source_rules import no_loops
from grader.suite import Call, Case, Ref

KNN = "cs231n.classifiers.k_nearest_neighbor:KNearestNeighbor"
KNN_FILE = "cs231n/classifiers/k_nearest_neighbor.py"
CV = "knn.ipynb:k_fold_cross_validation"
SVM = "cs231n.classifiers.linear_svm"
SOFTMAX = "cs231n.classifiers.softmax"
LINEAR = "cs231n.classifiers.linear_classifier"
LAYERS = "cs231n.layers"
NET = "cs231n.classifiers.fc_net:TwoLayerNet"
LOSS_AND_GRADIENT = each(close(), close(), names=("the loss", "the gradient"))


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


def _has_fold_accuracies(got, expected=None, given=None):
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


# ------------------------------------------------------- linear classifiers
def linear_data(rng, num_train=20, dim=10, num_classes=4, weight_scale=1.0):
    """Weights W (D, C), examples X (N, D) and integer labels y (N,)."""
    return (weight_scale * rng.normal(size=(dim, num_classes)), rng.normal(size=(num_train, dim)),
            rng.integers(num_classes, size=num_train))


def loss_gradient_check(target, reg):
    """The loss at W +- h in sampled entries, and the analytic dW at W."""
    def calls(rng):
        W, X, y = linear_data(rng)
        evaluate = lambda W_nudged, save: [Call(None, (W_nudged, X, y, reg), save=save, pick=(0,))]
        return [Call(None, (W, X, y, reg), save="analytic", pick=(1,)),
                *nudged_calls(evaluate, W, sample_entries(rng, W.shape, 8))]
    return calls


def naive_and_vectorized(module):
    def calls(rng):
        W, X, y = linear_data(rng, num_train=30, weight_scale=0.1)
        return [Call(None, (W, X, y, 0.5), target=f"{module}:{kind}", save=kind)
                for kind in (f"{module.rsplit('.', 1)[1].replace('linear_', '')}_loss_naive",
                             f"{module.rsplit('.', 1)[1].replace('linear_', '')}_loss_vectorized")]
    return calls


def initial_loss(expected, tolerance):
    """Check: with tiny random weights, the loss is close to its expected value."""
    def check(got, _expected=None, given=None):
        out = got.get("out")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return Verdict(False, "should return a tuple (loss, dW)")
        loss = as_array(out[0], "the loss")
        if isinstance(loss, Verdict):
            return loss
        if loss.size != 1 or not abs(float(loss.ravel()[0]) - expected) <= tolerance:
            return Verdict(False, f"with tiny random weights the loss should be close to {expected:.4f}, "
                                  f"within {tolerance:g}; got {loss.ravel()[:1]}")
        return PASS
    return check


def tiny_weights(target):
    def calls(rng):
        W, X, y = linear_data(rng, num_train=500, dim=30, num_classes=10, weight_scale=1e-4)
        return [Call(None, (W, X, y, 0.0), target=target, save="out")]
    return calls


PREDICT_W = np.array([[2.0, -1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 3.0]])
PREDICT_X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])


# ------------------------------------------------------------------ layers
def layer_gradient_check(forward, backward, shapes, make_extra=None):
    """Each input of `forward` nudged in sampled entries (its outputs saved),
    against the gradients from `backward(dout, cache)` of one forward pass."""
    def calls(rng):
        inputs = [rng.normal(size=shape) for shape in shapes]
        extra = make_extra(rng, inputs) if make_extra else ()
        out_shape = (shapes[0][0], shapes[1][-1]) if len(shapes) > 1 else shapes[0]
        dout = rng.normal(size=out_shape)
        calls = [Call(None, (*inputs, *extra), target=forward, keep="forward"),
                 Call(None, (dout, Ref("forward", 1)), target=backward, keep="grads")]
        given = {}
        for position, x in enumerate(inputs):
            prefix = f"input{position}_"
            grads = Call(None, (dout, Ref("forward", 1)), target=backward, save=prefix + "analytic",
                         pick=(position,) if len(inputs) > 1 else None)
            calls.append(grads)

            def evaluate(x_nudged, save, position=position):
                arguments = list(inputs)
                arguments[position] = x_nudged
                return [Call(None, (*arguments, *extra), target=forward, save=save, pick=(0,))]
            calls += nudged_calls(evaluate, x, sample_entries(rng, x.shape, 6), prefix)
            given[prefix] = dout
        return calls, given
    return calls


def loss_layer_gradient_check(target):
    def calls(rng):
        x, y = rng.normal(size=(8, 5)), rng.integers(5, size=8)
        evaluate = lambda x_nudged, save: [Call(None, (x_nudged, y), save=save, pick=(0,))]
        return [Call(None, (x, y), save="analytic", pick=(1,)), *nudged_calls(evaluate, x, sample_entries(rng, x.shape, 8))]
    return calls


AFFINE_X = np.arange(8.0).reshape(2, 2, 2) - 3
AFFINE_W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 1.0, 0.0], [-2.0, 0.0, 1.0]])
AFFINE_B = np.array([0.5, -1.0, 2.0])
AFFINE_OUT = np.array([[-3.5, -4.0, -2.0], [-3.5, 4.0, 6.0]])  # x.reshape(2, 4) @ w + b, worked out by hand


# -------------------------------------------------------------- the network
def net_params(rng, dims=(6, 5, 3), scale=0.5):
    D, H, C = dims
    return {"W1": scale * rng.normal(size=(D, H)), "b1": 0.1 * rng.normal(size=H),
            "W2": scale * rng.normal(size=(H, C)), "b2": 0.1 * rng.normal(size=C)}


def net_gradient_check(reg):
    def calls(rng):
        params = net_params(rng)
        X, y = rng.normal(size=(7, 6)), rng.integers(3, size=7)
        calls = [Call("__init__", kwargs={"input_dim": 6, "hidden_dim": 5, "num_classes": 3, "reg": reg})]
        for name, value in params.items():
            calls += [Call("__setattr__", ("params", params)),
                      Call("loss", (X, y), save=f"{name}_analytic", pick=(1, name))]

            def evaluate(nudged_value, save, name=name):
                return [Call("__setattr__", ("params", {**params, name: nudged_value})),
                        Call("loss", (X, y), save=save, pick=(0,))]
            calls += nudged_calls(evaluate, value, sample_entries(rng, value.shape, 4), f"{name}_")
        return calls
    return calls


def _net_initialised(got, expected=None, given=None):
    params = got.get("params")
    shapes = {"W1": (60, 100), "b1": (100,), "W2": (100, 50), "b2": (50,)}
    if not isinstance(params, dict) or sorted(params) != sorted(shapes):
        return Verdict(False, "self.params should hold exactly the keys W1, b1, W2, b2")
    for name, shape in shapes.items():
        value = np.asarray(params[name], dtype=float)
        if value.shape != shape:
            return Verdict(False, f"self.params[{name!r}] has shape {value.shape}; expected {shape}")
        if name.startswith("b") and np.any(value != 0):
            return Verdict(False, f"self.params[{name!r}] should start at zero")
        if name.startswith("W") and not abs(value.std() - 1e-2) < 1e-3:
            return Verdict(False, f"self.params[{name!r}] should be Gaussian with standard deviation "
                                  f"weight_scale (1e-2 here); its standard deviation is {value.std():.2e}")
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

    # Linear classifiers: the gradient you derive against the numerical one.
    Case("svm_naive_gradient_matches_numeric", 1, f"{SVM}:svm_loss_naive", "svm_loss_naive", hidden=False,
         calls=loss_gradient_check(f"{SVM}:svm_loss_naive", 0.1), check=matches_numeric(names={"": "dW"}),
         hint="For each violated margin, column j of dW gains X[i] and column y[i] loses it."),
    Case("svm_vectorized_matches_naive", 1, SVM + ":svm_loss_vectorized", "svm_loss_vectorized", hidden=False,
         graded=False, calls=naive_and_vectorized(SVM),
         check=agree("svm_loss_vectorized", "svm_loss_naive", LOSS_AND_GRADIENT)),
    Case("svm_initial_loss_and_no_loops", 1, SVM + ":svm_loss_vectorized", "svm_loss_vectorized", hidden=False,
         calls=tiny_weights(f"{SVM}:svm_loss_vectorized"), check=initial_loss(9.0, 0.01),
         source_rule=no_loops("cs231n/classifiers/linear_svm.py", "svm_loss_vectorized", forbidden=(),
                              siblings_prefix="svm_loss_"),
         hint="With tiny weights every score is about 0, so each of the C - 1 wrong classes adds a margin of 1."),
    Case("softmax_naive_gradient_matches_numeric", 1, f"{SOFTMAX}:softmax_loss_naive", "softmax_loss_naive",
         hidden=False, calls=loss_gradient_check(f"{SOFTMAX}:softmax_loss_naive", 0.1),
         check=matches_numeric(names={"": "dW"}),
         hint="The gradient of the loss for the scores is the softmax probabilities minus 1 at the correct class."),
    Case("softmax_vectorized_matches_naive", 1, SOFTMAX + ":softmax_loss_vectorized", "softmax_loss_vectorized",
         hidden=False, graded=False, calls=naive_and_vectorized(SOFTMAX),
         check=agree("softmax_loss_vectorized", "softmax_loss_naive", LOSS_AND_GRADIENT)),
    Case("softmax_initial_loss_and_no_loops", 1, SOFTMAX + ":softmax_loss_vectorized", "softmax_loss_vectorized",
         hidden=False, calls=tiny_weights(f"{SOFTMAX}:softmax_loss_vectorized"),
         check=initial_loss(float(np.log(10)), 0.05),
         source_rule=no_loops("cs231n/classifiers/softmax.py", "softmax_loss_vectorized", forbidden=(),
                              siblings_prefix="softmax_loss_"),
         hint="With tiny weights all 10 classes are equally likely: the loss is about -log(1/10)."),
    Case("linear_classifier_predict_fixed_example", 1, f"{LINEAR}:LinearSVM", "LinearClassifier.predict",
         hidden=False, calls=lambda rng: [Call("__init__"), Call("__setattr__", ("W", PREDICT_W)),
                                          Call("predict", (PREDICT_X,), save="out")],
         check=equals_data(np.array([0, 1, 2, 1, 0]), labels()),
         hint="The predicted class of each row of X is the column of X.dot(W) with the highest score."),
    # Layers: forward on a small example, backward against numerical gradients.
    Case("affine_forward_fixed_example", 1, f"{LAYERS}:affine_forward", "affine_forward", hidden=False,
         calls=lambda rng: [Call(None, (AFFINE_X, AFFINE_W, AFFINE_B), save="out", pick=(0,))],
         check=equals_data(AFFINE_OUT, close()),
         hint="Reshape x to (N, D) first: each example's entries, in order, form one row."),
    Case("affine_backward_matches_numeric", 1, f"{LAYERS}:affine_backward", "affine_backward", hidden=False,
         graded=False,
         calls=layer_gradient_check(f"{LAYERS}:affine_forward", f"{LAYERS}:affine_backward",
                                    [(4, 2, 3), (6, 5), (5,)]),
         check=matches_numeric(("input0_", "input1_", "input2_"),
                               names={"input0_": "dx", "input1_": "dw", "input2_": "db"}),
         hint="dx must have the shape of x (reshape it back); db sums dout over the examples."),
    Case("relu_backward_matches_numeric", 1, f"{LAYERS}:relu_backward", "relu_backward", hidden=False,
         graded=False,
         calls=layer_gradient_check(f"{LAYERS}:relu_forward", f"{LAYERS}:relu_backward", [(6, 4)]),
         check=matches_numeric(("input0_",), names={"input0_": "dx"}),
         hint="The gradient flows through where the input was positive, and is 0 elsewhere."),
    Case("svm_loss_layer_matches_numeric", 1, f"{LAYERS}:svm_loss", "svm_loss", hidden=False,
         calls=loss_layer_gradient_check(f"{LAYERS}:svm_loss"), check=matches_numeric(names={"": "dx"}),
         hint="Average over the N examples, in the loss and in dx."),
    Case("softmax_loss_layer_matches_numeric", 1, f"{LAYERS}:softmax_loss", "softmax_loss", hidden=False,
         calls=loss_layer_gradient_check(f"{LAYERS}:softmax_loss"), check=matches_numeric(names={"": "dx"}),
         hint="dx is (softmax probabilities - one-hot labels) / N."),
    # The two-layer network.
    Case("two_layer_net_initialisation", 1, NET, "TwoLayerNet.__init__", hidden=False,
         calls=lambda rng: [Call("__init__", kwargs={"input_dim": 60, "hidden_dim": 100, "num_classes": 50,
                                                     "weight_scale": 1e-2}),
                            Call("__getattribute__", ("params",), save="params")],
         check=_net_initialised, hint="Weights: weight_scale * np.random.randn(...); biases: np.zeros(...)."),
    Case("two_layer_net_gradients_match_numeric", 2, NET, "TwoLayerNet.loss", hidden=False,
         calls=net_gradient_check(0.7),
         check=matches_numeric(("W1_", "b1_", "W2_", "b2_"),
                               names={f"{n}_": f"grads[{n!r}]" for n in ("W1", "b1", "W2", "b2")}),
         hint="Backpropagate through affine - relu - affine - softmax; add reg * W to each weight's gradient."),
]
