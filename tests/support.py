"""Plain helpers the tests share (fixtures live in conftest.py)."""
import importlib.util
import os

import pytest

from grader.public.suite import available_assignments, load_cases, missing

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSIGNMENTS = available_assignments()
ASSIGNMENT = "assignment1"   # for tests of the grader's machinery, which needs one real suite


def failing(results):
    return {name for name, result in results.items() if not result.passed}


def under_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(package, install):
    """Skip the calling test when `package` is not installed, saying how to
    install it; under CI (CI=true), whose set-up installs it, fail instead."""
    if importlib.util.find_spec(package) is not None:
        return
    problem = f"{package} is not installed ({install})"
    if under_ci():
        pytest.fail("CI must run this test: " + problem, pytrace=False)
    pytest.skip(problem)


def not_runnable(assignment):
    """The graded cases of `assignment` that cannot run here: they need a
    package this Python lacks (torch), so grading skips them (see
    `suite.missing`); CI installs every package, so there this is empty."""
    return {c.name for c in load_cases(assignment, hidden=True) if missing(c)}
