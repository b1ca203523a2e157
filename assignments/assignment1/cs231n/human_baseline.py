"""The human baseline: label a sample of CIFAR-10 test images yourself, then
compare your answers with the crowd of CIFAR-10H and with the classifiers of
assignment 1.

The pieces, in the order the notebook uses them:

- `make_sample` draws a seeded, class-balanced sample of test images and
  remembers which data set it came from (`dataset_fingerprint`);
- `write_page` writes one self-contained HTML page to label that sample in a
  browser (no server, no network; the answers stay in the browser's local
  storage until you download them as a JSON file);
- `load_results` reads that file back and refuses one made for another sample
  or another data set;
- `load_cifar10h`, `summarize` and the `plot_*` functions put your answers
  beside the crowd's and the models'.

Nothing here is graded. Images are uint8 or float arrays of shape (N, 32, 32, 3)
with values in [0, 255], as `load_CIFAR10` returns them.
"""

import base64
import hashlib
import json
import math
import os
import struct
import zlib

import numpy as np

from .data_utils import walk_up  # the same search upwards that finds CIFAR-10

CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
NUM_CLASSES = len(CLASSES)
RESULTS_FORMAT = "cs231n-human-baseline-results"
RESULTS_VERSION = 1
CIFAR10H_FILE = "cifar10h-counts.npy"
# Said in the notebook and in every figure made without the crowd's labels.
NO_CROWD = ("CIFAR-10H not found: the crowd comparison is left out. Get it with "
            "`bash datasets/get_datasets.sh --cifar10h` (or `--cifar10h --from DIR`), "
            "or point CIFAR10H_PATH at cifar10h-counts.npy.")


class ResultsMismatch(ValueError):
    """A results file that was not made for this sample of this data set."""


# ------------------------------------------------------------------ sample
def dataset_fingerprint(X, y):
    """
    A short hash that tells data sets apart: the subset's 500 test images give
    another fingerprint than the full set's 10,000, and so does any change of
    pixels, labels or order.

    Inputs:
    - X: array of shape (N, 32, 32, 3), pixel values in [0, 255].
    - y: int array of shape (N,).

    Returns a string "sha256:" followed by 16 hex digits.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError("X has %d images but y has %d labels" % (X.shape[0], y.shape[0]))
    digest = hashlib.sha256()
    digest.update(("cifar10 %s" % (X.shape,)).encode())
    # Hash the values as uint8, so float64 and uint8 copies of the same images agree.
    digest.update(np.ascontiguousarray(np.rint(X), dtype=np.uint8).tobytes())
    digest.update(np.ascontiguousarray(y, dtype="<i8").tobytes())
    return "sha256:" + digest.hexdigest()[:16]


def balanced_sample(y, size=100, seed=0):
    """
    Draw `size` distinct image indices with the classes as balanced as they can
    be: every class gets size // 10 images, and size % 10 classes chosen at
    random get one more. The same (y, size, seed) always gives the same sample.

    Inputs:
    - y: int array of shape (N,), labels in 0..9.
    - size: number of images to draw, 1 <= size <= N.
    - seed: seed of the random generator.

    Returns an int array of shape (size,): indices into y, in the (shuffled)
    order in which the page shows them.
    """
    y = np.asarray(y)
    size = int(size)
    if size < 1:
        raise ValueError("the sample needs at least one image, not %d" % size)
    rng = np.random.default_rng(seed)
    per_class = np.full(NUM_CLASSES, size // NUM_CLASSES)
    per_class[rng.choice(NUM_CLASSES, size % NUM_CLASSES, replace=False)] += 1
    picks = []
    for c in range(NUM_CLASSES):
        members = np.flatnonzero(y == c)
        if per_class[c] > members.size:
            raise ValueError(
                "a balanced sample of %d images needs %d %s images, but the data has only %d: "
                "choose a smaller sample" % (size, per_class[c], CLASSES[c], members.size))
        picks.append(rng.choice(members, per_class[c], replace=False))
    # Shuffle across classes, so the page does not show ten planes in a row.
    return rng.permutation(np.concatenate(picks)).astype(np.int64)


def reference_indices(y_train, per_class=4, seed=0):
    """
    Pick `per_class` example images of each class from the *training* set, for
    the page's reference strip; the sample is drawn from the test set, so no
    reference image can be one of the images to label.

    Returns an int array of shape (10, per_class) of indices into y_train.
    """
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the sample's
    y_train = np.asarray(y_train)
    return np.stack([rng.choice(np.flatnonzero(y_train == c), per_class, replace=False)
                     for c in range(NUM_CLASSES)])


class Sample(object):
    """
    The images to label: which test images (`image_ids`, indices into the
    test set, shape (size,)), drawn with which `seed`, from which data set
    (`fingerprint`). `sample_id` names the combination.
    """

    def __init__(self, image_ids, seed, fingerprint):
        self.image_ids = np.asarray(image_ids, dtype=np.int64)
        self.seed = int(seed)
        self.fingerprint = fingerprint

    @property
    def size(self):
        return int(self.image_ids.size)

    @property
    def sample_id(self):
        text = json.dumps([self.fingerprint, self.seed, self.image_ids.tolist()])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def __repr__(self):
        return "Sample(%d images, seed %d, data set %s, id %s)" % (
            self.size, self.seed, self.fingerprint, self.sample_id)


def make_sample(X_test, y_test, size=100, seed=0):
    """A balanced, seeded `Sample` of the test set (X_test (N, 32, 32, 3), y_test (N,))."""
    return Sample(balanced_sample(y_test, size, seed), seed, dataset_fingerprint(X_test, y_test))


# ------------------------------------------------------------------ page
def png_bytes(image):
    """
    Encode one RGB image of shape (H, W, 3), values in [0, 255], as a PNG file
    (bytes). A few lines of zlib instead of an imaging library: the page only
    needs small, lossless, 8-bit RGB images.
    """
    pixels = np.ascontiguousarray(np.clip(np.rint(image), 0, 255), dtype=np.uint8)
    height, width, channels = pixels.shape
    if channels != 3:
        raise ValueError("expected an RGB image of shape (H, W, 3), got %s" % (pixels.shape,))
    # Each row starts with filter type 0 (no filter).
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def png_data_uri(image):
    """The image (H, W, 3) as a data: URI, to embed in the page."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")


