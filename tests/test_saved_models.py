"""Saved models (grader/public/saved.py, kinds.SavedModel): a file a notebook
writes is read on the trusted side, bounded and checked against the declared
architecture; whatever is wrong with it costs its own cases, with a message
that says what; collect hands it in and grading copies it."""
import io
import os
import zipfile

import numpy as np
import pytest

import make_submissions
from grader.public import collect
from grader.public.compare import Verdict
from grader.public.files import prepare
from grader.public.saved import SavedArrays, write
from support import REPO

SPEC = SavedArrays("cs231n/saved/model.npz", (("W1", (4, 3)), ("b1", (3,))), made_by="cell 12 saves it")


def save(root, **arrays):
    write(os.path.join(root, "cs231n", "saved", "model.npz"), arrays)


def good():
    return {"W1": np.arange(12.0).reshape(4, 3), "b1": np.zeros(3, dtype=np.float32)}


def test_a_well_formed_file_gives_its_arrays_as_floats(tmp_path):
    save(tmp_path, **good())
    arrays = SPEC.read(tmp_path)
    assert sorted(arrays) == ["W1", "b1"] and arrays["b1"].dtype == np.float64
    assert np.array_equal(arrays["W1"], good()["W1"])


def message(root):
    verdict = SPEC.read(root)
    assert isinstance(verdict, Verdict) and not verdict.passed
    return verdict.message


def test_a_missing_file_says_which_and_where_it_is_made(tmp_path):
    assert "cs231n/saved/model.npz was not found" in message(tmp_path) and "cell 12" in message(tmp_path)


@pytest.mark.parametrize("arrays, says", [
    ({"W1": np.zeros((4, 3))}, "it lacks 'b1'"),
    ({**good(), "extra": np.zeros(2)}, "does not have: 'extra'"),
    ({"W1": np.zeros((3, 4)), "b1": np.zeros(3)}, "W1 has shape (3, 4); the graded architecture needs (4, 3)"),
    ({"W1": np.full((4, 3), np.nan), "b1": np.zeros(3)}, "W1 contains NaN or inf"),
    ({"W1": np.zeros((4, 3), dtype=complex), "b1": np.zeros(3)}, "W1 is not an array of numbers"),
    ({"W1": np.array([{"a": 1}] * 12, dtype=object).reshape(4, 3), "b1": np.zeros(3)}, "not objects"),
], ids=["missing array", "extra array", "wrong shape", "nan", "complex", "object array (a pickle)"])
def test_a_malformed_file_is_refused_with_what_is_wrong(tmp_path, arrays, says):
    save(tmp_path, **arrays)
    assert says in message(tmp_path)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    os.makedirs(tmp_path / "cs231n" / "saved")
    (tmp_path / "cs231n" / "saved" / "model.npz").write_bytes(b"\x80\x04 a pickle, not a zip")
    assert "not a file of arrays saved by numpy.savez" in message(tmp_path)


def test_an_oversized_file_is_refused_before_it_is_opened(tmp_path):
    save(tmp_path, **good())
    small = SavedArrays(SPEC.path, SPEC.arrays, max_bytes=100)
    assert "more than the 100 allowed" in small.read(tmp_path).message


def test_a_member_larger_than_its_array_is_refused_before_it_is_decompressed(tmp_path):
    """A zip bomb: a tiny compressed member that unpacks to far more than (4, 3) floats."""
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W1.npy", b"\0" * 10**7)
        archive.writestr("b1.npy", buffer.getvalue())
    os.makedirs(tmp_path / "cs231n" / "saved")
    os.replace(tmp_path / "bomb.npz", tmp_path / "cs231n" / "saved" / "model.npz")
    assert "larger than the architecture's" in message(tmp_path)


def test_a_saved_file_must_be_a_relative_npz_path():
    for path in ("../model.npz", "/abs/model.npz", "cs231n/saved/model.pkl"):
        with pytest.raises(ValueError):
            SavedArrays(path, ())


def test_grading_copies_the_declared_saved_file_and_nothing_else_of_saved(tmp_path):
    folder = tmp_path / "student"
    save(folder, **good())
    write(os.path.join(folder, "cs231n", "saved", "other.npz"), good())
    (folder / "cs231n" / "layers.py").write_text("x = 1\n")
    root = prepare(str(folder), str(tmp_path / "work"), saved=[SPEC.path])
    assert os.path.isfile(os.path.join(root, "cs231n", "saved", "model.npz"))
    assert not os.path.exists(os.path.join(root, "cs231n", "saved", "other.npz"))


