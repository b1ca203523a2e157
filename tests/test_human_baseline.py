"""The human baseline (solutions/assignment1/cs231n/human_baseline.py and its page).

The unit tests check the module on the real CIFAR-10 subset; the browser test
labels a sample in headless Chromium (Debian's, driven by Playwright for
Python) by key presses and clicks, reloads mid-way, downloads the results and
scores them with the module, against the crowd of the CIFAR-10H copy in
../shared/datasets/cifar-10h. It saves screenshots of the page and the
comparison figures in test-output/human_baseline/ (or $CS231N_TEST_OUTPUT).

Under CI (CI=true) a missing browser, Playwright or CIFAR-10H copy is a
failure: .ci/run installs all three. On a student's machine without them the
tests that need them are skipped, saying what to install.
"""
import io
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "solutions" / "assignment1"))

from cs231n import human_baseline as hb  # noqa: E402
from cs231n.data_utils import load_CIFAR10  # noqa: E402
from support import under_ci  # noqa: E402

SHARED = REPO.parent / "shared" / "datasets"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _first_dir(*candidates):
    for candidate in candidates:
        if candidate and (Path(candidate) / "test_batch").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def cifar():
    """(X_train, y_train, X_test, y_test) of the CIFAR-10 subset (or whatever setup.sh installed)."""
    folder = _first_dir(os.environ.get("CS231N_DATA_FROM"), SHARED / "cifar-10-subset" / "cifar-10-batches-py",
                        REPO / "datasets" / "cifar-10-batches-py")
    if folder is None:
        pytest.fail("no CIFAR-10 data: run `bash setup.sh --data-from DIR` or set CS231N_DATA_FROM", pytrace=False)
    return load_CIFAR10(str(folder))


@pytest.fixture(scope="module")
def counts_path():
    """The shared CIFAR-10H copy, as CI lays it beside the checkout (never one committed here)."""
    for candidate in (os.environ.get("CIFAR10H_PATH"), SHARED / "cifar-10h", REPO / "datasets" / "cifar-10h"):
        if candidate and (Path(candidate) / hb.CIFAR10H_FILE).is_file():
            return Path(candidate) / hb.CIFAR10H_FILE
    problem = ("no CIFAR-10H copy (optional data): `bash datasets/get_datasets.sh --cifar10h [--from DIR]` puts "
               "it in datasets/cifar-10h; or set CIFAR10H_PATH, or lay ../shared/datasets/cifar-10h beside the "
               "repository")
    if under_ci():
        pytest.fail("CI must run this test: " + problem, pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="module")
def output_dir():
    folder = Path(os.environ.get("CS231N_TEST_OUTPUT", REPO / "test-output")) / "human_baseline"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# ------------------------------------------------------------------ sample
def test_the_sample_is_balanced_distinct_and_seeded(cifar):
    _, _, X_test, y_test = cifar
    sample = hb.balanced_sample(y_test, 100, seed=0)
    assert sample.shape == (100,) and len(set(sample.tolist())) == 100
    assert np.bincount(y_test[sample], minlength=10).tolist() == [10] * 10
    assert np.array_equal(sample, hb.balanced_sample(y_test, 100, seed=0))
    assert not np.array_equal(sample, hb.balanced_sample(y_test, 100, seed=1))
    # Not ten of one class in a row: the page order is shuffled across classes.
    assert len(set(y_test[sample[:10]].tolist())) > 3


def test_an_uneven_size_spreads_the_remainder_over_distinct_classes(cifar):
    y_test = cifar[3]
    per_class = np.bincount(y_test[hb.balanced_sample(y_test, 23, seed=5)], minlength=10)
    assert per_class.sum() == 23 and sorted(set(per_class.tolist())) == [2, 3]
    assert (per_class == 3).sum() == 3


def test_a_sample_larger_than_a_class_allows_is_refused_clearly(cifar):
    y_test = cifar[3]
    smallest = np.bincount(y_test, minlength=10).min()
    with pytest.raises(ValueError, match=r"but the data has only \d+: choose a smaller sample"):
        hb.balanced_sample(y_test, 10 * (smallest + 1))
    with pytest.raises(ValueError):
        hb.balanced_sample(y_test, 0)


