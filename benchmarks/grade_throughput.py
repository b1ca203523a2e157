"""Throughput and memory of `grader grade` on a class of assignment-1
submissions, with nbgrader's autograde on the same checks side by side.

    .venv/bin/python benchmarks/grade_throughput.py [--submissions 200] [--nbgrader-submissions 10]
        [--jobs 1 2] [--time-scale 0.2] [--keep]

The class (in a temporary folder): about 60% complete copies of the reference,
25% with one planted bug each (examples/mutants.py, in turn), 10% blank (the
student release) and 5% broken (a syntax error, an infinite loop), named
student0000, student0001, ...  Each --jobs value grades the whole class with
`python -m grader grade ... --regrade` in a subprocess (a fresh output folder
per run); the largest --jobs value grades a quarter of the class as well, to
show whether memory grows with the class.

nbgrader grades a sample of the same submissions with the same mix: a
temporary nbgrader course whose assignment holds one autograding notebook,
knn_tests.ipynb, with a locked test cell per graded case of our suite (same
inputs, same points), released with `nbgrader generate_assignment` and graded
with one `nbgrader autograde assignment1 --force`, as an instructor runs it.
A cell whose case compares with the reference asserts np.allclose
(np.array_equal for labels) against the reference's outputs, computed here
from solutions/ and shipped with the inputs in knn_tests_data.npz; a cell
whose case checks a property instead (a loss that falls, a gradient that
matches its numeric estimate) calls the suite's own check function.  The
last lines compare both graders' points, case by case.

--time-scale (default 0.2) multiplies every time limit of both graders, so
that an infinite loop costs 2 s instead of 10; the 1,000-submission estimate
is also given for full time limits.  Timings on a shared machine are noisy:
run it twice.
"""
import argparse
import csv
import inspect
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "examples")]

from grader.public.scoring import DEFAULT_SEED  # noqa: E402
from grader.public.suite import load_cases  # noqa: E402
from make_submissions import apply, complete_copy  # noqa: E402
from grader.suites.assignment1.mutants import BROKEN, MUTANTS  # noqa: E402

ASSIGNMENT = "assignment1"
MIX = (("complete", 0.60), ("planted bug", 0.25), ("blank", 0.10), ("broken", 0.05))
TESTS = "knn_tests"                     # the nbgrader notebook (and its data file)
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20

# Runs a module (`python -m`) or a script in this interpreter, then writes
# this process's own peak RSS and RUSAGE_CHILDREN's to stderr: the grading
# parent's own peak, and that of the largest descendant it waited for.
WRAPPER = """\
import resource, runpy, sys
kind, what = sys.argv[1], sys.argv[2]
sys.argv = [what] + sys.argv[3:]
try:
    if kind == "module":
        runpy.run_module(what, run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(what, run_name="__main__")
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"\\n@@maxrss_kib self={own} children={children}\\n")
"""

# Defined in the test notebook's first cell, and used here on solutions/ for
# the reference outputs: a notebook function as our worker takes it (the
# `def` and the notebook's import lines it uses, nothing else).
NOTEBOOK_FUNCTION = '''\
def notebook_function(path, name):
    """Function `name` from notebook `path`, taken exactly as our worker takes it."""
    if GRADER_HOME not in sys.path:
        sys.path.append(GRADER_HOME)
    from grader.public.worker import function_from_notebook
    return function_from_notebook(path, name)
'''

