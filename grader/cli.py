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
    grade.add_argument("submissions", nargs="*", metavar="SUBMISSION",
                       help="folders or .zip files, one per student (optional with --nbgrader-course)")
    grade.add_argument("--assignment", required=True, help="e.g. assignment1")
    grade.add_argument("--out", default="grading-results", help="output folder (default: grading-results)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    grade.add_argument("--seed", type=int, help="seed of the hidden inputs (default: the suite's)")
    grade.add_argument("--solutions", default=os.path.join(REPO_ROOT, "solutions"),
                       help="folder holding the reference solutions (default: solutions/)")
    grade.add_argument("--time-scale", type=float, default=1.0,
                       help="multiply every case's time limit by this (default: 1)")
    grade.add_argument("--executor", choices=["local", "dask"], default="local",
                       help="where submissions are scored: threads on this machine (local, the default) "
                            "or a Dask distributed cluster (dask)")
    grade.add_argument("--scheduler", help="with --executor dask: the scheduler address (tcp://host:8786), "
                                           "or local[:N] to start a cluster of N worker processes here")
    grade.add_argument("--cases", action="append", metavar="PATTERN",
                       help="grade only the cases whose name or function matches PATTERN (shell-style, "
                            "e.g. 'softmax_*' or 'TwoLayerNet.*'; repeat for more), into an --out folder of their own")
    grade.add_argument("--regrade", action="store_true",
                       help="grade every submission again, even those unchanged since the last run")
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")
    grade.add_argument("--nbgrader-course", metavar="DIR",
                       help="grade every DIR/submitted/<student_id>/<assignment>/ of an nbgrader course, "
                            "each under its folder's student id")

    gradescope = commands.add_parser("gradescope", help="grade the one submission in Gradescope's container")
    gradescope.add_argument("--assignment", required=True, help="e.g. assignment1")
    gradescope.add_argument("--submission-dir", default="/autograder/submission",
                            help="the student's files (default: /autograder/submission)")
    gradescope.add_argument("--results", default="/autograder/results/results.json",
                            help="where to write results.json (default: /autograder/results/results.json)")
    gradescope.add_argument("--solutions", help="folder holding the reference solutions "
                                                "(default: solutions/ beside the grader)")
    for command in (grade, gradescope):
        command.add_argument("--sandbox", choices=["auto", "require", "off"], default="auto",
                             help="namespaces around workers where the OS allows, else (as root) a user of its own "
                                  "per submission, else refuse to grade (auto, the default); namespaces or refuse "
                                  "(require); or run student code as yourself (off)")

    bundle = commands.add_parser("gradescope-bundle", help="write Gradescope's autograder zip for an assignment")
    bundle.add_argument("--assignment", required=True, help="e.g. assignment1")
    bundle.add_argument("--out", help="the zip to write (default: dist/<assignment>-gradescope.zip)")

    collect = commands.add_parser("collect", help="zip your assignment folder to hand it in")
    collect.add_argument("assignment_dir", metavar="ASSIGNMENT_DIR", help="your assignment folder")
    collect.add_argument("--out", help="the zip to write (default: <assignment>_submission.zip beside the folder)")
    collect.add_argument("--assignment", help="assignment name (default: the folder's name)")

    export = commands.add_parser("export-nbgrader", help="write the gradebook's scores as nbgrader's export CSV")
    export.add_argument("--assignment", required=True, help="e.g. assignment1")
    export.add_argument("--out-dir", default="grading-results",
                        help="the folder grading wrote, with gradebook.sqlite (default: grading-results)")
    export.add_argument("--csv", help="the CSV to write (default: OUT_DIR/<assignment>-nbgrader.csv)")

    audit = commands.add_parser("audit", help="mutation-test the hidden suite on the reference's answers")
    audit.add_argument("--assignment", required=True, help="e.g. assignment1")
    audit.add_argument("--out", help="output folder (default: audit-results/<assignment>)")
    audit.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants graded at once (default: all cores)")
    audit.add_argument("--functions", action="append", metavar="PATTERN",
                       help="audit only the functions (or notebook cells) matching PATTERN, e.g. 'svm_*'")
    audit.add_argument("--seed", type=int, help="seed of the hidden inputs (default: the suite's)")
    audit.add_argument("--solutions", default=os.path.join(REPO_ROOT, "solutions"),
                       help="folder holding the reference solutions (default: solutions/)")
    audit.add_argument("--time-scale", type=float, default=1.0, help="multiply every case's time limit by this")
    audit.add_argument("--sandbox", choices=["auto", "require", "off"], default="auto",
                       help="namespaces around workers, as for grade")
    audit.add_argument("--check-floor", action="store_true",
                       help="exit 1 when a function kills fewer mutants than the floor recorded in the suite folder")
    audit.add_argument("--update-floor", action="store_true",
                       help="record each function's kill rate as its floor (grader/suites/<assignment>/audit_floor.json)")
    audit.add_argument("--no-progress", action="store_true", help="no progress bar")

    similarity = commands.add_parser("similarity", help="find similar answers across a class (evidence, never a verdict)")
    similarity.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="folders or .zip files, one per student")
    similarity.add_argument("--assignment", required=True, help="e.g. assignment1")
    similarity.add_argument("--against", metavar="DIR",
                            help="a folder of known sources (earlier years, public repositories), one per subfolder or zip")
    similarity.add_argument("--out", default="similarity-results", help="output folder (default: similarity-results)")
    similarity.add_argument("--threshold", type=float, default=0.8,
                            help="report pairs whose answers to a function are at least this similar (default: 0.8)")
    similarity.add_argument("--solutions", default=os.path.join(REPO_ROOT, "solutions"),
                            help="folder holding the reference solutions (default: solutions/)")

    args = parser.parse_args(argv)
    if args.command == "release":
        from grader.instructor import release as command
        return command.run(args.root, check=args.check)
    if args.command == "check":
        from grader.public import check as command
        return command.run(args.assignment_dir, args.assignment)
    if args.command == "gradescope":
        from grader.instructor import gradescope as command
        return command.run(args.assignment, args.submission_dir, args.results, solutions_root=args.solutions,
                           sandbox=args.sandbox)
    if args.command == "gradescope-bundle":
        from grader.instructor import gradescope as command
        return command.run_bundle(args.assignment, args.out or os.path.join(REPO_ROOT, "dist",
                                                                            f"{args.assignment}-gradescope.zip"),
                                  REPO_ROOT)
    if args.command == "collect":
        from grader.public import collect as command
        return command.run(args.assignment_dir, args.out, assignment=args.assignment)
    if args.command == "export-nbgrader":
        from grader.instructor import nbgrader_layout as command
        return command.run_export(args.assignment, args.out_dir, args.csv)
    if args.command == "audit":
        from grader.instructor import audit as command
        return command.run(args.assignment, args.out or os.path.join("audit-results", args.assignment),
                           solutions_root=args.solutions, workers=args.jobs, seed=args.seed,
                           time_scale=args.time_scale, sandbox=args.sandbox, functions=args.functions,
                           check_floor=args.check_floor, update_floor=args.update_floor,
                           progress=not args.no_progress)
    if args.command == "similarity":
        from grader.instructor import similarity as command
        return command.run(args.assignment, args.submissions, args.out, against=args.against,
                           threshold=args.threshold, solutions_root=args.solutions)
    if not args.submissions and not args.nbgrader_course:
        grade.error("give the SUBMISSION folders or zips to grade, or --nbgrader-course DIR")
    options = dict(workers=args.jobs, seed=args.seed, solutions_root=args.solutions,
                   progress=not args.no_progress, time_scale=args.time_scale, sandbox=args.sandbox,
                   regrade=args.regrade, executor=args.executor, scheduler=args.scheduler,
                   only=args.cases)
    if args.nbgrader_course:
        from grader.instructor import nbgrader_layout as command
        return command.grade(args.assignment, args.nbgrader_course, args.submissions, args.out, **options)
    from grader.instructor import grade as command
    return command.run(args.assignment, args.submissions, args.out, **options)


if __name__ == "__main__":
    sys.exit(main())
