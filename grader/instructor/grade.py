"""`python -m grader grade`: grade a class with the hidden cases (trusted side).

The run's jobs (each case's inputs) and the reference outputs are computed
once, in a worker running solutions/.  Each submission is then copied,
hashed and scored by an executor (threads on this machine, or a Dask
cluster); back here, its feedback and Gradescope results are written and its
scores reach the gradebook in one transaction.  A submission whose files and
suite are unchanged since it was last graded is skipped (unless --regrade),
so a run that was killed resumes where it stopped.  grades.csv is written
last, from the gradebook.
"""
import contextlib
import errno
import fnmatch
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field

from tqdm import tqdm

from grader.instructor import class_report, report
from grader.public import legacy, plan
from grader.public.results import format_points
from grader.instructor.gradebook import Gradebook
from grader.public import accounts
from grader.public.runner import GRADER_HOME, ForkServer, Limits, SandboxRefused
from grader.public.scoring import DEFAULT_SEED, build_jobs, reference_outputs, score_submission, unscorable
from grader.public.files import SubmissionError, id_problem, prepare, student_id
from grader.public.suite import load_cases, missing, not_installed_message, saved_files


@dataclass
class Context:
    """What every submission of a run is scored against (picklable, for Dask)."""
    assignment: str
    cases: list
    jobs: dict
    references: dict
    suite_hash: str
    reference_root: str = None                  # the reference solution, which runs saved models
    known: dict = field(default_factory=dict)   # student -> submission hash already graded


# The grader's own machine failing (a full disk, a read-only scratch folder)
# is never a student's fault.
GRADER_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


class GraderFault(Exception):
    """Grading cannot go on for a reason of the grader's own."""


@dataclass
class Scored:
    student: str
    state: str            # "graded", "unopenable" or "unchanged"
    results: list
    submission_hash: str
    seconds: float
    notices: tuple = ()   # what the feedback says beside the cases (e.g. the numpy 2 names supplied)


def build_context(server, assignment, cases, seed=DEFAULT_SEED, time_scale=1.0, solutions_root="solutions"):
    """The jobs and reference outputs every submission of a run is scored against."""
    jobs = build_jobs(cases, seed, time_scale, os.path.join(solutions_root, assignment))
    reference_root = os.path.abspath(os.path.join(solutions_root, assignment))
    references = reference_outputs(server, reference_root, cases, jobs)
    for case in cases:
        if case.saved is not None:
            case.saved.prepare()   # the held-out data: a grader without it stops here, charging nobody
    return Context(assignment, cases, jobs, references, suite_hash(cases, jobs, references), reference_root)


def private_paths(solutions_root, out_dir, submissions=(), also=()):
    """What a worker must never read: the references, the suites (hidden
    cases, planted bugs), the repository's history, built Gradescope zips
    (they hold references), the output folder and the submissions themselves
    (it reads its own private copy only)."""
    return [solutions_root, *(os.path.join(GRADER_HOME, p) for p in (os.path.join("grader", "suites"), ".git",
                                                                      "dist")),
            out_dir, *submissions, *also]


@contextlib.contextmanager
def fork_server(assignment, sandbox, private):
    """The run's fork server; where submissions run as users of their own,
    with `private` paths unreadable to them for the run (see `accounts.private`)."""
    with ForkServer.for_assignment(assignment, sandbox, grading=True) as server:
        with accounts.private(private) if server.confined else contextlib.nullcontext():
            yield server


