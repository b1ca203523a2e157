"""Grading on Gradescope: the autograder zip, and what runs inside it (trusted side).

Gradescope builds a Docker image from a zip holding `setup.sh` (run once, as
root, when the image is built) and `run_autograder` (run once per
submission).  The zip is unpacked into /autograder/source, the student's
upload lands in /autograder/submission, and whatever /autograder/results/
results.json says is what the student sees; the run's stdout is shown to
instructors only.

`bundle` writes that zip: the grader package with the hidden suite of one
assignment and its reference solution (the autograder is the instructor's
private copy, so the references may travel in it), the held-out test images
its saved-model cases score on where it has such cases, and nothing else.
`run` is `python -m grader gradescope`: it grades the one submission exactly
as `python -m grader grade` grades each of a class (the same jobs, the same
reference outputs, the same `grade.score_one`), and always exits 0 once it
has written results.json, because Gradescope shows a student nothing from an
autograder that failed.  Only a fault of the grader itself (a broken
reference, say) exits non-zero, so that it is not mistaken for a score of 0.

Inside Gradescope's container the kernel usually refuses user namespaces:
there `run_autograder` runs as root, so the submission runs as a user of its
own (see `grader.public.accounts`), and the instructor's stdout says which
limits were in force.
"""
import ast
import contextlib
import os
import re
import tempfile
import time

