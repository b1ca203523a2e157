"""Grading a submission: what a syntax error, an infinite loop, a missing or
malformed notebook and legacy CS231n code cost (on assignment 1's suite).
Full marks, zero and planted bugs for every assignment: test_suites.py."""
import os
import re

import pytest

from grader.public.suite import Mutant
from grader.suites.assignment1.mutants import BROKEN
from make_submissions import apply
from support import failing

KNN_FILE = os.path.join("cs231n", "classifiers", "k_nearest_neighbor.py")


def knn_cases(cases):
    """The cases of k_nearest_neighbor.py (the notebook's cross-validation runs
    with the reference classifier, so a broken file does not cost it)."""
    return {c.name for c in cases if c.target.startswith("cs231n.classifiers.k_nearest_neighbor")}


def test_a_syntax_error_costs_every_case_of_its_file_with_the_file_and_line(grade, complete, cases):
    apply(BROKEN["syntax_error"], complete)
    results = grade(complete)
    assert failing(results) == knn_cases(cases)
    assert all("SyntaxError" in results[name].message and "k_nearest_neighbor.py, line" in results[name].message
               for name in knn_cases(cases))


def test_an_infinite_loop_costs_only_the_cases_that_run_it(grade, complete):
    apply(BROKEN["infinite_loop"], complete)
    results = grade(complete, time_scale=0.1)
    assert failing(results) == BROKEN["infinite_loop"].breaks


def test_an_infinite_loop_costs_one_time_limit_even_for_cases_that_reach_it_indirectly(grade, complete):
    """LinearSVM.train calls the looping svm_loss_vectorized (through LinearSVM.loss): it is
    skipped, not timed out again."""
    apply(Mutant("cs231n/classifiers/linear_svm.py", "    rows = np.arange(num_train)\n    scores = X.dot(W)",
                 "    while True:\n        pass", frozenset()), complete)
    results = grade(complete, time_scale=0.1)
    statuses = {name: r.status for name, r in results.items() if not r.passed}
    assert sorted(statuses.values()).count("timeout") == 1
    assert set(statuses) == {c for c in results if c.startswith("svm_loss_vectorized_")} | {"linearsvm_train_learns"}
    assert "svm_loss_vectorized already failed" in results["linearsvm_train_learns"].message


def test_a_timeout_says_where_the_code_was_stopped(grade, complete):
    apply(BROKEN["infinite_loop"], complete)
    message = grade(complete, time_scale=0.1)["one_loop_random"].message
    assert "did not finish" in message and "k_nearest_neighbor.py, line" in message


def test_a_broken_file_costs_nothing_in_another_module(grade, complete):
    """A syntax error in an unrelated module that the package imports must not
    cost the kNN cases (the worker falls back to the module itself)."""
    with open(os.path.join(complete, "cs231n", "classifiers", "broken.py"), "w") as f:
        f.write("def oops(:\n")
    with open(os.path.join(complete, "cs231n", "classifiers", "__init__.py"), "a") as f:
        f.write("from .broken import oops\n")
    assert failing(grade(complete)) == set()


def test_python2_era_starter_code_importing_past_builtins_scores_full_marks(grade, complete):
    path = os.path.join(complete, KNN_FILE)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write("from builtins import range\nfrom past.builtins import xrange\n" + text)
    assert failing(grade(complete)) == set()


def test_code_written_for_numpy_1_scores_full_marks(grade, complete):
    """Real CS231n files import numpy.lib.npyio's savez_compressed and use
    np.float and np.NaN, all gone in numpy 2."""
    path = os.path.join(complete, "cs231n", "classifiers", "softmax.py")
    with open(path) as f:
        text = f.read()
    text = "from numpy.lib.npyio import savez_compressed\n" + text.replace(
        "dW = np.zeros_like(W, dtype=np.float64)", "dW = np.zeros_like(W, dtype=np.float) + 0 * np.NaN ** 0")
    assert text.count("np.NaN") == 2
    with open(path, "w") as f:
        f.write(text)
    assert failing(grade(complete)) == set()


