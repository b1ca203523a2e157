"""What a suite declares: cases (trusted side, and shipped with public suites).

A suite is a module `grader.suites.<assignment>` (public cases, shipped to
students) plus, for instructors only, `grader.suites.<assignment>_hidden`.
Each defines `CASES`, a list of `Case`.  A case is a small program run in a
worker: a target (`package.module:function`, `package.module:Class` or
`notebook.ipynb:function`), and a seeded builder that returns the calls to
make, with their inputs.  Its `check` judges the saved outputs, against the
reference solution's outputs for hidden cases.  A `source_rule` adds a
requirement on the student's source code, read but never run (e.g. "no
loops"); it is judged only once the outputs are right, so an empty stub never
earns it.
"""
import importlib
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np


@dataclass(frozen=True)
class Call:
    """One call in a case (see `worker.run_request`): the target itself
    (method None), its constructor ("__init__"), or a method of the current
    instance or of an object kept earlier (`on`).  `target` overrides the
    case's for this call; `keep` names the result for later calls (`Ref`);
    `save` sends the result, or its element `pick`, back to the grader."""
    method: Optional[str] = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    save: Optional[str] = None
    target: Optional[str] = None
    on: Optional[str] = None
    keep: Optional[str] = None
    pick: Optional[tuple] = None   # a path into the result: (1,) or (1, "W1")

    def as_request(self):
        request = {"method": self.method, "args": list(self.args), "kwargs": dict(self.kwargs)}
        request.update({key: getattr(self, key) for key in ("save", "target", "on", "keep", "pick")
                        if getattr(self, key) is not None})
        return request


def Ref(name, index=None):
    """An argument standing for a value kept by an earlier call (its element `index`)."""
    return {"__ref__": name, "index": index}


@dataclass(frozen=True)
class Case:
    name: str                    # unique within the assignment, a column of grades.csv
    points: float
    target: str                  # what the case calls (or, for a source rule, reads)
    function: str                # what the student implements, as feedback names it
    check: Callable = None       # check(got, expected, given) -> Verdict (expected None if public)
    calls: Callable = None       # calls(rng) -> [Call, ...] or ([Call, ...], given)
    source_rule: Callable = None  # source_rule(root) -> Verdict: a static requirement on top
    hidden: bool = True
    graded: bool = True          # False: a self-check only, left out of grading
    reference: bool = True       # False: a hidden case judged by properties (e.g. a random training run)
    timeout: float = 10.0
    hint: str = ""               # where to look when the case fails

    def request(self, seed):
        """(worker request, given) for this case, its inputs drawn from `seed`.
        `given` stays with the grader: what the check needs to know of the inputs."""
        rng = np.random.default_rng([seed, zlib.crc32(self.name.encode())])
        built = self.calls(rng)
        calls, given = built if isinstance(built, tuple) else (built, None)
        return {"target": self.target, "calls": [call.as_request() for call in calls]}, given


class UnknownAssignment(Exception):
    """No suite of that name (the message says which exist)."""


def load_cases(assignment, hidden=True):
    """The cases of `assignment`.  hidden=False: the public ones, for a student's
    self-check.  hidden=True: what grading runs, the graded public cases and
    the hidden ones."""
    try:
        cases = list(importlib.import_module(f"grader.suites.{assignment}").CASES)
    except ModuleNotFoundError as exc:
        if exc.name != f"grader.suites.{assignment}":
            raise
        raise UnknownAssignment(
            f"There is no assignment called {assignment!r} (known: {', '.join(available_assignments())}). "
            "Point the command at your assignment folder (e.g. assignments/assignment1), or name it with "
            "--assignment.") from None
    if hidden:
        cases = [case for case in cases if case.graded]
        try:
            cases += importlib.import_module(f"grader.suites.{assignment}_hidden").CASES
        except ModuleNotFoundError as exc:
            if exc.name != f"grader.suites.{assignment}_hidden":
                raise
    names = [case.name for case in cases]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"suite {assignment} declares these case names twice: {sorted(duplicated)}")
    return cases


def available_assignments():
    import pkgutil
    import grader.suites
    return sorted(m.name for m in pkgutil.iter_modules(grader.suites.__path__) if not m.name.endswith("_hidden"))
