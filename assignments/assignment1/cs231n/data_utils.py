"""Loading CIFAR-10 from the python pickles of the official tarball."""

import os
import pickle
import warnings

import numpy as np

# A quick run (CS231N_SMALL=1, as the tests and CI set it) loads only the first
# rows of each split, so that every notebook runs top to bottom in seconds.
# Leave it unset for real work: the figures the notebooks quote need all data.
SMALL_ROWS = {"train": 1500, "test": 200}


def small_run():
    """True when the environment asks for a quick run: CS231N_SMALL=1."""
    return os.environ.get("CS231N_SMALL") == "1"


def _read_batch(filename):
    """Read one CIFAR-10 batch file as uint8 images (N, 32, 32, 3) and int labels (N,)."""
    with open(filename, "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    data = np.asarray(batch["data"], dtype=np.uint8)
    X = data.reshape(data.shape[0], 3, 32, 32).transpose(0, 2, 3, 1)
    Y = np.array(batch["labels"])
    return X, Y


def load_CIFAR_batch(filename):
    """
    Load one batch file of CIFAR-10 (any number of rows).

    Inputs:
    - filename: Path of a batch file such as data_batch_1 or test_batch.

    Returns a tuple of:
    - X: float64 array of shape (N, 32, 32, 3), pixel values in [0, 255].
    - Y: int array of shape (N,), labels in 0..9.
    """
    X, Y = _read_batch(filename)
    return X.astype(np.float64), Y


def load_CIFAR10(ROOT):
    """
    Load all of CIFAR-10 from the folder cifar-10-batches-py.

    Inputs:
    - ROOT: Path of the folder holding data_batch_1 .. data_batch_5 and test_batch.

    Returns a tuple of:
    - Xtr: float64 array of shape (num_train, 32, 32, 3), the five training
      batches in order.
    - Ytr: int array of shape (num_train,).
    - Xte: float64 array of shape (num_test, 32, 32, 3).
    - Yte: int array of shape (num_test,).
    """
    xs, ys = [], []
    for b in range(1, 6):
        X, Y = _read_batch(os.path.join(ROOT, "data_batch_%d" % b))
        xs.append(X)
        ys.append(Y)
    # Concatenate as uint8 and convert once, which keeps the peak memory low.
    Xtr = np.concatenate(xs).astype(np.float64)
    Ytr = np.concatenate(ys)
    del xs, ys
    Xte, Yte = load_CIFAR_batch(os.path.join(ROOT, "test_batch"))
    if small_run():
        warnings.warn("CS231N_SMALL=1: a quick run on the first %(train)d training and %(test)d test images"
                      % SMALL_ROWS, stacklevel=2)
        Xtr, Ytr = Xtr[:SMALL_ROWS["train"]], Ytr[:SMALL_ROWS["train"]]
        Xte, Yte = Xte[:SMALL_ROWS["test"]], Yte[:SMALL_ROWS["test"]]
    return Xtr, Ytr, Xte, Yte


def walk_up(start):
    """Yield start and each of its parent folders, up to the file system root."""
    folder = os.path.abspath(start)
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def default_cifar10_dir():
    """
    Return the folder cifar-10-batches-py to load CIFAR-10 from.

    The environment variable CIFAR10_DIR wins when it is set. Otherwise this
    looks for datasets/cifar-10-batches-py in the current working directory
    and each of its parents, then in the folder of this file and each of its
    parents, and returns the first one found.

    Raises FileNotFoundError, saying how to fetch the data, when there is none.
    """
    env_dir = os.environ.get("CIFAR10_DIR")
    if env_dir:
        if not os.path.isdir(env_dir):
            raise FileNotFoundError(
                "CIFAR10_DIR is set to %r, which is not a folder. Point it at a "
                "cifar-10-batches-py folder, or unset it to use the copy in the "
                "repository's datasets/ folder." % env_dir
            )
        return env_dir

    here = os.path.dirname(os.path.abspath(__file__))
    for start in (os.getcwd(), here):
        for folder in walk_up(start):
            candidate = os.path.join(folder, "datasets", "cifar-10-batches-py")
            if os.path.isdir(candidate):
                return candidate

    raise FileNotFoundError(
        "Could not find the CIFAR-10 data (a folder datasets/cifar-10-batches-py "
        "in or above %s or %s). Fetch it with `bash datasets/get_datasets.sh` "
        "(163 MB; or `bash datasets/get_datasets.sh --from DIR` to copy a "
        "cifar-10-batches-py folder you have), run in the folder that holds "
        "datasets/: where you unzipped the assignment, or the repository's root "
        "(where `bash setup.sh` does it for you). Or set the environment "
        "variable CIFAR10_DIR to an existing cifar-10-batches-py folder."
        % (os.getcwd(), here)
    )


def get_CIFAR10_data(num_training=49000, num_validation=1000, num_test=1000,
                     subtract_mean=True, cifar10_dir=None):
    """
    Load CIFAR-10 and split it into training, validation and test sets, ready
    for the classifiers: mean-subtracted and channels first.

    The validation images are the ones that follow the training images in the
    training batches. When the data on disk is smaller than asked for (such as
    the small subset used for testing), the training set shrinks first, so the
    validation set keeps its size where possible, and a warning says so.

    Inputs:
    - num_training, num_validation, num_test: Number of images in each split.
    - subtract_mean: If True, subtract the mean training image from all splits.
    - cifar10_dir: Folder to load from; default_cifar10_dir() when None.

    Returns a dict with keys X_train, y_train, X_val, y_val, X_test, y_test;
    the images are float64 arrays of shape (N, 3, 32, 32), the labels int
    arrays of shape (N,).
    """
    if cifar10_dir is None:
        cifar10_dir = default_cifar10_dir()
    X_all, y_all, X_test, y_test = load_CIFAR10(cifar10_dir)

    available = X_all.shape[0]
    if num_training + num_validation > available:
        used_val = min(num_validation, available // 2)
        used_train = min(num_training, available - used_val)
        warnings.warn(
            "CIFAR-10 on disk has {:,} training images; asked for {:,} train + "
            "{:,} val: using {:,} + {:,}. Figures will be lower than on the "
            "full data set.".format(available, num_training, num_validation,
                                    used_train, used_val),
            stacklevel=2,
        )
        num_training, num_validation = used_train, used_val
    if num_test > X_test.shape[0]:
        warnings.warn(
            "CIFAR-10 on disk has {:,} test images; asked for {:,}: using {:,}."
            .format(X_test.shape[0], num_test, X_test.shape[0]),
            stacklevel=2,
        )
        num_test = X_test.shape[0]

    X_train = X_all[:num_training]
    y_train = y_all[:num_training]
    X_val = X_all[num_training:num_training + num_validation]
    y_val = y_all[num_training:num_training + num_validation]
    X_test = X_test[:num_test]
    y_test = y_test[:num_test]

    if subtract_mean:
        mean_image = np.mean(X_train, axis=0)
        X_train = X_train - mean_image
        X_val = X_val - mean_image
        X_test = X_test - mean_image

    # Channels first: (N, 32, 32, 3) -> (N, 3, 32, 32).
    return {
        "X_train": X_train.transpose(0, 3, 1, 2).copy(),
        "y_train": y_train.copy(),
        "X_val": X_val.transpose(0, 3, 1, 2).copy(),
        "y_val": y_val.copy(),
        "X_test": X_test.transpose(0, 3, 1, 2).copy(),
        "y_test": y_test.copy(),
    }
