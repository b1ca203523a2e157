"""Assignment 1, public cases: what `python -m grader check` runs for a student.

These need no reference solution: small examples whose answers are worked
out by hand below, numerical gradient checks, and properties a correct
implementation must have (the loop-free distances equal the two-loop ones).
They ship with the assignment, answers and all, so none of them counts:
they are the student's self-checks.  Grading runs the hidden suite, which
covers the same functions on fresh inputs against the reference solution.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, agree, as_array, close, each, labels
from grader.public.kinds import Function, Layer, Loss, Model
from grader.public.plan import Call
from grader.public.source_rules import no_loops

KNN = "cs231n.classifiers.k_nearest_neighbor:KNearestNeighbor"
KNN_FILE = "cs231n/classifiers/k_nearest_neighbor.py"
SVM = "cs231n.classifiers.linear_svm"
SOFTMAX = "cs231n.classifiers.softmax"
LINEAR = "cs231n.classifiers.linear_classifier"
LAYERS = "cs231n.layers"
NET = "cs231n.classifiers.fc_net:TwoLayerNet"
LOSS_AND_GRADIENT = each(close(), close(), names=("the loss", "the gradient"))

knn = Model(KNN)
cross_validation = Function("knn.ipynb", "k_fold_cross_validation", "k_fold_cross_validation (knn.ipynb)")
svm_naive, svm_vectorized = Loss(SVM, "svm_loss_naive"), Loss(SVM, "svm_loss_vectorized")
softmax_naive, softmax_vectorized = Loss(SOFTMAX, "softmax_loss_naive"), Loss(SOFTMAX, "softmax_loss_vectorized")
affine = Layer(LAYERS, "affine_forward", "affine_backward", x=(4, 2, 3), w=(6, 5), b=(5,))
relu = Layer(LAYERS, "relu_forward", "relu_backward", x=(6, 4))
svm_loss_layer, softmax_loss_layer = Loss(LAYERS, "svm_loss"), Loss(LAYERS, "softmax_loss")
net = Model(NET)


def knn_steps(X_train, y_train, *calls):
    """A fresh KNearestNeighbor, trained on (X_train, y_train), then `calls`."""
    return knn.steps(Call("train", X_train, y_train), *calls)


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
    return lambda rng: knn_steps(FIXED_TRAIN, np.array([0, 1, 2]), Call(method, *args, save="out", **kwargs))


def _vote_example(name, k, expected, hint):
    """predict_labels on FIXED_LABEL_DISTS with `k`, against labels worked out by hand."""
    plan = lambda rng: knn_steps(np.zeros((5, 1)), FIXED_LABELS_TRAIN,
                                 Call("predict_labels", FIXED_LABEL_DISTS, k=k, save="out"))
    return knn.method("predict_labels").example(name, plan, np.array(expected), labels(), hint=hint)


def _two_methods(first, second):
    def plan(rng):
        X_train, y_train, X_test = knn_data(rng, 40, 12, 7)
        return knn_steps(X_train, y_train, Call(first, X_test, save=first), Call(second, X_test, save=second))
    return plan


def _cross_validation_plan(rng):
    X, _, _ = knn_data(rng, 30, 0, 4)
    y = rng.integers(3, size=30)
    return [cross_validation.call(X, y, [1, 3, 5], num_folds=3)]


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


def _linear_inputs(reg):
    return lambda rng: (*linear_data(rng), reg)


def _naive_and_vectorized(naive, vectorized):
    def plan(rng):
        W, X, y = linear_data(rng, num_train=30, weight_scale=0.1)
        return [kind.call(W, X, y, 0.5, save=kind.function) for kind in (naive, vectorized)]
    return plan


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


def _tiny_weights(loss):
    def plan(rng):
        W, X, y = linear_data(rng, num_train=500, dim=30, num_classes=10, weight_scale=1e-4)
        return [loss.call(W, X, y, 0.0)]
    return plan


def _vectorized_cases(short, naive, vectorized, module_file, expected, tolerance, hint):
    return [
        vectorized.self_check(f"{short}_vectorized_matches_naive", _naive_and_vectorized(naive, vectorized),
                              agree(vectorized.function, naive.function, LOSS_AND_GRADIENT)),
        vectorized.property(f"{short}_initial_loss_and_no_loops", _tiny_weights(vectorized),
                            initial_loss(expected, tolerance), hint=hint,
                            source_rule=no_loops(module_file, vectorized.function, forbidden=(),
                                                 siblings_prefix=f"{short}_loss_")),
    ]


PREDICT_W = np.array([[2.0, -1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 3.0]])
PREDICT_X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
linear_svm = Model(f"{LINEAR}:LinearSVM", "LinearClassifier")

# ------------------------------------------------------------------ layers
AFFINE_X = np.arange(8.0).reshape(2, 2, 2) - 3
AFFINE_W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 1.0, 0.0], [-2.0, 0.0, 1.0]])
AFFINE_B = np.array([0.5, -1.0, 2.0])
AFFINE_OUT = np.array([[-3.5, -4.0, -2.0], [-3.5, 4.0, 6.0]])  # x.reshape(2, 4) @ w + b, worked out by hand


def _scores_and_labels(rng):
    return rng.normal(size=(8, 5)), rng.integers(5, size=8)


# -------------------------------------------------------------- the network
def net_params(rng, dims=(6, 5, 3), scale=0.5):
    D, H, C = dims
    return {"W1": scale * rng.normal(size=(D, H)), "b1": 0.1 * rng.normal(size=H),
            "W2": scale * rng.normal(size=(H, C)), "b2": 0.1 * rng.normal(size=C)}


def net_initialised(input_dim, hidden_dim, num_classes, weight_scale):
    """Check of TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale).params:
    the four shapes, zero biases, weights of standard deviation weight_scale
    (within 15 %: each weight matrix here has a thousand entries or more)."""
    shapes = {"W1": (input_dim, hidden_dim), "b1": (hidden_dim,), "W2": (hidden_dim, num_classes),
              "b2": (num_classes,)}

    def check(got, expected=None, given=None):
        params = got.get("params")
        if not isinstance(params, dict) or sorted(params, key=str) != sorted(shapes):
            return Verdict(False, "self.params should hold exactly the keys W1, b1, W2, b2")
        for name, shape in shapes.items():
            value = as_array(params[name], f"self.params[{name!r}]")
            if isinstance(value, Verdict):
                return value
            if value.shape != shape:
                return Verdict(False, f"self.params[{name!r}] has shape {value.shape}; expected {shape}")
            if name.startswith("b") and np.any(value != 0):
                return Verdict(False, f"self.params[{name!r}] should start at zero")
            if name.startswith("W") and not abs(value.std() - weight_scale) < 0.15 * weight_scale:
                return Verdict(False, f"self.params[{name!r}] should be Gaussian with standard deviation "
                                      f"weight_scale ({weight_scale:g} here); its standard deviation is "
                                      f"{value.std():.2e}")
        return PASS
    return check


def net_initialisation(input_dim, hidden_dim, num_classes, weight_scale):
    """The plan that builds a TwoLayerNet and reads its params."""
    init = {"input_dim": input_dim, "hidden_dim": hidden_dim, "num_classes": num_classes,
            "weight_scale": weight_scale}
    return lambda rng: net.steps(net.get("params", save="params"), init=init)


CASES = [
    knn.method("compute_distances_two_loops").example(
        "two_loops_fixed_example", _fixed("compute_distances_two_loops", FIXED_TEST), FIXED_DISTS, close(),
        hint="dists[i, j] is the square root of the sum of squared differences between X[i] and X_train[j]."),
    knn.method("compute_distances_one_loop").self_check(
        "one_loop_matches_two_loops", _two_methods("compute_distances_two_loops", "compute_distances_one_loop"),
        agree("compute_distances_one_loop", "compute_distances_two_loops", close()),
        hint="Fill a whole row dists[i, :] per test point, broadcasting X[i] against X_train."),
    knn.method("compute_distances_no_loops").self_check(
        "no_loops_matches_two_loops", _two_methods("compute_distances_two_loops", "compute_distances_no_loops"),
        agree("compute_distances_no_loops", "compute_distances_two_loops", close()),
        hint="Expand ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b and check the broadcasting shapes."),
    knn.method("compute_distances_no_loops").example(
        "no_loops_fixed_example", _fixed("compute_distances_no_loops", FIXED_TEST), FIXED_DISTS, close(),
        source_rule=no_loops(KNN_FILE, "KNearestNeighbor.compute_distances_no_loops",
                             siblings_prefix="compute_distances_"),
        hint="Replace every for/while loop and comprehension with matrix operations."),
    _vote_example("predict_labels_fixed_example", 4, [0, 1, 0, 0, 1],
                  "Take the labels of the k smallest distances; on a tied vote choose the smallest label."),
    _vote_example("predict_labels_k1_fixed_example", 1, [0, 2, 1, 2, 2],
                  "With k=1 each test point takes the label of its single nearest training point."),
    cross_validation.property(
        "cross_validation_returns_fold_accuracies", _cross_validation_plan, _has_fold_accuracies, timeout=20,
        hint="Return a dict mapping every k to the list of its num_folds validation accuracies."),

    # Linear classifiers: the gradient you derive against the numerical one.
    svm_naive.gradient_check("svm_naive_gradient_matches_numeric", _linear_inputs(0.1),
                             hint="For each violated margin, column j of dW gains X[i] and column y[i] loses it."),
    *_vectorized_cases("svm", svm_naive, svm_vectorized, "cs231n/classifiers/linear_svm.py", 9.0, 0.01,
                       "With tiny weights every score is about 0, so each of the C - 1 wrong classes adds a "
                       "margin of 1."),
    softmax_naive.gradient_check(
        "softmax_naive_gradient_matches_numeric", _linear_inputs(0.1),
        hint="The gradient of the loss for the scores is the softmax probabilities minus 1 at the correct class."),
    *_vectorized_cases("softmax", softmax_naive, softmax_vectorized, "cs231n/classifiers/softmax.py",
                       float(np.log(10)), 0.05,
                       "With tiny weights all 10 classes are equally likely: the loss is about -log(1/10)."),
    linear_svm.method("predict").example(
        "linear_classifier_predict_fixed_example",
        lambda rng: linear_svm.steps(linear_svm.set("W", PREDICT_W), Call("predict", PREDICT_X, save="out"), init={}),
        np.array([0, 1, 2, 1, 0]), labels(),
        hint="The predicted class of each row of X is the column of X.dot(W) with the highest score."),
    # Layers: forward on a small example, backward against numerical gradients.
    affine.example("affine_forward_fixed_example", (AFFINE_X, AFFINE_W, AFFINE_B), AFFINE_OUT,
                   hint="Reshape x to (N, D) first: each example's entries, in order, form one row."),
    affine.gradient_check("affine_backward_matches_numeric",
                          hint="dx must have the shape of x (reshape it back); db sums dout over the examples."),
    relu.gradient_check("relu_backward_matches_numeric",
                        hint="The gradient flows through where the input was positive, and is 0 elsewhere."),
    svm_loss_layer.gradient_check("svm_loss_layer_matches_numeric", _scores_and_labels, gradient="dx",
                                  hint="Average over the N examples, in the loss and in dx."),
    softmax_loss_layer.gradient_check("softmax_loss_layer_matches_numeric", _scores_and_labels, gradient="dx",
                                      hint="dx is (softmax probabilities - one-hot labels) / N."),
    # The two-layer network.
    net.method("__init__").property(
        "two_layer_net_initialisation", net_initialisation(60, 100, 50, 1e-2), net_initialised(60, 100, 50, 1e-2),
        hint="Weights: weight_scale * np.random.randn(...); biases: np.zeros(...)."),
    net.method("loss").gradient_check(
        "two_layer_net_gradients_match_numeric",
        lambda rng: (net_params(rng), rng.normal(size=(7, 6)), rng.integers(3, size=7)),
        params=("W1", "b1", "W2", "b2"), init={"input_dim": 6, "hidden_dim": 5, "num_classes": 3, "reg": 0.7},
        hint="Backpropagate through affine - relu - affine - softmax; add reg * W to each weight's gradient."),
]
