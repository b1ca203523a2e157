"""`python -m grader check`: a student's self-check on the public cases.

Runs exactly as grading does (a sandboxed worker, the same time limits), but
only the cases that need no reference solution, and prints a table the
student can act on.  Runs from the student bundle too: it imports nothing
that holds answers.
"""
import os
import tempfile

from grader.public.runner import ForkServer
from grader.public.results import format_points
from grader.public.scoring import build_jobs, score_submission
from grader.public.files import SubmissionError, prepare
from grader.public.suite import saved_files, student_cases


def run(assignment_dir, assignment=None):
    assignment = assignment or os.path.basename(os.path.abspath(assignment_dir))
    cases = student_cases(assignment)
    if cases is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="grader-check-") as workdir:
        try:
            root = prepare(assignment_dir, workdir, saved_files(cases))
        except SubmissionError as exc:
            print(f"Cannot check {assignment_dir}: {exc}")
            return 2
        with ForkServer.for_assignment(assignment) as server:
            results = score_submission(server, root, cases, build_jobs(cases))
    print(table(assignment, results))
    return 0 if all(r.passed for r in results) else 1


def table(assignment, results):
    width = max(len(r.case) for r in results)
    lines = [f"Public checks for {assignment}", "",
             f"{'result':<8} {'points':>6}  {'case':<{width}}  function", "-" * (width + 60)]
    for r in results:
        points = f"{format_points(r.score)}/{format_points(r.max_score)}" if r.graded else "self"
        lines.append(f"{r.status:<8} {points:>6}  {r.case:<{width}}  {r.function}")
        if not r.passed:
            lines.append(f"{'':17}-> {r.message}")
            if r.hint:
                lines.append(f"{'':17}   hint: {r.hint}")
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    lines += ["", f"Public checks passed: {sum(r.passed for r in results)} of {len(results)} "
                  f"({format_points(score)}/{format_points(total)} points).",
              "\"self\": a self-check, which compares two of your own functions and carries no points.",
              "Passing these is necessary, not sufficient: the graded tests try more inputs and edge cases."]
    return "\n".join(lines)
