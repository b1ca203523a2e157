"""Numeric gradient checks that need no reference: the student's function,
evaluated in the worker at inputs nudged by +-h, against its own gradient.

A case builds its calls with `nudged_calls` (two evaluations per sampled
entry, saved as "<prefix>plus_<i>" and "<prefix>minus_<i>") plus one call
saving the analytic gradient as "<prefix>analytic"; `matches_numeric` then
compares the centred differences with it.  For a layer's backward pass the
forward outputs are arrays: the builder hands the upstream gradient over as
`given[prefix]` (an array, or the `plan.Like` the worker drew it from, redrawn
here), and the numeric gradient is sum((f+ - f-) * dout) / 2h.
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
    differences of the saved evaluations, entry by entry."""
    def check(got, expected=None, given=None):
        for prefix in prefixes:
            name = (names or {}).get(prefix, "the gradient")
            analytic = as_array(got.get(prefix + "analytic"), name)
            if isinstance(analytic, Verdict):
                return analytic
            upstream = (given or {}).get(prefix)
            numerics = []
            for key in sorted(k for k in got if k.startswith(prefix + "plus_")):
                flat = int(key[len(prefix) + 5:])
                if flat >= analytic.size:
                    return Verdict(False, f"{name} has shape {analytic.shape}, too small")
                difference = np.asarray(got[key], float) - np.asarray(got[prefix + "minus_" + key[len(prefix) + 5:]], float)
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
            if numerics and not any(numerics):
                # A constant (or missing) computation matches its zero gradient trivially.
                return Verdict(False, f"the output does not change when the input does, so {name} cannot "
                                      "be checked: is it computed from the input at all?")
        return PASS
    return check
