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
Each cell runs its case's plan with our one plan interpreter (`plan.execute`)
on the student's code and judges it with the case's own check, against the
reference's outputs computed here from solutions/.  The last lines compare
both graders' points, case by case.

--time-scale (default 0.2) multiplies every time limit of both graders, so
that an infinite loop costs 2 s instead of 10; the 1,000-submission estimate
is also given for full time limits.  Timings on a shared machine are noisy:
run it twice.
"""
import argparse
import csv
import math
import pickle
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

# The test notebook's first cell: every graded cell runs one case of our
# suite exactly as our worker runs it -- its plan through `plan.execute`, a
# notebook function taken as the worker takes it -- and judges it with the
# case's own check and source rule.  Same inputs, same judging, same points:
# only the way the code is run and isolated differs.
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


def resolve(target):
    location, name = target.split(":", 1)
    if location.endswith(".ipynb"):
        return function_from_notebook(student_file(location), name)
    return getattr(importlib.import_module(location), name)


def run_case(name):
    """Case `name`: its plan on the student's code, then its own check."""
    case, data = SUITE[name], CASES[name]
    got = execute(data["plan"], resolve, copy_out=plain_copy)
    verdict = case.check(got, data["expected"], data["given"])
    assert verdict.passed, verdict.message
    if case.source_rule is not None:
        verdict = case.source_rule(os.getcwd())
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
def build_test_notebook(folder):
    """Write knn_tests.ipynb (a locked test cell per graded case) and
    knn_tests_cases.pickle (each case's plan, given and reference outputs)
    into `folder`.  Returns (test cells, points, cells judged by a property)."""
    import nbformat
    from grader.public.runner import ForkServer
    from grader.public.scoring import build_jobs, reference_outputs
    cases = load_cases(ASSIGNMENT, hidden=True)
    # nbgrader's cells run each plan in the notebook's own kernel, with the
    # student's modules: the files a case lends (see grader.public.suite) are not lent there.
    jobs = build_jobs(cases, DEFAULT_SEED, solution_root=os.path.join(REPO, "solutions", ASSIGNMENT))
    with ForkServer() as server:
        references = reference_outputs(server, os.path.join(REPO, "solutions", ASSIGNMENT), cases, jobs)
    data = {c.name: {"plan": jobs[c.name].plan, "given": jobs[c.name].given, "expected": references.get(c.name)}
            for c in cases}
    with open(os.path.join(folder, f"{TESTS}_cases.pickle"), "wb") as f:  # our own data, for our own notebook
        pickle.dump(data, f)
    cells = [nbformat.v4.new_code_cell(
        f"# {case.name} ({case.points:g} point{'s' if case.points != 1 else ''})\nrun_case({case.name!r})",
        metadata={"nbgrader": {"grade": True, "grade_id": case.name, "locked": True, "points": case.points,
                               "schema_version": 3, "solution": False, "task": False}}) for case in cases]
    setup = "\n".join([
        "# Set-up: the student's cs231n package (this folder), our suite and its inputs.",
        "import importlib, os, pickle, sys",
        "sys.path.insert(0, os.getcwd())",
        f"sys.path.append({REPO!r})",
        "from grader.public.plan import execute",
        "from grader.public.protocol import plain_copy",
        "from grader.public.suite import load_cases",
        "from grader.public.worker import function_from_notebook",
        f"SUITE = {{c.name: c for c in load_cases({ASSIGNMENT!r}, hidden=True)}}",
        f'CASES = pickle.load(open("{TESTS}_cases.pickle", "rb"))',
        "", HELPERS])
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(setup, metadata={"nbgrader": {
            "grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
            "solution": False, "task": False}})] + cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}})
    nbformat.write(notebook, os.path.join(folder, f"{TESTS}.ipynb"))
    return len(cells), sum(c.points for c in cases), sum(c.role == "property" for c in cases)


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
    os.makedirs(source, exist_ok=True)
    cells, points, properties = build_test_notebook(source)
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
    run.update(students=len(students), cells=cells, points=points, properties=properties,
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
                  f"({theirs['points']:g} points, one per graded case; {theirs['properties']} of them judged by a "
                  "property rather than a reference output)")
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
