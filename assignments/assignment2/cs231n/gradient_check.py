"""Numerical gradients, to check the gradients you derive by hand.

A centred difference, (f(x + h) - f(x - h)) / 2h, approximates a derivative
with an error of order h**2.  Comparing it with an analytic gradient through
`rel_error` tells you whether your backward pass is right: below about 1e-7
is excellent, around 1e-2 usually means a bug.
"""
import numpy as np


def rel_error(x, y):
    """The largest relative error between arrays x and y (of the same shape)."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """
    Numerical gradient of a scalar function f at x.

    Inputs:
    - f: A function of one argument, an array shaped like x, returning a number.
    - x: A numpy array of floats; it is changed during the computation and
      restored afterwards.
    - verbose: If True, print each entry's index and gradient.
    - h: The step of the centred difference.

    Returns:
    - grad: A numpy array of the same shape as x, grad[i] ~ df/dx[i].
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        grad[ix] = (f_plus - f_minus) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """
    Numerical gradient of an array-valued function f at x, contracted with an
    upstream gradient df: the gradient of sum(f(x) * df) with respect to x.
    This is what a layer's backward pass computes from dout.

    Inputs:
    - f: A function of one argument, an array shaped like x, returning an array.
    - x: A numpy array of floats (changed during the computation, then restored).
    - df: A numpy array shaped like f(x), the upstream gradient.
    - h: The step of the centred difference.

    Returns:
    - grad: A numpy array of the same shape as x.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x).copy()
        x[ix] = old_value - h
        f_minus = f(x).copy()
        x[ix] = old_value
        grad[ix] = np.sum((f_plus - f_minus) * df) / (2 * h)
        it.iternext()
    return grad


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None):
    """
    Compare an analytic gradient with numerical ones at a few random entries,
    printing both and their relative error for each entry checked.

    Inputs:
    - f: A function of one argument, an array shaped like x, returning a number.
    - x: A numpy array of floats (changed during the computation, then restored).
    - analytic_grad: A numpy array shaped like x, the gradient to check.
    - num_checks: How many random entries to check.
    - h: The step of the centred difference.
    - seed: Optional seed for choosing the entries.

    Returns:
    - errors: A list of the relative errors, one per entry checked.
    """
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        numerical = (f_plus - f_minus) / (2 * h)
        analytic = analytic_grad[ix]
        error = abs(numerical - analytic) / max(1e-12, abs(numerical) + abs(analytic))
        errors.append(error)
        print("numerical: %f analytic: %f, relative error: %e" % (numerical, analytic, error))
    return errors
