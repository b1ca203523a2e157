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
''', frozenset({"svm_naive_gradient_matches_numeric"})),
    # A loop hidden behind a call to the naive version.
    "svm_loss_vectorized_calls_naive": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    return svm_loss_naive(W, X, y, reg)
''', frozenset({"svm_initial_loss_and_no_loops"})),
    # The loop moved into a helper of the same file.
    "softmax_loss_vectorized_loops_in_a_helper": Alternative(SOFTMAX, "softmax_loss_vectorized", '''
def _by_rows(W, X, y, reg):
    return softmax_loss_naive(W, X, y, reg)


def softmax_loss_vectorized(W, X, y, reg):
    return _by_rows(W, X, y, reg)
''', frozenset({"softmax_initial_loss_and_no_loops", "softmax_loss_vectorized_random"})),
    # The naive version reached through exec, its name spelled in pieces.
    "svm_loss_vectorized_through_exec": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    scope = {**globals(), "W": W, "X": X, "y": y, "reg": reg}
    exec("out = svm_loss_" + "naive(W, X, y, reg)", scope)
    return scope["out"]
''', frozenset({"svm_initial_loss_and_no_loops", "svm_loss_vectorized_random"})),
    # A loop-free def, then the name bound to the naive version: the def never runs.
    "svm_loss_vectorized_rebound": Alternative(SVM, "svm_loss_vectorized", '''
def svm_loss_vectorized(W, X, y, reg):
    return 0.0, np.zeros_like(W)


svm_loss_vectorized = svm_loss_naive
''', frozenset({"svm_initial_loss_and_no_loops", "svm_loss_vectorized_random"})),
}
