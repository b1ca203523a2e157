"""First-order update rules for training neural networks.

Every update rule has the same interface:

    next_w, config = update(w, dw, config)

Inputs:
- w: A numpy array, the current value of one parameter.
- dw: A numpy array of the same shape as w, the gradient of the loss with
  respect to w.
- config: A dictionary of hyperparameters for the rule, such as the learning
  rate, plus any state the rule keeps from one step to the next (for example
  a running average of past gradients). If None, the rule starts from its
  defaults.

Returns:
- next_w: The parameter after the update.
- config: The config dictionary to pass to the next call for this same
  parameter, holding the updated state.

The Solver keeps one config per parameter, so state is never shared between
parameters. Hyperparameters that are missing from config get their defaults
through config.setdefault, which also records them in config, where a Solver
can read and change them (it decays 'learning_rate' after each epoch).
"""
import numpy as np


def sgd(w, dw, config=None):
    """
    Vanilla stochastic gradient descent: take a step of size learning_rate
    against the gradient, w - learning_rate * dw.

    Inputs:
    - w: A numpy array, the parameter.
    - dw: A numpy array of the same shape as w, its gradient.
    - config: A dictionary with the key
      - learning_rate: A scalar, the step size (default 1e-2).

    Returns a tuple of:
    - next_w: A numpy array of the same shape as w, the updated parameter.
    - config: The config dictionary, with the defaults filled in.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """
    Stochastic gradient descent with momentum: a velocity accumulates the
    past steps, decaying by a factor `momentum` at each step,

        v = momentum * v - learning_rate * dw
        next_w = w + v

    so that the update keeps going in directions where the gradient is
    consistent and damps the ones where it flips sign.

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - momentum: Scalar between 0 and 1 giving the momentum value (default
      0.9). Setting momentum = 0 reduces to sgd.
    - velocity: A numpy array of the same shape as w and dw, the moving
      average of the steps (starts at zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    next_w = None
    # TODO:
    # Implement the momentum update formula. Store the updated value in the
    # next_w variable. You should also use and update the velocity v.
    # YOUR CODE HERE
    raise NotImplementedError("Implement sgd_momentum in cs231n/optim.py: see the TODO above.")
    config["velocity"] = v

    return next_w, config


def rmsprop(w, dw, config=None):
    """
    RMSProp: divide each step by a moving average of the squared gradients,
    so that every parameter moves at about the same speed whatever the scale
    of its gradient,

        cache = decay_rate * cache + (1 - decay_rate) * dw ** 2
        next_w = w - learning_rate * dw / (sqrt(cache) + epsilon)

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - decay_rate: Scalar between 0 and 1, the decay of the squared gradient
      cache (default 0.99).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero
      (default 1e-8).
    - cache: Moving average of the second moments of the gradients (starts at
      zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    # TODO:
    # Implement the RMSprop update formula, storing the next value of w in
    # the next_w variable. Don't forget to update the cache value stored in
    # config['cache'].
    # YOUR CODE HERE
    raise NotImplementedError("Implement rmsprop in cs231n/optim.py: see the TODO above.")

    return next_w, config


def adam(w, dw, config=None):
    """
    Adam: momentum on the gradient (first moment m) and RMSProp's scaling by
    the squared gradient (second moment v), both as moving averages. The
    averages start at zero and so are biased towards zero in the first steps;
    dividing them by 1 - beta ** t removes that bias,

        t = t + 1
        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw ** 2
        m_hat = m / (1 - beta1 ** t),  v_hat = v / (1 - beta2 ** t)
        next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    config format:
    - learning_rate: Scalar learning rate (default 1e-3).
    - beta1: Decay rate for moving average of first moment of gradient
      (default 0.9).
    - beta2: Decay rate for moving average of second moment of gradient
      (default 0.999).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero
      (default 1e-8).
    - m: Moving average of gradient (starts at zeros).
    - v: Moving average of squared gradient (starts at zeros).
    - t: Iteration number (starts at 0; incremented before it is used).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    next_w = None
    # TODO:
    # Implement the Adam update formula, storing the next value of w in the
    # next_w variable. Don't forget to update the m, v, and t variables
    # stored in config. Increment t before using it in the bias correction,
    # so that the first step divides by 1 - beta1 ** 1.
    # YOUR CODE HERE
    raise NotImplementedError("Implement adam in cs231n/optim.py: see the TODO above.")

    return next_w, config
