"""Finding the assignment inside a submission, whatever the student zipped."""
from grader.public.files import find_root


def test_a_notebook_checkpoint_folder_is_never_taken_for_the_assignment(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "knn-checkpoint.ipynb").write_text("{}")
    (tmp_path / "work" / "assignment1" / "cs231n").mkdir(parents=True)
    assert find_root(str(tmp_path)) == str(tmp_path / "work" / "assignment1")


def test_a_macos_resource_folder_is_never_taken_for_the_assignment(tmp_path):
    (tmp_path / "__MACOSX" / "cs231n").mkdir(parents=True)
    (tmp_path / "a" / "assignment1" / "cs231n").mkdir(parents=True)
    assert find_root(str(tmp_path)) == str(tmp_path / "a" / "assignment1")


def test_the_blank_example_is_the_release_as_generated_not_the_working_folder(tmp_path, monkeypatch):
    """A student (or an instructor trying things) who fills in assignments/ must not change the blank example."""
    import os
    import shutil
    import make_submissions
    from support import ASSIGNMENT, REPO
    for folder in ("solutions", "assignments"):
        shutil.copytree(os.path.join(REPO, folder, ASSIGNMENT), tmp_path / folder / ASSIGNMENT)
    started = tmp_path / "assignments" / ASSIGNMENT / "cs231n" / "classifiers" / "k_nearest_neighbor.py"
    started.write_text(started.read_text().replace("# YOUR CODE HERE", "pass  # a student's first line", 1))
    monkeypatch.setattr(make_submissions, "REPO", str(tmp_path))
    make_submissions.make(ASSIGNMENT, str(tmp_path / "out"))
    blank = (tmp_path / "out" / "blank" / "cs231n" / "classifiers" / "k_nearest_neighbor.py").read_text()
    assert "a student's first line" not in blank and "raise NotImplementedError" in blank
