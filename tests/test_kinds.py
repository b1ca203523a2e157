"""Case kinds make a new graded layer a few lines of suite code: the leaky
ReLU exercise, end to end (its solution, its cases, a planted bug caught)."""
import os

import pytest

from grader.public.kinds import Layer
from grader.public.plan import Call, Like, Ref, Save, all_units, execute, to_wire
from grader.public.scoring import build_jobs, reference_outputs, score_submission
from make_submissions import complete_copy
from support import ASSIGNMENT, REPO, failing

LEAKY_RELU = '''

def leaky_relu_forward(x, alpha):
    """Leaky ReLU: x where x > 0, alpha * x elsewhere.  Returns (out, cache)."""
    out = np.where(x > 0, x, alpha * x)
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    """The gradient of leaky_relu_forward for its input x."""
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)
'''
FORGETS_ALPHA = ("return dout * np.where(x > 0, 1.0, alpha)", "return dout * (x > 0)")

# The whole suite code a new layer needs: the kind, then one line per case.
leaky = Layer("cs231n.layers", "leaky_relu_forward", "leaky_relu_backward", x=(4, 5), params=(0.1,))
CASES = [leaky.forward("leaky_relu_forward_random"), leaky.backward("leaky_relu_backward_random"),
         leaky.backward("leaky_relu_backward_image_shaped", x=(2, 3, 4, 4)),
         leaky.gradient_check("leaky_relu_backward_matches_numeric", role="property")]


@pytest.fixture
def solution_with_leaky_relu(tmp_path):
    root = complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), str(tmp_path / "solution"))
    with open(os.path.join(root, "cs231n", "layers.py"), "a") as f:
        f.write(LEAKY_RELU)
    return root


def grade(server, reference_root, root, cases=CASES):
    jobs = build_jobs(cases)
    references = reference_outputs(server, reference_root, cases, jobs)
    return {r.case: r for r in score_submission(server, root, cases, jobs, references)}


def changed(root, tmp_path, old, new):
    """A copy of the solution at `root` with `old` replaced by `new` in its layers.py."""
    student = complete_copy(root, str(tmp_path / "student"))
    path = os.path.join(student, "cs231n", "layers.py")
    text = open(path).read()
    assert text.count(old) == 1
    open(path, "w").write(text.replace(old, new))
    return student


def test_the_leaky_relu_solution_scores_full_marks(server, solution_with_leaky_relu):
    assert failing(grade(server, solution_with_leaky_relu, solution_with_leaky_relu)) == set()


def test_a_backward_pass_that_forgets_alpha_loses_the_backward_cases_only(server, solution_with_leaky_relu, tmp_path):
    student = changed(solution_with_leaky_relu, tmp_path, *FORGETS_ALPHA)
    results = grade(server, solution_with_leaky_relu, student)
    assert failing(results) == {"leaky_relu_backward_random", "leaky_relu_backward_image_shaped",
                                "leaky_relu_backward_matches_numeric"}
    assert "dx" in results["leaky_relu_backward_random"].message


# Two lines more: the layer leaves its inputs as they were.
IN_PLACE = [*CASES, leaky.leaves_inputs("leaky_relu_forward_leaves_x_unchanged"),
            leaky.backward_leaves_dout("leaky_relu_backward_leaves_dout_unchanged")]


@pytest.mark.parametrize("old, new, lost, message", [
    # x changed in place; the backward pass still works (x > 0 where alpha * x > 0)
    ("out = np.where(x > 0, x, alpha * x)", "x[x < 0] *= alpha\n    out = x",
     {"leaky_relu_forward_leaves_x_unchanged"}, "changed its input x in place"),
    ("return dout * np.where(x > 0, 1.0, alpha)", "dout *= np.where(x > 0, 1.0, alpha)\n    return dout",
     {"leaky_relu_backward_leaves_dout_unchanged"}, "changed its input dout in place"),
    # leaving x alone earns nothing when the output is wrong
    ("out = np.where(x > 0, x, alpha * x)", "out = np.zeros_like(x)",
     {"leaky_relu_forward_random", "leaky_relu_forward_leaves_x_unchanged", "leaky_relu_backward_matches_numeric"},
     "values are wrong"),
])
def test_an_input_changed_in_place_costs_the_in_place_case_only(server, solution_with_leaky_relu, tmp_path, old, new,
                                                                lost, message):
    student = changed(solution_with_leaky_relu, tmp_path, old, new)
    results = grade(server, solution_with_leaky_relu, student, IN_PLACE)
    assert failing(results) == lost
    assert all(message in results[name].message for name in lost if "_leaves_" in name)