CS231N_STYLE_PREDICT = '''
    def predict_labels(self, dists, k=1):
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            closest_y = self.y_train[np.argsort(dists[i])[:k]]
            y_pred[i] = np.bincount(closest_y).argmax()
        return y_pred
'''


def test_a_differently_written_correct_predict_labels_scores_full_marks(grade, complete):
    """Float labels from np.zeros and a bincount vote, as many CS231n students write it."""
    path = os.path.join(complete, KNN_FILE)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text[:text.index("    def predict_labels")] + CS231N_STYLE_PREDICT)
    assert failing(grade(complete)) == set()


def test_a_missing_notebook_costs_only_the_notebook_cases(grade, complete):
    os.remove(os.path.join(complete, "knn.ipynb"))
    results = grade(complete)
    assert failing(results) == {n for n, r in results.items() if r.function.endswith("(knn.ipynb)")}
    assert "knn.ipynb is missing" in results["cross_validation_accuracies"].message


def test_a_malformed_notebook_gives_a_clear_message(grade, complete):
    with open(os.path.join(complete, "knn.ipynb"), "w") as f:
        f.write('{"cells": [')
    message = grade(complete)["cross_validation_accuracies"].message
    assert "knn.ipynb is not a valid notebook file" in message


def test_only_the_imports_and_the_definition_run_from_the_notebook(grade, complete):
    """A notebook cell that would crash the worker (or load data) is never run."""
    import json
    path = os.path.join(complete, "knn.ipynb")
    with open(path) as f:
        notebook = json.load(f)
    notebook["cells"].insert(1, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                 "source": "import os\nos._exit(3)"})
    with open(path, "w") as f:
        json.dump(notebook, f)
    assert failing(grade(complete)) == set()


def test_a_helper_defined_beside_the_notebook_function_is_defined_too(grade, complete):
    """Students split work into helpers; only definitions run, never other cells."""
    import json
    path = os.path.join(complete, "knn.ipynb")
    with open(path) as f:
        notebook = json.load(f)
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "def k_fold_cross_validation" in source:
            cell["source"] = ("def _fold_accuracy(predicted, truth):\n    return float(np.mean(predicted == truth))\n\n"
                              + source.replace("float(np.mean(y_pred == y_folds[i]))",
                                               "_fold_accuracy(y_pred, y_folds[i])"))
            assert "_fold_accuracy(y_pred" in cell["source"]
    with open(path, "w") as f:
        json.dump(notebook, f)
    assert failing(grade(complete)) == set()


def test_an_exception_with_a_huge_name_and_text_gives_a_message_of_bounded_size(grade, complete):
    """Much of a message comes from the student's code: one student must not
    write hundreds of megabytes of feedback, results.json and gradebook."""
    path = os.path.join(complete, KNN_FILE)
    with open(path) as f:
        text = f.read()
    raising = ("def compute_distances_two_loops(self, X):\n"
               "        raise type('E' * 2**20, (Exception,), {})('x' * 2**20)\n\n    def _old_two_loops(self, X):")
    with open(path, "w") as f:
        f.write(text.replace("def compute_distances_two_loops(self, X):", raising, 1))
    results = grade(complete)
    assert not results["two_loops_random"].passed
    assert all(len(r.message) <= 1000 for r in results.values())


def test_sandboxed_workers_leave_no_folder_behind(complete, tmp_path, monkeypatch):
    """Each sandbox builds its new root on a folder of the host; they all go with the fork server."""
    import tempfile
    from grader.public.runner import ForkServer
    from grader.public.scoring import build_jobs, score_submission
    from grader.public.suite import load_cases
    scratch = tmp_path / "tmp"   # a temporary folder of its own: other programs use /tmp meanwhile
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    cases = load_cases("assignment1", hidden=False)
    with ForkServer.for_assignment("assignment1") as server:
        if not server.isolated:
            # A skip on a laptop without namespaces; in CI, which expects them, a failure.
            (pytest.fail if os.environ.get("CI") else pytest.skip)(f"needs the sandbox ({server.sandbox})")
        score_submission(server, complete, cases, build_jobs(cases))
    assert os.listdir(scratch) == []


