"""A case's plan: the calls a worker makes, and the one interpreter of them.

A plan is a list of steps.  The suite builds it on the trusted side (from a
case kind, see `kinds`); the worker executes it on the student's code
(`execute`); the runner reads it to know whom to blame when a step hangs or
kills its worker (`units`); the suite hash is taken from its canonical form
(`canonical`); a benchmark can time it outside any worker.  Nothing else
interprets a plan.

Steps:

- ``Call(function, *args, **kwargs)``: call "pkg.module:name" (a function or
  a class, which constructs it) or "notebook.ipynb:name"; with ``on="m"``,
  call the method `function` of the object kept as "m".  ``keep="name"``
  keeps the result for later steps; ``save="name"`` sends it back to the
  grader (only the part at ``pick``, e.g. ``(1, "W1")``, if given).
- ``Let(name, value)``: keep a value, e.g. a ``bn_param`` dict that a call
  updates in place, so that a `Save` can read it afterwards.
- ``Save(name, Ref(...))``: send back a kept value, or a part of it.

Arguments of a call (and a `Let` value) may be placeholders, resolved in the
worker: ``Ref("m", 1)`` is element 1 of the value kept as "m" (a backward
pass gets its own forward's cache); ``Like("out", seed=3)`` is a standard
normal array shaped like the value kept as "out", drawn from `seed` (an
upstream gradient for an output whose shape only the student's code knows).

Imported by the worker: numpy only, nothing of the trusted side.
"""
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Ref:
    """A kept value, or the part of it at `path` (indices and keys)."""
    name: str
    path: tuple = ()

    def __init__(self, name, *path):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "path", tuple(path))


@dataclass(frozen=True)
class Like:
    """A standard normal array shaped like a kept value, drawn from `seed`."""
    name: str
    path: tuple = ()
    seed: int = 0

    def __init__(self, name, *path, seed):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "path", tuple(path))
        object.__setattr__(self, "seed", int(seed))

    def draw(self, shape):
        """The array itself (the trusted side redraws it to check a gradient)."""
        return np.random.default_rng(self.seed).standard_normal(shape)


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    on: str = None
    keep: str = None
    save: str = None
    pick: tuple = ()

    def __init__(self, function, *args, on=None, keep=None, save=None, pick=(), **kwargs):
        for name, value in (("function", function), ("args", args), ("kwargs", kwargs), ("on", on),
                            ("keep", keep), ("save", save), ("pick", tuple(pick))):
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Let:
    name: str
    value: object


@dataclass(frozen=True)
class Save:
    name: str
    value: Ref


class PlanError(Exception):
    """A plan that is not well formed (a suite's mistake, or a forged request)."""


# ------------------------------------------------------------------ the wire
def to_wire(steps):
    """The plan as plain data (lists, dicts, arrays) for `protocol`.  Each
    argument is tagged ["value", x], ["ref", name, path] or ["like", name,
    path, seed], so that no data a case passes can pass for a placeholder."""
    wire = []
    for step in steps:
        if isinstance(step, Call):
            wire.append({"step": "call", "function": step.function, "on": step.on, "keep": step.keep,
                         "save": step.save, "pick": list(step.pick), "args": [_tag(a) for a in step.args],
                         "kwargs": {k: _tag(v) for k, v in step.kwargs.items()}})
        elif isinstance(step, Let):
            wire.append({"step": "let", "name": step.name, "value": _tag(step.value)})
        elif isinstance(step, Save):
            wire.append({"step": "save", "name": step.name, "value": _tag(step.value)})
        else:
            raise PlanError(f"a plan step of type {type(step).__name__}")
    return wire


def _tag(value):
    if isinstance(value, Ref):
        return ["ref", value.name, list(value.path)]
    if isinstance(value, Like):
        return ["like", value.name, list(value.path), value.seed]
    return ["value", value]


