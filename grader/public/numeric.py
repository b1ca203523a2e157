"""Numeric gradient checks that need no reference: the student's function,
evaluated in the worker at inputs nudged by +-h, against its own gradient.

A case builds its calls with `nudged_calls` (two evaluations per sampled
entry, saved as "<prefix>plus_<i>" and "<prefix>minus_<i>") plus one call
saving the analytic gradient as "<prefix>analytic", and tells the check, in
`given` (which never leaves the grader), which entries it asked for:
`given["entries"][prefix]`.  `matches_numeric` then compares the centred
differences with the analytic gradient, and fails when an evaluation it asked
for did not come back.  For a layer's backward pass the forward outputs are
arrays: the upstream gradient is `given["upstream"][prefix]` (an array, or the
`plan.Like` the worker drew it from, redrawn here), and the numeric gradient
is sum((f+ - f-) * dout) / 2h.

These checks judge the student's code by itself: a consistent fake (a loss
of sum(x) with a gradient of ones) passes them.  They are self-checks for the
notebooks and `check`; graded cases compare with the reference.
"""
import numpy as np

from grader.public.compare import PASS, Verdict, as_array
from grader.public.plan import Like

H = 1e-5


def sample_entries(rng, shape, count):
    """`count` distinct flat indices into an array of `shape` (fewer if it is small)."""
    size = int(np.prod(shape))
    return sorted(int(i) for i in rng.choice(size, size=min(count, size), replace=False))


def nudged(x, flat, delta):
    y = np.array(x, dtype=float)
    y.flat[flat] += delta
    return y


def nudged_calls(evaluate, x, entries, prefix=""):
    """evaluate(x_nudged, save_name) -> [Call, ...] for each entry and sign."""
    calls = []
    for i in entries:
        calls += evaluate(nudged(x, i, H), f"{prefix}plus_{i}")
        calls += evaluate(nudged(x, i, -H), f"{prefix}minus_{i}")
    return calls


def matches_numeric(prefixes=("",), rtol=1e-5, names=None):
    """Check: each "<prefix>analytic" gradient agrees with the centred
    differences of the evaluations asked for, entry by entry."""
    def check(got, expected=None, given=None):
        for prefix in prefixes:
            name = (names or {}).get(prefix, "the gradient")
            analytic = as_array(got.get(prefix + "analytic"), name)
            if isinstance(analytic, Verdict):
                return analytic
            upstream = given.get("upstream", {}).get(prefix)
            numerics = []
            for flat in given["entries"][prefix]:
                plus, minus = got.get(f"{prefix}plus_{flat}"), got.get(f"{prefix}minus_{flat}")
                if plus is None or minus is None:
                    return Verdict(False, f"an evaluation the numerical check of {name} needs did not come back")
                if flat >= analytic.size:
                    return Verdict(False, f"{name} has shape {analytic.shape}, too small")
                difference = np.asarray(plus, float) - np.asarray(minus, float)
                if isinstance(upstream, Like):
                    upstream = upstream.draw(difference.shape)
                numeric = float(np.sum(difference * upstream) if upstream is not None else np.sum(difference)) / (2 * H)
                value = float(analytic.flat[flat])
                numerics.append(numeric)
                error = abs(numeric - value) / max(abs(numeric) + abs(value), 1e-8)
                if not (np.isfinite(value) and np.isfinite(numeric)) or error > rtol:
                    index = tuple(int(i) for i in np.unravel_index(flat, analytic.shape))
                    return Verdict(False, f"{name} does not match the numerical gradient at index "
                                          f"{index[0] if len(index) == 1 else index}: analytic {value:.6g}, "
                                          f"numerical {numeric:.6g}, relative error {error:.1e}")
            if not any(numerics):
                # A constant computation matches its zero gradient trivially.
                return Verdict(False, f"the output does not change when the input does, so {name} cannot "
                                      "be checked: is it computed from the input at all?")
        return PASS
    return check