HELPERS = '''\
def student_file(name):
    """A file of the student's submission.  nbgrader carries into autograded/
    only the notebooks of the assignment (here knn_tests.ipynb) and the other
    files, so the student's own notebooks are read from submitted/."""
    if os.path.exists(name):
        return name
    here = os.getcwd()
    student, assignment = os.path.basename(os.path.dirname(here)), os.path.basename(here)
    return os.path.join(here, "..", "..", "..", "submitted", student, assignment, name)


def assert_matches(got, expected, rtol=1e-6):
    """np.allclose (np.array_equal for integers), through dicts, tuples and lists."""
    if isinstance(expected, dict):
        assert isinstance(got, dict) and sorted(map(str, got)) == sorted(map(str, expected)), "wrong keys"
        for key in expected:
            assert_matches(got[key], expected[key], rtol)
    elif isinstance(expected, (tuple, list)) and any(isinstance(e, (dict, tuple, list, np.ndarray)) for e in expected):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected), "wrong length"
        for g, e in zip(got, expected):
            assert_matches(g, e, rtol)
    else:
        expected = np.asarray(expected)
        assert np.shape(got) == expected.shape, f"shape {np.shape(got)}, expected {expected.shape}"
        if expected.dtype.kind in "biu":
            assert np.array_equal(got, expected)
        else:
            assert np.allclose(np.asarray(got, dtype=float), expected, rtol=rtol, atol=1e-9)


def assert_no_loops(path, qualname, forbidden=(), siblings_prefix=None):
    """The source of `qualname` in `path` has no loop, comprehension or forbidden name."""
    import ast
    with open(path, encoding="utf-8") as f:
        scope = ast.parse(f.read())
    for part in qualname.split("."):
        scope = [n for n in scope.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part][-1]
    loops = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    for node in ast.walk(scope):
        assert not isinstance(node, loops), f"a loop at line {node.lineno}"
        name = getattr(node, "id", None) or getattr(node, "attr", None)
        assert name not in forbidden, f"uses {name}"
        if siblings_prefix and name and name.startswith(siblings_prefix):
            assert name == qualname.split(".")[-1], f"calls {name}"


def assert_property(case, got, expected=None, given=None):
    """For a case whose check is a property (a loss that falls, a gradient
    that matches its numeric estimate, ...), not a reference output: the
    suite's own check function, on the outputs as our grader sees them."""
    if not SUITE:
        sys.path.append(GRADER_HOME)
        from grader.public.suite import load_cases
        SUITE.update((c.name, c) for c in load_cases(ASSIGNMENT, hidden=True))
    from grader.public.protocol import plain_copy
    got = {k: plain_copy(v) for k, v in got.items()}
    verdict = SUITE[case].check(got, expected) if given is None else SUITE[case].check(got, expected, given)
    assert verdict.passed, verdict.message
'''


# ------------------------------------------------------------------ the class
def allocate(n):
    """How many submissions of each kind of MIX make n (largest remainders;
    a tie goes to the rarer kind, so a small sample still holds a broken one)."""
    exact = [n * share for _, share in MIX]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(MIX)), key=lambda i: (-(exact[i] - counts[i]), -i))
    for i in order[:n - sum(counts)]:
        counts[i] += 1
    return dict(zip((kind for kind, _ in MIX), counts))