def canonical(wire):
    """Bytes that change exactly when the plan does (whatever the wire encoding):
    JSON of the plan with every array replaced by its dtype, shape and digest."""
    def plain(value):
        if isinstance(value, np.ndarray):
            data = np.ascontiguousarray(value)
            return {"array": [data.dtype.str, list(data.shape), hashlib.sha256(data.tobytes()).hexdigest()]}
        if isinstance(value, (list, tuple)):
            return {"tuple" if isinstance(value, tuple) else "list": [plain(v) for v in value]}
        if isinstance(value, dict):
            return {"dict": [[plain(k), plain(v)] for k, v in value.items()]}
        if isinstance(value, (np.generic,)):
            return value.item()
        return value
    return json.dumps(plain(wire), sort_keys=True).encode()


# ------------------------------------------------------------ who is to blame
def units(wire):
    """For each step, the units a worker enters to make it: the import of a
    module or notebook not loaded yet, then the function ("Class.method",
    "function", or "Class" for a constructor).  The worker announces each
    unit before entering it; the runner, which computes the same names from
    the same plan, blames a hang or a crash on it and skips it afterwards."""
    imported, owners, plan = set(), {}, []
    for step in wire:
        if step["step"] != "call":
            plan.append([])
            continue
        if step["on"] is None:
            location, name = _split(step["function"])
            steps = [] if location in imported else [f"import {location}"]
            imported.add(location)
            unit = name
        else:
            if step["on"] not in owners:
                raise PlanError(f"a call on {step['on']!r}, which no earlier step keeps")
            unit = f"{owners[step['on']]}.{step['function']}"
            steps = []
        if step["keep"]:
            owners[step["keep"]] = unit
        plan.append(steps + [unit])
    return plan


def all_units(wire):
    """Every unit of a plan, in order (see `units`)."""
    return [unit for steps in units(wire) for unit in steps]


def _split(function):
    location, sep, name = function.partition(":")
    if not sep or not location or not name:
        raise PlanError(f"a target {function!r} (expected 'package.module:name' or 'notebook.ipynb:name')")
    return location, name


# -------------------------------------------------------------- the executor
def execute(wire, resolve, enter=lambda unit: None, copy_out=lambda value: value):
    """Run a plan; return {save name: value}.

    resolve("pkg.module:name") -> the object to call; enter(unit) is told
    each unit before it is entered (only when the unit changes, so many calls
    of one function cost one message); copy_out(value) makes the saved copy
    (the worker's turns it into plain data at once, so a later call cannot
    change it in place).  Exceptions from the student's code propagate.
    """
    kept, outputs, current = {}, {}, None
    for step, step_units in zip(wire, units(wire)):
        for unit in step_units:
            if unit != current:
                current = unit
                enter(unit)
        kind = step["step"]
        if kind == "let":
            kept[step["name"]] = _resolve_argument(step["value"], kept)
        elif kind == "save":
            outputs[step["name"]] = copy_out(_resolve_argument(step["value"], kept))
        else:
            args = [_resolve_argument(a, kept) for a in step["args"]]
            kwargs = {k: _resolve_argument(v, kept) for k, v in step["kwargs"].items()}
            if step["on"] is None:
                value = resolve(step["function"])(*args, **kwargs)
            else:
                value = getattr(kept[step["on"]], step["function"])(*args, **kwargs)
            if step["keep"]:
                kept[step["keep"]] = value
            if step["save"]:
                outputs[step["save"]] = copy_out(_follow(value, step["pick"]))
    return outputs


def _follow(value, path):
    for key in path:
        value = value[key]
    return value


def _resolve_argument(tagged, kept):
    kind = tagged[0]
    if kind == "value":
        return tagged[1]
    if tagged[1] not in kept:
        raise PlanError(f"a reference to {tagged[1]!r}, which no earlier step keeps")
    value = _follow(kept[tagged[1]], tagged[2])
    if kind == "ref":
        return value
    if kind == "like":
        return Like(tagged[1], seed=tagged[3]).draw(np.shape(value))
    raise PlanError(f"an argument tagged {kind!r}")
