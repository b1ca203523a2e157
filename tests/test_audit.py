"""`python -m grader audit`: the mutation operators, the audit of a suite,
and the floor each assignment records (CI runs the full audit: 20 to 30 s
for assignment 1 on 2 cores)."""
import json
import os

import pytest

from grader.instructor import audit
from grader.instructor.mutation import mutants
from grader.instructor.regions import Region, find_regions
from grader.public.suite import load_cases
from support import ASSIGNMENTS, REPO, not_runnable, require


def mutated_lines(source, operator):
    """The changed lines of every mutant `operator` makes of `source` (all of it one answer region)."""
    region = Region("snippet.py", -1, 1, source.count("\n") + 1, "f")
    return [[line[1:].strip() for line in m.diff.split("\n")[3:] if line.startswith("+")]
            for m in mutants(region, source) if m.operator == operator]


@pytest.mark.parametrize("operator, source, expected", [
    ("dl/reduction_axis", "def f(x):\n    return np.sum(x, axis=0)\n", ["return np.sum(x, axis=1)"]),
    ("dl/sum_for_mean", "def f(x):\n    return x.mean()\n", ["return x.sum()"]),
    ("dl/regularisation", "def f(data, reg, W):\n    return data + 0.5 * reg * np.sum(W * W)\n",
     ["return data"]),
    ("dl/regularisation", "def f(data, reg, W):\n    return data + 0.5 * reg * np.sum(W * W)\n",
     ["return data + 2 * (0.5 * reg * np.sum(W * W))"]),
    ("dl/max_shift", "def f(x):\n    s = x - np.max(x, axis=1, keepdims=True)\n    return s\n", ["s = x"]),
    ("dl/missing_sqrt", "def f(d):\n    return np.sqrt(d)\n", ["return d"]),
    ("dl/dropped_transpose", "def f(X, d):\n    return X.T.dot(d)\n", ["return X.dot(d)"]),
    ("dl/assign_for_accumulate", "def f(dw, x):\n    dw += x\n    return dw\n", ["dw = x"]),
    ("dl/inplace_input", "def f(x):\n    out = np.maximum(0, x)\n    return out\n",
     ["out = np.maximum(0, x, out=x)"]),
    ("dl/mode_swap", "def f(p):\n    if p['mode'] == 'train':\n        return 1\n", ["if p['mode'] == 'test':"]),
    ("dl/dropout_rescale", "def f(x, p):\n    mask = (np.random.rand(*x.shape) < p) / p\n    return x * mask\n",
     ["mask = np.random.rand(*x.shape) < p"]),
    ("dl/bias_correction", "def f(m, beta1, t):\n    mt = m / (1 - beta1 ** t)\n    return mt\n", ["mt = m"]),
    ("general/swap_arguments", "def f(a, b):\n    return np.dot(a, b)\n", ["return np.dot(b, a)"]),
    ("general/off_by_one", "def f(a, k):\n    return a[:k]\n", ["return a[:k + 1]"]),
    ("general/drop_statement", "def f(a):\n    a.sort()\n    return a\n", ["pass"]),
    ("cosmic-ray/ReplaceBinaryOperator_Add_Sub", "def f(a, b):\n    return a + b\n", ["return a - b"]),
])
def test_each_operator_makes_the_mistake_it_names(operator, source, expected):
    assert expected in mutated_lines(source, operator)


def test_only_answer_regions_are_mutated():
    source = "def f(a, b):\n    c = a + b\n    ### BEGIN SOLUTION\n    d = c - a\n    ### END SOLUTION\n    return d\n"
    made = mutants(Region("snippet.py", -1, 4, 4, "f"), source)
    assert made and all(m.line == 4 for m in made)
    assert all(m.source.split("\n")[1] == "    c = a + b" for m in made)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_equivalent_mutant_marked_is_still_made(assignment):
    regions, texts = find_regions(os.path.join(REPO, "solutions", assignment))
    made = {m.id for r in regions for m in mutants(r, texts[(r.file, r.cell)])}
    assert set(audit.equivalents(assignment)) <= made


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_assignment_whose_answers_are_graded_records_a_floor(assignment):
    regions, _ = find_regions(os.path.join(REPO, "solutions", assignment))
    judged = audit.judging_cases(regions, load_cases(assignment, hidden=True))
    assert os.path.exists(audit.floor_path(assignment)) == bool(judged)


@pytest.mark.slow
def test_a_mutant_the_suite_must_kill_is_killed():
    report = audit.run_audit("assignment1", os.path.join(REPO, "solutions"), functions=["affine_forward"])
    bias_subtracted = [m for m in report["mutants"] if m["operator"] == "cosmic-ray/ReplaceBinaryOperator_Add_Sub"]
    assert [m["status"] for m in bias_subtracted] == ["killed"]
    assert "affine_forward_multidimensional" in bias_subtracted[0]["killed_by"]
    assert report["functions"]["cs231n/layers.py:affine_forward"]["kill_rate"] == 1.0


