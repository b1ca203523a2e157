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