def test_the_fingerprint_tells_data_sets_apart_and_ignores_the_dtype(cifar):
    _, _, X_test, y_test = cifar
    fingerprint = hb.dataset_fingerprint(X_test, y_test)
    assert fingerprint.startswith("sha256:") and len(fingerprint) == 7 + 16
    assert hb.dataset_fingerprint(X_test.astype(np.uint8), y_test) == fingerprint
    assert hb.dataset_fingerprint(X_test[:400], y_test[:400]) != fingerprint
    changed = X_test.copy()
    changed[7, 3, 3, 0] = (changed[7, 3, 3, 0] + 1) % 256
    assert hb.dataset_fingerprint(changed, y_test) != fingerprint
    relabelled = y_test.copy()
    relabelled[0] = (relabelled[0] + 1) % 10
    assert hb.dataset_fingerprint(X_test, relabelled) != fingerprint


def test_reference_images_are_training_images_of_their_class(cifar):
    y_train = cifar[1]
    refs = hb.reference_indices(y_train, per_class=4, seed=0)
    assert refs.shape == (10, 4)
    assert all((y_train[refs[c]] == c).all() for c in range(10))
    assert len(set(refs.ravel().tolist())) == 40


def test_png_encoding_round_trips_through_a_png_decoder(cifar):
    import matplotlib.image
    image = cifar[2][3]
    decoded = matplotlib.image.imread(io.BytesIO(hb.png_bytes(image)), format="png")
    assert decoded.shape == (32, 32, 3)
    assert np.array_equal(np.rint(decoded * 255).astype(np.uint8), image.astype(np.uint8))


def test_the_page_embeds_every_image_and_no_label_and_loads_nothing(cifar, tmp_path):
    X_train, y_train, X_test, y_test = cifar
    sample = hb.make_sample(X_test, y_test, 30, seed=2)
    html = Path(hb.write_page(tmp_path / "page.html", sample, X_test, X_train, y_train)).read_text()
    start = html.index('<script id="data" type="application/json">') + len('<script id="data" type="application/json">')
    data = json.loads(html[start:html.index("</script>", start)])
    assert len(data["images"]) == 30 and all(u.startswith("data:image/png;base64,") for u in data["images"])
    assert data["image_ids"] == sample.image_ids.tolist() and data["sample_id"] == sample.sample_id
    assert "labels" not in data and "y" not in data  # the page cannot give the answers away
    assert "http://" not in html and "https://" not in html and "src=\"//" not in html
    assert "image-rendering: pixelated" in html


# ------------------------------------------------------------------ results
@pytest.fixture
def sample_and_results(cifar):
    _, _, X_test, y_test = cifar
    sample = hb.make_sample(X_test, y_test, 20, seed=4)
    raw = hb.simulate_results(sample, y_test)
    return sample, raw


def test_results_for_another_data_set_are_refused(cifar, sample_and_results):
    _, _, X_test, y_test = cifar
    sample, raw = sample_and_results
    other = hb.Sample(sample.image_ids, sample.seed, hb.dataset_fingerprint(X_test[:400], y_test[:400]))
    with pytest.raises(hb.ResultsMismatch, match="another data set"):
        hb.load_results(raw, other)


def test_results_for_another_sample_are_refused(cifar, sample_and_results, tmp_path):
    _, _, X_test, y_test = cifar
    sample, raw = sample_and_results
    path = tmp_path / "results.json"
    path.write_text(json.dumps(raw))
    for other in (hb.make_sample(X_test, y_test, 20, seed=5), hb.make_sample(X_test, y_test, 30, seed=4)):
        with pytest.raises(hb.ResultsMismatch, match="another sample"):
            hb.load_results(str(path), other)
    assert hb.load_results(str(path), sample)["answers"].tolist() == raw["answers"]


def test_a_file_that_is_not_a_results_file_is_refused(sample_and_results, tmp_path):
    sample, raw = sample_and_results
    with pytest.raises(ValueError, match="not a results file"):
        hb.load_results({"answers": []}, sample)
    with pytest.raises(ValueError, match="class in 0..9"):
        hb.load_results(dict(raw, answers=[12] + raw["answers"][1:]), sample)
    broken = tmp_path / "broken.json"
    broken.write_text("{ half a file")
    with pytest.raises(ValueError, match="not a JSON file"):
        hb.load_results(str(broken), sample)


