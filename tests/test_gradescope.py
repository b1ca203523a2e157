"""Gradescope: results.json as its specification says, and an autograder zip that stands alone."""
import json
import os
import shlex
import subprocess
import sys
import zipfile

import pytest

from grader.instructor import gradescope as bundle
from grader.public.suite import load_cases
from support import ASSIGNMENT, ASSIGNMENTS, require
import make_submissions

# https://gradescope-autograders.readthedocs.io/en/latest/specs/ (the results.json fields)
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
BUNDLE_TOP_LEVEL = {"setup.sh", "run_autograder", "grader", "solutions"}


def grader(*args, cwd):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    make_submissions.make(ASSIGNMENT, str(root))
    return root


def gradescope(repo, submission_dir, results_path):
    """`python -m grader gradescope` on one submission; its results.json."""
    result = grader("gradescope", "--assignment", ASSIGNMENT, "--submission-dir", str(submission_dir),
                    "--results", str(results_path), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(results_path) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def complete_results(tmp_path_factory, repo, submissions):
    return gradescope(repo, submissions / "complete", tmp_path_factory.mktemp("results") / "results.json")


def total_points(cases):
    return sum(c.points for c in cases)


def test_results_json_has_the_fields_gradescope_reads(complete_results, cases):
    assert isinstance(complete_results["score"], (int, float))
    assert isinstance(complete_results["execution_time"], (int, float))
    assert isinstance(complete_results["output"], str) and complete_results["output"]
    assert len(complete_results["tests"]) == len(cases)
    for test in complete_results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert test["status"] in {"passed", "failed"} and test["visibility"] in VISIBILITIES


def test_the_total_is_the_sum_of_the_tests(complete_results):
    assert complete_results["score"] == sum(t["score"] for t in complete_results["tests"])


def test_a_complete_submission_scores_full_marks(complete_results, cases):
    assert complete_results["score"] == total_points(cases)
    assert complete_results["output"].startswith(f"Score: {total_points(cases):g} / {total_points(cases):g}")


def test_a_blank_submission_scores_zero_and_still_writes_results(tmp_path, repo, submissions):
    results = gradescope(repo, submissions / "blank", tmp_path / "results" / "results.json")
    assert results["score"] == 0
    assert all(t["status"] == "failed" and "not implemented yet" in t["output"] for t in results["tests"])


def test_a_submission_without_assignment_files_scores_zero_with_the_reason(tmp_path, repo):
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / "notes.txt").write_text("I ran out of time.\n")
    results = gradescope(repo, tmp_path / "upload", tmp_path / "results.json")
    assert results["score"] == 0
    assert all("could not be opened: no assignment files found" in t["output"] for t in results["tests"])
    assert "could not be opened" in results["output"]


def test_an_uploaded_collect_zip_is_graded_like_its_files(tmp_path, repo, submissions, cases):
    from grader.public import collect
    (tmp_path / "upload").mkdir()
    assert collect.run(str(submissions / "complete"), str(tmp_path / "upload" / "submission.zip"),
                       assignment=ASSIGNMENT) == 0
    results = gradescope(repo, tmp_path / "upload", tmp_path / "results.json")
    assert results["score"] == total_points(cases)


def test_the_output_warns_when_the_sandbox_was_unavailable():
    from grader.instructor.gradescope import student_summary
    note = student_summary([], "graded", "NO SANDBOX: unavailable: user namespaces are disabled")
    assert note.splitlines()[-1].startswith("Warning: the grader ran without its sandbox (unavailable: user")


def test_the_output_says_nothing_of_a_sandbox_that_worked():
    from grader.instructor.gradescope import student_summary
    assert "sandbox" not in student_summary([], "graded", "namespaces (user, mount, network, IPC, PID)")


