"""The command line, end to end, as an instructor and a student run it."""
import csv
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from support import ASSIGNMENT
from grader.public.suite import load_cases
import make_submissions


def grader(*args, cwd):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, repo):
    """The example submissions, graded once with `python -m grader grade`."""
    root = tmp_path_factory.mktemp("grading")
    make_submissions.make(ASSIGNMENT, str(root / "submissions"))
    names = sorted(os.listdir(root / "submissions"))
    result = grader("grade", "--assignment", ASSIGNMENT, "--out", str(root / "out"), "--jobs", "2",
                    "--no-progress", "--time-scale", "0.1", *[str(root / "submissions" / n) for n in names], cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "out", names


def read_grades(out):
    with open(out / "grades.csv") as f:
        return list(csv.DictReader(f))


def test_grades_csv_has_a_row_per_student_and_a_column_per_case(graded, cases):
    out, names = graded
    rows = read_grades(out)
    assert [r["student"] for r in rows] == names
    assert list(rows[0]) == ["student", "score", "max_score", *[c.name for c in cases]]


def test_example_scores_are_full_zero_and_in_between(graded, cases):
    scores = {r["student"]: float(r["score"]) for r in read_grades(graded[0])}
    total = sum(c.points for c in cases)
    # The syntax error is in k_nearest_neighbor.py: it costs that module's cases, and not the
    # notebook's cross-validation, which runs with the reference classifier.
    knn_points = sum(c.points for c in cases if c.target.startswith("cs231n.classifiers.k_nearest"))
    assert scores["complete"] == total and scores["blank"] == 0 and scores["syntax_error"] == total - knn_points
    assert 0 < scores["planted_bugs"] < total and 0 < scores["infinite_loop"] < total


def test_results_json_follows_gradescopes_format(graded, cases):
    out, _ = graded
    with open(out / "students" / "planted_bugs" / "results.json") as f:
        results = json.load(f)
    assert set(results) >= {"score", "execution_time", "tests"}
    assert len(results["tests"]) == len(cases)
    assert all(set(t) >= {"name", "score", "max_score", "output", "visibility"} for t in results["tests"])
    assert results["score"] == sum(t["score"] for t in results["tests"])


def test_feedback_names_each_failed_case_with_its_hint(graded):
    with open(graded[0] / "feedback" / "planted_bugs.md") as f:
        feedback = f.read()
    assert "### predict_labels_tied_votes" in feedback and "Hint:" in feedback
    assert "largest relative error" in feedback


def test_html_feedback_is_self_contained_and_escapes_student_text(graded):
    page = (graded[0] / "feedback" / "planted_bugs.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "src='http" not in page
    assert "predict_labels_tied_votes" in page


def test_the_class_report_lists_cases_hardest_first_with_its_figures(graded, cases):
    out, _ = graded
    page = (out / "report" / "index.html").read_text()
    for figure in ("scores.svg", "cases.svg"):
        svg = (out / "report" / figure).read_text()
        assert svg.startswith("<svg") and "<rect" in svg
        assert svg in (out / "report" / "index.html").read_text()   # embedded: the page stands alone
    order = [c.name for c in cases if f"<tr><td>{c.name}</td>" in page]
    positions = sorted(order, key=lambda name: page.index(f"<tr><td>{name}</td>"))
    rows = read_grades(out)
    failures = {name: sum(float(r[name]) == 0 for r in rows) for name in order}
    assert failures[positions[0]] == max(failures.values()) > failures[positions[-1]]


def test_gradebook_agrees_with_grades_csv(graded):
    out, _ = graded
    db = sqlite3.connect(out / "gradebook.sqlite")
    book = dict(db.execute("SELECT student, score FROM submissions"))
    assert book == {r["student"]: float(r["score"]) for r in read_grades(out)}


def test_a_zip_submission_grades_like_its_folder(tmp_path, repo, complete):
    import shutil
    shutil.make_archive(str(tmp_path / "zipped"), "zip", root_dir=os.path.dirname(complete),
                        base_dir=os.path.basename(complete))
    result = grader("grade", "--assignment", ASSIGNMENT, "--out", str(tmp_path / "out"), "--no-progress",
                    str(tmp_path / "zipped.zip"), cwd=repo)
    assert result.returncode == 0, result.stderr
    row, = read_grades(tmp_path / "out")
    assert row["student"] == "zipped" and row["score"] == row["max_score"]


def test_a_zip_escaping_its_folder_scores_zero_and_says_why(tmp_path, repo):
    import zipfile
    with zipfile.ZipFile(tmp_path / "sneaky.zip", "w") as archive:
        archive.writestr("../outside.py", "x = 1\n")
    result = grader("grade", "--assignment", ASSIGNMENT, "--out", str(tmp_path / "out"), "--no-progress",
                    str(tmp_path / "sneaky.zip"), cwd=repo)
    assert result.returncode == 0 and not (tmp_path / "outside.py").exists()
    row, = read_grades(tmp_path / "out")
    assert float(row["score"]) == 0
    assert "a path outside its folder" in (tmp_path / "out" / "feedback" / "sneaky.md").read_text()


def test_check_on_the_reference_passes_every_public_case(repo):
    public = len(load_cases(ASSIGNMENT, hidden=False))
    result = grader("check", os.path.join("solutions", ASSIGNMENT), cwd=repo)
    assert result.returncode == 0, result.stdout
    assert f"Passed {public} of {public} public checks." in result.stdout


def test_check_on_a_folder_with_no_assignment_files_says_so(tmp_path, repo):
    result = grader("check", str(tmp_path), "--assignment", ASSIGNMENT, cwd=repo)
    assert result.returncode == 2 and "no assignment files found" in result.stdout


def test_student_ids_never_escape_the_output_folder_nor_meet_its_own_files(tmp_path, repo):
    """A zip named '...zip' (id '..') or ids named like the grader's own files."""
    import shutil
    blank = os.path.join(repo, "assignments", ASSIGNMENT)
    folder = tmp_path / "class"
    folder.mkdir()
    archive = shutil.make_archive(str(tmp_path / "blank"), "zip", blank)
    shutil.copy(archive, folder / "...zip")
    for name in ("gradebook.sqlite", "grades.csv", "report"):
        shutil.copytree(blank, folder / name)
    out = tmp_path / "out"
    result = grader("grade", "--assignment", ASSIGNMENT, "--out", str(out), "--no-progress",
                    *sorted(str(p) for p in folder.iterdir()), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Skipped" in result.stdout and "'..'" in result.stdout
    assert not (tmp_path / "results.json").exists()
    with open(out / "grades.csv") as f:
        assert sorted(row["student"] for row in csv.DictReader(f)) == ["gradebook.sqlite", "grades.csv", "report"]
    assert all((out / "students" / name / "results.json").is_file() for name in ("gradebook.sqlite", "grades.csv"))
    again = grader("grade", "--assignment", ASSIGNMENT, "--out", str(out), "--no-progress",
                   *sorted(str(p) for p in folder.iterdir()), cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr   # the output folder still works


def test_a_full_scratch_disk_stops_the_run_and_charges_no_student(tmp_path, repo, monkeypatch, capsys):
    import errno
    from grader.instructor import grade
    def full_disk(submission, workdir, saved=()):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(grade, "prepare", full_disk)
    code = grade.run(ASSIGNMENT, [os.path.join(repo, "assignments", ASSIGNMENT)], str(tmp_path / "out"),
                     solutions_root=os.path.join(repo, "solutions"), progress=False, sandbox="off")
    assert code == 1 and "Grading stopped" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "out" / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone() == (0,)


def test_grading_only_some_cases_writes_just_their_columns(tmp_path, repo):
    out = tmp_path / "softmax-only"
    args = ["grade", "--assignment", ASSIGNMENT, "--no-progress", "--cases", "softmax_loss_vectorized_*",
            "--cases", "TwoLayerNet.loss", os.path.join(repo, "solutions", ASSIGNMENT)]
    result = grader(*args[:1], "--out", str(out), *args[1:], cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(out / "grades.csv") as f:
        header = next(csv.reader(f))
    assert header[3:] and all(c.startswith(("softmax_loss_vectorized_", "two_layer_net_")) for c in header[3:])
    assert "softmax_loss_vectorized_random" in header and "two_layer_net_loss_with_reg" in header
    again = grader(*args[:1], "--out", str(out), *args[1:], cwd=repo)
    assert again.returncode == 2 and "of its own" in again.stdout   # never over a full gradebook
    nothing = grader("grade", "--assignment", ASSIGNMENT, "--out", str(tmp_path / "x"), "--cases", "nope*",
                     os.path.join(repo, "solutions", ASSIGNMENT), cwd=repo)
    assert nothing.returncode == 2 and "No case" in nothing.stdout
