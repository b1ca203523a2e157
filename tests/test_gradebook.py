"""The gradebook: resumable, never double-counted, and in step with what was graded."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from support import ASSIGNMENT
import make_submissions

pytestmark = pytest.mark.slow  # whole grading runs, killed and resumed

STABLE_COLUMNS = ("SELECT student, assignment, score, max_score, submission_hash, suite_hash "
                  "FROM submissions ORDER BY student")
RESULTS = "SELECT student, position, case_name, score, max_score, status, message FROM results ORDER BY 1, 2"


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    """24 submissions: complete, blank and planted-bug copies in turn."""
    root = tmp_path_factory.mktemp("class")
    make_submissions.make(ASSIGNMENT, str(root / "examples"))
    kinds = ["complete", "blank", "planted_bugs"]
    for i in range(24):
        shutil.copytree(root / "examples" / kinds[i % 3], root / "submissions" / f"student{i:02d}")
    return root / "submissions"


def grade_command(submissions, out, *extra):
    return [sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT, "--out", str(out), "--jobs", "2",
            "--no-progress", *extra, *sorted(str(p) for p in submissions.iterdir())]


def run_grade(repo, submissions, out, *extra):
    result = subprocess.run(grade_command(submissions, out, *extra), cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def table(out, query):
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute(query).fetchall()


def graded_count(out):
    """Rows in the gradebook so far (0 while it is still being created)."""
    try:
        return len(table(out, "SELECT student FROM submissions"))
    except sqlite3.OperationalError:
        return 0


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, repo, class_folder):
    out = tmp_path_factory.mktemp("uninterrupted")
    run_grade(repo, class_folder, out)
    return out


# `grader grade`, killed with SIGKILL by its own hand right after the gradebook's
# Nth commit: the moment is exact, whatever the machine's speed.
KILLED_AFTER = """
import os, signal, sys
from grader.cli import main
from grader.instructor.gradebook import Gradebook
record, commits = Gradebook.record, [0]
def record_then_maybe_die(*args, **kwargs):
    record(*args, **kwargs)
    commits[0] += 1
    if commits[0] == int(os.environ["KILL_AFTER"]):
        os.kill(os.getpid(), signal.SIGKILL)
Gradebook.record = record_then_maybe_die
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("commits", [1, 7])
def test_a_run_killed_after_any_commit_then_rerun_gives_the_same_gradebook(tmp_path, repo, class_folder,
                                                                           uninterrupted, commits):
    out = tmp_path / "killed"
    command = [sys.executable, "-c", KILLED_AFTER, *grade_command(class_folder, out)[3:]]
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env={**os.environ,
                                                                                    "KILL_AFTER": str(commits)})
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    assert graded_count(out) == commits
    run_grade(repo, class_folder, out)
    assert table(out, STABLE_COLUMNS) == table(uninterrupted, STABLE_COLUMNS)
    assert table(out, RESULTS) == table(uninterrupted, RESULTS)


def test_a_second_run_skips_every_unchanged_submission(repo, class_folder, uninterrupted):
    assert "Skipped 24 unchanged" in run_grade(repo, class_folder, uninterrupted)


def test_regrade_grades_unchanged_submissions_again(repo, class_folder, uninterrupted):
    assert "Graded 24 submissions" in run_grade(repo, class_folder, uninterrupted, "--regrade")


def test_a_changed_submission_is_graded_again(tmp_path, repo, class_folder):
    submissions = tmp_path / "submissions"
    shutil.copytree(class_folder, submissions)
    out = tmp_path / "out"
    run_grade(repo, submissions, out)
    shutil.rmtree(submissions / "student01")
    shutil.copytree(submissions / "student00", submissions / "student01")  # blank -> complete
    assert "Graded 1 submission " in run_grade(repo, submissions, out)
    scores = dict(table(out, "SELECT student, score FROM submissions"))
    assert scores["student01"] == scores["student00"] > 0


def test_another_seed_grades_everything_again(repo, class_folder, uninterrupted, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(uninterrupted, out)
    assert "Graded 24 submissions" in run_grade(repo, class_folder, out, "--seed", "7")


def test_one_gradebook_keeps_each_assignments_scores_apart(tmp_path):
    from grader.instructor.gradebook import Gradebook
    from grader.public.results import CaseResult
    book = Gradebook(str(tmp_path / "gradebook.sqlite"))
    for assignment, score in (("assignment1", 1), ("assignment2", 0)):
        book.record("alice", assignment, [CaseResult("case", "f", score, 1, "passed", "", "", True)], 0.1, "s", "h")
    assert [row[:3] for row in book.scores("assignment1")] == [("alice", 1.0, 1.0)]
    assert [row[:3] for row in book.scores("assignment2")] == [("alice", 0.0, 1.0)]
