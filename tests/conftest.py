"""Shared fixtures: one fork server per test session, and for each assignment
its cases and reference outputs, computed once."""
import os

import pytest

from grader.public.runner import ForkServer
from grader.public.scoring import build_jobs, reference_outputs, score_submission
from grader.public.suite import environment, load_cases
import make_submissions
from support import ASSIGNMENT, REPO


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def servers():
    """A fork server per environment (what its workers preload), started on first use."""
    running = {}
    yield lambda preload: running.get(preload) or running.setdefault(preload, ForkServer(preload=preload))
    for server in running.values():
        server.close()


@pytest.fixture(scope="session")
def server(servers):
    return servers(tuple(environment(ASSIGNMENT)["preload"]))


@pytest.fixture(scope="session")
def graders(servers):
    """graders(assignment) -> grade(folder, time_scale=1.0) -> {case name: CaseResult},
    as `grader grade` scores it (references computed once per assignment)."""
    made = {}

    def for_assignment(assignment):
        if assignment not in made:
            server = servers(tuple(environment(assignment)["preload"]))
            cases = load_cases(assignment, hidden=True)
            references = reference_outputs(server, os.path.join(REPO, "solutions", assignment), cases,
                                           build_jobs(cases))

            def grade(root, time_scale=1.0):
                jobs = build_jobs(cases, time_scale=time_scale)
                return {r.case: r for r in score_submission(server, str(root), cases, jobs, references)}
            made[assignment] = grade
        return made[assignment]
    return for_assignment


@pytest.fixture(scope="session")
def cases():
    return load_cases(ASSIGNMENT, hidden=True)


@pytest.fixture(scope="session")
def grade(graders):
    """grade(folder) for assignment 1, the suite the machinery's tests use."""
    return graders(ASSIGNMENT)


@pytest.fixture
def complete(tmp_path):
    """A fresh copy of assignment 1's reference solution as a student would hand it in."""
    return make_submissions.complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), str(tmp_path / "complete"))