def run(assignment, submissions, out_dir, workers=1, seed=None, solutions_root="solutions", progress=True,
        time_scale=1.0, sandbox="auto", regrade=False, executor="local", scheduler=None, only=None, private=()):
    """Grade `submissions`: paths (the student id is the name without .zip)
    or (student id, path) pairs, e.g. from nbgrader's layout.  `only`:
    shell-style patterns; grade just the cases whose name or function matches.
    `private`: more paths workers must not read (an nbgrader course folder)."""
    seed = DEFAULT_SEED if seed is None else seed
    cases = load_cases(assignment, hidden=True)
    if only:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.name, p) or fnmatch.fnmatchcase(c.function, p)
                                         for p in only)]
        if not cases:
            print(f"No case of {assignment} matches {' '.join(only)}: patterns match case names (grades.csv's "
                  "columns) or functions, e.g. 'softmax_*' or 'TwoLayerNet.*'.")
            return 2
        if os.path.exists(os.path.join(out_dir, "gradebook.sqlite")):
            print(f"--cases grades part of the suite: give it an --out folder of its own ({out_dir} already holds "
                  "a gradebook, whose full grades it would replace).")
            return 2
    not_run = sorted({p for c in cases for p in missing(c)})
    if not_run:
        count = sum(1 for c in cases if missing(c))
        print(f"WARNING: {count} cases cannot run here and will score 0 for every student: "
              f"{not_installed_message(not_run)[9:]}.")
    submissions = [s if isinstance(s, tuple) else (student_id(s), s) for s in submissions]
    refused = [(student, path, id_problem(student)) for student, path in submissions if id_problem(student)]
    for student, path, problem in refused:
        print(f"Skipped {path}: its name gives the student id {student!r}, and {problem}. Rename it.")
    submissions = [(student, path) for student, path in submissions if not id_problem(student)]
    students = [student for student, _ in submissions]
    repeated = sorted({s for s in students if students.count(s) > 1})
    if repeated:
        print(f"Two submissions would share a student id: {', '.join(repeated)}. Rename one of them.")
        return 2
    os.makedirs(os.path.join(out_dir, "feedback"), exist_ok=True)
    gradebook = Gradebook(os.path.join(out_dir, "gradebook.sqlite"))
    start = time.monotonic()
    hidden = private_paths(solutions_root, out_dir, [path for _, path in submissions], private)
    stack = contextlib.ExitStack()
    try:
        server = stack.enter_context(fork_server(assignment, sandbox, hidden))
    except SandboxRefused as exc:
        gradebook.close()
        print(exc)
        return 2
    with stack:
        context = build_context(server, assignment, cases, seed, time_scale, solutions_root)
        if not regrade:
            context.known = gradebook.hashes(assignment, context.suite_hash)
        if executor == "dask":
            from grader.instructor.dask_executor import score_all
            stream = score_all(context, submissions, scheduler, sandbox)
        else:
            stream = score_locally(context, submissions, server, workers)
        done = []
        try:
            for scored in tqdm(stream, total=len(submissions), unit="submission", disable=not progress):
                if scored.state != "unchanged":
                    write_student_files(out_dir, scored.student, assignment, scored.results, scored.seconds,
                                        scored.notices)
                    gradebook.record(scored.student, assignment, scored.results, scored.seconds,
                                     scored.submission_hash, context.suite_hash)
                done.append(scored)
        except GraderFault as exc:
            gradebook.close()
            print(f"Grading stopped: {exc}. No student was charged for it. The {len(done)} submissions "
                  "graded so far are in the gradebook: fix the cause and run the same command again to go on.")
            return 1
        sandbox_mode, limits = server.sandbox, server.limits_in_force()
    rows = gradebook.scores(assignment)
    gradebook.close()
    report.write_grades_csv(os.path.join(out_dir, "grades.csv"), [c.name for c in cases], rows)
    class_report.write(os.path.join(out_dir, "report"), assignment, cases, rows)
    print(summary(done, time.monotonic() - start, out_dir, sandbox_mode, limits))
    return 0


def score_locally(context, submissions, server, workers):
    """Score submissions on this machine with `workers` threads, each driving
    one worker process at a time; yield `Scored` as they finish."""
    from concurrent.futures import ThreadPoolExecutor, as_completed
    with tempfile.TemporaryDirectory(prefix="grader-") as scratch, \
            ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(score_one, context, server, s, scratch) for s in submissions]
        for future in as_completed(futures):
            yield future.result()