def test_a_layer_case_names_what_the_student_writes_and_where():
    forward, backward = CASES[0], CASES[1]
    assert (forward.function, forward.target) == ("leaky_relu_forward", "cs231n.layers:leaky_relu_forward")
    assert (backward.function, backward.target) == ("leaky_relu_backward", "cs231n.layers:leaky_relu_backward")
    assert [c.role for c in CASES] == ["reference", "reference", "reference", "property"]


# ------------------------------------------------------------ the plan itself
def test_a_plan_blames_the_import_then_the_function_then_the_method():
    wire = to_wire([Call("pkg.mod:Model", keep="m"), Call("loss", 1, on="m", save="out"),
                    Call("pkg.mod:helper", Ref("m")), Call("other.mod:f")])
    assert all_units(wire) == ["import pkg.mod", "Model", "Model.loss", "helper", "import other.mod", "f"]


def test_an_upstream_gradient_is_drawn_like_the_kept_output_and_redrawn_the_same_on_the_trusted_side():
    import numpy as np
    like = Like("forward", 0, seed=7)
    wire = to_wire([Call("m:f", keep="forward"), Save("dout", like)])
    outputs = execute(wire, lambda target: (lambda: (np.zeros((2, 3, 5)), "cache")))
    assert outputs["dout"].shape == (2, 3, 5)
    np.testing.assert_array_equal(outputs["dout"], like.draw((2, 3, 5)))


def test_an_argument_read_after_the_call_sees_what_the_call_changed():
    """batchnorm's running statistics: bn_param is updated in place by the forward pass."""
    from grader.public.plan import Let

    def forward(x, bn_param):
        bn_param["running_mean"] = x * 2
        return x
    wire = to_wire([Let("bn_param", {"mode": "train"}), Call("m:forward", 3.0, Ref("bn_param")),
                    Save("running_mean", Ref("bn_param", "running_mean"))])
    assert execute(wire, lambda target: forward) == {"running_mean": 6.0}


def test_data_shaped_like_a_placeholder_stays_data():
    wire = to_wire([Call("m:f", ["ref", "x", []], {"__ref__": "x"}, save="out")])
    assert execute(wire, lambda target: (lambda *a: a))["out"] == (["ref", "x", []], {"__ref__": "x"})


# ------------------------------------------------ checks that cannot be faked
def test_a_numeric_check_fails_when_an_evaluation_it_asked_for_does_not_come_back():
    import numpy as np
    from grader.public.numeric import H, matches_numeric
    check = matches_numeric()
    given = {"entries": {"": [0, 1]}}
    complete = {"analytic": np.array([1.0, 1.0]), "plus_0": H, "minus_0": -H, "plus_1": H, "minus_1": -H}
    assert check(complete, None, given).passed
    missing = {k: v for k, v in complete.items() if k != "minus_1"}
    verdict = check(missing, None, given)
    assert not verdict.passed and "did not come back" in verdict.message
    assert not check({"analytic": np.array([1.0, 1.0])}, None, given).passed


def test_a_source_case_needs_code_that_computes_something_from_its_input():
    import numpy as np
    from grader.public.compare import depends_on_input
    assert depends_on_input({"first": (1.0, np.ones(3)), "second": (2.0, np.ones(3))}).passed
    assert not depends_on_input({"first": (0.0, np.zeros(3)), "second": (0.0, np.zeros(3))}).passed
    assert not depends_on_input({"first": None, "second": None}).passed


# ------------------------------------------------------------ lent modules
BLOCK = "def double(x):\n    return {factor} * x\n"
USER = "from .block import double\n\n\ndef quadruple(x):\n    return double(double(x))\n"


def test_a_case_runs_with_lent_modules_and_the_next_case_with_the_students_own_again(tmp_path):
    """A wrong building block (block.double triples) costs nothing in a case that
    lends the reference's block.py, and is the student's own again afterwards."""
    from grader.public.worker import run_plan
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "block.py").write_text(BLOCK.format(factor=3))
    (package / "user.py").write_text(USER)
    wire = to_wire([Call("pkg.user:quadruple", 1, save="out")])
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        assert run_plan(wire, str(tmp_path)) == ("outputs", {"out": 9})
        assert run_plan(wire, str(tmp_path), lend={"pkg.block": BLOCK.format(factor=2)}) == ("outputs", {"out": 4})
        assert run_plan(wire, str(tmp_path)) == ("outputs", {"out": 9})
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]
