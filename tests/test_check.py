"""`python -m grader check` teaches: a public example shows its input, the
student's output and the expected one; a file that does not load is told
once; a stub takes one line; the report says what it did not check."""
import json
import os

import numpy as np
import pytest

from support import ASSIGNMENT, REPO
from make_submissions import apply
from grader.public import check, compare, manifest
from grader.public.scoring import build_jobs, score_submission
from grader.public.suite import load_cases
from grader.suites.assignment1.mutants import BROKEN, MUTANTS

KNN_FILE = "cs231n/classifiers/k_nearest_neighbor.py"


@pytest.fixture(scope="module")
def public_cases():
    return load_cases(ASSIGNMENT, hidden=False)


@pytest.fixture
def report(server, public_cases):
    """report(folder) -> what `check` prints for it (with the fork server the tests share)."""
    def run(folder):
        results = score_submission(server, str(folder), public_cases, build_jobs(public_cases))
        return check.report(ASSIGNMENT, results, manifest.find(str(folder), ASSIGNMENT), public_cases)
    return run


def lines_of(text, case):
    """The line of `case` and the lines under it, up to the next case's line."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if f" {case} " in line)
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" " * 13)), len(lines))
    return "\n".join(lines[start:end])


def test_a_forgotten_sqrt_shows_the_input_your_distances_and_the_expected_ones(report, complete):
    apply(MUTANTS["two_loops_forgets_sqrt"], complete)
    shown = lines_of(report(complete), "two_loops_fixed_example")
    assert "compute_distances_two_loops([[0., 0.], [3., 0.]])" in shown
    assert "yours:    [[ 0., 25., 169.], [ 9., 16., 148.]]" in shown
    assert "expected: [[ 0. , 5. , 13. ], [ 3. , 4. , 12.1655]]" in shown


def test_a_wrong_tie_break_shows_the_votes_and_both_label_lists(report, complete):
    apply(MUTANTS["votes_tie_to_largest_label"], complete)
    shown = lines_of(report(complete), "predict_labels_fixed_example")
    assert "predict_labels(" in shown and "k=4)" in shown
    assert "yours:    [1, 1, 1, 0, 1]" in shown and "expected: [0, 1, 0, 0, 1]" in shown


def test_a_comparison_with_a_function_that_fails_its_own_check_says_so_instead_of_a_hint(report, complete):
    apply(MUTANTS["two_loops_forgets_sqrt"], complete)
    shown = lines_of(report(complete), "no_loops_matches_two_loops")
    assert "compares with compute_distances_two_loops, which fails its own check (two_loops_fixed_example)" in shown
    assert "broadcasting" not in shown


def test_grading_never_shows_the_inputs_or_answers_of_hidden_cases(grade, complete):
    apply(MUTANTS["two_loops_forgets_sqrt"], complete)
    results = grade(complete)
    failed = [r for r in results.values() if not r.passed]
    assert failed and all(r.hidden for r in failed)
    assert not [r for r in failed if "expected:" in r.message or "yours:" in r.message or "inputs:" in r.message]


def test_a_shown_example_is_bounded_however_large_the_output():
    wire = [{"step": "call", "function": "m:f", "args": [["value", np.zeros((500, 500))]], "kwargs": {}}]
    shown = compare.shown_example(wire, {"out": np.arange(10**6).reshape(1000, 1000)}, ("out", np.ones((3, 3))))
    assert all(len(line) <= compare.SHOWN_CHARS + 20 for line in shown.split("\n")) and len(shown) < 1000


def test_a_syntax_error_is_told_once_at_the_top_without_the_cases_hints(report, complete):
    apply(BROKEN["syntax_error"], complete)
    text = report(complete)
    assert text.count("could not be loaded: SyntaxError") == 1
    top = text.split("\n")[2]
    assert top.startswith(f"{KNN_FILE} could not be loaded: SyntaxError (k_nearest_neighbor.py, line ")
    knn_part = text.split("kNN:")[1].split("\n\n")[0]
    assert "hint:" not in knn_part and "not run" in knn_part


def test_a_notebook_cell_is_named_by_its_first_line_not_a_number(report, complete):
    path = os.path.join(complete, "knn.ipynb")
    notebook = json.load(open(path))
    cell = next(c for c in notebook["cells"] if "def k_fold_cross_validation" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("num_folds=5):", "num_folds=5)", 1)
    json.dump(notebook, open(path, "w"))
    text = report(complete)
    assert "<knn.ipynb, the cell that starts 'def k_fold_cross_validation(X_train, y_train,...'> could not be loaded" in text
    assert " cell 1" not in text and "cell 2" not in text


def test_the_blank_release_gives_one_line_per_function_and_no_hints(report, repo):
    text = report(os.path.join(repo, "assignments", ASSIGNMENT))
    assert "hint:" not in text
    assert text.count("KNearestNeighbor.compute_distances_two_loops is not implemented yet") == 1


def test_check_marks_self_checks_and_says_what_it_did_not_check(report, complete, public_cases):
    text = report(complete)
    assert not any(case.graded for case in public_cases)
    assert (f"Passed {len(public_cases)} of {len(public_cases)} public checks. They are self-checks and carry no "
            "points") in text
    assert " pt " not in text   # no row claims points
    not_checked = text.split("Not checked here:")[1]
    assert "LinearClassifier.train" in not_checked and "TwoLayerNet (trained by Solver)" in not_checked
    assert "the hidden tests" in not_checked and "16 inline questions" in not_checked and "graded by hand" in not_checked


def test_a_self_check_between_two_stubs_that_agree_is_told_to_be_no_verdict(report, complete):
    path = os.path.join(complete, "cs231n/classifiers/softmax.py")
    text = open(path).read()
    for name in ("softmax_loss_naive", "softmax_loss_vectorized"):
        text = text.replace(f"def {name}(W, X, y, reg):", f"def {name}(W, X, y, reg):\n    return 0.0, np.zeros_like(W)\n",
                            1)
    open(path, "w").write(text)
    report_text = report(complete)
    assert "passed     softmax_vectorized_matches_naive" in report_text
    assert "also do when both are wrong in the same way" in report_text


def test_check_from_the_assignment_folder_itself(repo):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "grader", "check"], cwd=os.path.join(repo, "assignments", ASSIGNMENT),
                            capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                 if k != "PYTHONPATH"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("Public checks of assignment1")