from grader.instructor import report
from grader.instructor.grade import build_context, fork_server, private_paths, score_one
from grader.public import heldout
from grader.public.runner import SandboxRefused
from grader.public.scoring import DEFAULT_SEED
from grader.public.files import SubmissionError, find_root, private_copy, read_tree, write_zip
from grader.public.suite import load_cases

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRADER_DIR = os.path.join(SOURCE_ROOT, "grader")
VENV = "/autograder/venv"
# What the grader itself imports to grade (numpy in the worker, protocol and
# suites; tqdm in grade.py).  Packages the reference solution imports are
# added per assignment, so that the reference runs in the container.
GRADER_REQUIREMENTS = ("numpy", "tqdm")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# A virtual environment keeps pip away from the system's Python (which recent
# Ubuntu images refuse to let pip change).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv {venv}
{venv}/bin/pip install --no-cache-dir --upgrade pip
{venv}/bin/pip install --no-cache-dir {requirements}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission: the student's files are in
# /autograder/submission, and /autograder/results/results.json is what they see.
cd /autograder/source
exec {venv}/bin/python -m grader gradescope --assignment {assignment}
"""


# ----------------------------------------------------------- in the container
def run(assignment, submission_dir="/autograder/submission", results_path="/autograder/results/results.json",
        solutions_root=None, seed=None, sandbox="auto"):
    """Grade the submission in `submission_dir`; write Gradescope's results.json.
    `sandbox` as for `grade` (the same refusal where student code would run as the grader)."""
    seed = DEFAULT_SEED if seed is None else seed
    solutions_root = solutions_root or os.path.join(SOURCE_ROOT, "solutions")
    cases = load_cases(assignment, hidden=True)
    start = time.monotonic()
    results_dir = os.path.dirname(os.path.abspath(results_path))
    os.makedirs(results_dir, exist_ok=True)
    stack = contextlib.ExitStack()
    try:
        server = stack.enter_context(fork_server(assignment, sandbox, private_paths(solutions_root, results_dir)))
    except SandboxRefused as exc:
        print(exc)
        return 2
    with stack:
        context = build_context(server, assignment, cases, seed, solutions_root=solutions_root)
        with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as scratch:
            scored = score_one(context, server, ("submission", uploaded(submission_dir)), scratch)
        sandbox, limits = server.sandbox, server.limits_in_force()
    seconds = time.monotonic() - start
    note = "\n\n".join([student_summary(scored.results, scored.state, sandbox), *scored.notices])
    report.write_json(results_path, report.gradescope_results(scored.results, seconds, note=note))
    print(note)
    print(f"Sandbox: {sandbox}")
    print(f"Limits: {limits}")
    print(f"Wrote {results_path} in {seconds:.1f} s.")
    return 0


def uploaded(submission_dir):
    """What to grade in Gradescope's submission folder: the folder itself, or,
    when it holds no assignment files but a single zip, that zip (a student
    who uploaded the zip `python -m grader collect` wrote, unextracted)."""
    if not os.path.isdir(submission_dir):
        return submission_dir      # `prepare` says it does not exist, and every case scores 0
    try:
        find_root(submission_dir)
        return submission_dir
    except SubmissionError:
        zips = [name for name in sorted(os.listdir(submission_dir)) if name.lower().endswith(".zip")]
        return os.path.join(submission_dir, zips[0]) if len(zips) == 1 else submission_dir


def student_summary(results, state, sandbox):
    """The top of what the student sees: the score, what went wrong where, the sandbox."""
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    passed = sum(r.passed for r in results)
    lines = [f"Score: {score:g} / {total:g} ({passed} of {len(results)} cases passed)."]
    if state == "unopenable":
        lines.append(results[0].message if results else "Your submission could not be opened.")
    elif passed < len(results):
        counts = {status: sum(r.status == status for r in results) for status in
                  ("failed", "error", "timeout", "crashed", "skipped")}
        lines.append("Not passed: " + ", ".join(f"{n} {status}" for status, n in counts.items() if n) +
                     ". Each case below says what went wrong and where to look.")
    if sandbox.startswith("NO SANDBOX"):
        lines.append(f"Warning: the grader ran without its sandbox ({sandbox[len('NO SANDBOX: '):]}); "
                     "your code ran with time and memory limits only.")
    return "\n".join(lines)


# ------------------------------------------------------------- the zip itself
def bundle(assignment, zip_path, repo_root):
    """Write Gradescope's autograder zip for `assignment` (deterministic: the
    same sources give the same bytes); return the names of its files."""
    solution_dir = os.path.join(repo_root, "solutions", assignment)
    if not os.path.isdir(solution_dir):
        raise FileNotFoundError(f"no reference solution at {solution_dir}")
    entries = {"setup.sh": SETUP_SH.format(venv=VENV, requirements=" ".join(
                   f"'{line}'" for line in requirements(repo_root, solution_dir))).encode(),
               "run_autograder": RUN_AUTOGRADER.format(venv=VENV, assignment=assignment).encode()}
    entries.update(grader_files(repo_root, assignment))
    entries.update(held_out_files(assignment))
    with tempfile.TemporaryDirectory(prefix="grader-bundle-") as copy:
        # The files grading reads of a submission are the files it reads of the
        # reference: the same copy rule, so saved models and data stay out.
        private_copy(solution_dir, copy)
        entries.update(read_tree(copy, f"solutions/{assignment}/"))
    write_zip(zip_path, entries, executables={"setup.sh", "run_autograder"})
    return sorted(entries)


# What a suite folder holds for instructors only: planted bugs, correct
# alternatives and the audit's marks.  Grading needs none of them.
INSTRUCTOR_ONLY = ("mutants", "alternatives", "equivalent")


def grader_files(repo_root, assignment):
    """{zip name: bytes}: the grader's modules and the suite of `assignment`
    (its public and hidden cases, every topic's, and the helpers the suites
    share; not the other assignments', not the planted bugs)."""
    def wanted(name):
        parts = name.split("/")
        if parts[0] != "suites" or len(parts) == 2:   # the grader, or suites/__init__.py and common.py
            return True
        return parts[1] == assignment and not parts[2].startswith(INSTRUCTOR_ONLY)
    return {f"grader/{name}": data for name, data in read_tree(os.path.join(repo_root, "grader")).items()
            if name.endswith(".py") and wanted(name)}


def held_out_files(assignment):
    """{zip name: bytes}: the held-out test images its saved-model cases score
    on (`heldout.packed`, from the instructor's CIFAR-10), when it has such
    cases; Gradescope's container has no CIFAR-10 of its own."""
    if not any(c.saved is not None and c.saved.threshold is not None for c in load_cases(assignment, hidden=True)):
        return {}
    try:
        files = heldout.packed()
    except heldout.MissingData as exc:
        raise heldout.MissingData(f"{assignment}'s saved models are scored on held-out CIFAR-10 images, which the "
                                  f"bundle must carry: {exc}") from None
    return {f"datasets/heldout/{name}": data for name, data in files.items()}


def requirements(repo_root, solution_dir):
    """pip requirements for the container: the grader's own, and the
    third-party packages the reference solution imports, with the version
    ranges of requirements.txt (and the files it includes) and of
    requirements-torch.txt (torch, for PyTorch.ipynb's cases); bare names
    where none lists them."""
    pinned, files = {}, [os.path.join(repo_root, "requirements.txt")]
    if os.path.isfile(os.path.join(repo_root, "requirements-torch.txt")):
        files.append(os.path.join(repo_root, "requirements-torch.txt"))
    for path in files:
        with open(path) as f:
            for line in f:
                line = line.split("#")[0].strip()
                if line.startswith("-r "):   # requirements.txt includes requirements-student.txt
                    files.append(os.path.join(os.path.dirname(path), line[3:].strip()))
                    continue
                match = re.match(r"[A-Za-z0-9_.\-]+", line)
                if match:
                    pinned[_normal(match.group(0))] = line
    wanted = {_normal(name) for name in GRADER_REQUIREMENTS}
    wanted |= {name for name in imported_packages(solution_dir) if name in pinned}
    return [pinned.get(name, name) for name in sorted(wanted)]


def imported_packages(folder):
    """Top-level names of every module imported by the .py files under `folder`."""
    names = set()
    for current, _, files in os.walk(folder):
        for name in files:
            if not name.endswith(".py"):
                continue
            with open(os.path.join(current, name), encoding="utf-8") as f:
                try:
                    module = ast.parse(f.read())
                except SyntaxError:
                    continue
            for node in ast.walk(module):
                if isinstance(node, ast.Import):
                    names |= {_normal(alias.name.split(".")[0]) for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(_normal(node.module.split(".")[0]))
    return names


def _normal(name):
    return name.lower().replace("-", "_")


def run_bundle(assignment, zip_path, repo_root):
    """`python -m grader gradescope-bundle`: write the zip and say what is in it."""
    try:
        names = bundle(assignment, zip_path, repo_root)
    except heldout.MissingData as exc:
        print(f"No bundle written: {exc}")
        return 1
    size = os.path.getsize(zip_path)
    data = any(name.startswith("datasets/heldout/") for name in names)
    print(f"Wrote {zip_path} ({size / 1024:.0f} KiB): setup.sh, run_autograder, grader/ with the hidden suite "
          f"of {assignment}, solutions/{assignment}/"
          f"{' and the held-out test images its saved models are scored on' if data else ''}.\n"
          "It holds the reference solution: upload it to Gradescope as the assignment's autograder, "
          "and never hand it to students.")
    return 0