def page_data(sample, X_test, X_train, y_train, references_per_class=4):
    """
    Everything the page needs, as a JSON-ready dict: the sample's images (as
    data URIs, never their labels) and the reference strip from the training set.
    """
    refs = reference_indices(y_train, references_per_class, sample.seed)
    return {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "sample_id": sample.sample_id,
        "seed": sample.seed,
        "dataset_fingerprint": sample.fingerprint,
        "image_ids": sample.image_ids.tolist(),
        "images": [png_data_uri(X_test[i]) for i in sample.image_ids],
        "classes": list(CLASSES),
        "references": [[png_data_uri(X_train[i]) for i in row] for row in refs],
    }


def write_page(path, sample, X_test, X_train, y_train, references_per_class=4):
    """
    Write the labelling page for `sample` to `path` (one HTML file, images
    embedded) and return its absolute path.

    Inputs:
    - sample: the `Sample` to label, drawn from X_test.
    - X_test: test images, shape (N, 32, 32, 3).
    - X_train, y_train: training images (M, 32, 32, 3) and labels (M,), for the
      reference strip.
    """
    data = page_data(sample, X_test, X_train, y_train, references_per_class)
    # "</" cannot end the <script> element early once its slash is escaped.
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    html = _PAGE.replace("__TITLE__", "Label %d CIFAR-10 images" % sample.size).replace("__DATA__", payload)
    path = os.path.abspath(path)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return path


# ------------------------------------------------------------------ results
def load_results(source, sample):
    """
    Read a results file downloaded from the page and check that it belongs to
    `sample`.

    Inputs:
    - source: path of the JSON file, or the already parsed dict.
    - sample: the `Sample` the notebook drew (same size, seed and data set).

    Returns a dict with
    - "answers": int array of shape (size,), the class chosen for each image of
      the sample in page order, -1 where the image was skipped;
    - "seconds": float array of shape (size,), time spent on each image (NaN
      where unknown);
    - "simulated": True for a file made by `simulate_results`;
    - "raw": the parsed file.

    Raises ResultsMismatch, saying what differs, for a file made for another
    sample or data set, and ValueError for a file that is not a results file.
    """
    if isinstance(source, dict):
        raw = source
    else:
        with open(source, encoding="utf-8") as f:
            try:
                raw = json.load(f)
            except ValueError as exc:
                raise ValueError("%s is not a JSON file (%s)" % (source, exc)) from None
    if not isinstance(raw, dict) or raw.get("format") != RESULTS_FORMAT:
        raise ValueError("this is not a results file of the human-baseline page "
                         "(its \"format\" is not %r)" % RESULTS_FORMAT)
    if raw.get("version") != RESULTS_VERSION:
        raise ValueError("results file version %r; this notebook reads version %d"
                         % (raw.get("version"), RESULTS_VERSION))
    if raw.get("dataset_fingerprint") != sample.fingerprint:
        raise ResultsMismatch(
            "this results file was made for another data set (fingerprint %s; the data "
            "loaded here is %s). Did you label a page made from the full CIFAR-10 and load "
            "the subset here, or the other way round? Load the same data as when you wrote "
            "the page." % (raw.get("dataset_fingerprint"), sample.fingerprint))
    if raw.get("seed") != sample.seed or raw.get("image_ids") != sample.image_ids.tolist():
        raise ResultsMismatch(
            "this results file was made for another sample (seed %r, %d images; this notebook "
            "drew seed %d, %d images). Set SAMPLE_SIZE and SEED to the values you used for "
            "the page, or label the new page." % (
                raw.get("seed"), len(raw.get("image_ids") or []), sample.seed, sample.size))
    answers = raw.get("answers")
    seconds = raw.get("seconds")
    if (not isinstance(answers, list) or len(answers) != sample.size
            or not isinstance(seconds, list) or len(seconds) != sample.size):
        raise ValueError("the results file must hold one answer and one time per image (%d)" % sample.size)
    for a in answers:
        if a is not None and not (isinstance(a, int) and 0 <= a < NUM_CLASSES):
            raise ValueError("an answer must be a class in 0..9 or null (skipped), not %r" % (a,))
    return {
        "answers": np.array([-1 if a is None else a for a in answers], dtype=np.int64),
        "seconds": np.array([np.nan if s is None else float(s) for s in seconds]),
        "simulated": bool(raw.get("simulated", False)),
        "raw": raw,
    }