@pytest.mark.slow
def test_a_case_removed_from_the_suite_leaves_a_survivor_with_its_diff(tmp_path):
    gap = [c for c in load_cases("assignment1", hidden=True) if c.name != "relu_forward_leaves_x_unchanged"]
    report = audit.run_audit("assignment1", os.path.join(REPO, "solutions"), cases=gap, functions=["relu_forward"])
    entry = report["functions"]["cs231n/layers.py:relu_forward"]
    assert entry["survived"] == 1 and entry["kill_rate"] < 1.0
    survivor = entry["survivors"][0]
    assert survivor["operator"] == "dl/inplace_input"
    assert "+    out = np.maximum(0, x, out=x)" in survivor["diff"].split("\n")
    audit.write_reports(report, str(tmp_path))
    assert "out = np.maximum(0, x, out=x)" in (tmp_path / "audit.md").read_text()
    page = (tmp_path / "audit.html").read_text()
    assert "out = np.maximum(0, x, out=x)" in page and "http" not in page.split("<body>")[1]
    assert json.loads((tmp_path / "audit.json").read_text())["functions"]["cs231n/layers.py:relu_forward"][
        "survived"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if os.path.exists(audit.floor_path(a))])
def test_every_graded_function_kills_at_least_its_recorded_floor(assignment):
    if not_runnable(assignment):   # their functions could not be audited here
        require("torch", "bash setup.sh --torch")
    report = audit.run_audit(assignment, os.path.join(REPO, "solutions"))
    with open(audit.floor_path(assignment)) as f:
        floor = json.load(f)
    assert audit.below_floor(report, floor) == []
    scored = {key for key, entry in report["functions"].items() if entry["kill_rate"] is not None}  # some mutant made
    assert set(floor) == scored, "audit with --update-floor to record the new functions"


@pytest.mark.slow
def test_a_case_that_fails_on_the_reference_is_left_out_instead_of_killing_every_mutant():
    from dataclasses import replace
    from grader.public.compare import Verdict
    cases = load_cases("assignment1", hidden=True)
    good = next(c for c in cases if c.name == "relu_forward_leaves_x_unchanged")
    broken = replace(good, name="relu_forward_always_fails", check=lambda got, expected, given=None: Verdict(False))
    report = audit.run_audit("assignment1", os.path.join(REPO, "solutions"), cases=[*cases, broken],
                             functions=["relu_forward"])
    assert report["unsound_cases"] == {"relu_forward_always_fails": "failed"}
    assert "relu_forward_always_fails" not in report["cases"]
    entry = report["functions"]["cs231n/layers.py:relu_forward"]
    assert "relu_forward_always_fails" not in entry["cases"]
    assert entry["survived"] == 0 and entry["killed"] > 0   # the sound cases still do their work
    assert "relu_forward_always_fails" in audit.markdown(report)


@pytest.mark.slow
def test_a_forward_pass_that_keeps_no_cache_is_graded_with_its_backward_passs_cases():
    pairs = audit.paired("assignment2")
    dropped = [i for i, (partner, _) in pairs.items() if partner == "layernorm_backward"]
    assert dropped
    report = audit.run_audit("assignment2", os.path.join(REPO, "solutions"), functions=["layernorm_forward"])
    rows = {row["id"]: row for row in report["paired"]}
    assert set(dropped) <= set(rows)
    for mutant in dropped:
        assert rows[mutant]["status"] == "killed"
        assert rows[mutant]["killed_by"] and all(name.startswith("layernorm_backward")
                                                 for name in rows[mutant]["killed_by"])
    assert report["functions"]["cs231n/layers.py:layernorm_forward"]["survived"] == 0
    assert "Graded with their partner's cases too" in audit.markdown(report)


@pytest.mark.slow
def test_a_function_whose_cases_cannot_run_here_is_not_audited_rather_than_scored(monkeypatch):
    """Without torch the PyTorch cases are skipped: their functions are listed
    as not audited (and fail a floor check), never reported as 0 % or 100 %."""
    from grader.public import scoring
    monkeypatch.setattr(scoring, "missing", lambda case: list(case.needs))   # as if no package a case needs were here
    report = audit.run_audit("assignment2", os.path.join(REPO, "solutions"), functions=["flatten", "relu_forward"])
    assert set(report["not_audited"]) == {"PyTorch.ipynb:flatten"}
    assert "PyTorch.ipynb:flatten" not in report["functions"]
    assert report["functions"]["cs231n/layers.py:relu_forward"]["kill_rate"] == 1.0
    assert all(status == "skipped" for status in report["unsound_cases"].values())
    problems = audit.below_floor(report, {"PyTorch.ipynb:flatten": 1.0, "cs231n/layers.py:relu_forward": 1.0})
    assert len(problems) == 1 and "not audited here" in problems[0]
