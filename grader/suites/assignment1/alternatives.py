"""Assignment 1: correct code written differently from the reference, which
must score full marks (another vectorisation, the other reading of "L2
regularisation", 0.5 * reg * sum(W**2), float labels, (1, D) where (D,) is
meant, scipy), and code that only looks right, which must lose its cases.
Instructors only.
"""
from grader.public.suite import Alternative

SVM = "cs231n/classifiers/linear_svm.py"
SOFTMAX = "cs231n/classifiers/softmax.py"
LAYERS = "cs231n/layers.py"
NET = "cs231n/classifiers/fc_net.py"
KNN = "cs231n/classifiers/k_nearest_neighbor.py"
LINEAR = "cs231n/classifiers/linear_classifier.py"

ALTERNATIVES = {
    # Half-strength penalty, take_along_axis, a boolean mask.
    "svm_loss_vectorized_half_reg": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    margins = scores - np.take_along_axis(scores, y[:, None], axis=1) + 1
    margins[np.arange(n), y] = 0
    active = margins > 0
    loss = margins[active].sum() / n + 0.5 * reg * (W ** 2).sum()
    coeff = active.astype(float)
    coeff[np.arange(n), y] = -active.sum(axis=1)
    return loss, X.T @ coeff / n + reg * W
'''),
    # The starter's loops, the other way round, and the half-strength penalty.
    "svm_loss_naive_half_reg": Alternative(SVM, "svm_loss_naive", '''
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros_like(W)
    loss = 0.0
    for j in range(W.shape[1]):
        for i in range(X.shape[0]):
            if j == y[i]:
                continue
            margin = X[i] @ W[:, j] - X[i] @ W[:, y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    n = X.shape[0]
    return loss / n + 0.5 * reg * np.sum(W * W), dW / n + reg * W
'''),
    # scipy's logsumexp and a one-hot matrix.
    "softmax_loss_vectorized_logsumexp": Alternative(SOFTMAX, "softmax_loss_vectorized", '''
def softmax_loss_vectorized(W, X, y, reg):
    from scipy.special import logsumexp
    n, c = X.shape[0], W.shape[1]
    scores = X.dot(W)
    log_probs = scores - logsumexp(scores, axis=1, keepdims=True)
    one_hot = np.eye(c)[y]
    loss = -np.sum(one_hot * log_probs) / n + reg * np.sum(W ** 2)
    dW = X.T.dot(np.exp(log_probs) - one_hot) / n + 2 * reg * W
    return loss, dW
'''),
    "softmax_loss_naive_half_reg": Alternative(SOFTMAX, "softmax_loss_naive", '''
def softmax_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    n = X.shape[0]
    for i in range(n):
        s = X[i].dot(W)
        s = s - s.max()
        p = np.exp(s) / np.sum(np.exp(s))
        loss -= np.log(p[y[i]])
        for j in range(W.shape[1]):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    return loss / n + 0.5 * reg * np.sum(W * W), dW / n + reg * W
'''),
    # db shaped (1, M) by keepdims, as some students return it.
    "affine_backward_keepdims": Alternative(LAYERS, "affine_backward", '''
def affine_backward(dout, cache):
    x, w, b = cache
    x2 = x.reshape(x.shape[0], np.prod(x.shape[1:]))
    return (dout @ w.T).reshape(*x.shape), x2.T @ dout, dout.sum(axis=0, keepdims=True)
'''),
    "softmax_loss_layer_probabilities": Alternative(LAYERS, "softmax_loss", '''
def softmax_loss(x, y):
    shifted = x - x.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = x.shape[0]
    loss = -np.mean(np.log(probs[np.arange(n), y]))
    dx = probs.copy()
    dx[np.arange(n), y] -= 1
    return loss, dx / n
'''),
    "svm_loss_layer_loops": Alternative(LAYERS, "svm_loss", '''
def svm_loss(x, y):
    n, c = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for i in range(n):
        for j in range(c):
            margin = x[i, j] - x[i, y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin / n
                dx[i, j] += 1 / n
                dx[i, y[i]] -= 1 / n
    return loss, dx
'''),
    # The network written out in numpy, without the layer helpers.
    "two_layer_net_plain_numpy": Alternative(NET, "TwoLayerNet.loss", '''
    def loss(self, X, y=None):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        Xf = X.reshape(X.shape[0], -1)
        h = np.maximum(Xf @ W1 + b1, 0)
        scores = h @ W2 + b2
        if y is None:
            return scores
        n = X.shape[0]
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean() + 0.5 * self.reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
        d = p
        d[np.arange(n), y] -= 1
        d /= n
        dh = (d @ W2.T) * (h > 0)
        return loss, {"W1": Xf.T @ dh + self.reg * W1, "b1": dh.sum(0),
                      "W2": h.T @ d + self.reg * W2, "b2": d.sum(0)}
'''),
}

CHEATS = {
    # Returns nothing computed from its input: its gradient "matches" a constant loss.
    "svm_loss_naive_constant": Alternative(SVM, "svm_loss_naive", '''
def svm_loss_naive(W, X, y, reg):
    return 0.0, np.zeros_like(W)
''', frozenset({"svm_loss_naive_random", "svm_loss_naive_single_example", "svm_loss_naive_zero_reg"})),
    # A loop hidden behind a call to the naive version.
    "svm_loss_vectorized_calls_naive": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    return svm_loss_naive(W, X, y, reg)
''', frozenset({"svm_loss_vectorized_has_no_loops"})),
    # The loop moved into a helper of the same file.
    "softmax_loss_vectorized_loops_in_a_helper": Alternative(SOFTMAX, "softmax_loss_vectorized", '''
def _by_rows(W, X, y, reg):
    return softmax_loss_naive(W, X, y, reg)


def softmax_loss_vectorized(W, X, y, reg):
    return _by_rows(W, X, y, reg)
''', frozenset({"softmax_loss_vectorized_has_no_loops"})),
    # The naive version reached through exec, its name spelled in pieces.
    "svm_loss_vectorized_through_exec": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    scope = {**globals(), "W": W, "X": X, "y": y, "reg": reg}
    exec("out = svm_loss_" + "naive(W, X, y, reg)", scope)
    return scope["out"]
''', frozenset({"svm_loss_vectorized_has_no_loops"})),
    # A loop-free def, then the name bound to the naive version: the def never runs.
    "svm_loss_vectorized_rebound": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    return 0.0, np.zeros_like(W)


svm_loss_vectorized = svm_loss_naive
''', frozenset({"svm_loss_vectorized_has_no_loops"})),
}