def find_results(sample, folders):
    """
    The newest results file downloaded for `sample` in any of `folders`
    (browsers name a second download of the same file "... (1).json"), or None.
    The page names its file after the sample, so a file for another sample is
    never picked up here by mistake.
    """
    import glob
    found = []
    for folder in folders:
        found += glob.glob(os.path.join(os.path.expanduser(folder), "human-baseline-%s*.json" % sample.sample_id))
    return max(found, key=os.path.getmtime) if found else None


def simulate_results(sample, y_test, counts=None, seed=0):
    """
    A stand-in results dict for when you have not labelled the page yet, marked
    "simulated" everywhere it shows. With the CIFAR-10H counts (N, 10) each
    answer is one vote drawn from the crowd's votes on that image (so the
    stand-in is a typical annotator); without them it is the true label 90 % of
    the time and a random class otherwise. Times are drawn around 3 seconds.
    """
    rng = np.random.default_rng([seed, 2])
    answers = []
    for i in sample.image_ids:
        if counts is not None:
            answers.append(int(rng.choice(NUM_CLASSES, p=counts[i] / counts[i].sum())))
        else:
            answers.append(int(y_test[i]) if rng.random() < 0.9 else int(rng.integers(NUM_CLASSES)))
    seconds = np.round(rng.lognormal(np.log(3.0), 0.5, sample.size), 2)
    return {"format": RESULTS_FORMAT, "version": RESULTS_VERSION, "simulated": True,
            "sample_id": sample.sample_id, "seed": sample.seed,
            "dataset_fingerprint": sample.fingerprint, "image_ids": sample.image_ids.tolist(),
            "answers": answers, "seconds": seconds.tolist()}


