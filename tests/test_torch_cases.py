"""Cases that need a package beyond numpy (torch, for PyTorch.ipynb): where
it is missing they are skipped with a message saying how to install it and
every other case runs; a tensor comes back from the worker as its array; a
class defined in a notebook is a target like a function; a case may lend the
reference's definition of a notebook function (PyTorch.ipynb's flatten)."""
import json

import numpy as np
import pytest

import grader.public.suite as suite
from grader.public import protocol
from grader.public.compare import close
from grader.public.kinds import Layer
from grader.public.scoring import build_jobs, reference_outputs, score_submission
from grader.public.suite import load_cases
from grader.public.worker import function_from_notebook
from support import REPO, require

relu = Layer("cs231n.layers", "relu_forward", "relu_backward", x=(3, 4))
CASES = [relu.forward("relu_forward_needs_nothing"),
         relu.forward("relu_forward_needs_a_missing_package", needs=("a_package_nobody_installed",)),
         relu.forward("relu_forward_needs_torch", needs=("torch",))]


def test_a_case_whose_package_is_missing_is_skipped_and_says_why_while_the_others_run(server, complete, monkeypatch):
    monkeypatch.setattr(suite, "_installed", lambda package: package == "numpy")  # as if torch were missing too
    jobs = build_jobs(CASES)
    assert set(jobs) == {"relu_forward_needs_nothing"}  # no worker ever sees the others
    references = reference_outputs(server, f"{REPO}/solutions/assignment1", CASES, jobs)
    results = {r.case: r for r in score_submission(server, complete, CASES, jobs, references)}
    assert results["relu_forward_needs_nothing"].passed
    missing = results["relu_forward_needs_a_missing_package"]
    assert (missing.status, missing.score) == ("skipped", 0)
    assert "needs a_package_nobody_installed, which is not installed" in missing.message
    assert "`bash setup.sh --torch` installs torch" in results["relu_forward_needs_torch"].message


def test_every_pytorch_case_is_skipped_where_torch_is_missing(monkeypatch):
    monkeypatch.setattr(suite, "_installed", lambda package: package != "torch")
    torch_cases = [c for c in load_cases("assignment2", hidden=True) if "PyTorch.ipynb" in c.target]
    assert torch_cases and all(suite.missing(c) == ["torch"] for c in torch_cases)
    assert not set(build_jobs(torch_cases))


def test_a_tensor_comes_back_from_the_worker_as_its_array():
    require("torch", "bash setup.sh --torch")
    import torch
    weights = torch.arange(6.0).reshape(2, 3).requires_grad_()
    copy = protocol.plain_copy({"scores": weights * 2, "labels": (torch.tensor([1, 2]),)})
    assert isinstance(copy["scores"], np.ndarray) and copy["scores"].dtype == np.float32
    np.testing.assert_array_equal(copy["scores"], 2 * np.arange(6.0).reshape(2, 3))
    assert copy["labels"][0].tolist() == [1, 2]


def test_a_complex_tensor_is_refused_like_a_complex_array():
    require("torch", "bash setup.sh --torch")
    import torch
    with pytest.raises(protocol.ProtocolError, match="complex"):
        protocol.plain_copy(torch.ones(2, dtype=torch.complex64))


def notebook(tmp_path, *sources):
    path = tmp_path / "classes.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": s, "metadata": {}} for s in sources],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return str(path)


def test_a_class_defined_in_a_notebook_is_taken_with_what_it_uses_and_nothing_else(tmp_path):
    path = notebook(tmp_path, "import numpy as np\nimport json",
                    "def double(x):\n    return 2 * x",
                    "raise RuntimeError('a cell that trains for an hour')",
                    "class Doubler:\n    def __call__(self, x):\n        return double(np.asarray(x))")
    Doubler = function_from_notebook(path, "Doubler")
    np.testing.assert_array_equal(Doubler()([1, 2]), [2, 4])


def test_a_name_no_cell_defines_says_function_or_class(tmp_path):
    with pytest.raises(NameError, match="defines a function or class called Missing"):
        function_from_notebook(notebook(tmp_path, "x = 1"), "Missing")


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_package_fails_a_test_under_ci_and_skips_it_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="a_package_nobody_installed is not installed"):
        require("a_package_nobody_installed", "pip install it")


def test_float32_outputs_are_judged_with_a_float32_tolerance():
    from grader.suites.assignment2.public_torch import FLOAT32
    scores = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    assert FLOAT32(scores + np.float32(1e-6) * scores, scores).passed
    assert not FLOAT32(scores + 1e-2, scores).passed


def test_a_case_can_lend_a_notebook_definition_for_that_case_only(tmp_path):
    from grader.public.plan import Call, to_wire
    from grader.public.scoring import notebook_definition
    from grader.public.worker import run_plan
    student = notebook(tmp_path, "def helper(x):\n    return x - 1  # the student's bug",
                       "def network(x):\n    return 10 * helper(x)")
    reference = tmp_path / "reference"
    reference.mkdir()
    lend = {"classes.ipynb:helper": notebook_definition(notebook(reference, "def helper(x):\n    return x + 1"),
                                                        "helper")}
    assert lend["classes.ipynb:helper"] == "def helper(x):\n    return x + 1"
    wire = to_wire([Call("classes.ipynb:network", 2, save="out")])
    assert run_plan(wire, str(tmp_path), lend=lend) == ("outputs", {"out": 30})
    assert run_plan(wire, str(tmp_path)) == ("outputs", {"out": 10})  # the next case: the student's helper again
    judged = {"classes.ipynb:network": "def network(x):\n    return 0"}  # never the function the case judges
    assert run_plan(wire, str(tmp_path), lend=judged) == ("outputs", {"out": 10})