# ------------------------------------------------------------------ the zip
@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory, repo):
    path = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    result = grader("gradescope-bundle", "--assignment", ASSIGNMENT, "--out", str(path), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture(scope="module")
def bundle_names(bundle_path):
    with zipfile.ZipFile(bundle_path) as archive:
        return archive.namelist()


@pytest.mark.parametrize("name", ["setup.sh", "run_autograder", "grader/__main__.py", "grader/instructor/gradescope.py",
                                  f"grader/suites/{ASSIGNMENT}/public.py", f"grader/suites/{ASSIGNMENT}/hidden.py",
                                  f"solutions/{ASSIGNMENT}/knn.ipynb",
                                  f"solutions/{ASSIGNMENT}/cs231n/classifiers/k_nearest_neighbor.py"])
def test_the_bundle_holds_what_grading_needs(bundle_names, name):
    assert name in bundle_names


def test_the_bundle_holds_nothing_else(bundle_names):
    assert {name.split("/")[0] for name in bundle_names} == BUNDLE_TOP_LEVEL
    assert {name.split("/")[1] for name in bundle_names if name.startswith("solutions/")} == {ASSIGNMENT}
    assert {name for name in bundle_names if name.startswith("grader/suites/")} == {
        "grader/suites/__init__.py", "grader/suites/common.py",
        *(f"grader/suites/{ASSIGNMENT}/{n}" for n in ("__init__.py", "public.py", "hidden.py"))}
    assert not [name for name in bundle_names if name.startswith(("solutions/", "grader/"))
                and not name.endswith((".py", ".ipynb"))]   # no saved models, data or caches


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignments_bundle_loads_its_whole_hidden_suite_and_no_planted_bug(tmp_path, repo, assignment):
    """A suite split by topic (assignment 2's hidden_fc.py, ...) and the helpers
    suites share (suites/common.py) travel with it; mutants and alternatives do not."""
    files = bundle.grader_files(repo, assignment)
    assert not [n for n in files if n.rsplit("/", 1)[-1].startswith(("mutants", "alternatives", "equivalent"))]
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    count = subprocess.run([sys.executable, "-c", "from grader.public.suite import load_cases; "
                            f"print(len(load_cases({assignment!r}, hidden=True)))"],
                           cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert count.returncode == 0, count.stderr
    assert int(count.stdout) == len(load_cases(assignment, hidden=True))


@pytest.mark.parametrize("name", ["setup.sh", "run_autograder"])
def test_the_scripts_are_executable_in_the_zip(bundle_path, name):
    with zipfile.ZipFile(bundle_path) as archive:
        assert archive.getinfo(name).external_attr >> 16 & 0o111 == 0o111


def test_setup_installs_the_grading_packages_with_the_projects_version_ranges(bundle_path, repo):
    with zipfile.ZipFile(bundle_path) as archive:
        setup = archive.read("setup.sh").decode()
    ranges = {}
    for name in ("requirements.txt", "requirements-student.txt"):   # the first includes the second
        with open(os.path.join(repo, name)) as f:
            ranges.update({line.split(">")[0]: line.strip() for line in f if line.startswith(("numpy", "tqdm"))})
    assert f"'{ranges['numpy']}'" in setup and f"'{ranges['tqdm']}'" in setup
    assert "nbgrader" not in setup and "pytest" not in setup


@pytest.mark.parametrize("assignment, torch", [("assignment1", False), ("assignment2", True)])
def test_the_container_installs_torch_only_for_an_assignment_whose_solution_imports_it(repo, assignment, torch):
    from grader.instructor.gradescope import requirements
    listed = requirements(repo, os.path.join(repo, "solutions", assignment))
    assert ("torch==2.13.0" in listed) == torch


def test_the_same_sources_give_the_same_bundle(tmp_path, repo, bundle_path):
    from grader.instructor import gradescope as command
    command.bundle(ASSIGNMENT, str(tmp_path / "again.zip"), repo)
    assert (tmp_path / "again.zip").read_bytes() == bundle_path.read_bytes()


def test_the_unpacked_bundle_grades_on_its_own(tmp_path, bundle_path, submissions, cases):
    """run_autograder's own command, from the unpacked zip, with Gradescope's paths redirected."""
    source = tmp_path / "source"
    with zipfile.ZipFile(bundle_path) as archive:
        archive.extractall(source)
    command, = [shlex.split(line) for line in (source / "run_autograder").read_text().splitlines()
                if line.startswith("exec ")]
    assert command[2:] == ["-m", "grader", "gradescope", "--assignment", ASSIGNMENT]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([sys.executable, *command[2:], "--submission-dir", str(submissions / "complete"),
                             "--results", str(tmp_path / "results.json")],
                            cwd=source, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "results.json").read_text())["score"] == total_points(cases)


@pytest.mark.slow
def test_an_assignment_with_saved_models_grades_them_in_the_bundle_without_cifar10(tmp_path, repo):
    """The container has no CIFAR-10: the bundle carries the held-out rows
    the saved models are scored on, and the reference scores full marks."""
    require("torch", "bash setup.sh --torch")   # for full marks: PyTorch.ipynb's cases need it
    path, source = tmp_path / "autograder.zip", tmp_path / "source"
    bundle.bundle("assignment2", str(path), repo)
    with zipfile.ZipFile(path) as archive:
        assert {"datasets/heldout/images.npy", "datasets/heldout/labels.npy"} <= set(archive.namelist())
        archive.extractall(source)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CIFAR10_DIR")}
    result = subprocess.run([sys.executable, "-m", "grader", "gradescope", "--assignment", "assignment2",
                             "--submission-dir", os.path.join(repo, "solutions", "assignment2"),
                             "--results", str(tmp_path / "results.json")],
                            cwd=source, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    saved = [t for t in results["tests"] if "trained model" in t["name"]]
    assert len(saved) == 3 and all(t["score"] == t["max_score"] for t in saved)
    assert results["score"] == sum(t["max_score"] for t in results["tests"])
