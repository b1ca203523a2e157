"""Shared fixtures: one fork server per test session, and for each assignment
its cases and reference outputs, computed once."""
import os
import shutil
import stat
import subprocess

import pytest

from grader.public.runner import ForkServer
from grader.public.scoring import build_jobs, reference_outputs, score_submission
from grader.public.suite import load_cases
import make_submissions
from support import ASSIGNMENT, REPO


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def servers():
    """servers(assignment): a fork server for that assignment's environment, started on first use."""
    running = {}

    def server_for(assignment):
        if assignment not in running:
            running[assignment] = ForkServer.for_assignment(assignment)
        return running[assignment]
    yield server_for
    for server in running.values():
        server.close()


@pytest.fixture(scope="session")
def server(servers):
    return servers(ASSIGNMENT)


@pytest.fixture(scope="session")
def graders(servers):
    """graders(assignment) -> grade(folder, time_scale=1.0) -> {case name: CaseResult},
    as `grader grade` scores it (references computed once per assignment)."""
    made = {}

    def for_assignment(assignment):
        if assignment not in made:
            server = servers(assignment)
            cases = load_cases(assignment, hidden=True)
            solution = os.path.join(REPO, "solutions", assignment)
            references = reference_outputs(server, solution, cases, build_jobs(cases, solution_root=solution))

            def grade(root, time_scale=1.0):
                jobs = build_jobs(cases, time_scale=time_scale, solution_root=solution)
                return {r.case: r for r in score_submission(server, str(root), cases, jobs, references,
                                                            reference_root=solution)}
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


@pytest.fixture
def datasets_repo(tmp_path):
    """A temporary repo layout holding only a copy of datasets/get_datasets.sh."""
    root = tmp_path / "repo"
    (root / "datasets").mkdir(parents=True)
    script = root / "datasets" / "get_datasets.sh"
    shutil.copy2(os.path.join(REPO, "datasets", "get_datasets.sh"), script)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return root


@pytest.fixture
def get_datasets(datasets_repo, tmp_path):
    """get_datasets(*args, VARIABLE=value) runs the copied script from an
    unrelated folder, with those environment variables set (None: unset)."""
    def run(*args, **variables):
        env = dict(os.environ)
        for name, value in variables.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(exist_ok=True)
        return subprocess.run(["bash", str(datasets_repo / "datasets" / "get_datasets.sh"), *args], cwd=elsewhere,
                              env=env, capture_output=True, text=True, timeout=60)
    return run