def test_skipped_images_are_left_out_for_everybody(cifar, sample_and_results):
    y_test = cifar[3]
    sample, raw = sample_and_results
    truth = y_test[sample.image_ids]
    answers = truth.tolist()
    answers[0] = None  # skipped
    answers[1] = int((truth[1] + 1) % 10)  # wrong
    results = hb.load_results(dict(raw, answers=answers), sample)
    model = {"always right": truth}
    counts = np.zeros((len(y_test), 10), dtype=np.int64)
    counts[np.arange(len(y_test)), y_test] = 3
    counts[:, 0] += 1  # one vote in four for class 0 on every image
    summary = hb.summarize(results, sample, y_test, counts, model)
    assert summary["skipped"] == 1 and len(summary["ids"]) == 19
    assert summary["learner"]["accuracy"] == 18 / 19
    assert [r["accuracy"] for r in summary["rows"] if r["name"] == "always right"] == [1.0]
    expected_mean = np.mean([1.0 if c == 0 else 0.75 for c in truth[1:]])
    assert summary["crowd"]["mean_accuracy"] == pytest.approx(expected_mean)


# ------------------------------------------------------------------ figures
def test_wilson_interval_matches_known_values():
    low, high = hb.wilson_interval(95, 100)
    assert (round(low, 4), round(high, 4)) == (0.8882, 0.9785)
    low, high = hb.wilson_interval(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    low, high = hb.wilson_interval(10, 10)
    assert round(low, 4) == 0.7225 and high == 1.0
    assert hb.wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        hb.wilson_interval(11, 10)


def test_wilson_interval_covers_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    p, n = 0.93, 100
    hits = sum(low <= p <= high for low, high in (hb.wilson_interval(k, n) for k in rng.binomial(n, p, 2000)))
    assert 0.92 <= hits / 2000 <= 0.98


def test_crowd_accuracy_and_the_cifar10h_checks(cifar, counts_path, tmp_path):
    y_test = cifar[3]
    counts = hb.load_cifar10h(y_test, str(counts_path))
    assert counts.shape == (len(y_test), 10)
    mean, majority = hb.crowd_accuracy(counts, y_test)
    if len(y_test) == 500:  # the figures ../shared/datasets/cifar-10h/README.md states for the subset
        assert round(100 * mean, 1) == 94.7 and round(100 * majority, 1) == 98.8
    shuffled = tmp_path / hb.CIFAR10H_FILE
    np.save(shuffled, np.load(counts_path)[::-1])
    with pytest.raises(ValueError, match="does not belong to this test set"):
        hb.load_cifar10h(y_test, str(shuffled))


def test_without_cifar10h_the_crowd_is_left_out_and_said_so(cifar, monkeypatch, tmp_path, capsys):
    _, _, X_test, y_test = cifar
    monkeypatch.delenv("CIFAR10H_PATH", raising=False)
    monkeypatch.setenv("CIFAR10_DIR", str(tmp_path / "cifar-10-batches-py"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hb, "__file__", str(tmp_path / "cs231n" / "human_baseline.py"))
    assert hb.load_cifar10h(y_test) is None
    assert "crowd comparison is left out" in capsys.readouterr().out
    sample = hb.make_sample(X_test, y_test, 20, seed=0)
    summary = hb.summarize(hb.load_results(hb.simulate_results(sample, y_test), sample), sample, y_test)
    assert summary["crowd"] is None and [r["name"] for r in summary["rows"]] == ["you (simulated)"]
    hb.print_summary(summary)
    assert "left out" in capsys.readouterr().out
    assert hb.plot_split(X_test, summary, []) is None


def test_find_results_takes_the_newest_file_of_this_sample_only(cifar, tmp_path):
    _, _, X_test, y_test = cifar
    sample = hb.make_sample(X_test, y_test, 20, seed=0)
    other = hb.make_sample(X_test, y_test, 20, seed=1)
    assert hb.find_results(sample, [str(tmp_path)]) is None
    (tmp_path / ("human-baseline-%s.json" % other.sample_id)).write_text("{}")
    assert hb.find_results(sample, [str(tmp_path)]) is None
    first = tmp_path / ("human-baseline-%s.json" % sample.sample_id)
    second = tmp_path / ("human-baseline-%s (1).json" % sample.sample_id)
    first.write_text("{}")
    second.write_text("{}")
    os.utime(first, (1, 1))
    assert hb.find_results(sample, [str(tmp_path)]) == str(second)


# ------------------------------------------------------------------ the student's notebook
def test_the_released_notebook_runs_before_any_code_is_written(tmp_path, monkeypatch):
    """A student opens human_baseline.ipynb first: it must run, leaving out the models not written yet."""
    import nbformat
    from nbclient import NotebookClient
    released = REPO / "assignments" / "assignment1"
    folder = tmp_path / "assignment1"
    shutil.copytree(released, folder, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", "saved"))
    data = _first_dir(os.environ.get("CS231N_DATA_FROM"), SHARED / "cifar-10-subset" / "cifar-10-batches-py",
                      REPO / "datasets" / "cifar-10-batches-py")
    monkeypatch.setenv("CIFAR10_DIR", str(data))
    monkeypatch.setenv("CS231N_SMALL", "1")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.delenv("CIFAR10H_PATH", raising=False)
    notebook = nbformat.read(str(released / "human_baseline.ipynb"), as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    for model in ("kNN (k=10)", "linear SVM", "softmax", "two-layer net"):
        assert "%s: left out, its code is not written yet" % model in text
    assert "SIMULATED" in text
    assert (folder / "saved" / "human_baseline.html").is_file()


# ------------------------------------------------------------------ the page, in a real browser
def _browser():
    """(sync_playwright, chromium path), or fail under CI / skip elsewhere, saying why."""
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright, problem = None, "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if problem is None and not executable:
        problem = "no Chromium browser found (Debian/Ubuntu: apt-get install chromium; or set CHROMIUM)"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI must run the browser test: " + problem, pytrace=False)
        pytest.skip(problem)
    return sync_playwright, executable


def _status(page):
    return page.locator("#status").inner_text()


def test_labelling_in_a_real_browser_then_scoring_the_downloaded_results(cifar, counts_path, output_dir, tmp_path):
    sync_playwright, executable = _browser()
    X_train, y_train, X_test, y_test = cifar
    size = 20
    sample = hb.make_sample(X_test, y_test, size, seed=3)
    page_path = hb.write_page(tmp_path / "human_baseline.html", sample, X_test, X_train, y_train)
    truth = y_test[sample.image_ids]

    # The learner's plan, image by image: right, wrong (the next class) or skipped.
    plan = ["right"] * size
    for i in (2, 5, 11, 17):
        plan[i] = "wrong"
    plan[8] = "skip"
    intended = [int(truth[i]) if p == "right" else int((truth[i] + 1) % 10) if p == "wrong" else None
                for i, p in enumerate(plan)]

    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(Path(page_path).as_uri())
        assert _status(page) == "0 / %d done" % size
        # The image is shown enlarged with crisp pixels.
        looks = page.eval_on_selector("#image", "i => [i.naturalWidth, i.getBoundingClientRect().width,"
                                                " getComputedStyle(i).imageRendering]")
        assert looks[0] == 32 and looks[1] >= 200 and looks[2] == "pixelated"
        page.screenshot(path=str(output_dir / "page_start.png"))

        def answer(i):
            if plan[i] == "skip":
                page.keyboard.press("s")
            elif i % 3 == 1:  # every third answer by mouse, the rest by the keyboard
                page.click('button.class[data-class="%d"]' % intended[i])
            else:
                page.keyboard.press(str(intended[i]))

        page.wait_for_timeout(400)  # the first image is looked at for a while: its time must show it
        for i in range(10):
            if i == 4:  # a slip, undone with Backspace and answered again
                page.keyboard.press(str((intended[4] + 5) % 10))
                assert _status(page) == "5 / %d done" % size
                page.keyboard.press("Backspace")
                assert _status(page) == "4 / %d done" % size
            answer(i)
        assert _status(page) == "10 / %d done · 1 skipped" % size
        page.wait_for_timeout(300)  # let the progress bar's transition finish
        page.screenshot(path=str(output_dir / "page_midway.png"))

        page.reload()  # progress lives in localStorage
        assert _status(page) == "10 / %d done · 1 skipped" % size
        page.click("#undo")  # undo still knows the history after the reload
        assert _status(page) == "9 / %d done · 1 skipped" % size
        answer(9)
        # A class button works from the keyboard alone: focus it and press Enter.
        page.focus('button.class[data-class="%d"]' % intended[10])
        page.keyboard.press("Enter")
        for i in range(11, size):
            answer(i)
        assert _status(page) == "%d / %d done · 1 skipped" % (size, size)
        assert page.is_visible("#done") and not page.is_visible("#labelling")
        page.wait_for_timeout(300)
        page.screenshot(path=str(output_dir / "page_done.png"))
        with page.expect_download() as download_info:
            page.keyboard.press("d")
        download = download_info.value
        assert download.suggested_filename == "human-baseline-%s.json" % sample.sample_id
        results_path = tmp_path / download.suggested_filename
        download.save_as(str(results_path))

        # The same page on a phone-sized screen, fresh storage.
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                    is_mobile=True, has_touch=True).new_page()
        phone.goto(Path(page_path).as_uri())
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        phone.screenshot(path=str(output_dir / "page_phone.png"), full_page=True)
        browser.close()

    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests

    # The downloaded file, scored by the notebook's own functions.
    raw = json.loads(results_path.read_text())
    assert raw["seed"] == 3 and raw["dataset_fingerprint"] == sample.fingerprint
    assert raw["answers"] == intended
    results = hb.load_results(str(results_path), sample)
    assert results["seconds"][0] >= 0.4 and np.all(results["seconds"] >= 0)
    counts = hb.load_cifar10h(y_test, str(counts_path))
    summary = hb.summarize(results, sample, y_test, counts, _cheap_models(X_train, y_train, X_test[sample.image_ids]))
    answered = [i for i, p in enumerate(plan) if p != "skip"]
    assert summary["skipped"] == 1
    assert summary["learner"]["accuracy"] == plan.count("right") / len(answered) == 15 / 19
    # The crowd figure, straight from the shared CIFAR-10H file.
    votes = np.load(counts_path)[sample.image_ids[answered]]
    direct = np.mean(votes[np.arange(len(answered)), truth[answered]] / votes.sum(axis=1))
    assert summary["crowd"]["mean_accuracy"] == pytest.approx(direct, abs=1e-12)
    assert [r["name"] for r in summary["rows"]][:3] == ["you", "crowd, mean annotator", "crowd, majority vote"]

    # A file for this sample is refused by a notebook that drew another one.
    with pytest.raises(hb.ResultsMismatch):
        hb.load_results(str(results_path), hb.make_sample(X_test, y_test, size, seed=4))

    _save_figures(summary, X_test, output_dir)
    print("screenshots and figures in", output_dir)


def _cheap_models(X_train, y_train, X_sample):
    """Two of the reference classifiers, trained in seconds, for the figures."""
    from cs231n.classifiers import KNearestNeighbor, Softmax
    flat_train = X_train.reshape(len(X_train), -1)
    flat_sample = X_sample.reshape(len(X_sample), -1)
    knn = KNearestNeighbor()
    knn.train(flat_train, y_train)
    mean = flat_train.mean(axis=0)
    bias = lambda X: np.hstack([X - mean, np.ones((len(X), 1))])
    np.random.seed(0)
    softmax = Softmax()
    softmax.train(bias(flat_train), y_train, learning_rate=5e-7, reg=1e4, num_iters=300)
    return {"kNN (k=10)": knn.predict(flat_sample, k=10), "softmax": softmax.predict(bias(flat_sample))}


def _save_figures(summary, X_test, output_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    learner_only, models_only = hb.disagreements(summary)
    figures = {"comparison": hb.plot_comparison(summary), "per_class": hb.plot_per_class(summary),
               "confusions": hb.plot_confusions(summary), "times": hb.plot_times(summary),
               "split": hb.plot_split(X_test, summary, hb.split_images(summary)),
               "learner_only": hb.show_grid(X_test, summary, learner_only, "You right, every model wrong"),
               "models_only": hb.show_grid(X_test, summary, models_only, "You wrong, every model right")}
    for name, figure in figures.items():
        if figure is not None:
            figure.savefig(output_dir / ("figure_%s.png" % name), dpi=80)
            plt.close(figure)
    assert (output_dir / "figure_comparison.png").is_file()


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(outcome, match="Chromium|Playwright"):
        _browser()
