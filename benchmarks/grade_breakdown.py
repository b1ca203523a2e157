"""Where the time of `grader grade` goes, on complete assignment-1 submissions.

    .venv/bin/python benchmarks/grade_breakdown.py [--copies 20] [--against OTHER_CHECKOUT ...]

Part 1, in this process, with the grader's own functions: the fixed cost of
a run (imports, fork server, sandbox probe, jobs and reference outputs, the
class report) and the cost per submission (fork and sandbox of its worker,
the first case of each student module, which pays for its import or the
notebook extraction, then every case by role), with --jobs 1.

Part 2, end to end: `python -m grader grade --jobs 1` on 1 and on --copies
submissions, in this checkout and in each --against checkout (same Python,
same machine, one after the other), giving fixed cost = t(1) - per
submission and per submission = (t(N) - t(1)) / (N - 1).
"""
import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "examples")]
ASSIGNMENT = "assignment1"


def clock():
    return time.perf_counter()


def in_process(copies, scratch):
    from make_submissions import complete_copy
    start = clock()
    subprocess.run([sys.executable, "-c", "import grader.instructor.grade"], cwd=REPO, check=True)
    imports = clock() - start
    start = clock()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    imports -= clock() - start   # the interpreter's own start is paid by any command

    from grader.instructor import class_report
    from grader.instructor.grade import build_context
    from grader.public.files import prepare
    from grader.public.plan import all_units
    from grader.public.runner import ForkServer, Limits, run_cases
    from grader.public.suite import load_cases

    start = clock()
    server = ForkServer(sandbox="off")
    fork_server = clock() - start
    start = clock()
    server._probe(required=False)
    probe = clock() - start
    cases = load_cases(ASSIGNMENT, hidden=True)
    start = clock()
    context = build_context(server, ASSIGNMENT, cases, solutions_root=os.path.join(REPO, "solutions"))
    references = clock() - start

    roots = [prepare(complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), os.path.join(scratch, f"s{i}")),
                     os.path.join(scratch, f"w{i}")) for i in range(copies)]
    spawn = []
    for root in roots:
        start = clock()
        server.spawn(root, Limits().rlimits(60)).kill()
        spawn.append(clock() - start)
    by_kind, totals = collections.defaultdict(float), []
    first_of_module = {}
    role = {c.name: c.role for c in cases}
    for root in roots:
        start = clock()
        outcomes = run_cases(server, root, context.jobs)
        totals.append(clock() - start)
        seen = set()
        for name, outcome in outcomes.items():
            imports_here = [u for u in all_units(context.jobs[name].plan) if u.startswith("import ") and u not in seen]
            seen.update(imports_here)
            kind = f"first case of a module ({', '.join(u[7:] for u in imports_here)})" if imports_here else role[name]
            if imports_here:
                first_of_module.setdefault(kind, 0.0)
                first_of_module[kind] += outcome.seconds / copies
            else:
                by_kind[kind] += outcome.seconds / copies
    start = clock()
    class_report.write(os.path.join(scratch, "report"), ASSIGNMENT, cases, [("s", 76, 76, {})] * copies)
    report = clock() - start
    server.close()

    per = sum(totals) / copies
    print("Fixed cost of a run (this process, sandbox on where the kernel allows):")
    for label, seconds in (("imports of the grading command (beyond the interpreter's start)", imports),
                           ("fork server start (a fresh interpreter importing numpy)", fork_server),
                           ("sandbox probe (one sandboxed worker on an empty folder)", probe),
                           ("jobs (every case's inputs) and the reference solution's outputs", references),
                           ("class report (figures and HTML)", report)):
        print(f"  {seconds:6.3f} s  {label}")
    print(f"  {imports + fork_server + probe + references + report:6.3f} s  in all")
    print(f"Per submission ({copies} complete copies, one worker at a time, {len(context.jobs)} cases):")
    print(f"  {sum(spawn) / copies:6.3f} s  fork the worker and build its sandbox (then kill it)")
    for label, seconds in sorted(first_of_module.items(), key=lambda item: -item[1]):
        print(f"  {seconds:6.3f} s  {label}")
    for label, seconds in sorted(by_kind.items(), key=lambda item: -item[1]):
        count = sum(1 for c in cases if c.role == label and c.name in context.jobs)
        print(f"  {seconds:6.3f} s  the other {label} cases (of {count})")
    print(f"  {per:6.3f} s  all cases of one submission, worker start included")


def end_to_end(checkout, copies, scratch):
    from make_submissions import complete_copy
    folder = os.path.join(scratch, "e2e")
    if not os.path.isdir(folder):
        first = complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), os.path.join(folder, "student000"))
        for i in range(1, copies):
            shutil.copytree(first, os.path.join(folder, f"student{i:03d}"))
    students = sorted(os.path.join(folder, s) for s in os.listdir(folder))
    seconds = {}
    for count in (1, copies):
        out = tempfile.mkdtemp(dir=scratch)
        start = clock()
        subprocess.run([sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT, "--out", out, "--jobs",
                        "1", "--no-progress", *students[:count]], cwd=checkout, check=True,
                       stdout=subprocess.DEVNULL)
        seconds[count] = clock() - start
    per = (seconds[copies] - seconds[1]) / (copies - 1)
    return seconds[1] - per, per


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--against", nargs="*", default=[], help="other checkouts to time end to end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        in_process(args.copies, scratch)
        print(f"\nEnd to end, `python -m grader grade --jobs 1` on 1 and {args.copies} complete submissions:")
        results = {}
        for checkout in [REPO, *args.against]:
            results[checkout] = end_to_end(checkout, args.copies, scratch)
            fixed, per = results[checkout]
            print(f"  {checkout}: fixed cost {fixed:.2f} s, {per:.3f} s per further submission")
        for other in args.against:
            print(f"  this checkout / {other}: fixed cost x{results[REPO][0] / results[other][0]:.2f}, "
                  f"per submission x{results[REPO][1] / results[other][1]:.2f}")


if __name__ == "__main__":
    main()