def make_class(scratch, n):
    """n submission folders; returns [(student, kind, variant, path)] in name order,
    the kinds interleaved so that every prefix of the class has about the same mix."""
    solution = os.path.join(REPO, "solutions", ASSIGNMENT)
    templates = os.path.join(scratch, "templates")
    variants = {"complete": [None], "planted bug": sorted(MUTANTS), "blank": [None],
                "broken": list(BROKEN)}
    made = {}
    for kind, names in variants.items():
        for name in names:
            dest = os.path.join(templates, f"{kind.replace(' ', '_')}-{name}")
            if kind == "blank":
                shutil.copytree(os.path.join(REPO, "assignments", ASSIGNMENT), dest,
                                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            else:
                complete_copy(solution, dest)
                if name is not None:
                    apply((MUTANTS if kind == "planted bug" else BROKEN)[name], dest)
            made[kind, name] = dest
    slots = sorted(((i + 0.5) / count, k, kind) for k, (kind, count) in enumerate(allocate(n).items())
                   for i in range(count))
    seen, students = {}, []
    for index, (_, _, kind) in enumerate(slots):
        names = variants[kind]
        variant = names[seen.get(kind, 0) % len(names)]
        seen[kind] = seen.get(kind, 0) + 1
        student = f"student{index:04d}"
        path = shutil.copytree(made[kind, variant], os.path.join(scratch, "class", student))
        students.append((student, kind, variant, path))
    return students


def sample(students, m):
    """m of the students with the same mix: the first ones of each kind."""
    wanted, picked = allocate(m), []
    for student in students:
        if wanted[student[1]] > 0:
            wanted[student[1]] -= 1
            picked.append(student)
    return picked


def describe(students):
    counts = {kind: [s for s in students if s[1] == kind] for kind, _ in MIX}
    parts = []
    for kind, members in counts.items():
        text = f"{len(members)} {kind}"
        if kind == "broken" and members:
            text += " (" + ", ".join(f"{sum(s[2] == v for s in members)} {v}" for v in BROKEN) + ")"
        parts.append(text)
    return ", ".join(parts)


# ----------------------------------------------------------- measuring a run
def process_tree(root):
    """The pids of `root` and all its descendants (from /proc/<pid>/task/*/children)."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    stack.extend(int(child) for child in f.read().split())
        except OSError:
            pass
    return found


class TreeSampler(threading.Thread):
    """Every `interval` s: the summed RSS of a process tree (peak kept)."""

    def __init__(self, pid, interval=0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.most = pid, interval, 0, 0
        self.finished = threading.Event()

    def run(self):
        while not self.finished.is_set():
            total, count = 0, 0
            for pid in process_tree(self.pid):
                try:
                    with open(f"/proc/{pid}/statm") as f:
                        total += int(f.read().split()[1]) * PAGE
                    count += 1
                except (OSError, IndexError, ValueError):
                    pass
            self.peak, self.most = max(self.peak, total), max(self.most, count)
            self.finished.wait(self.interval)

    def stop(self):
        self.finished.set()
        self.join()


def measured_run(argv, cwd, log_prefix, env=None):
    """Run argv (through WRAPPER) and return wall seconds, peaks (bytes), exit code, stdout."""
    with open(log_prefix + ".out", "w") as out, open(log_prefix + ".err", "w") as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", WRAPPER, *argv], cwd=cwd, env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        seconds = time.perf_counter() - start
        sampler.stop()
    with open(log_prefix + ".err") as f:
        found = re.findall(r"@@maxrss_kib self=(\d+) children=(\d+)", f.read())
    own, children = (int(found[-1][0]) * 1024, int(found[-1][1]) * 1024) if found else (None, None)
    with open(log_prefix + ".out") as f:
        stdout = f.read()
    return {"seconds": seconds, "parent": own, "child": children, "tree": sampler.peak,
            "processes": sampler.most, "code": code, "stdout": stdout, "log": log_prefix}


def grade_ours(students, out, jobs, scale, log_prefix):
    argv = ["module", "grader", "grade", "--assignment", ASSIGNMENT, "--out", out, "--jobs", str(jobs),
            "--no-progress", "--time-scale", str(scale), "--regrade", *[s[3] for s in students]]
    run = measured_run(argv, REPO, log_prefix)
    if run["code"] != 0:
        sys.exit(f"`python -m grader grade` failed (exit {run['code']}); see {log_prefix}.err")
    graded = re.search(r"Graded (\d+) submissions? in ([\d.]+) s.*?: (\d+) with full marks, (\d+) with a time-out",
                       run["stdout"])
    run["full_marks"] = int(graded.group(3)) if graded else None
    run["time_outs"] = int(graded.group(4)) if graded else None
    run["students"] = len(students)
    return run


# ----------------------------------------------------- the nbgrader notebook
class CellWriter:
    """Python source for one case's calls, its arrays collected for an .npz."""

    def __init__(self, case, arrays):
        self.case, self.arrays, self.count = case, arrays, 0

    def value(self, value):
        if isinstance(value, np.ndarray):
            key = f"{self.case}__{self.count}"
            self.count += 1
            self.arrays[key] = value
            return f'D["{key}"]'
        if isinstance(value, dict) and "__ref__" in value:
            ref = f"kept[{value['__ref__']!r}]"
            return ref + (f"[{value['index']!r}]" if value.get("index") is not None else "")
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {self.value(v)}" for k, v in value.items()) + "}"
        if isinstance(value, (list, tuple)):
            items = ", ".join(self.value(v) for v in value)
            return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return f"float({str(value)!r})"
        return repr(value)

    def calls(self, request):
        """Code that makes the calls of `request` and leaves the saved results in `got`."""
        lines, imported = ["kept, got = {}, {}"], set()
        instance = None
        for call in request["calls"]:
            location, name = (call.get("target") or request["target"]).split(":", 1)
            method = call.get("method")
            if method in (None, "__init__") and (location, name) not in imported:
                imported.add((location, name))
                lines.append(f"{name} = notebook_function(student_file({location!r}), {name!r})"
                             if location.endswith(".ipynb")
                             else f"from {location} import {name}")
            arguments = [self.value(a) for a in call.get("args", [])]
            arguments += [f"{k}={self.value(v)}" for k, v in call.get("kwargs", {}).items()]
            arguments = ", ".join(arguments)
            if method is None:
                expression = f"{name}({arguments})"
            elif method == "__init__":
                instance = "obj"
                lines.append(f"obj = {name}({arguments})")
                expression = "obj"
            else:
                owner = f"kept[{call['on']!r}]" if call.get("on") else instance
                expression = f"{owner}.{method}({arguments})"
            if call.get("keep") or call.get("save"):
                if expression != "obj":
                    lines.append(f"value = {expression}")
                    expression = "value"
                if call.get("keep"):
                    lines.append(f"kept[{call['keep']!r}] = {expression}")
                if call.get("save"):
                    picked = "".join(f"[{key!r}]" for key in call.get("pick") or ())
                    lines.append(f"got[{call['save']!r}] = {expression}{picked}")
            elif expression != "obj":
                lines.append(expression)
        return "\n".join(lines)

    def assertions(self, expected, keys):
        """One assert per saved output `keys`: np.allclose (np.array_equal for labels)."""
        lines = []
        for key in keys:
            value = expected[key]
            if isinstance(value, np.ndarray):
                literal = self.value(value)
                test = (f"np.array_equal(got[{key!r}], {literal})" if value.dtype.kind in "biu" else
                        f"np.allclose(got[{key!r}], {literal}, rtol=1e-6, atol=1e-9)")
                lines.append(f"assert np.shape(got[{key!r}]) == {literal}.shape and {test}")
            else:
                lines.append(f"assert_matches(got[{key!r}], {self.value(value)})")
        return "\n".join(lines)