def test_a_module_that_fails_to_import_costs_only_the_code_that_uses_it(grade, complete, cases):
    """A real 2022 softmax.py imported a name numpy 2 removed: linear_classifier.py
    imports softmax.py, and LinearSVM, which never uses it, must not pay for it."""
    path = os.path.join(complete, "cs231n", "classifiers", "softmax.py")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("import numpy as np", "import numpy as np\nfrom numpy.lib.npyio import no_such_name", 1))
    results = grade(complete)
    softmax = {c.name for c in cases if c.target.startswith("cs231n.classifiers.softmax")}
    training_softmax = {c.name for c in cases if c.target == "cs231n.classifiers.linear_classifier:Softmax"
                        and c.function == "LinearClassifier.train"}
    assert "softmax_train_learns" in training_softmax
    assert failing(results) == softmax | training_softmax
    assert "comes from cs231n/classifiers/softmax.py could not be imported" in results["softmax_train_learns"].message


def test_an_exception_that_prints_a_hidden_input_shows_no_numbers_of_it(grade, complete):
    path = os.path.join(complete, "cs231n", "classifiers", "k_nearest_neighbor.py")
    with open(path) as f:
        text = f.read()
    leak = "def compute_distances_two_loops(self, X):\n        raise ValueError(repr(X) + repr(self.y_train))\n"
    with open(path, "w") as f:
        f.write(text.replace("def compute_distances_two_loops(self, X):\n", leak, 1))
    message = grade(complete)["two_loops_random"].message
    assert "ValueError" in message and "<numbers>" in message
    assert not re.search(r"\d\.\d{3}", message)   # no value of X survives


def test_the_names_numpy_2_removed_are_found_where_the_student_used_them():
    from grader.public.legacy import uses
    source = ("import numpy as np\nfrom numpy.lib.npyio import savez_compressed\n"
              "x = np.zeros(3, dtype=np.float) + np.float32(1) + np.NaN  # np.int in a comment\ny = np.int_(2)\n")
    assert uses({"cs231n/softmax.py": source}) == [
        "numpy.lib.npyio (cs231n/softmax.py, line 2)", "np.float (cs231n/softmax.py, line 3)",
        "np.NaN (cs231n/softmax.py, line 3)"]


def test_the_feedback_says_which_numpy_2_names_the_grader_supplied(repo, complete, tmp_path):
    import subprocess
    import sys
    path = os.path.join(complete, "cs231n", "classifiers", "softmax.py")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("dW = np.zeros_like(W, dtype=np.float64)", "dW = np.zeros_like(W, dtype=np.float)", 1))
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "grader", "grade", "--assignment", "assignment1", "--out", str(out),
                    complete], cwd=repo, check=True, capture_output=True, timeout=600)
    feedback = next((out / "feedback").glob("*.html")).read_text()
    assert re.search(r"numpy 2 removed: np.float \(cs231n/classifiers/softmax.py, line \d+\)", feedback)
    assert "cost you nothing here" in next((out / "feedback").glob("*.md")).read_text()


def test_a_submission_that_draws_random_numbers_grades_the_same_at_every_run(server, complete):
    """The student's minibatches come from np.random: each case seeds it, so a
    training case cannot pass on one run and fail on the next."""
    import numpy as np
    from grader.public.runner import run_cases
    from grader.public.scoring import build_jobs
    from grader.public.suite import load_cases
    cases = [c for c in load_cases("assignment1") if c.name == "linearsvm_train_learns"]
    jobs = build_jobs(cases)
    first, second = (run_cases(server, complete, jobs)["linearsvm_train_learns"] for _ in range(2))
    assert first.status == second.status == "ok"
    np.testing.assert_array_equal(first.outputs["W"], second.outputs["W"])
