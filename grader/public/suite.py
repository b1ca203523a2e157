"""What a suite declares, and how the grader finds it (trusted side, shipped
with the public cases).

Each assignment has a folder `grader/suites/<assignment>/`:

- `__init__.py`: its `ENVIRONMENT` (what the fork server preloads), shipped;
- `public.py`: `CASES` a student's `python -m grader check` runs, shipped;
- `hidden.py`: `CASES` only grading runs, never shipped;
- `mutants.py`: planted bugs and the cases each must break, never shipped;
- `alternatives.py`: correct code written differently, which must score
  full marks, never shipped.

A suite may split these by topic (assignment 2 does): `public.py` then only
gathers `public_<topic>.py` lists, and so on.  Every `public*.py` ships; no
other file of the folder does.

A case is usually made by a case kind (`kinds`), which knows CS231n's
conventions; `Case` is what every kind makes.  Its `role` says how it is
judged and whether it counts:

- "example":   fixed inputs whose answer is known and shipped with the case;
- "property":  judged by a property a correct answer has (a gradient that
               matches its numerical estimate, a loss that falls), no reference;
- "reference": compared with the reference solution's outputs on fresh
               inputs; hidden cases only;
- "self-check": compares two of the student's own functions (no-loop and
               two-loop distances); public only, never graded, so that a bug
               in one function never costs another's points.
The file says whether a case is public or hidden.
"""
import importlib
import pkgutil
import zlib
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from grader.public import plan

ROLES = ("example", "property", "reference", "self-check")
DEFAULT_ENVIRONMENT = {"preload": ("numpy",)}


@dataclass(frozen=True)
class Case:
    name: str                    # unique within the assignment, a column of grades.csv
    points: float
    function: str                # what the student implements, as feedback names it
    target: str                  # where it lives: "pkg.module:Name" or "notebook.ipynb:function"
    role: str                    # one of ROLES
    plan: Callable = None        # plan(rng) -> [step, ...] or ([step, ...], given): see `plan`
    check: Callable = None       # check(got, expected, given) -> Verdict (expected: the reference's, or None)
    source_rule: Callable = None  # source_rule(root) -> Verdict: a requirement on the code itself
    timeout: float = 10.0
    hint: str = ""               # where to look when the case fails
    public: bool = False         # set by `load_cases`: declared in public.py

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"case {self.name}: role {self.role!r} is not one of {ROLES}")

    @property
    def graded(self):
        return self.role != "self-check"

    @property
    def hidden(self):
        return not self.public

    def build(self, seed):
        """(plan in wire form, given) for this case, its inputs drawn from
        `seed` and the case's name.  `given` stays with the grader: what the
        check needs to know of the inputs."""
        rng = np.random.default_rng([seed, zlib.crc32(self.name.encode())])
        built = self.plan(rng)
        steps, given = built if isinstance(built, tuple) else (built, None)
        return plan.to_wire(steps), given


@dataclass(frozen=True)
class Mutant:
    """A planted bug: `old` replaced by `new` in `file` of the reference
    solution; grading it must lose exactly the cases `breaks`."""
    file: str
    old: str
    new: str
    breaks: frozenset


@dataclass(frozen=True)
class Alternative:
    """The definition of `qualname` in `file` replaced by `source`: correct
    code written differently (loses nothing), or code that only looks right
    (must lose the cases `loses`)."""
    file: str
    qualname: str
    source: str
    loses: frozenset = frozenset()


class UnknownAssignment(Exception):
    """No suite of that name (the message says which exist)."""


def _module(assignment, part):
    """grader.suites.<assignment>.<part>, or None if the assignment has no such file."""
    name = f"grader.suites.{assignment}" + (f".{part}" if part else "")
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, f"grader.suites.{assignment}"):
            raise
        return None


def load_cases(assignment, hidden=True):
    """The cases of `assignment`.  hidden=False: the public ones, for a student's
    self-check.  hidden=True: what grading runs, the graded public cases and
    the hidden ones."""
    public = _module(assignment, "public")
    if public is None:
        raise UnknownAssignment(
            f"There is no assignment called {assignment!r} (known: {', '.join(available_assignments())}). "
            "Point the command at your assignment folder (e.g. assignments/assignment1), or name it with "
            "--assignment.")
    cases = [replace(case, public=True) for case in public.CASES]
    for case in cases:
        if case.role == "reference":
            raise ValueError(f"public case {case.name} compares with the reference, which students do not have: "
                             "move it to hidden.py")
    if hidden:
        cases = [case for case in cases if case.graded]
        secret = _module(assignment, "hidden")
        for case in getattr(secret, "CASES", []):
            if not case.graded:
                raise ValueError(f"hidden case {case.name} is a self-check, which grading never runs: "
                                 "move it to public.py")
            cases.append(case)
    names = [case.name for case in cases]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"suite {assignment} declares these case names twice: {sorted(duplicated)}")
    return cases


def student_cases(assignment):
    """The public cases of `assignment` for a student's command, or None after
    saying which assignments exist."""
    try:
        return load_cases(assignment, hidden=False)
    except UnknownAssignment as exc:
        print(exc)
        return None


def instructor_part(assignment, part):
    """The suite's `mutants` or `alternatives` module (instructors only), or None."""
    return _module(assignment, part)


def environment(assignment):
    """What the workers of `assignment` need preloaded (see the suite's __init__)."""
    declared = getattr(_module(assignment, None), "ENVIRONMENT", {})
    return {**DEFAULT_ENVIRONMENT, **declared}


def available_assignments():
    import grader.suites
    return sorted(m.name for m in pkgutil.iter_modules(grader.suites.__path__) if m.ispkg)