# ------------------------------------------------------------------ crowd
def find_cifar10h(path=None):
    """
    The path of cifar10h-counts.npy, or None when there is none. Looks at, in
    order: `path` (the file or its folder), the environment variable
    CIFAR10H_PATH (same), the folder cifar-10h beside the CIFAR-10 folder that
    CIFAR10_DIR names, and datasets/cifar-10h in the current folder, this
    file's folder and their parents (where get_datasets.sh puts it).
    """
    candidates = []
    for given in (path, os.environ.get("CIFAR10H_PATH")):
        if given:
            candidates += [given, os.path.join(given, CIFAR10H_FILE)]
    if os.environ.get("CIFAR10_DIR"):
        beside = os.path.dirname(os.path.abspath(os.environ["CIFAR10_DIR"]))
        candidates.append(os.path.join(beside, "cifar-10h", CIFAR10H_FILE))
    for start in (os.getcwd(), os.path.dirname(os.path.abspath(__file__))):
        candidates += [os.path.join(folder, "datasets", "cifar-10h", CIFAR10H_FILE) for folder in walk_up(start)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    return None


def load_cifar10h(y_test, path=None):
    """
    The CIFAR-10H vote counts for the test images on disk, or None (and a
    printed reason) when the file cannot be found.

    Inputs:
    - y_test: int array of shape (N,), the labels of the test set loaded (the
      official test order, N <= 10,000; the subset's N = 500 are its first rows).
    - path: cifar10h-counts.npy or its folder; `find_cifar10h` looks when None.

    Returns an int array of shape (N, 10): entry (i, c) counts the annotators
    who chose class c for test image i.

    Raises ValueError when the file does not match the test set (too few rows,
    or the crowd's majority disagrees with the labels far more than the 1-2 %
    CIFAR-10H is known for: another order or another data set).
    """
    found = find_cifar10h(path)
    if found is None:
        print(NO_CROWD)
        return None
    counts = np.load(found, allow_pickle=False)
    y_test = np.asarray(y_test)
    if counts.ndim != 2 or counts.shape[1] != NUM_CLASSES or counts.shape[0] < y_test.shape[0]:
        raise ValueError("%s holds an array of shape %s; expected (at least %d, 10)"
                         % (found, counts.shape, y_test.shape[0]))
    counts = counts[:y_test.shape[0]]
    agreement = np.mean(np.argmax(counts, axis=1) == y_test)
    if agreement < 0.9:
        raise ValueError("the crowd's majority agrees with only %.0f %% of the test labels: %s does not "
                         "belong to this test set (its rows follow the official test_batch order)"
                         % (100 * agreement, found))
    return counts


def crowd_accuracy(counts, y):
    """
    Accuracy of the crowd on some images.

    Inputs:
    - counts: int array of shape (n, 10), the votes on each image.
    - y: int array of shape (n,), the true labels.

    Returns (mean, majority):
    - mean: the mean annotator accuracy, the average over images of the
      fraction of votes that went to the true label;
    - majority: the fraction of images whose most voted class is the true
      label (a tie goes to the lower class index, as np.argmax breaks it).
    """
    counts = np.asarray(counts, dtype=np.float64)
    y = np.asarray(y)
    rows = np.arange(y.shape[0])
    mean = float(np.mean(counts[rows, y] / counts.sum(axis=1)))
    majority = float(np.mean(np.argmax(counts, axis=1) == y))
    return mean, majority


# ------------------------------------------------------------------ figures
def wilson_interval(correct, total, z=1.96):
    """
    Wilson score interval for a proportion: with `correct` successes out of
    `total` trials, the range of true accuracies compatible with them (95 %
    for z = 1.96). Unlike p +- z*sqrt(p(1-p)/n) it stays inside [0, 1] and
    does not shrink to a point at 0 % or 100 %.

    Returns (low, high); (0.0, 1.0) when total is 0.
    """
    if total <= 0:
        return 0.0, 1.0
    if not 0 <= correct <= total:
        raise ValueError("correct must be between 0 and total, got %r of %r" % (correct, total))
    p = correct / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def confusion_matrix(y_true, y_pred, num_classes=NUM_CLASSES):
    """Counts (num_classes, num_classes): entry (t, p) counts images of class t answered p."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def per_class_accuracy(y_true, y_pred, num_classes=NUM_CLASSES):
    """Float array (num_classes,): accuracy on the images of each class (NaN for an absent class)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.array([np.mean(y_pred[y_true == c] == c) if np.any(y_true == c) else np.nan
                     for c in range(num_classes)])


def summarize(results, sample, y_test, counts=None, model_predictions=None):
    """
    Every figure of the comparison, on the images the learner answered
    (skipped images are left out for everybody, so all figures count the same
    images).

    Inputs:
    - results: the dict `load_results` returns.
    - sample: the `Sample` the results belong to.
    - y_test: int array (N,), the test labels.
    - counts: CIFAR-10H votes (N, 10) or None.
    - model_predictions: dict model name -> int array (size,), each model's
      predicted class for the sample's images in page order.

    Returns a dict with
    - "ids" (n,) test indices of the answered images, "y" (n,) their labels,
      "answers" (n,), "seconds" (n,), "skipped" (number left out), "simulated";
    - "rows": list of dicts, one per contender (the learner, the crowd's mean
      annotator, the crowd's majority vote, each model) with "name",
      "accuracy", "low", "high" (95 % interval) and "predictions" (n,) (None
      for the mean annotator, who is a distribution, not one answer);
    - "learner": the learner's row; "crowd": None without CIFAR-10H, else
      {"counts" (n, 10), "majority" (n,), "mean_accuracy", "majority_accuracy",
      "agreement" (fraction of answers equal to the crowd's majority)}.
    """
    answered = results["answers"] >= 0
    ids = sample.image_ids[answered]
    y = np.asarray(y_test)[ids]
    answers = results["answers"][answered]
    n = int(answered.sum())

    def row(name, predictions):
        correct = int(np.sum(predictions == y))
        low, high = wilson_interval(correct, n)
        return {"name": name, "accuracy": correct / n if n else float("nan"), "low": low, "high": high,
                "predictions": predictions}

    learner_name = "you (simulated)" if results.get("simulated") else "you"
    rows = [row(learner_name, answers)]
    crowd = None
    if counts is not None:
        votes = np.asarray(counts)[ids]
        mean, majority_accuracy = crowd_accuracy(votes, y) if n else (float("nan"), float("nan"))
        per_image = votes[np.arange(n), y] / votes.sum(axis=1)
        # Spread over images, not over annotators: an interval for the mean of n per-image accuracies.
        half = 1.96 * per_image.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
        rows.append({"name": "crowd, mean annotator", "accuracy": mean, "low": max(0.0, mean - half),
                     "high": min(1.0, mean + half), "predictions": None})
        majority = np.argmax(votes, axis=1)
        rows.append(row("crowd, majority vote", majority))
        crowd = {"counts": votes, "majority": majority, "mean_accuracy": mean,
                 "majority_accuracy": majority_accuracy,
                 "agreement": float(np.mean(answers == majority)) if n else float("nan")}
    for name, predictions in (model_predictions or {}).items():
        rows.append(row(name, np.asarray(predictions)[answered]))
    return {"ids": ids, "y": y, "answers": answers, "seconds": results["seconds"][answered],
            "skipped": int((~answered).sum()), "simulated": bool(results.get("simulated")),
            "rows": rows, "learner": rows[0], "crowd": crowd}


def print_summary(summary):
    """The comparison as a table of text."""
    print("%d images answered, %d skipped%s" % (len(summary["ids"]), summary["skipped"],
                                                " (SIMULATED answers: label the page to see your own)"
                                                if summary["simulated"] else ""))
    for r in summary["rows"]:
        print("  %-24s %5.1f %%   (95 %% interval %5.1f - %5.1f %%)"
              % (r["name"], 100 * r["accuracy"], 100 * r["low"], 100 * r["high"]))
    if summary["crowd"] is None:
        print("  " + NO_CROWD)
    else:
        print("  your answer equals the crowd's majority on %.1f %% of the images"
              % (100 * summary["crowd"]["agreement"]))


def _model_rows(summary):
    return [r for r in summary["rows"] if r is not summary["learner"] and not r["name"].startswith("crowd")]


def plot_comparison(summary):
    """Horizontal bars: each contender's accuracy with its 95 % interval. Returns the figure."""
    import matplotlib.pyplot as plt
    rows = summary["rows"][::-1]  # the learner on top
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    colours = ["tab:orange" if r is summary["learner"] else "tab:green" if r["name"].startswith("crowd")
               else "tab:blue" for r in rows]
    accuracy = np.array([r["accuracy"] for r in rows]) * 100
    errors = np.array([[r["accuracy"] - r["low"], r["high"] - r["accuracy"]] for r in rows]).T * 100
    ax.barh(range(len(rows)), accuracy, xerr=errors, color=colours, capsize=4)
    for i, value in enumerate(accuracy):
        ax.text(1, i, "%.1f %%" % value, va="center", color="white", fontweight="bold")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["name"] for r in rows])
    ax.set_xlim(0, 100)
    ax.axvline(10, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("accuracy on the same %d images (%%), bars: 95 %% interval" % len(summary["ids"]))
    title = "You, the crowd and the models"
    if summary["crowd"] is None:
        title += "\n(no CIFAR-10H on disk: crowd left out)"
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_per_class(summary):
    """Accuracy per class, one line per contender that gives answers. Returns the figure."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(9, 4))
    for r in summary["rows"]:
        if r["predictions"] is None:
            values = np.array([np.mean(summary["crowd"]["counts"][summary["y"] == c, c]
                                       / summary["crowd"]["counts"][summary["y"] == c].sum(axis=1))
                               if np.any(summary["y"] == c) else np.nan for c in range(NUM_CLASSES)])
        else:
            values = per_class_accuracy(summary["y"], r["predictions"])
        width = 3 if r is summary["learner"] else 1.5
        ax.plot(range(NUM_CLASSES), 100 * values, marker="o", linewidth=width, label=r["name"])
    ax.set_xticks(range(NUM_CLASSES))
    ax.set_xticklabels(CLASSES)
    ax.set_ylim(0, 102)
    ax.set_ylabel("accuracy (%)")
    ax.set_title("Accuracy per class (about %.0f images per class: one image moves a class a lot)"
                 % (len(summary["ids"]) / NUM_CLASSES))
    ax.legend(fontsize="small", loc="lower left", ncol=2)
    fig.tight_layout()
    return fig


def plot_confusions(summary):
    """Confusion matrices of the learner, the crowd's votes and each model. Returns the figure."""
    import matplotlib.pyplot as plt
    panels = [(summary["learner"]["name"], confusion_matrix(summary["y"], summary["answers"]))]
    if summary["crowd"] is not None:
        votes = np.zeros((NUM_CLASSES, NUM_CLASSES))
        # Every annotator's vote, each image weighted equally: rows are a mean annotator's answers.
        shares = summary["crowd"]["counts"] / summary["crowd"]["counts"].sum(axis=1, keepdims=True)
        np.add.at(votes, summary["y"], shares)
        panels.append(("crowd (all votes)", votes))
    panels += [(r["name"], confusion_matrix(summary["y"], r["predictions"])) for r in _model_rows(summary)]
    columns = min(3, len(panels))
    lines = int(math.ceil(len(panels) / columns))
    fig, axes = plt.subplots(lines, columns, figsize=(4.2 * columns, 4.2 * lines), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (name, matrix) in zip(axes.flat, panels):
        ax.axis("on")
        rows = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1e-12)
        ax.imshow(rows, vmin=0, vmax=1, cmap="Blues")
        ax.set_title(name, fontsize="medium")
        ax.set_xticks(range(NUM_CLASSES))
        ax.set_yticks(range(NUM_CLASSES))
        ax.set_xticklabels(CLASSES, rotation=90, fontsize="x-small")
        ax.set_yticklabels(CLASSES, fontsize="x-small")
        ax.set_xlabel("answered", fontsize="small")
        ax.set_ylabel("true class", fontsize="small")
    fig.suptitle("Confusion matrices (each row: how the images of one class were answered)")
    fig.tight_layout()
    return fig


def disagreements(summary):
    """
    Positions (into summary["ids"]) of the images where the learner was right
    and every model wrong, and of those where the learner was wrong and every
    model right. Returns (learner_only, models_only), int arrays; with no
    model, both are empty.
    """
    models = _model_rows(summary)
    if not models:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    learner_right = summary["answers"] == summary["y"]
    models_right = np.stack([r["predictions"] == summary["y"] for r in models])
    return (np.flatnonzero(learner_right & ~models_right.any(axis=0)),
            np.flatnonzero(~learner_right & models_right.all(axis=0)))


def show_grid(X_test, summary, positions, title, max_images=24):
    """
    A grid of the images at `positions` (into summary["ids"]), each with its
    true class, the learner's answer and the models' answers. Returns the
    figure (or None and a message when there is nothing to show).
    """
    import matplotlib.pyplot as plt
    positions = list(positions)[:max_images]
    if not positions:
        print("%s: no such image." % title)
        return None
    columns = min(8, len(positions))
    lines = int(math.ceil(len(positions) / columns))
    fig, axes = plt.subplots(lines, columns, figsize=(max(1.6 * columns, 4.5), 2.1 * lines + 0.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    models = _model_rows(summary)
    for ax, p in zip(axes.flat, positions):
        ax.imshow(np.asarray(X_test[summary["ids"][p]]).astype(np.uint8), interpolation="nearest")
        said = sorted({CLASSES[r["predictions"][p]] for r in models})
        ax.set_title("is %s\nyou: %s\nmodels: %s" % (CLASSES[summary["y"][p]], CLASSES[summary["answers"][p]],
                                                   ", ".join(said[:2]) + ("..." if len(said) > 2 else "")),
                     fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def split_images(summary, top_share=0.75):
    """
    Positions (into summary["ids"]) of the images where the crowd is split:
    fewer than `top_share` of the votes went to its most voted class. Most
    split first. Empty without CIFAR-10H.
    """
    if summary["crowd"] is None:
        return np.array([], dtype=np.int64)
    votes = summary["crowd"]["counts"]
    shares = votes.max(axis=1) / votes.sum(axis=1)
    order = np.argsort(shares, kind="stable")
    return order[shares[order] < top_share]


def plot_split(X_test, summary, positions, max_images=8):
    """
    For each crowd-split image: the image, and the crowd's votes per class with
    the learner's answer in orange and the true class marked. Returns the
    figure, or None (with a message) when there is nothing to show.
    """
    import matplotlib.pyplot as plt
    if summary["crowd"] is None:
        print(NO_CROWD)
        return None
    positions = list(positions)[:max_images]
    if not positions:
        print("The crowd is not split on any of these images.")
        return None
    fig, axes = plt.subplots(len(positions), 2, figsize=(8, 1.6 * len(positions) + 0.6),
                             gridspec_kw={"width_ratios": [1, 4]}, squeeze=False)
    for (image_ax, bar_ax), p in zip(axes, positions):
        image_ax.imshow(np.asarray(X_test[summary["ids"][p]]).astype(np.uint8), interpolation="nearest")
        image_ax.axis("off")
        votes = summary["crowd"]["counts"][p]
        shares = 100 * votes / votes.sum()
        colours = ["tab:orange" if c == summary["answers"][p] else "lightgrey" for c in range(NUM_CLASSES)]
        bar_ax.bar(range(NUM_CLASSES), shares, color=colours, edgecolor="black", linewidth=0.5)
        bar_ax.set_xticks(range(NUM_CLASSES))
        bar_ax.set_xticklabels(["%s%s" % (name, "*" if c == summary["y"][p] else "")
                                for c, name in enumerate(CLASSES)], fontsize="x-small")
        bar_ax.set_ylim(0, 100)
        bar_ax.set_ylabel("% of votes", fontsize="x-small")
    fig.suptitle("Where the crowd is split: its votes; orange = your answer, * = CIFAR-10's label")
    fig.tight_layout()
    return fig


def plot_times(summary):
    """Histogram of the seconds per image, right and wrong answers apart. Returns the figure."""
    import matplotlib.pyplot as plt
    seconds = summary["seconds"]
    known = ~np.isnan(seconds)
    right = summary["answers"] == summary["y"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    if not known.any():
        ax.text(0.5, 0.5, "no times recorded", ha="center", va="center")
        return fig
    bins = np.linspace(0, np.percentile(seconds[known], 98) + 0.5, 25)
    ax.hist(np.clip(seconds[known & right], 0, bins[-1]), bins=bins, alpha=0.7, label="right")
    ax.hist(np.clip(seconds[known & ~right], 0, bins[-1]), bins=bins, alpha=0.7, label="wrong")
    ax.set_xlabel("seconds on one image")
    ax.set_ylabel("images")
    ax.set_title("Time per image: median %.1f s (right %.1f s, wrong %s)" % (
        np.median(seconds[known]), np.median(seconds[known & right]) if (known & right).any() else float("nan"),
        "%.1f s" % np.median(seconds[known & ~right]) if (known & ~right).any() else "none"))
    ax.legend()
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ the page itself
# One file, no external resource: the data sits in a JSON script element, the
# answers in localStorage under a key that names the sample, so two samples
# never mix and a reload (or a closed tab) loses nothing.
_PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  :root { color-scheme: light; --accent: #1f6feb; --muted: #57606a; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
  main { max-width: 1100px; margin: 0 auto; padding: 12px; }
  header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; justify-content: space-between; }
  h1 { font-size: 1.2rem; margin: 0; }
  .muted { color: var(--muted); font-size: 0.9rem; }
  .bar { height: 10px; background: #d0d7de; border-radius: 5px; overflow: hidden; margin: 8px 0 12px; }
  .bar > div { height: 100%; width: 0; background: var(--accent); transition: width 0.15s; }
  .stage { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; justify-content: center; }
  .target { text-align: center; }
  /* crisp-edges first, for browsers that do not know pixelated; pixelated wins where known. */
  #image { width: min(70vw, 45vh, 320px); height: auto; aspect-ratio: 1; image-rendering: crisp-edges;
           image-rendering: pixelated; border: 1px solid #8c959f; background: #fff; display: block; margin: 0 auto; }
  .controls { display: flex; gap: 8px; justify-content: center; margin-top: 8px; flex-wrap: wrap; }
  button { font: inherit; cursor: pointer; }
  .controls button, #done button { padding: 6px 14px; border-radius: 6px; border: 1px solid #8c959f; background: #fff; }
  .classes { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-top: 14px; }
  .class { display: flex; flex-direction: column; align-items: stretch; gap: 4px; padding: 6px; border-radius: 8px;
           border: 2px solid #d0d7de; background: #fff; text-align: left; }
  .class:hover, .class:focus-visible { border-color: var(--accent); outline: none; }
  .class .name { font-weight: 600; }
  .key { display: inline-block; min-width: 1.5em; text-align: center; border: 1px solid #8c959f; border-radius: 4px;
         background: #f6f8fa; font-family: ui-monospace, monospace; margin-right: 6px; }
  .refs { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3px; }
  .refs img { width: 100%; height: auto; image-rendering: crisp-edges; image-rendering: pixelated; }
  #done { text-align: center; padding: 24px 8px; }
  #done[hidden], #labelling[hidden] { display: none; }
  .flash { animation: flash 0.25s; }
  @keyframes flash { from { background: #dbeafe; } to { background: #fff; } }
  .touch-hint { display: none; }
  /* A phone: everything on one screen, no scrolling between answers. Ten
     narrow cards in two rows, each with two reference images. */
  @media (max-width: 520px) {
    body { font-size: 14px; }
    main { padding: 8px; }
    #image { width: min(80vw, 36vh); }
    .classes { grid-template-columns: repeat(5, 1fr); gap: 4px; margin-top: 8px; }
    .class { padding: 3px; gap: 2px; border-width: 1px; }
    .class .name { font-size: 0.75rem; }
    .class .key { display: none; }
    .refs { grid-template-columns: 1fr; gap: 2px; }
    .refs img:nth-child(n+3) { display: none; }
    .key-hint { display: none; }
    .touch-hint { display: block; }
  }
</style>
</head>
<body>
<main>
  <header>
    <h1>What is in this picture?</h1>
    <span class="muted" id="status" aria-live="polite"></span>
  </header>
  <div class="bar" role="progressbar" aria-label="progress" id="progress"><div></div></div>
  <section id="labelling">
    <div class="stage">
      <div class="target">
        <img id="image" alt="the image to label">
        <div class="controls">
          <button type="button" id="undo" title="Backspace">&larr; Undo <span class="key">&#9003;</span></button>
          <button type="button" id="skip" title="S">Skip <span class="key">S</span></button>
        </div>
        <p class="muted key-hint">Press <span class="key">0</span>&ndash;<span class="key">9</span> or click a class.
          Each image counts once: take the time you need, but answer what you see.</p>
        <p class="muted touch-hint">Tap the class you see.</p>
      </div>
    </div>
    <div class="classes" id="classes"></div>
  </section>
  <section id="done" hidden>
    <h2>All done</h2>
    <p id="done-text"></p>
    <p><button type="button" id="download">Download your results (JSON) <span class="key">D</span></button></p>
    <p class="muted">Leave the file in your Downloads folder or put it in saved/ beside the notebook
      (or set RESULTS_PATH there), then run the notebook's analysis cells.
      <br>Changed your mind? <span class="key">&#9003;</span> undoes the last answer.</p>
    <p><button type="button" id="restart">Start over</button></p>
  </section>
  <p class="muted">Sample <code id="sample"></code>. Your answers are kept in this browser until you download them;
    closing or reloading the page loses nothing.</p>
</main>
<script id="data" type="application/json">__DATA__</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const N = D.image_ids.length;
const KEY = "cs231n-human-baseline/" + D.sample_id;
const $ = (id) => document.getElementById(id);

// answers[i]: null = not seen yet, -1 = skipped, 0..9 = the class chosen.
// history: positions in the order they were decided, for undo.
function fresh() {
  return {answers: new Array(N).fill(null), seconds: new Array(N).fill(null), history: [],
          started: new Date().toISOString()};
}
function restore() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY));
    if (s && Array.isArray(s.answers) && s.answers.length === N) return s;
  } catch (e) { /* unreadable storage: start afresh */ }
  return fresh();
}
let S = restore();
function save() {
  try { localStorage.setItem(KEY, JSON.stringify(S)); } catch (e) { /* private mode: works, but no resume */ }
}

// Time on the current image, not counting while the tab is hidden.
let shownAt = performance.now(), hiddenAt = null;
document.addEventListener("visibilitychange", () => {
  if (document.hidden) hiddenAt = performance.now();
  else if (hiddenAt !== null) { shownAt += performance.now() - hiddenAt; hiddenAt = null; }
});

const current = () => S.answers.indexOf(null);  // -1 once every image is decided

function decide(value) {
  const i = current();
  if (i < 0) return;
  S.answers[i] = value;
  S.seconds[i] = Math.round(performance.now() - shownAt) / 1000;
  S.history.push(i);
  save();
  render();
}
function undo() {
  const i = S.history.pop();
  if (i === undefined) return;
  S.answers[i] = null;
  S.seconds[i] = null;
  save();
  render();
}

function results() {
  return {format: D.format, version: D.version, sample_id: D.sample_id, seed: D.seed,
          dataset_fingerprint: D.dataset_fingerprint, image_ids: D.image_ids, classes: D.classes,
          answers: S.answers.map((a) => (a === null || a < 0) ? null : a),
          seconds: S.seconds, started: S.started, finished: new Date().toISOString()};
}
function download() {
  const blob = new Blob([JSON.stringify(results(), null, 1)], {type: "application/json"});
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "human-baseline-" + D.sample_id + ".json";
  document.body.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

function render() {
  const i = current();
  const decided = S.history.length;
  const skipped = S.answers.filter((a) => a === -1).length;
  $("progress").firstElementChild.style.width = (100 * decided / N) + "%";
  $("progress").setAttribute("aria-valuenow", String(decided));
  $("status").textContent = decided + " / " + N + " done" + (skipped ? " \u00b7 " + skipped + " skipped" : "");
  $("undo").disabled = decided === 0;
  const done = i < 0;
  $("labelling").hidden = done;
  $("done").hidden = !done;
  if (done) {
    const answered = N - skipped;
    const total = S.seconds.reduce((a, b) => a + (b || 0), 0);
    $("done-text").textContent = "You answered " + answered + " of " + N + " images" +
      (skipped ? " and skipped " + skipped : "") + " in " + Math.round(total) + " s (" +
      (total / N).toFixed(1) + " s per image). " +
      "The page does not know the right answers: the notebook scores them.";
    $("download").focus();
    return;
  }
  const image = $("image");
  image.src = D.images[i];
  image.alt = "image " + (i + 1) + " of " + N + " to label";
  image.classList.remove("flash"); void image.offsetWidth; image.classList.add("flash");
  shownAt = performance.now();
}

function build() {
  const box = $("classes");
  D.classes.forEach((name, c) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "class";
    button.dataset.class = String(c);
    button.setAttribute("aria-label", name + " (key " + c + ")");
    const title = document.createElement("span");
    title.innerHTML = '<span class="key">' + c + '</span><span class="name"></span>';
    title.querySelector(".name").textContent = name;
    const refs = document.createElement("span");
    refs.className = "refs";
    D.references[c].forEach((uri) => {
      const img = document.createElement("img");
      img.src = uri;
      img.alt = "";
      refs.appendChild(img);
    });
    button.append(title, refs);
    button.addEventListener("click", () => decide(c));
    box.appendChild(button);
  });
  $("undo").addEventListener("click", undo);
  $("skip").addEventListener("click", () => decide(-1));
  $("download").addEventListener("click", download);
  $("restart").addEventListener("click", () => {
    if (confirm("Forget all " + N + " answers and start again?")) { S = fresh(); save(); render(); }
  });
  $("sample").textContent = D.sample_id + " (seed " + D.seed + ", " + N + " images)";
  $("progress").setAttribute("aria-valuemin", "0");
  $("progress").setAttribute("aria-valuemax", String(N));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;  // leave the browser's shortcuts alone
  const key = event.key;
  if (/^[0-9]$/.test(key)) { decide(Number(key)); event.preventDefault(); }
  else if (key === "Backspace" || key === "u" || key === "U") { undo(); event.preventDefault(); }
  else if (key === "s" || key === "S") { decide(-1); event.preventDefault(); }
  else if ((key === "d" || key === "D") && current() < 0) { download(); event.preventDefault(); }
});

build();
render();
</script>
</body>
</html>
"""
