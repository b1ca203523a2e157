"""nbgrader's course layout in, nbgrader's export CSV out."""
import csv
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from support import ASSIGNMENT
import make_submissions
from grader.instructor import nbgrader_layout

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
STUDENTS = {"alice": "complete", "bob": "blank", "carol": "planted_bugs"}


def grader(*args, cwd):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course folder: three students' submissions, a hidden folder
    and a student who handed in only another assignment."""
    root = tmp_path_factory.mktemp("course")
    examples = root / "examples"
    make_submissions.make(ASSIGNMENT, str(examples))
    for student, example in STUDENTS.items():
        shutil.copytree(examples / example, root / "submitted" / student / ASSIGNMENT)
        (root / "submitted" / student / ASSIGNMENT / "timestamp.txt").write_text("2025-01-31 23:59:00 UTC\n")
    shutil.copytree(examples / "complete", root / "submitted" / ".ipynb_checkpoints" / ASSIGNMENT)
    shutil.copytree(examples / "complete", root / "submitted" / "dave" / "assignment9")
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory, repo, course):
    out = tmp_path_factory.mktemp("out")
    result = grader("grade", "--assignment", ASSIGNMENT, "--nbgrader-course", str(course), "--out", str(out),
                    "--no-progress", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def exported(graded, repo):
    path = graded / "export.csv"
    result = grader("export-nbgrader", "--assignment", ASSIGNMENT, "--out-dir", str(graded), "--csv", str(path),
                    cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, {row["student_id"]: row for row in reader}


def read_grades(out):
    with open(out / "grades.csv", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_find_submissions_gives_each_students_folder_by_id(course):
    assert nbgrader_layout.find_submissions(str(course), ASSIGNMENT) == [
        (student, str(course / "submitted" / student / ASSIGNMENT)) for student in sorted(STUDENTS)]


def test_hidden_folders_and_other_assignments_are_not_submissions(course, capsys):
    students = [student for student, _ in nbgrader_layout.find_submissions(str(course), ASSIGNMENT)]
    assert ".ipynb_checkpoints" not in students and "dave" not in students
    assert "Skipped" in capsys.readouterr().out   # a hidden folder holding the assignment is named, not ignored


def test_a_course_without_a_submitted_folder_has_no_submissions(tmp_path):
    assert nbgrader_layout.find_submissions(str(tmp_path), ASSIGNMENT) == []


def test_grading_a_course_gives_a_row_per_student_named_by_folder(graded):
    assert sorted(read_grades(graded)) == sorted(STUDENTS)


def test_grading_a_course_scores_each_student_by_their_own_work(graded, cases):
    scores = {student: float(row["score"]) for student, row in read_grades(graded).items()}
    total = sum(c.points for c in cases)
    assert scores["alice"] == total and scores["bob"] == 0 and 0 < scores["carol"] < total


def test_grade_needs_submissions_or_a_course(repo):
    result = grader("grade", "--assignment", ASSIGNMENT, cwd=repo)
    assert result.returncode == 2 and "--nbgrader-course" in result.stderr


def test_a_course_with_no_submissions_of_the_assignment_says_where_it_looked(tmp_path, repo):
    result = grader("grade", "--assignment", ASSIGNMENT, "--nbgrader-course", str(tmp_path),
                    "--out", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 2 and f"submitted/<student_id>/{ASSIGNMENT}/" in result.stdout


def test_export_writes_nbgraders_columns_in_its_order(exported):
    fieldnames, _ = exported
    assert fieldnames == NBGRADER_COLUMNS


def test_export_scores_agree_with_grades_csv(exported, graded):
    _, rows = exported
    grades = read_grades(graded)
    assert sorted(rows) == sorted(STUDENTS)
    for student, row in rows.items():
        assert float(row["raw_score"]) == float(row["score"]) == float(grades[student]["score"])
        assert float(row["max_score"]) == float(grades[student]["max_score"])
        assert row["late_submission_penalty"] == "0.0"


def test_export_leaves_what_nbgrader_knows_empty_and_dates_the_grading(exported):
    _, rows = exported
    for row in rows.values():
        assert row["assignment"] == ASSIGNMENT
        assert row["duedate"] == row["last_name"] == row["first_name"] == row["email"] == ""
        graded_at = datetime.fromisoformat(row["timestamp"])   # UTC, without a zone, as nbgrader writes it
        assert abs(datetime.now(timezone.utc).replace(tzinfo=None) - graded_at) < timedelta(hours=1)


def test_export_writes_a_given_max_score(graded, tmp_path):
    path = tmp_path / "export.csv"
    nbgrader_layout.export_csv(str(graded / "gradebook.sqlite"), ASSIGNMENT, str(path), max_score=100)
    with open(path, newline="") as f:
        assert {row["max_score"] for row in csv.DictReader(f)} == {"100.0"}


def test_export_without_a_gradebook_says_to_grade_first(tmp_path, repo):
    result = grader("export-nbgrader", "--assignment", ASSIGNMENT, "--out-dir", str(tmp_path), cwd=repo)
    assert result.returncode == 2 and "grade first" in result.stdout
