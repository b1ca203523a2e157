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
judged:

- "example":   fixed inputs whose answer is known and shipped with the case;
- "property":  judged by a property a correct answer has (a loss that falls,
               an accuracy on held-out data computed by trusted code), no reference;
- "reference": compared with the reference solution's outputs on fresh
               inputs; hidden cases only;
- "self-check": compares two of the student's own functions (no-loop and
               two-loop distances); public only.

The file says whether a case counts.  Points come only from what a student
can neither read nor fake: every case in public.py is a self-check whatever
its role (its inputs and answers ship with the bundle, so it carries no
points), and grading runs the hidden cases only, which cover the same
functions.  A hidden case never judges the student's code by the student's
own code alone (a hidden self-check is refused, and a numerical gradient
check in hidden.py must be declared a property on purpose).

A bug costs the cases of its own function, once.  Where a graded function
is built on others the student also writes (CS231n's TwoLayerNet calls the
student's affine_forward, relu_forward, ...), its hidden cases `lend` it the
reference solution's files of those functions ("cs231n/layers.py"): the
worker runs that case with them in place of the student's, so that a wrong
affine_forward costs affine_forward's cases and not the network's.  A
notebook's definition is lent the same way ("PyTorch.ipynb:flatten").  What a
case lends is readable by the student's code while that case runs: lend
only building blocks whose own cases are graded elsewhere, never the
function the case judges.

Feedback adds up points per *part* of the assignment (kNN, SVM, ...).  A
suite's `__init__.py` may declare them, `PARTS = {"kNN": ("cs231n.classifiers.
k_nearest_neighbor", "knn.ipynb"), ...}`: each part and the modules or
notebooks its cases' targets live in.  A case no part claims belongs to the
part named after its module (`linear_svm`) or notebook (`knn`).
"""
import functools
import importlib
import importlib.util
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
    lends: tuple = ()            # reference files the case runs with instead of the student's (see below)
    public: bool = False         # set by `load_cases`: declared in public.py
    saved: object = None         # a file the notebook saves for grading, judged on the trusted side
                                 # (`kinds.SavedCheck`: a trained model); such a case has no plan
    part: str = ""               # set by `load_cases`: the part of the assignment it counts towards
    needs: tuple = ()            # packages the plan imports beyond numpy, e.g. ("torch",): see `missing`

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"case {self.name}: role {self.role!r} is not one of {ROLES}")

    @property
    def graded(self):
        """Whether it counts: hidden, and not a self-check (see the module's docstring)."""
        return not self.public and self.role != "self-check"

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


# How to install a package a case may need, for the message of a case that could not run.
INSTALL = {"torch": "bash setup.sh --torch"}


def missing(case):
    """The packages `case` needs that this Python cannot import (the grader's
    workers run the same Python): such a case is skipped, never run, so that
    a course without torch still grades everything else."""
    return [name for name in case.needs if not _installed(name)]


@functools.lru_cache(maxsize=None)
def _installed(package):
    return importlib.util.find_spec(package) is not None


def not_installed_message(packages):
    how = "; ".join(f"`{INSTALL[p]}` installs {p}" for p in packages if p in INSTALL)
    return (f"not run: this case needs {', '.join(packages)}, which is not installed in the Python that runs "
            f"the grader" + (f" ({how})" if how else ""))


@dataclass(frozen=True)
class Mutant:
    """A planted bug: `old` replaced by `new` in `file` of the reference
    solution; grading it must lose exactly the cases `breaks`.  With `old`
    None the whole file is replaced by the bytes `new`, or removed when
    `new` is None (a saved model that is missing, malformed or untrained)."""
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
    self-check (none of them counts).  hidden=True: what grading runs, the
    hidden ones."""
    public = _module(assignment, "public")
    if public is None:
        raise UnknownAssignment(
            f"There is no assignment called {assignment!r} (known: {', '.join(available_assignments())}). "
            "Point the command at your assignment folder (e.g. assignments/assignment1), or name it with "
            "--assignment.")
    public_cases = [replace(case, public=True, points=0) for case in public.CASES]
    for case in public_cases:
        if case.lends:
            raise ValueError(f"public case {case.name} lends reference files, which students do not have: "
                             "move it to hidden.py")
        if case.role == "reference":
            raise ValueError(f"public case {case.name} compares with the reference, which students do not have: "
                             "move it to hidden.py")
    hidden_cases = []
    if hidden:
        for case in getattr(_module(assignment, "hidden"), "CASES", []):
            if not case.graded:
                raise ValueError(f"hidden case {case.name} is a self-check, which grading never runs: "
                                 "move it to public.py")
            hidden_cases.append(case)
    names = [case.name for case in public_cases + hidden_cases]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"suite {assignment} declares these case names twice: {sorted(duplicated)}")
    parts = declared_parts(assignment)
    return [replace(case, part=case.part or part_of(case, parts)) for case in (hidden_cases if hidden else public_cases)]


def student_cases(assignment):
    """The public cases of `assignment` for a student's command, or None after
    saying which assignments exist."""
    try:
        return load_cases(assignment, hidden=False)
    except UnknownAssignment as exc:
        print(exc)
        return None


def saved_files(cases):
    """The files (relative paths) the cases read from a submission beside its
    code: what `collect` must hand in and grading must copy."""
    return sorted({case.saved.path for case in cases if case.saved is not None})


def instructor_part(assignment, part):
    """The suite's `mutants` or `alternatives` module (instructors only), or None."""
    return _module(assignment, part)


def environment(assignment):
    """What the workers of `assignment` need preloaded (see the suite's __init__)."""
    declared = getattr(_module(assignment, None), "ENVIRONMENT", {})
    return {**DEFAULT_ENVIRONMENT, **declared}


def declared_parts(assignment):
    """The suite's PARTS (see the module's docstring), or {}."""
    return dict(getattr(_module(assignment, None), "PARTS", {}) or {})


def part_of(case, parts):
    """The part `case` counts towards: the first of `parts` that claims the
    module or notebook of its target, else that module's last name or that
    notebook's stem."""
    where = case.target.split(":")[0]
    for part, places in parts.items():
        if any(where == place or where.startswith(place + ".") for place in places):
            return part
    return where[:-len(".ipynb")] if where.endswith(".ipynb") else where.rsplit(".", 1)[-1]


def available_assignments():
    import grader.suites
    return sorted(m.name for m in pkgutil.iter_modules(grader.suites.__path__) if m.ispkg)