def compared_keys(case):
    """The outputs a case compares with the reference's (or with fixed data),
    or None when its check is a property of the outputs instead."""
    kind = case.check.__qualname__.split(".")[0]
    names = inspect.getclosurevars(case.check).nonlocals
    if kind == "matches_reference":
        return tuple(names.get("keys") or ("out",))
    if kind == "equals_data":
        return (names.get("key", "out"),)
    return None


def source_rule_code(rule):
    """The test-cell line for a `no_loops` source rule (read from its closure), or None."""
    names = inspect.getclosurevars(rule).nonlocals
    if "path" not in names or "qualname" not in names:
        return None
    return (f"assert_no_loops({names['path']!r}, {names['qualname']!r}, {tuple(names.get('forbidden') or ())!r}, "
            f"{names.get('siblings_prefix')!r})")


def build_test_notebook(folder):
    """Write knn_tests.ipynb and knn_tests_data.npz (inputs and reference outputs)
    into `folder`.  Returns (test cells, points, cells calling the suite's own
    property check, cases not mirrored)."""
    import nbformat
    from grader.public.protocol import plain_copy
    solution = os.path.join(REPO, "solutions", ASSIGNMENT)
    sys.path.insert(0, solution)           # the reference's cs231n, for the expected outputs
    helpers = {"sys": sys, "GRADER_HOME": REPO}
    exec(NOTEBOOK_FUNCTION, helpers)
    arrays, cells, points, properties, skipped = {}, [], 0, 0, []
    for case in load_cases(ASSIGNMENT, hidden=True):
        if case.calls is None:
            skipped.append(case.name)
            continue
        built = case.request(DEFAULT_SEED)
        request, given = built if isinstance(built, tuple) else (built, None)
        writer = CellWriter(case.name, arrays)
        code = writer.calls(request)
        namespace = {"np": np, "D": dict(arrays), "student_file": lambda name: os.path.join(solution, name),
                     "notebook_function": helpers["notebook_function"]}
        exec(code, namespace)                  # the reference's outputs
        expected = {key: plain_copy(value) for key, value in namespace["got"].items()}
        keys = compared_keys(case)
        if keys is not None:
            checks = writer.assertions(expected, keys)
        else:
            properties += 1
            checks = (f"assert_property({case.name!r}, got, "
                      f"{writer.value(expected) if case.hidden else None}, {writer.value(given)})")
        if case.source_rule is not None:
            rule = source_rule_code(case.source_rule)
            if rule is None:
                skipped.append(case.name + " (its source rule)")
            else:
                checks += "\n" + rule
        source = f"# {case.name} ({case.points:g} point{'s' if case.points != 1 else ''})\n{code}\n{checks}"
        cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
            "grade": True, "grade_id": case.name, "locked": True, "points": case.points,
            "schema_version": 3, "solution": False, "task": False}}))
        points += case.points
    sys.path.remove(solution)
    setup = "\n".join([
        "# Set-up: the student's cs231n package (this folder) and the hidden suite's inputs.",
        "import os, sys",
        "import numpy as np",
        "sys.path.insert(0, os.getcwd())",
        "import cs231n",
        f'D = np.load("{TESTS}_data.npz", allow_pickle=False)',
        f"GRADER_HOME, ASSIGNMENT, SUITE = {REPO!r}, {ASSIGNMENT!r}, {{}}",
        "", NOTEBOOK_FUNCTION, HELPERS])
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(setup, metadata={"nbgrader": {
            "grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
            "solution": False, "task": False}})] + cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}})
    os.makedirs(folder, exist_ok=True)
    nbformat.write(notebook, os.path.join(folder, f"{TESTS}.ipynb"))
    np.savez(os.path.join(folder, f"{TESTS}_data.npz"), **arrays)
    return len(cells), points, properties, skipped


