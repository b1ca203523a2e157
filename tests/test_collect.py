"""`python -m grader collect`: a zip of what grading reads (and the models the
notebooks save), or a refusal the student can act on; a warning when the work
looks unfinished."""
import json
import os
import subprocess
import sys
import zipfile

import pytest

from support import ASSIGNMENT, failing
import make_submissions
from grader.public import collect
from grader.public.files import COPIED, IGNORED_DIRS


@pytest.fixture
def work(tmp_path, repo):
    """A finished assignment folder as a student's laptop holds it: the code
    and notebooks, plus caches, checkpoints, data and saved models."""
    folder = make_submissions.complete_copy(os.path.join(repo, "solutions", ASSIGNMENT),
                                            str(tmp_path / ASSIGNMENT))
    extras = {"cs231n/classifiers/__pycache__/k_nearest_neighbor.cpython-311.pyc": b"\0",
              "cs231n/saved/model.npy": b"\x93NUMPY",
              "cs231n/datasets/cifar-10-batches-py/data_batch_1": b"\0" * 100,
              "notes.txt": b"todo\n", ".DS_Store": b"\0"}
    for name, data in extras.items():
        os.makedirs(os.path.join(folder, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    write_checkpoint(folder, read(folder, "knn.ipynb"), seconds_after_notebook=-60)
    return folder


def read(folder, name):
    with open(os.path.join(folder, name), "rb") as f:
        return f.read()


def write_checkpoint(folder, data, seconds_after_notebook):
    """Jupyter's checkpoint of knn.ipynb, dated relative to the notebook."""
    path = os.path.join(folder, ".ipynb_checkpoints", "knn-checkpoint.ipynb")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    when = os.path.getmtime(os.path.join(folder, "knn.ipynb")) + seconds_after_notebook
    os.utime(path, (when, when))


def graded_files(folder):
    """The names grading copies of a submission, found independently of `collect`."""
    names = set()
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        names |= {os.path.relpath(os.path.join(current, f), folder).replace(os.sep, "/")
                  for f in files if f.endswith(COPIED)}
    return names


def zip_beside(folder):
    return os.path.join(os.path.dirname(folder), f"{ASSIGNMENT}_submission.zip")


def test_the_zip_holds_exactly_the_files_grading_reads(work):
    assert collect.run(work) == 0
    with zipfile.ZipFile(zip_beside(work)) as archive:
        names = set(archive.namelist())
    assert names == graded_files(work)
    assert "knn.ipynb" in names and "cs231n/classifiers/k_nearest_neighbor.py" in names


def test_the_zip_holds_no_data_caches_checkpoints_or_saved_models(work):
    collect.run(work)
    with zipfile.ZipFile(zip_beside(work)) as archive:
        assert all(name.endswith((".py", ".ipynb")) and "checkpoint" not in name for name in archive.namelist())


def test_the_zip_grades_full_marks_like_the_folder(work, tmp_path, grade):
    collect.run(work)
    with zipfile.ZipFile(zip_beside(work)) as archive:
        archive.extractall(tmp_path / "unpacked")
    assert failing(grade(tmp_path / "unpacked")) == set()


def test_collecting_twice_gives_the_same_bytes(work, tmp_path):
    collect.run(work, str(tmp_path / "first.zip"))
    collect.run(work, str(tmp_path / "second.zip"))
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()


def test_collect_says_what_it_put_in_the_zip_and_its_size(work, capsys):
    collect.run(work)
    printed = capsys.readouterr().out
    assert "cs231n/classifiers/k_nearest_neighbor.py" in printed and "knn.ipynb" in printed
    assert "Zip size:" in printed and "KiB" in printed


def _malformed(folder):
    with open(os.path.join(folder, "knn.ipynb"), "w") as f:
        f.write('{"cells": [')


def _not_nbformat(folder):
    notebook = json.loads(read(folder, "knn.ipynb"))
    del notebook["cells"][0]["source"]
    with open(os.path.join(folder, "knn.ipynb"), "w") as f:
        json.dump(notebook, f)


def _unsaved(folder):
    write_checkpoint(folder, read(folder, "knn.ipynb").replace(b"k_fold", b"kk_fold"), seconds_after_notebook=60)


def _missing_module(folder):
    os.remove(os.path.join(folder, "cs231n", "classifiers", "k_nearest_neighbor.py"))


def _missing_notebook(folder):
    os.remove(os.path.join(folder, "knn.ipynb"))


@pytest.mark.parametrize("break_it, message", [
    (_malformed, "knn.ipynb is not a valid notebook file: its JSON breaks at line 1"),
    (_not_nbformat, "knn.ipynb is not a valid notebook file ('source' is a required property)"),
    (_unsaved, "Save your notebook (Ctrl-S) before collecting"),
    (_missing_module, "cs231n/classifiers/k_nearest_neighbor.py is missing: the assignment needs it"),
    (_missing_notebook, "knn.ipynb is missing: the assignment needs it"),
], ids=["malformed", "not_nbformat", "unsaved", "missing_module", "missing_notebook"])
def test_collect_refuses_what_would_not_grade_and_says_why(work, capsys, break_it, message):
    break_it(work)
    assert collect.run(work) == 1
    assert message in capsys.readouterr().out
    assert not os.path.exists(zip_beside(work))


def test_a_newer_checkpoint_identical_to_the_notebook_does_not_block(work):
    write_checkpoint(work, read(work, "knn.ipynb"), seconds_after_notebook=60)
    assert collect.run(work) == 0


def test_a_refusal_warns_that_an_older_zip_is_stale(work, capsys):
    assert collect.run(work) == 0
    _malformed(work)
    assert collect.run(work) == 1
    assert "does not hold your latest work" in capsys.readouterr().out


def test_collect_from_the_command_line(work, tmp_path, repo):
    result = subprocess.run([sys.executable, "-m", "grader", "collect", work, "--out", str(tmp_path / "hand-in.zip")],
                            cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert zipfile.is_zipfile(tmp_path / "hand-in.zip") and "hand-in.zip" in result.stdout


def test_collect_refuses_when_files_the_public_checks_never_call_are_missing(work, capsys):
    """The release's manifest lists every file, not only those the public cases reach."""
    for name in ("features.ipynb", "two_layer_net.ipynb", "cs231n/solver.py"):
        os.remove(os.path.join(work, name))
    assert collect.run(work) == 1
    printed = capsys.readouterr().out
    for name in ("features.ipynb", "two_layer_net.ipynb", "cs231n/solver.py"):
        assert f"{name} is missing" in printed
    assert not os.path.exists(zip_beside(work))


def test_the_models_the_notebooks_save_are_handed_in(work, capsys):
    saved = os.path.join(work, "cs231n", "saved", "best_two_layer_net.npy")
    with open(saved, "wb") as f:
        f.write(b"\x93NUMPY model")
    assert collect.run(work) == 0
    with zipfile.ZipFile(zip_beside(work)) as archive:
        assert archive.read("cs231n/saved/best_two_layer_net.npy") == b"\x93NUMPY model"
        assert "cs231n/saved/model.npy" not in archive.namelist()   # saved by no notebook
    assert "cs231n/saved/best_softmax.npy is not there" in capsys.readouterr().out


def test_a_blank_never_run_assignment_is_collected_with_a_warning_and_the_checks_summary(tmp_path, repo, capsys):
    from grader.instructor.release import generate, write_tree
    folder = tmp_path / ASSIGNMENT
    write_tree(generate(os.path.join(repo, "solutions", ASSIGNMENT)), str(folder))
    assert collect.run(str(folder)) == 0
    printed = capsys.readouterr().out
    assert printed.index("look at this before you hand it in") < printed.index("Collected 22 files")
    assert "never run (no cell has been executed): features.ipynb" in printed
    assert "the public checks: 0 of" in printed and "not implemented yet: KNearestNeighbor" in printed
    assert zipfile.is_zipfile(tmp_path / f"{ASSIGNMENT}_submission.zip")


def test_finished_work_is_collected_without_a_checks_warning(work, capsys):
    assert collect.run(work) == 0
    assert "the public checks:" not in capsys.readouterr().out