@pytest.fixture
def assignment2(tmp_path):
    return make_submissions.complete_copy(os.path.join(REPO, "solutions", "assignment2"), str(tmp_path / "assignment2"))


def test_collect_hands_in_the_trained_model(assignment2, tmp_path):
    out = str(tmp_path / "a2.zip")
    assert collect.run(assignment2, out) == 0
    assert "cs231n/saved/best_fc_net.npz" in zipfile.ZipFile(out).namelist()


def test_collect_without_the_trained_model_still_collects_and_says_so(assignment2, tmp_path, capsys):
    os.remove(os.path.join(assignment2, "cs231n", "saved", "best_fc_net.npz"))
    assert collect.run(assignment2, str(tmp_path / "a2.zip")) == 0
    assert "cs231n/saved/best_fc_net.npz is not there" in capsys.readouterr().out


# ------------------------------------- the kind, on another assignment's model
TOY_X = np.random.default_rng(0).uniform(0.1, 1.0, size=(60, 4))
TOY_Y = np.argmax(TOY_X[:, :3], axis=1)   # the class is the largest of the first three features
TOY = SavedArrays("cs231n/saved/toy.npz", (("W1", (4, 3)), ("b1", (3,)), ("W2", (3, 3)), ("b2", (3,))))
PERFECT = {"W1": np.eye(4, 3), "b1": np.zeros(3), "W2": np.eye(3), "b2": np.zeros(3)}


def toy_cases():
    from grader.public.kinds import SavedModel
    model = SavedModel(TOY, "cs231n.classifiers.fc_net:TwoLayerNet",
                       init={"input_dim": 4, "hidden_dim": 3, "num_classes": 3},
                       data=lambda: (TOY_X, TOY_Y, "full"), function="toy.npz (trained model)")
    return [model.accuracy("toy_reaches_50", {"full": 0.5}), model.accuracy("toy_reaches_90", {"full": 0.9})]


def grade_toy(server, root):
    from grader.public.scoring import score_submission
    return {r.case: r for r in score_submission(server, str(root), toy_cases(), {}, {},
                                                reference_root=os.path.join(REPO, "solutions", "assignment1"))}


def test_any_assignment_can_grade_a_saved_model_with_its_reference_class(server, tmp_path):
    """Assignment 1's TwoLayerNet as the reference architecture, toy held-out data:
    the blank release's code (every function a stub) with good arrays scores full
    marks, since only the reference's code runs them."""
    student = tmp_path / "student"
    make_submissions.complete_copy(os.path.join(REPO, "assignments", "assignment1"), str(student))
    write(os.path.join(student, *TOY.path.split("/")), PERFECT)
    assert all(r.passed for r in grade_toy(server, student).values())


def test_a_saved_model_below_a_threshold_loses_that_case_only(server, tmp_path):
    half = {**PERFECT, "W2": np.eye(3)[:, [0, 1, 1]]}   # class 2 is never predicted: about 2/3 right
    write(os.path.join(tmp_path, *TOY.path.split("/")), half)
    results = grade_toy(server, tmp_path)
    assert results["toy_reaches_50"].passed and not results["toy_reaches_90"].passed
    assert "held-out test images correctly; this case needs 90%" in results["toy_reaches_90"].message


# ------------------------------------------- held-out rows without CIFAR-10
def test_the_held_out_rows_a_bundle_carries_score_the_same_images(tmp_path, monkeypatch):
    from grader.public import heldout
    folder = heldout.cifar10_dir()
    for name, data in heldout.packed(folder).items():
        (tmp_path / name).write_bytes(data)
    X, y, size = heldout.cifar10(folder)

    def no_data():
        raise heldout.MissingData("no CIFAR-10 here")
    monkeypatch.setattr(heldout, "cifar10_dir", no_data)
    monkeypatch.setattr(heldout, "PACKED_DIR", str(tmp_path))
    images, labels, mean_image, packed_size = heldout.held_out_rows()
    assert images.dtype == np.uint8 and (packed_size, len(labels)) == (size, len(y))
    assert np.array_equal((images - mean_image).astype(np.float32), X) and np.array_equal(labels, y)
    np.save(tmp_path / "images.npy", images.astype(np.float32))      # not what packed writes
    with pytest.raises(heldout.MissingData, match="not as `heldout.packed` writes them"):
        heldout.held_out_rows()
    (tmp_path / "labels.npy").unlink()
    with pytest.raises(heldout.MissingData, match="no CIFAR-10 here"):
        heldout.held_out_rows()
