"""How a student's output is judged (trusted side).

A *rule* compares two values and returns a `Verdict`; a *check* judges a
case's outputs: check(got, expected, given), where `got` is the dict of the
student's saved call results, `expected` the reference's (None for public
cases) and `given` what the case's builder handed over beside its calls (the
inputs a property check needs, e.g. the upstream gradient).  Messages say what is
wrong and where (largest error, its index), never the expected values: a
student who reads every feedback file learns no answer.  The one exception is
a public fixed example, whose answer ships with the case anyway: there
`shown_example` puts the inputs, the student's output and the expected one
side by side, each cut short.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str = ""


PASS = Verdict(True)


def _fail(message):
    return Verdict(False, message)


def as_array(value, what):
    """`value` as a numeric array, or a Verdict saying why it is not one."""
    if value is None:
        return _fail(f"{what} is None: did you forget a `return`?")
    try:
        array = np.asarray(value)
    except Exception:
        return _fail(f"{what} is not an array")
    if array.dtype.kind not in "biuf":
        return _fail(f"{what} is not an array of numbers (dtype {array.dtype})")
    return array


def _same_shape(got, expected, what):
    """Check shapes, accepting an unambiguous variant such as (1, D) for (D,)."""
    if got.shape == expected.shape:
        return got, None
    if got.size == expected.size and np.squeeze(got).shape == np.squeeze(expected).shape:
        return got.reshape(expected.shape), None
    return None, _fail(f"{what} has shape {got.shape}; expected shape {expected.shape}")


def _index(flat, shape):
    """The index of flat position `flat` as a student writes it: 3, or (3, 7)."""
    index = tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()
    return index[0] if len(index) == 1 else index


def close(rtol=1e-6, atol=1e-9):
    """Rule: arrays (or numbers) agree within relative error `rtol`.

    The relative error of each entry is |a - b| / max(|a| + |b|, atol/rtol),
    the form the notebooks print, so tiny values do not blow it up.
    """
    def rule(got, expected, what="the output"):
        got = as_array(got, what)
        if isinstance(got, Verdict):
            return got
        expected = np.asarray(expected, dtype=float)
        got, problem = _same_shape(got, expected, what)
        if problem:
            return problem
        got = got.astype(float)
        if not np.all(np.isfinite(got)):
            bad = int(np.flatnonzero(~np.isfinite(got))[0])
            return _fail(f"{what} contains NaN or inf (first at index {_index(bad, got.shape)})")
        if got.size == 0:
            return PASS
        error = np.abs(got - expected) / np.maximum(np.abs(got) + np.abs(expected), atol / rtol)
        worst = int(np.argmax(error))
        if error.flat[worst] <= rtol:
            return PASS
        wrong = int(np.count_nonzero(error > rtol))
        where = f" at index {_index(worst, got.shape)}" if got.ndim else ""
        return _fail(f"{what}: {wrong} of {got.size} values are wrong; largest relative error "
                     f"{error.flat[worst]:.1e}{where} (allowed {rtol:g})")
    return rule


def labels():
    """Rule: integer labels equal exactly (float arrays of whole numbers are fine)."""
    def rule(got, expected, what="the labels"):
        got = as_array(got, what)
        if isinstance(got, Verdict):
            return got
        expected = np.asarray(expected)
        got, problem = _same_shape(got, expected, what)
        if problem:
            return problem
        if got.dtype.kind == "f" and not np.all(np.isfinite(got) & (got == np.round(got))):
            return _fail(f"{what} should be whole numbers (class labels)")
        wrong = np.flatnonzero(got.astype(np.int64).ravel() != expected.astype(np.int64).ravel())
        if wrong.size == 0:
            return PASS
        return _fail(f"{what}: {wrong.size} of {got.size} are wrong; the first at index "
                     f"{_index(int(wrong[0]), got.shape)}")
    return rule


def mapping(rule):
    """Rule: dicts with the same keys whose values agree under `rule`."""
    def check(got, expected, what="the result"):
        if not isinstance(got, dict):
            return _fail(f"{what} should be a dict, got a {type(got).__name__}")
        keys = lambda d: {k.item() if isinstance(k, np.generic) else k for k in d}
        if keys(got) != keys(expected):
            return _fail(f"{what} should have the keys {sorted(keys(expected))}, got {sorted(keys(got), key=str)}")
        for key in expected:
            verdict = rule(got[key], expected[key], f"{what}[{key!r}]")
            if not verdict.passed:
                return verdict
        return PASS
    return check


def each(*rules, names=None):
    """Rule: a tuple (e.g. (loss, dW) or (dx, dw, db)) whose items agree under `rules`."""
    names = names or [f"item {i}" for i in range(len(rules))]

    def rule(got, expected, what="the result"):
        if not isinstance(got, (tuple, list)) or len(got) != len(rules):
            return _fail(f"{what} should be a tuple of {len(rules)} ({', '.join(names)}), got "
                         f"{len(got) if isinstance(got, (tuple, list)) else type(got).__name__}")
        for item, reference, item_rule, name in zip(got, expected, rules, names):
            verdict = item_rule(item, reference, name)
            if not verdict.passed:
                return verdict
        return PASS
    return rule


# ------------------------------------------------------------------- checks
def matches_reference(rule, *keys):
    """Check: the student's outputs `keys` (default "out") agree with the reference's."""
    def check(got, expected, given=None):
        for key in keys or ("out",):
            verdict = rule(got.get(key), expected[key], key if len(keys) > 1 else "the output")
            if not verdict.passed:
                return verdict
        return PASS
    return check


def matches_either_reference(rule, key, alternative):
    """Check: the output `key` agrees with the reference's `key`, or with its
    `alternative` (another reading of the task a correct student may take,
    e.g. "L2 regularisation" as 0.5 * reg * sum(W**2) rather than reg * sum(W**2)).
    The message speaks of the first reading."""
    def check(got, expected, given=None):
        first = rule(got.get(key), expected[key])
        if first.passed or rule(got.get(key), expected[alternative]).passed:
            return PASS
        return first
    return check


def all_of(*checks):
    """Check: every one of `checks` passes; the first that does not says why."""
    def check(got, expected=None, given=None):
        for one in checks:
            verdict = one(got, expected, given)
            if not verdict.passed:
                return verdict
        return PASS
    return check


def unchanged(*names):
    """Check: the inputs a function was handed are as they were.  Each is sent
    back after the call as "<name>_after" (`kinds.Kind.leaves_inputs`) and
    compared with `given[name]`, the value handed over, or else with the
    reference's own copy after its call (an upstream gradient drawn in the
    worker).  Without `names`, the ones listed in `given["watched"]`.

    CS231n's layers promise to leave their inputs alone: the caller (a
    network, a gradient check) still needs them after the call."""
    def check(got, expected=None, given=None):
        given = given or {}
        for name in names or given.get("watched", ()):
            after = as_array(got.get(f"{name}_after"), name)
            if isinstance(after, Verdict):
                return after
            before = np.asarray(given[name] if name in given else expected[f"{name}_after"])
            if after.shape != before.shape or not np.array_equal(after, before):
                return _fail(f"the function changed its input {name} in place: compute the result in a new "
                             f"array (e.g. `out = {name} * ...`), not with `{name} -= ...`, `{name} *= ...`, "
                             f"`{name}[...] = ...` or `out={name}`")
        return PASS
    return check


def agree(first, second, rule, what=None):
    """Check (public, no reference): two of the student's own outputs agree,
    e.g. the no-loop distances and the two-loop distances."""
    def check(got, expected=None, given=None):
        if got.get(second) is None:
            return _fail(f"{second} returned None: did you forget a `return`?")
        return rule(got.get(first), got[second], what or f"{first} compared with {second}")
    check.compares = (first, second)   # so that `check` can tell when `second` fails on its own
    return check


def equals_data(value, rule, key="out"):
    """Check (public): output `key` agrees with a fixed value shipped as data.
    The check carries that value (`shipped`), so that a failure of a public
    case can show it (`shown_example`)."""
    def check(got, expected=None, given=None):
        return rule(got.get(key), value)
    check.shipped = (key, value)
    return check


def _leaves(value):
    """The numbers of a (nested) output, as a list of float arrays, or None when
    some part of it is not numeric."""
    if isinstance(value, dict):
        value = [value[k] for k in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        parts = [_leaves(v) for v in value]
        return None if any(p is None for p in parts) else [a for p in parts for a in p]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return [array]


def depends_on_input(got, expected=None, given=None):
    """Check: the two saved results "first" and "second", of the same function
    on two different inputs, differ.  A stub that returns a constant has not
    been written yet, whatever its source looks like."""
    first, second = _leaves(got.get("first")), _leaves(got.get("second"))
    if first is None or second is None:
        return _fail("should return numbers (an array, or a tuple of them)")
    if len(first) == len(second) and all(a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
                                         for a, b in zip(first, second)):
        return _fail("returns the same result for two different inputs: it does not compute anything "
                     "from its input yet")
    return PASS


# ------------------------------------------------- a public example, shown
SHOWN_CHARS = 300        # of each of: the inputs, the student's output, the expected output


def shown_example(wire, got, shipped):
    """The inputs of a fixed example (its plan's calls, in wire form), the
    student's output and the expected one, as lines to add to a failure
    message.  Only for public cases: their inputs and answers ship anyway."""
    key, expected = shipped
    calls = [_shown_call(step) for step in wire if step.get("step") == "call"]
    return "\n".join([f"  inputs:   {_cut('; '.join(calls))}",
                      f"  yours:    {_cut(_shown(got.get(key) if isinstance(got, dict) else None))}",
                      f"  expected: {_cut(_shown(expected))}"])


def _shown_call(step):
    def argument(tagged):
        return _shown(tagged[1]) if tagged[0] == "value" else "<" + "".join(map(str, tagged[1:2])) + ">"
    arguments = [argument(a) for a in step.get("args", [])]
    arguments += [f"{k}={argument(v)}" for k, v in step.get("kwargs", {}).items()]
    name = step["function"].split(":")[-1]
    return f"{name}({', '.join(arguments)})"


def _shown(value):
    """A value on one line, as numpy prints it, with few digits."""
    if isinstance(value, (list, tuple)) and not all(isinstance(v, (int, float)) for v in value):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    try:
        array = np.asarray(value)
    except Exception:
        return type(value).__name__
    if array.dtype.kind not in "biuf":
        return repr(value)[:SHOWN_CHARS]
    return np.array2string(array, precision=4, suppress_small=True, threshold=40, edgeitems=3,
                           max_line_width=10**6, separator=", ").replace("\n", "")


def _cut(text):
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 4] + " ..."
