"""Grading on a Dask cluster gives exactly the grades of grading locally."""
import subprocess
import sys

import pytest

from support import ASSIGNMENT
import make_submissions

pytestmark = pytest.mark.slow  # starts a Dask LocalCluster


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    root = tmp_path_factory.mktemp("examples")
    make_submissions.make(ASSIGNMENT, str(root))
    return sorted(str(p) for p in root.iterdir())


def grades(repo, out, submissions, *extra):
    result = subprocess.run([sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT, "--out", str(out),
                             "--no-progress", "--time-scale", "0.1", *extra, *submissions],
                            cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "grades.csv").read_text()


def test_a_dask_local_cluster_grades_like_local_threads(repo, tmp_path, submissions):
    local = grades(repo, tmp_path / "local", submissions, "--jobs", "2")
    dask = grades(repo, tmp_path / "dask", submissions, "--executor", "dask", "--scheduler", "local:2")
    assert dask == local