def nbgrader_env():
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(course, *args, log):
    """Run one nbgrader command in `course` (untimed set-up steps)."""
    done = subprocess.run([shutil.which("nbgrader", path=nbgrader_env()["PATH"]), *args], cwd=course,
                          env=nbgrader_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True)
    with open(log, "a") as f:
        f.write(f"$ nbgrader {shlex.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        sys.exit(f"nbgrader {' '.join(args)} failed (exit {done.returncode}); see {log}")


def grade_nbgrader(scratch, students, scale):
    course = os.path.join(scratch, "nbgrader-course")
    source = os.path.join(course, "source", ASSIGNMENT)
    cells, points, properties, skipped = build_test_notebook(source)
    timeout = max(1, round(10 * scale))
    with open(os.path.join(course, "nbgrader_config.py"), "w") as f:
        f.write("c = get_config()\n"
                "c.CourseDirectory.course_id = 'grade-throughput'\n"
                f"c.Execute.timeout = {timeout}\n")
    log = os.path.join(scratch, "nbgrader-setup.log")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", log=log)
    release = os.path.join(course, "release", ASSIGNMENT)
    for student, _, _, path in students:
        dest = shutil.copytree(path, os.path.join(course, "submitted", student, ASSIGNMENT))
        for name in os.listdir(release):
            shutil.copy(os.path.join(release, name), dest)
    with open(os.path.join(course, "students.csv"), "w") as f:
        f.write("id\n" + "".join(f"{s[0]}\n" for s in students))
    nbgrader(course, "db", "student", "import", "students.csv", log=log)
    script = shutil.which("nbgrader", path=nbgrader_env()["PATH"])
    run = measured_run(["path", script, "autograde", ASSIGNMENT, "--force"], course,
                       os.path.join(scratch, "nbgrader-autograde"), env=nbgrader_env())
    if run["code"] != 0:
        sys.exit(f"nbgrader autograde failed (exit {run['code']}); see {run['log']}.err")
    run.update(students=len(students), cells=cells, points=points, properties=properties, skipped=skipped,
               timeout=timeout,
               scores=nbgrader_scores(course, [s[0] for s in students]))
    return run


def nbgrader_scores(course, students):
    """{student: {case: points}} from nbgrader's gradebook."""
    from nbgrader.api import Gradebook
    scores = {}
    with Gradebook(f"sqlite:///{os.path.join(course, 'gradebook.db')}", "grade-throughput") as gradebook:
        for student in students:
            notebook = gradebook.find_submission_notebook(TESTS, ASSIGNMENT, student)
            scores[student] = {grade.name: float(grade.score or 0) for grade in notebook.grades}
    return scores


def our_scores(out):
    with open(os.path.join(out, "grades.csv")) as f:
        rows = list(csv.DictReader(f))
    return {row["student"]: {k: float(v) for k, v in row.items() if k not in ("student", "score", "max_score") and v}
            for row in rows}


def disagreements(ours, theirs):
    """Students whose per-case points differ, with the cases."""
    found = {}
    for student, cases in theirs.items():
        differ = sorted(c for c in cases if abs(cases[c] - ours.get(student, {}).get(c, -1)) > 1e-9)
        if differ:
            found[student] = differ
    return found


# ---------------------------------------------------------------------- main
def mib(value):
    return f"{value / MIB:.0f} MiB" if value else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200, help="size of the class (default 200)")
    parser.add_argument("--nbgrader-submissions", type=int, default=10,
                        help="how many of them nbgrader grades (default 10; 0 skips nbgrader)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--jobs values to time (default 1 2)")
    parser.add_argument("--time-scale", type=float, default=0.2, help="time limits x this, both graders (default 0.2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()
    if args.submissions < 4 or args.nbgrader_submissions > args.submissions:
        parser.error("need --submissions >= 4 and --nbgrader-submissions <= --submissions")

    print("$ " + shlex.join([os.path.relpath(sys.executable), os.path.relpath(sys.argv[0]), *sys.argv[1:]]))
    print(f"settings: --submissions {args.submissions} --nbgrader-submissions {args.nbgrader_submissions} "
          f"--jobs {' '.join(map(str, args.jobs))} --time-scale {args.time_scale:g}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start "
          "(a shared machine: timings are noisy)")
    print(f"time scale {args.time_scale:g}: every case's time limit x {args.time_scale:g} (10 s -> "
          f"{10 * args.time_scale:g} s); nbgrader: c.Execute.timeout = {max(1, round(10 * args.time_scale))} s "
          "per cell")
    started = time.perf_counter()
    scratch = tempfile.mkdtemp(prefix="grade-throughput-")
    try:
        students = make_class(scratch, args.submissions)
        quarter = sample(students, max(1, args.submissions // 4))
        print(f"class: {len(students)} x {ASSIGNMENT}: {describe(students)}")
        cases = load_cases(ASSIGNMENT, hidden=True)
        print(f"ours: python -m grader grade --assignment {ASSIGNMENT} --out OUT --jobs J --no-progress "
              f"--time-scale {args.time_scale:g} --regrade SUB... (a fresh OUT per run); the suite as it stands: "
              f"{len(cases)} graded cases, {sum(c.points for c in cases):g} points")
        runs = []
        for jobs in args.jobs:
            runs.append((f"ours --jobs {jobs}", jobs,
                         grade_ours(students, os.path.join(scratch, f"out-{len(students)}-j{jobs}"), jobs,
                                    args.time_scale, os.path.join(scratch, f"ours-{len(students)}-j{jobs}"))))
        top = max(args.jobs)
        runs.append((f"ours --jobs {top}, N/4", top,
                     grade_ours(quarter, os.path.join(scratch, f"out-{len(quarter)}-j{top}"), top,
                                args.time_scale, os.path.join(scratch, f"ours-{len(quarter)}-j{top}"))))
        theirs = None
        if args.nbgrader_submissions:
            picked = sample(students, args.nbgrader_submissions)
            import nbgrader as nbgrader_package
            print(f"nbgrader {nbgrader_package.__version__}: nbgrader autograde {ASSIGNMENT} --force, "
                  f"one command for {len(picked)} of the same submissions: {describe(picked)}")
            theirs = grade_nbgrader(scratch, picked, args.time_scale)
            print(f"  {TESTS}.ipynb: a set-up cell + {theirs['cells']} locked test cells "
                  f"({theirs['points']:g} points, one per graded case; {theirs['properties']} of them call the suite's "
                  "own check, a property rather than a reference output)"
                  + (f"; not mirrored: {', '.join(theirs['skipped'])}" if theirs["skipped"] else ""))
            runs.append(("nbgrader autograde", 1, theirs))

        print()
        print(f"{'run':<24}{'subs':>6}{'wall s':>9}{'subs/s':>9}{'parent peak':>13}"
              f"{'largest child':>15}{'tree peak':>11}{'procs':>7}")
        for label, _, run in runs:
            print(f"{label:<24}{run['students']:>6}{run['seconds']:>9.1f}{run['students'] / run['seconds']:>9.1f}"
                  f"{mib(run['parent']):>13}{mib(run['child']):>15}{mib(run['tree']):>11}{run['processes']:>7}")
        print()

        rate = {jobs: run["students"] / run["seconds"] for label, jobs, run in runs if label == f"ours --jobs {jobs}"}
        low = min(args.jobs)
        if top != low:
            print(f"--jobs {top} vs --jobs {low}: {rate[top] / rate[low]:.2f}x the throughput")
        if theirs is not None:
            ratio = rate[top] / (theirs["students"] / theirs["seconds"])
            print(f"ours (--jobs {top}) / nbgrader: {ratio:.1f}x the submissions per second; "
                  f"target >= 20x: {'MET' if ratio >= 20 else 'NOT MET'}")
        full = runs[args.jobs.index(top)][2]
        loops = [s for s in students if s[1] == "broken" and s[2] == "infinite_loop"]
        blocked = [c for c in cases if c.name in BROKEN["infinite_loop"].breaks]
        limit = blocked[0].timeout if blocked else 10.0
        estimate = 1000 / rate[top]
        extra = 1000 * len(loops) / len(students) * limit * (1 - args.time_scale) / top
        print(f"1,000 submissions at the --jobs {top} rate: {estimate:.0f} s at time scale {args.time_scale:g}; "
              f"~{estimate + extra:.0f} s with full time limits ({1000 * len(loops) / len(students):.0f} infinite "
              f"loops x {limit * (1 - args.time_scale):g} s more, over {top} workers); target <= 300 s: "
              f"{'MET' if estimate + extra <= 300 else 'NOT MET'}")
        small = runs[len(args.jobs)][2]
        print(f"memory as the class grows (--jobs {top}): parent peak {mib(small['parent'])} for {small['students']} "
              f"vs {mib(full['parent'])} for {full['students']}; tree peak {mib(small['tree'])} vs {mib(full['tree'])}")
        complete = sum(s[1] == "complete" for s in students)
        print(f"check: ours gave full marks to {full['full_marks']} of {len(students)} ({complete} complete copies), "
              f"{full['time_outs']} with a time-out ({len(loops)} infinite loops)")
        if theirs is not None:
            differ = disagreements(our_scores(os.path.join(scratch, f"out-{len(students)}-j{top}")), theirs["scores"])
            kinds = {s[0]: s[2] or s[1] for s in students}
            print(f"check: nbgrader and ours give the same points case by case to "
                  f"{theirs['students'] - len(differ)} of {theirs['students']} students"
                  + "".join(f"; {s} ({kinds[s]}) differs on {len(c)} case{'s' if len(c) > 1 else ''} "
                            f"({', '.join(c[:3])}{', ...' if len(c) > 3 else ''})" for s, c in differ.items()))
            if any(kinds[s] == "syntax_error" for s in differ):
                print("  (a syntax error in one module: ours still grades the functions of the other modules, "
                      "whose\n  package __init__ it bypasses; the notebook imports them through cs231n/classifiers/"
                      "__init__.py,\n  which fails, so nbgrader scores them 0)")
        print("memory columns: parent peak = the grading process's own peak RSS (ru_maxrss = VmHWM, at its exit);\n"
              "  largest child = its getrusage(RUSAGE_CHILDREN).ru_maxrss: the peak of the single largest descendant\n"
              "  it waited for, NOT a sum over descendants (ours: the fork server; the workers it forks are reaped\n"
              "  with SIGCHLD ignored and never count there; nbgrader: its largest kernel);\n"
              "  tree peak = VmRSS summed over the whole process tree, sampled every 0.1 s (pages shared after a\n"
              "  fork count once per process); procs = most processes of the tree seen at once.")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"total benchmark time {time.perf_counter() - started:.0f} s, the temporary folder's creation and removal "
          "included" + (f"; kept {scratch}" if args.keep else ""))


if __name__ == "__main__":
    main()