def score_one(context, server, named, scratch):
    """Copy, hash and (unless unchanged) score one (student id, path) submission."""
    student, submission = named
    began = time.monotonic()
    workdir = tempfile.mkdtemp(dir=scratch)
    try:
        try:
            root = prepare(submission, workdir, saved_files(context.cases))
        except Exception as exc:  # whatever a hostile file does to unpacking costs its own student only
            if isinstance(exc, OSError) and exc.errno in GRADER_FAULTS:
                raise GraderFault(f"the grader's scratch folder {scratch} failed ({exc})") from exc
            digest = file_hash(submission)
            if context.known.get(student) == digest:
                return Scored(student, "unchanged", [], digest, 0.0)
            reason = exc if isinstance(exc, SubmissionError) else f"{type(exc).__name__}: {exc}"
            results = unscorable(context.cases, f"Your submission could not be opened: {reason}")
            return Scored(student, "unopenable", results, digest, time.monotonic() - began)
        digest = tree_hash(root)
        if context.known.get(student) == digest:
            return Scored(student, "unchanged", [], digest, 0.0)
        try:
            account = server.account(Limits())
        except (accounts.AccountError, OSError) as exc:
            raise GraderFault(f"no worker user could be set up ({exc})") from exc
        try:
            if account:  # its copy, and nothing else of the scratch folder, is reachable for its user
                for folder in (scratch, workdir):
                    os.chmod(folder, 0o711)
                if os.path.isdir(os.path.join(workdir, "unpacked")):
                    os.chmod(os.path.join(workdir, "unpacked"), 0o700)
                account.adopt(root, os.path.join(workdir, "home"))
            results = score_submission(server, root, context.cases, context.jobs, context.references,
                                       reference_root=context.reference_root, account=account)
        except accounts.AccountError as exc:
            raise GraderFault(str(exc)) from exc
        finally:
            if account:  # every process of its user ends before any result is written
                try:
                    account.release()
                except accounts.AccountError as exc:
                    raise GraderFault(str(exc)) from exc
        notices = tuple(filter(None, [legacy.notice(root)]))
        return Scored(student, "graded", results, digest, time.monotonic() - began, notices)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def suite_hash(cases, jobs, references):
    """Changes whenever a case, its points, its inputs or its reference outputs
    change; not when only the wire encoding does (`plan.canonical`)."""
    digest = hashlib.sha256()
    for case in cases:
        digest.update(f"{case.name}\0{case.points}\0{case.role}\0{case.hidden}\0".encode())
        if case.name in jobs:
            digest.update(f"{jobs[case.name].timeout}\0".encode() + plan.canonical(jobs[case.name].plan))
        if case.name in references:
            digest.update(plan.canonical(references[case.name]))
    return digest.hexdigest()


def tree_hash(root):
    """Hash of the files (paths and contents) under `root`."""
    digest = hashlib.sha256()
    for folder, dirs, names in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def file_hash(path):
    if not os.path.isfile(path):
        return "missing"
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_student_files(out_dir, student, assignment, results, seconds, notices=()):
    report.write_text(os.path.join(out_dir, "feedback", f"{student}.md"),
                      report.feedback_markdown(student, assignment, results, notices))
    report.write_text(os.path.join(out_dir, "feedback", f"{student}.html"),
                      report.feedback_html(student, assignment, results, notices))
    # Each student's own folder under students/, so that no id can meet grades.csv or the gradebook.
    os.makedirs(os.path.join(out_dir, "students", student), exist_ok=True)
    report.write_json(os.path.join(out_dir, "students", student, "results.json"),
                      report.gradescope_results(results, seconds))


def summary(done, seconds, out_dir, sandbox, limits=""):
    """One screen: what was graded, what could not be, what timed out, the sandbox and the limits in force."""
    count = {state: sum(s.state == state for s in done) for state in ("graded", "unchanged", "unopenable")}
    graded = [s for s in done if s.state == "graded"]
    full = sum(all(r.passed for r in s.results) for s in graded)
    timed_out = sum(any(r.status == "timeout" for r in s.results) for s in graded)
    crashed = sum(any(r.status == "crashed" for r in s.results) for s in graded)
    rate = f" ({count['graded'] / seconds:.1f} per second)" if count["graded"] else ""
    lines = [f"Graded {count['graded']} submission{'s' if count['graded'] != 1 else ''} in {seconds:.1f} s{rate}: "
             f"{full} with full marks, {timed_out} with a time-out, {crashed} with a crash.",
             f"Skipped {count['unchanged']} unchanged since their last grading (use --regrade to grade them again).",
             f"Could not open {count['unopenable']}: they score 0, and their feedback says why.",
             f"Written to {out_dir}/: grades.csv, gradebook.sqlite, feedback/<student>.md and .html, "
             "students/<student>/results.json, report/index.html"]
    if len(graded) == 1:   # one submission, e.g. a self-learner grading their own folder: its score, part by part
        only = graded[0].results
        lines.insert(0, f"Score of {graded[0].student}: {format_points(sum(r.score for r in only))} / "
                        f"{format_points(sum(r.max_score for r in only))} points "
                        f"(feedback: {out_dir}/feedback/{graded[0].student}.md)")
        for number, part in enumerate(report.parts(only), 1):
            lines.insert(number, f"  {part.name:<20} {format_points(part.score):>4} / {format_points(part.total)}")
        lines.insert(number + 1, f"  {report.HAND_GRADED}")
    if sandbox.startswith("NO SANDBOX"):
        lines += [f"WARNING: {sandbox}.", "Student code ran with resource limits only: it could read files and use "
                  "the network. Grade on Linux with user namespaces enabled (or --sandbox require), or as root."]
    else:
        lines.append(f"Sandbox: {sandbox}")
    if limits:
        lines.append(f"Limits: {limits}")
    return "\n".join(lines)
