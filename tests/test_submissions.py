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
