"""How fast `grader grade` is: N copies of the complete submission, graded
with 1 and with 2 worker processes in the same run.

    .venv/bin/python benchmarks/grade_speed.py [--copies 50] [--assignment assignment1]

Prints wall time and submissions per second for each --jobs value, and the
ratio between them.
"""
import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "examples")]

from grader.instructor import grade  # noqa: E402
from make_submissions import complete_copy  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--assignment", default="assignment1")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        first = complete_copy(os.path.join(REPO, "solutions", args.assignment), os.path.join(scratch, "student000"))
        submissions = [first] + [shutil.copytree(first, os.path.join(scratch, f"student{i:03d}"))
                                 for i in range(1, args.copies)]
        rates = {}
        for jobs in args.jobs:
            out = os.path.join(scratch, f"out-{jobs}")
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                grade.run(args.assignment, submissions, out, workers=jobs,
                          solutions_root=os.path.join(REPO, "solutions"), progress=False)
            seconds = time.perf_counter() - start
            rates[jobs] = args.copies / seconds
            print(f"--jobs {jobs}: {args.copies} submissions in {seconds:.2f} s = {rates[jobs]:.1f} submissions/s "
                  "(including the reference run and the fork server start)")
        if len(rates) > 1:
            low, high = min(rates), max(rates)
            print(f"speed-up of --jobs {high} over --jobs {low}: {rates[high] / rates[low]:.2f}x")


if __name__ == "__main__":
    main()
