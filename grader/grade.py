"""`python -m grader grade`: grade a class with the hidden cases (trusted side).

The reference outputs are computed once, in a worker running solutions/.
Submissions are then graded in parallel, each in its own worker process(es);
each one's scores reach the gradebook in one transaction, and its feedback
and Gradescope results are written beside.  grades.csv is written last, from
the gradebook.
"""
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from tqdm import tqdm

from grader import report
from grader.gradebook import Gradebook
from grader.runner import ForkServer
from grader.scoring import DEFAULT_SEED, build_jobs, reference_outputs, score_submission, unscorable
from grader.submissions import SubmissionError, prepare, student_id
from grader.suite import load_cases


def run(assignment, submissions, out_dir, workers=1, seed=None, solutions_root="solutions", progress=True,
        time_scale=1.0, sandbox="auto"):
    seed = DEFAULT_SEED if seed is None else seed
    cases = load_cases(assignment, hidden=True)
    students = [student_id(s) for s in submissions]
    repeated = sorted({s for s in students if students.count(s) > 1})
    if repeated:
        print(f"Two submissions would share a student id: {', '.join(repeated)}. Rename one of them.")
        return 2
    os.makedirs(os.path.join(out_dir, "feedback"), exist_ok=True)
    gradebook = Gradebook(os.path.join(out_dir, "gradebook.sqlite"))
    start = time.monotonic()
    with ForkServer(sandbox) as server, tempfile.TemporaryDirectory(prefix="grader-") as scratch:
        jobs = build_jobs(cases, seed, time_scale)
        references = reference_outputs(server, os.path.join(solutions_root, assignment), cases, jobs)

        def grade_one(submission):
            student = student_id(submission)
            began = time.monotonic()
            workdir = tempfile.mkdtemp(dir=scratch)
            try:
                root = prepare(submission, workdir)
                results = score_submission(server, root, cases, jobs, references)
            except SubmissionError as exc:
                results = unscorable(cases, f"Your submission could not be opened: {exc}")
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            seconds = time.monotonic() - began
            write_student_files(out_dir, student, assignment, results, seconds)
            gradebook.record(student, assignment, results, seconds)
            return results

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(grade_one, s) for s in submissions]
            bar = tqdm(as_completed(futures), total=len(futures), unit="submission", disable=not progress)
            outcomes = [future.result() for future in bar]
    rows = gradebook.scores(assignment)
    gradebook.close()
    report.write_grades_csv(os.path.join(out_dir, "grades.csv"), [c.name for c in cases], rows)
    print(summary(outcomes, time.monotonic() - start, out_dir, server.sandbox))
    return 0


def write_student_files(out_dir, student, assignment, results, seconds):
    with open(os.path.join(out_dir, "feedback", f"{student}.md"), "w") as f:
        f.write(report.feedback_markdown(student, assignment, results))
    os.makedirs(os.path.join(out_dir, student), exist_ok=True)
    report.write_json(os.path.join(out_dir, student, "results.json"), report.gradescope_results(results, seconds))


def summary(outcomes, seconds, out_dir, sandbox):
    count = len(outcomes)
    statuses = {}
    for results in outcomes:
        for r in results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
    full = sum(all(r.passed for r in results) for results in outcomes)
    return (f"Graded {count} submission{'s' if count != 1 else ''} in {seconds:.1f} s "
            f"({count / seconds:.1f} per second); {full} with full marks.\n"
            f"Case results: {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}.\n"
            f"Written to {out_dir}/: grades.csv, gradebook.sqlite, feedback/<student>.md, <student>/results.json\n"
            + (f"Sandbox: {sandbox}" if not sandbox.startswith("NO SANDBOX") else
               f"WARNING: {sandbox}.\nStudent code ran with resource limits only: it could read files and "
               "use the network. Grade on Linux with user namespaces enabled (or --sandbox require)."))
