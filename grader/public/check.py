"""`python -m grader check`: a student's self-check on the public cases.

Runs exactly as grading does (a sandboxed worker, the same time limits), but
only the cases that need no reference solution, and prints a report the
student can act on: grouped by part of the assignment, a module that does
not load told once at the top, a function not written yet told once, and
what the public checks do not cover (functions no public case calls, the
hidden tests, the inline questions graded by hand).  Runs from the student
bundle too: it imports nothing that holds answers.
"""
import os
import tempfile

from grader.public import manifest as manifest_file
from grader.public.files import SubmissionError, prepare
from grader.public.results import format_points
from grader.public.runner import ForkServer
from grader.public.scoring import build_jobs, load_failure, not_implemented, score_submission
from grader.public.suite import saved_files, student_cases

INDENT = " " * 13


def run(assignment_dir, assignment=None):
    assignment = assignment or os.path.basename(os.path.abspath(assignment_dir))
    cases = student_cases(assignment)
    if cases is None:
        return 2
    try:
        results = public_results(assignment_dir, assignment, cases)
    except SubmissionError as exc:
        print(f"Cannot check {assignment_dir}: {exc}")
        return 2
    print(report(assignment, results, manifest_file.find(assignment_dir, assignment), cases))
    return 0 if all(r.passed for r in results) else 1


def public_results(assignment_dir, assignment, cases):
    """The CaseResults of the public `cases` on the folder (or zip) `assignment_dir`."""
    with tempfile.TemporaryDirectory(prefix="grader-check-") as workdir:
        root = prepare(assignment_dir, workdir, saved_files(cases))
        with ForkServer.for_assignment(assignment) as server:
            return score_submission(server, root, cases, build_jobs(cases))


def report(assignment, results, manifest=None, cases=()):
    """What `check` prints: see the module's docstring."""
    lines = [f"Public checks of {assignment}", ""]
    compares = {c.name: c.check.compares for c in cases if hasattr(c.check, "compares")}
    # A function that fails a check of its own (not a comparison): comparisons with it say so instead of a hint.
    failing = {r.function.rsplit(".", 1)[-1]: r.case for r in results if not r.passed and r.case not in compares}
    broken = {}
    for r in results:
        failure = load_failure(r)
        if failure:
            broken.setdefault(failure[0], [failure[1], 0])[1] += 1
    for where, (why, count) in broken.items():
        lines += [f"{where} could not be loaded: {why}",
                  f"{INDENT[:4]}Fix this first: {count} check{'s' if count != 1 else ''} below need{'' if count != 1 else 's'} "
                  "it and did not run.", ""]
    width = max(len(r.case) for r in results)
    any_graded = any(r.graded for r in results)
    for part, members in by_part(results).items():
        lines.append(f"{part}:")
        told = set()   # what was already said for this part: a function not written yet, a file not loading
        for r in members:
            missing, failure = not_implemented(r), load_failure(r)
            if missing or failure:
                key = missing or failure[0]
                if key not in told:
                    told.add(key)
                    alike = [o for o in members if (not_implemented(o) == missing if missing
                                                    else (load_failure(o) or ("",))[0] == failure[0])]
                    count = f"{len(alike)} check{'s' if len(alike) != 1 else ''}"
                    if missing:
                        lines.append(f"  {'not yet':<10} {missing} is not implemented yet ({count} "
                                     f"wait{'s' if len(alike) == 1 else ''} for it)")
                    else:
                        functions = ", ".join(dict.fromkeys(o.function for o in alike))
                        lines.append(f"  {'not run':<10} {count} of {functions}: {failure[0]} could not be "
                                     "loaded (see the top)")
                continue
            # Which rows count, when some do; when none does, the summary says so once.
            counts = "" if not any_graded else f"{format_points(r.max_score)} pt" if r.graded else "self-check"
            lines.append(f"  {r.status:<10} {r.case:<{width}}  " + (f"{counts:<10}  " if counts else "") + r.function)
            if not r.passed:
                for number, text in enumerate(r.message.split("\n")):
                    lines.append(f"{INDENT}{'-> ' if number == 0 else '   '}{text}")
                trusted = compares.get(r.case, (None, None))[1]
                if trusted in failing:
                    lines.append(f"{INDENT}   This compares with {trusted}, which fails its own check "
                                 f"({failing[trusted]}): fix that first, then look here again.")
                elif r.hint:
                    lines.append(f"{INDENT}   hint: {r.hint}")
        lines.append("")
    lines += summary(results, manifest)
    return "\n".join(lines)


def by_part(results):
    """{part: [results]} in the order the parts first appear."""
    parts = {}
    for r in results:
        parts.setdefault(r.part or "other", []).append(r)
    return parts


def summary(results, manifest):
    """The last lines: how many passed, what counts, and what was not checked."""
    passed = sum(r.passed for r in results)
    graded = [r for r in results if r.graded]
    lines = [f"Passed {passed} of {len(results)} public checks."]
    if graded:
        lines[0] += (f" {len(graded)} of them carry points here ({format_points(sum(r.score for r in graded))} of "
                     f"{format_points(sum(r.max_score for r in graded))}); the self-checks carry none.")
    else:
        lines[0] += " They are self-checks and carry no points: your grade comes from the hidden tests."
    lines += ["A self-check that compares two of your functions (e.g. vectorized against naive) passes when they "
              "agree, which they also do when both are wrong in the same way: it is a hint, not a verdict.",
              "", "Not checked here:"]
    unreached = manifest_file.not_checked(manifest, results)
    if unreached:
        lines.append(f"  - {len(unreached)} graded function{'s' if len(unreached) != 1 else ''} with no public check "
                     f"of {'their' if len(unreached) != 1 else 'its'} own: {', '.join(unreached)}.")
    lines.append("  - the hidden tests, which grade every function on more inputs and edge cases.")
    questions = (manifest or {}).get("inline_questions", [])
    if questions:
        per_notebook = {}
        for question in questions:
            per_notebook[question["notebook"]] = per_notebook.get(question["notebook"], 0) + 1
        lines.append(f"  - {len(questions)} inline question{'s' if len(questions) != 1 else ''} "
                     f"({', '.join(f'{n}: {c}' for n, c in per_notebook.items())}), graded by hand.")
    else:
        lines.append("  - the inline questions, graded by hand.")
    if manifest is None:
        lines.append("  (No manifest.json was found beside your notebooks, so the list above may be short: "
                     "put back the one from the assignment you were given.)")
    return lines
