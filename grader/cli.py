"""Command line: argument parsing only; each command lives in its own module.

Commands import lazily so that the student bundle, which carries only what
`check` needs, runs `python -m grader check` without the instructor's parts.
"""
import argparse
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="generate assignments/ (and dist/*.zip) from solutions/")
    release.add_argument("--check", action="store_true",
                         help="change nothing; fail if assignments/ differs from what solutions/ generates")
    release.add_argument("--root", default=REPO_ROOT, help="repository root (default: this checkout)")

    check = commands.add_parser("check", help="check your own work on the public cases")
    check.add_argument("assignment_dir", nargs="?", default=".", help="your assignment folder (default: .)")
    check.add_argument("--assignment", help="assignment name (default: the folder's name)")

    grade = commands.add_parser("grade", help="grade submissions with the hidden cases")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="folders or .zip files, one per student")
    grade.add_argument("--assignment", required=True, help="e.g. assignment1")
    grade.add_argument("--out", default="grading-results", help="output folder (default: grading-results)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    grade.add_argument("--seed", type=int, help="seed of the hidden inputs (default: the suite's)")
    grade.add_argument("--solutions", default=os.path.join(REPO_ROOT, "solutions"),
                       help="folder holding the reference solutions (default: solutions/)")
    grade.add_argument("--time-scale", type=float, default=1.0,
                       help="multiply every case's time limit by this (default: 1)")
    grade.add_argument("--sandbox", choices=["auto", "require", "off"], default="auto",
                       help="namespaces around workers: where the OS allows (auto, the default), "
                            "always (require: refuse to grade without), or never (off)")
    grade.add_argument("--executor", choices=["local", "dask"], default="local",
                       help="where submissions are scored: threads on this machine (local, the default) "
                            "or a Dask distributed cluster (dask)")
    grade.add_argument("--scheduler", help="with --executor dask: the scheduler address (tcp://host:8786), "
                                           "or local[:N] to start a cluster of N worker processes here")
    grade.add_argument("--regrade", action="store_true",
                       help="grade every submission again, even those unchanged since the last run")
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")

    args = parser.parse_args(argv)
    if args.command == "release":
        from grader import release as command
        return command.run(args.root, check=args.check)
    if args.command == "check":
        from grader import check as command
        return command.run(args.assignment_dir, args.assignment)
    from grader import grade as command
    return command.run(args.assignment, args.submissions, args.out, workers=args.jobs, seed=args.seed,
                       solutions_root=args.solutions, progress=not args.no_progress,
                       time_scale=args.time_scale, sandbox=args.sandbox, regrade=args.regrade,
                       executor=args.executor, scheduler=args.scheduler)


if __name__ == "__main__":
    sys.exit(main())
