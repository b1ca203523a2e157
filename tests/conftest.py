"""Shared fixtures: one fork server and one set of reference outputs per test session."""
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "examples"))

from grader.runner import ForkServer  # noqa: E402
from grader.scoring import build_jobs, reference_outputs, score_submission  # noqa: E402
from grader.suite import load_cases  # noqa: E402
import make_submissions  # noqa: E402

ASSIGNMENT = "assignment1"


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def server():
    with ForkServer() as running:
        yield running


@pytest.fixture(scope="session")
def cases():
    return load_cases(ASSIGNMENT, hidden=True)


@pytest.fixture(scope="session")
def references(server, cases):
    return reference_outputs(server, os.path.join(REPO, "solutions", ASSIGNMENT), cases, build_jobs(cases))


@pytest.fixture(scope="session")
def grade(server, cases, references):
    """grade(folder) -> {case name: CaseResult}, as `grader grade` scores it."""
    def run(root, time_scale=1.0):
        results = score_submission(server, str(root), cases, build_jobs(cases, time_scale=time_scale), references)
        return {r.case: r for r in results}
    return run


@pytest.fixture
def complete(tmp_path):
    """A fresh copy of the reference solution as a student would hand it in."""
    return make_submissions.complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), str(tmp_path / "complete"))


def failing(results):
    return {name for name, result in results.items() if not result.passed}
