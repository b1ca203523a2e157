"""Assignment 2, FullyConnectedNets, BatchNormalization, Dropout: correct
alternatives, which must score full marks, and cheats (never shipped).

Real CS231n code written other ways: batchnorm's backward pass by the closed
form, running averages kept as (1, D) rows, dropout drawn from another random
stream, update rules in 2017's (x, dx, config) signature that change their
arrays in place, layer normalization by transposing batch normalization.
"""
from grader.public.suite import Alternative

LAYERS = "cs231n/layers.py"
OPTIM = "cs231n/optim.py"
NET = "cs231n/classifiers/fc_net.py"

ALTERNATIVES = {
    # keepdims everywhere: the running averages are (1, D) rows.
    "batchnorm_forward_keepdims_running_averages": Alternative(LAYERS, "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros((1, D)))
    running_var = bn_param.get("running_var", np.zeros((1, D)))
    cache = None
    if mode == "train":
        mu = np.mean(x, axis=0, keepdims=True)
        var = np.var(x, axis=0, keepdims=True)
        xhat = (x - mu) / np.sqrt(var + eps)
        out = gamma * xhat + beta
        cache = (xhat, x - mu, np.sqrt(var + eps), gamma)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    bn_param["running_mean"], bn_param["running_var"] = running_mean, running_var
    return out, cache
'''),
    # The closed form in batchnorm_backward too, from its own cache layout.
    "batchnorm_backward_closed_form": Alternative(LAYERS, "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    xhat, xc, std, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (N * std)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
'''),
    # Layer normalization as batch normalization of the transpose.
    "layernorm_forward_by_transposing": Alternative(LAYERS, "layernorm_forward", '''
def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    xt = x.T
    mu, var = xt.mean(axis=0), xt.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = ((xt - mu) / std).T
    return gamma * xhat + beta, (xhat, std[:, None], gamma)
'''),
    # Another random stream: numpy's Generator, seeded when asked.
    "dropout_forward_generator": Alternative(LAYERS, "dropout_forward", '''
def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    rng = np.random.default_rng(dropout_param.get("seed"))
    mask = None
    if mode == "train":
        mask = rng.binomial(1, p, size=x.shape) / p
        out = x * mask
    else:
        out = x
    return out, (dropout_param, mask)
'''),
    # A boolean mask in the cache, the scaling done in both passes.
    "dropout_backward_boolean_mask": Alternative(LAYERS, "dropout_backward", '''
def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "test":
        return dout
    return np.where(mask != 0, dout / dropout_param["p"], 0.0)
'''),
    # 2017's signature (x, dx, config), updating in place.
    "sgd_momentum_2017_in_place": Alternative(OPTIM, "sgd_momentum", '''
def sgd_momentum(x, dx, config=None):
    if config is None: config = {}
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('momentum', 0.9)
    v = config.get('velocity', np.zeros_like(x))
    v *= config['momentum']
    v -= config['learning_rate'] * dx
    x += v
    config['velocity'] = v
    return x, config
'''),
    "rmsprop_2017_in_place": Alternative(OPTIM, "rmsprop", '''
def rmsprop(x, dx, config=None):
    if config is None: config = {}
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('decay_rate', 0.99)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('cache', np.zeros_like(x))
    config['cache'] *= config['decay_rate']
    config['cache'] += (1 - config['decay_rate']) * dx * dx
    x -= config['learning_rate'] * dx / (np.sqrt(config['cache']) + config['epsilon'])
    return x, config
'''),
    "adam_2017_in_place": Alternative(OPTIM, "adam", '''
def adam(x, dx, config=None):
    if config is None: config = {}
    config.setdefault('learning_rate', 1e-3)
    config.setdefault('beta1', 0.9)
    config.setdefault('beta2', 0.999)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('m', np.zeros_like(x))
    config.setdefault('v', np.zeros_like(x))
    config.setdefault('t', 0)
    config['t'] += 1
    b1, b2, t = config['beta1'], config['beta2'], config['t']
    config['m'] = b1 * config['m'] + (1 - b1) * dx
    config['v'] = b2 * config['v'] + (1 - b2) * (dx ** 2)
    # The bias correction folded into the step size, as the Adam paper suggests;
    # epsilon then sits outside the correction, which differs by at most eps.
    alpha = config['learning_rate'] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    x -= alpha * config['m'] / (np.sqrt(config['v']) + config['epsilon'] * np.sqrt(1 - b2 ** t))
    return x, config
'''),
}

CHEATS = {
    # Dropout that drops nothing at training time: passes through, "scaled" by nothing.
    "dropout_forward_identity": Alternative(LAYERS, "dropout_forward", '''
def dropout_forward(x, dropout_param):
    return x, (dropout_param, np.ones_like(x))
''', frozenset({"dropout_forward_train_p_0_3", "dropout_forward_train_seeded"})),
    # The same mask for every example.
    "dropout_forward_one_mask_for_the_batch": Alternative(LAYERS, "dropout_forward", '''
def dropout_forward(x, dropout_param):
    p = dropout_param["p"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if dropout_param["mode"] != "train":
        return x, (dropout_param, None)
    mask = (np.random.rand(1, *x.shape[1:]) < p) / p
    return x * mask, (dropout_param, mask)
''', frozenset({"dropout_forward_train_p_0_3", "dropout_forward_train_p_0_8_three_dims"})),
}

# Planted together in the blank release, which must still score 0: dropout
# that drops nothing, and a backward pass that passes dout through, which
# agrees with a mask of ones.
BLANK_CHEATS = {
    "fc_blank_dropout_forward_identity": CHEATS["dropout_forward_identity"],
    "fc_blank_dropout_backward_passes_dout": Alternative(LAYERS, "dropout_backward", '''
def dropout_backward(dout, cache):
    return dout
'''),
}
