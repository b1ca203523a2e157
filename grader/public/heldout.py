"""Held-out data a saved model is scored on (trusted side).

CIFAR-10's test images that no notebook shows: the notebooks load the first
1,000 test images (`get_CIFAR10_data(num_test=1000)`), and with the small
switch only the first `SMALL_TEST_ROWS`.  The full data set is scored on the
`FULL_ROWS` test images after the first 1,000; a smaller copy (the CI subset,
500 test images) on those after the first `SMALL_TEST_ROWS`, and says so, so
that a case can hold a threshold for each.  Images are preprocessed as
`get_CIFAR10_data` does: channels first, minus the mean training image.

The data files are the instructor's own (CIFAR10_DIR, or the repository's
datasets/cifar-10-batches-py); they are read here, never by a worker.  A
grader without them (Gradescope's container) reads the held-out rows alone,
which `packed` writes into its bundle as .npy files (datasets/heldout/).
"""
import functools
import io
import os
import pickle

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOWN_TEST_ROWS = 1000      # get_CIFAR10_data's num_test
SMALL_TEST_ROWS = 200       # data_utils.SMALL_ROWS["test"]
FULL_ROWS = 2000            # scored on the full data set: standard error of an accuracy about 1.1 points
NUM_TRAINING, NUM_VALIDATION = 49000, 1000


PACKED_DIR = os.path.join(REPO, "datasets", "heldout")
PACKED_NAMES = ("images.npy", "labels.npy", "mean_image.npy", "size.npy")


class MissingData(Exception):
    """The grader has no CIFAR-10 to score saved models on (the instructor's to fix)."""


def cifar10_dir():
    folder = os.environ.get("CIFAR10_DIR") or os.path.join(REPO, "datasets", "cifar-10-batches-py")
    if not os.path.isfile(os.path.join(folder, "test_batch")):
        raise MissingData(f"no CIFAR-10 test batch in {folder}: saved models are scored on it. Run "
                          "`bash setup.sh` (or set CIFAR10_DIR) on the grading machine.")
    return folder


def _batch(path):
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="latin1")   # the instructor's data file, not a student's
    return np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32), np.asarray(batch["labels"])


def _rows(folder):
    """(test images as uint8 (N, 3, 32, 32), their labels, the mean training
    image (3, 32, 32), "full" or "subset") of the held-out rows of `folder`."""
    train = [_batch(os.path.join(folder, f"data_batch_{b}"))[0] for b in range(1, 6)]
    X_all = np.concatenate(train)
    available = X_all.shape[0]
    # As get_CIFAR10_data: on smaller data the training rows shrink first.
    num_training = min(NUM_TRAINING, available - min(NUM_VALIDATION, available // 2))
    mean_image = X_all[:num_training].mean(axis=0)            # (3, 32, 32)
    X_test, y_test = _batch(os.path.join(folder, "test_batch"))
    if X_test.shape[0] >= SHOWN_TEST_ROWS + FULL_ROWS:
        rows, size = slice(SHOWN_TEST_ROWS, SHOWN_TEST_ROWS + FULL_ROWS), "full"
    else:
        rows, size = slice(SMALL_TEST_ROWS, None), "subset"
    return X_test[rows], y_test[rows], mean_image, size


def _unpack(folder):
    """What `_rows` gives, from the .npy files `packed` wrote (no pickles)."""
    images, labels, mean_image, size = (np.load(os.path.join(folder, name), allow_pickle=False)
                                        for name in PACKED_NAMES)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != (3, 32, 32) or \
            labels.shape != images.shape[:1] or mean_image.shape != (3, 32, 32) or str(size) not in ("full", "subset"):
        raise MissingData(f"the held-out rows in {folder} are not as `heldout.packed` writes them")
    return images, labels, mean_image, str(size)


def held_out_rows(folder=None):
    """`_rows` of `folder`, of the instructor's CIFAR-10, or else of the packed rows a bundle carries."""
    if folder is None:
        try:
            folder = cifar10_dir()
        except MissingData:
            if all(os.path.isfile(os.path.join(PACKED_DIR, name)) for name in PACKED_NAMES):
                return _unpack(PACKED_DIR)
            raise
    return _rows(folder)


def packed(folder=None):
    """{file name: .npy bytes}: the held-out rows, for a bundle to carry into
    a grader that has no CIFAR-10 (the same bytes for the same data)."""
    files = {}
    for name, value in zip(PACKED_NAMES, held_out_rows(folder)):
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(value), allow_pickle=False)
        files[name] = buffer.getvalue()
    return files


@functools.lru_cache(maxsize=2)
def cifar10(folder=None):
    """(X, y, size): held-out test images (float32, (N, 3, 32, 32), minus the
    mean training image), their labels, and "full" or "subset"."""
    images, labels, mean_image, size = held_out_rows(folder)
    X = (images - mean_image).astype(np.float32)               # (N, 3, 32, 32) - (3, 32, 32)
    return X, labels, size