# The blank release with each of these planted must still score 0: code that
# earns points without computing anything, by reading what ships with the
# assignment (the public cases' inputs and answers), by faking a check, or
# by memorising the training data.  (Issue: a blank release plus these
# scored 22/76 when public cases counted and training was judged on the
# training set.)
BLANK_CHEATS = {
    # The student's own Solver reports a perfect accuracy.
    "solver_reports_perfect_accuracy": Alternative("cs231n/solver.py", "Solver.check_accuracy", '''
    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        return 1.0
'''),
    # train remembers the training set; predict looks each example up in it.
    "linear_classifier_memorises_training_set": Alternative(LINEAR, "LinearClassifier.train", '''
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
        self.memory = {np.asarray(x).tobytes(): label for x, label in zip(X, y)}
        if self.W is None:
            self.W = np.zeros((X.shape[1], int(np.max(y)) + 1))
        return list(np.linspace(2.0, 1.0, num_iters))
'''),
    "linear_classifier_predicts_from_memory": Alternative(LINEAR, "LinearClassifier.predict", '''
    def predict(self, X):
        memory = getattr(self, "memory", {})
        return np.array([memory.get(np.asarray(x).tobytes(), 0) for x in X])
'''),
    # A loss and a gradient that agree with each other, and with nothing else.
    "svm_loss_naive_consistent_fake": Alternative(SVM, "svm_loss_naive", '''
def svm_loss_naive(W, X, y, reg):
    return float(np.sum(W)), np.ones_like(W)
'''),
    "softmax_loss_naive_consistent_fake": Alternative(SOFTMAX, "softmax_loss_naive", '''
def softmax_loss_naive(W, X, y, reg):
    return float(np.sum(W)), np.ones_like(W)
'''),
    "affine_backward_consistent_fake": Alternative(LAYERS, "affine_backward", '''
def affine_backward(dout, cache):
    x, w, b = cache
    return np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
'''),
    # Answers copied from the public cases, which ship with the assignment.
    "two_loops_answers_the_public_example": Alternative(KNN, "KNearestNeighbor.compute_distances_two_loops", '''
    def compute_distances_two_loops(self, X):
        return np.array([[0.0, 5.0, 13.0], [3.0, np.sqrt(20.0), np.sqrt(148.0)]])
'''),
    "predict_labels_answers_the_public_example": Alternative(KNN, "KNearestNeighbor.predict_labels", '''
    def predict_labels(self, dists, k=1):
        return np.array([0, 2, 1, 2, 2]) if k == 1 else np.array([0, 1, 0, 0, 1])
'''),
    "affine_forward_answers_the_public_example": Alternative(LAYERS, "affine_forward", '''
def affine_forward(x, w, b):
    return np.array([[-3.5, -4.0, -2.0], [-3.5, 4.0, 6.0]]), (x, w, b)
'''),
    "net_initialises_for_the_public_example": Alternative(NET, "TwoLayerNet.__init__", '''
    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        self.params = {"W1": 1e-2 * np.random.randn(60, 100), "b1": np.zeros(100),
                       "W2": 1e-2 * np.random.randn(100, 50), "b2": np.zeros(50)}
        self.reg = reg
'''),
}
