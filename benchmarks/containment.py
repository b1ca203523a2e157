"""What each way of containing a worker costs per submission, as root.

    .venv/bin/python benchmarks/containment.py [--repeat 20] [--copies 8]

Part 1, per submission, with the grader's own functions (median of
--repeat): start a worker on a complete submission's copy, run its first
case (the import of k_nearest_neighbor.py and one call), end it; in the
namespace sandbox, as the grader itself (--sandbox off), and as a user of
its own where the kernel refuses namespaces (run in
tests/without_namespaces.py): claiming the user (lock, cgroup v1),
handing it the copy, the worker, ending every process of the user and
removing what it left, and the disk check made after each case.

Part 2, end to end: `python -m grader grade --jobs 1` of --copies complete
submissions (the k-nearest-neighbour cases) in each mode.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "examples"), os.path.join(REPO, "tests")]
ASSIGNMENT = "assignment1"
WITHOUT_NAMESPACES = [sys.executable, os.path.join(REPO, "tests", "without_namespaces.py")]


def median_ms(samples):
    return f"{statistics.median(samples) * 1000:8.1f} ms"


def one_case_job():
    from grader.public.scoring import build_jobs
    from grader.public.suite import load_cases
    cases = [c for c in load_cases(ASSIGNMENT, hidden=True) if c.function.startswith("KNearestNeighbor.")]
    jobs = build_jobs(cases, solution_root=os.path.join(REPO, "solutions", ASSIGNMENT))
    return next(iter(jobs.values()))


def per_submission(sandbox, repeat):
    """{step: [seconds]} for `repeat` submissions in this process's conditions."""
    from make_submissions import complete_copy
    from grader.public.runner import ForkServer, Limits
    job, limits, steps = one_case_job(), Limits(), {}

    def timed(step, action):
        began = time.perf_counter()
        value = action()
        steps.setdefault(step, []).append(time.perf_counter() - began)
        return value

    with ForkServer.for_assignment(ASSIGNMENT, sandbox, grading=True) as server, \
            tempfile.TemporaryDirectory(prefix="containment-") as scratch:
        os.chmod(scratch, 0o711)
        for i in range(repeat):
            workdir = os.path.join(scratch, str(i))
            os.mkdir(workdir, 0o711)
            root = complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), os.path.join(workdir, "copy"))
            account = timed("claim a user and its cgroups", lambda: server.account(limits)) if server.confined \
                else None
            if account:
                timed("hand it the copy and a home", lambda: account.adopt(root, os.path.join(workdir, "home")))
            began = time.perf_counter()
            worker = server.spawn(root, limits.rlimits(job.timeout), account=account)
            outcome = worker.run(job)
            assert outcome.status == "ok", outcome
            if account:
                timed("disk check after a case", account.bytes_written)
            steps.setdefault("worker: start, first case, kill", []).append(time.perf_counter() - began
                                                                        if not account else 0)
            timed("kill the worker (with its user's processes)", worker.kill)
            steps["worker: start, first case, kill"][-1] += time.perf_counter() - began
            if account:
                timed("end the user's processes, remove its files, free it", account.release)
            shutil.rmtree(workdir)
        mode = server.sandbox
    return mode, steps


def part1(repeat):
    print(f"Part 1: per submission, median of {repeat} (one case each)")
    runs = [("namespaces", [sys.executable, __file__, "--inner", "auto", "--repeat", str(repeat)]),
            ("--sandbox off", [sys.executable, __file__, "--inner", "off", "--repeat", str(repeat)]),
            ("user of its own", [*WITHOUT_NAMESPACES, sys.executable, __file__, "--inner", "auto",
                                 "--repeat", str(repeat)])]
    for name, command in runs:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        print(f"\n  {name}:")
        print(result.stdout.rstrip() if result.returncode == 0 else f"    failed: {result.stderr[-2000:]}")


def part2(copies):
    from make_submissions import complete_copy
    print(f"\nPart 2: grade --jobs 1 of {copies} complete submissions (KNearestNeighbor.* cases), end to end")
    base = tempfile.mkdtemp(prefix="containment-", dir="/tmp")
    os.chmod(base, 0o755)
    try:
        paths = [complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), os.path.join(base, f"student{i}"))
                 for i in range(copies)]
        for name, prefix, sandbox in (("namespaces", [], "require"), ("--sandbox off", [], "off"),
                                      ("user of its own", WITHOUT_NAMESPACES, "auto")):
            out = os.path.join(base, f"out-{sandbox}")
            began = time.perf_counter()
            result = subprocess.run([*prefix, sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT,
                                     "--cases", "KNearestNeighbor.*", "--jobs", "1", "--no-progress",
                                     "--sandbox", sandbox, "--out", out, *paths],
                                    cwd=REPO, capture_output=True, text=True)
            seconds = time.perf_counter() - began
            status = "" if result.returncode == 0 else f"  (exit {result.returncode}: {result.stdout[-300:]})"
            print(f"  {name:16} {seconds:6.2f} s in all, {seconds / copies * 1000:7.1f} ms a submission "
                  f"(fixed costs shared){status}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        mode, steps = per_submission(args.inner, args.repeat)
        print(f"    ({mode[:110]})")
        for step, samples in steps.items():
            print(f"    {step:52} {median_ms(samples)}")
        return
    if os.geteuid() != 0:
        sys.exit("Run as root: a user of its own per submission needs root.")
    part1(args.repeat)
    part2(args.copies)


if __name__ == "__main__":
    main()
