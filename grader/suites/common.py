"""Inputs that hidden cases of several assignments share (instructors only:
nothing here ships).  Each one is an input on which a typical mistake shows,
named for the mistake it exposes."""
import numpy as np


def with_zeros(rng, shape):
    """A standard normal array with about a third of its entries exactly 0,
    where a ReLU's derivative is taken to be 0 (`x > 0`, not `x >= 0`)."""
    return rng.normal(size=shape) * (rng.random(shape) > 1 / 3)


def wide_scores(rng, num_train=9, num_classes=6):
    """(scores, labels): rows that sit far apart (offsets of -1000, 0 and
    +1000), each with three classes near its top, one of them correct, and
    three some 780 below.  exp() then overflows unless each row is shifted
    by its own maximum (not its minimum), and a whole row underflows to
    log(0) if all rows share one shift; the correct class's probability stays
    far from 0, so probabilities computed directly work as well."""
    offsets = rng.permutation(np.repeat([-1000.0, 0.0, 1000.0], num_train // 3))
    top = num_classes // 2
    scores = np.empty((num_train, num_classes))
    labels = np.empty(num_train, dtype=np.int64)
    for i in range(num_train):
        order = rng.permutation(num_classes)
        scores[i, order[:top]] = rng.normal(size=top)
        scores[i, order[top:]] = -rng.uniform(770.0, 790.0, size=num_classes - top)
        labels[i] = rng.choice(order[:top])
    return offsets[:, np.newaxis] + scores, labels                           # (N, C), (N,)
