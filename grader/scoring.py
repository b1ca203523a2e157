"""Score one submission: run its cases, judge the outputs (trusted side).

Shared by `check` (public cases, no reference) and `grade` (all cases,
against reference outputs computed once per run).
"""
from dataclasses import dataclass

from grader.compare import Verdict
from grader.runner import Job, Limits, run_cases

DEFAULT_SEED = 231


@dataclass(frozen=True)
class CaseResult:
    case: str
    function: str
    score: float
    max_score: float
    status: str     # passed, failed, error, timeout, crashed, skipped
    message: str
    hint: str
    hidden: bool

    @property
    def passed(self):
        return self.status == "passed"


def format_points(value):
    """Points as people write them: 1, 0.5, 76."""
    return f"{value:g}"


def build_jobs(cases, seed=DEFAULT_SEED, time_scale=1.0):
    """The worker jobs of the cases that run code, inputs drawn from `seed`:
    built once per run and shared by every submission.  `time_scale`
    multiplies every case's time limit (slow machines, or fast tests)."""
    jobs = {}
    for case in cases:
        if case.calls is not None:
            request, given = case.request(seed)
            jobs[case.name] = Job(request, case.timeout * time_scale, given)
    return jobs


def score_submission(server, root, cases, jobs, references=None, limits=Limits()):
    """Run `cases` on the submission at `root`; return a CaseResult per case, in order.

    `jobs` comes from `build_jobs`; `references` maps a hidden case's name to
    the reference solution's outputs.
    """
    # Source rules read the files before any student code runs (and could rewrite them).
    static = {c.name: _judge(lambda: c.source_rule(root)) for c in cases if c.source_rule is not None}
    outcomes = run_cases(server, root, jobs, limits) if jobs else {}
    results = []
    for case in cases:
        status, message = "passed", ""
        if case.calls is not None:
            outcome = outcomes[case.name]
            if outcome.status == "ok":
                expected = references[case.name] if case.hidden and case.reference else None
                status, message = _judge(lambda: case.check(outcome.outputs, expected, jobs[case.name].given))
            else:
                status, message = _explain(outcome)
        if status == "passed" and case.source_rule is not None:
            status, message = static[case.name]
        results.append(CaseResult(case.name, case.function, case.points if status == "passed" else 0,
                                  case.points, status, message, case.hint, case.hidden))
    return results


def reference_outputs(server, solution_root, cases, jobs):
    """The reference solution's outputs for every hidden case that runs code
    (with a generous time limit: the reference is trusted)."""
    hidden = {c.name: Job(jobs[c.name].request, max(c.timeout, 60.0)) for c in cases
              if c.hidden and c.reference and c.name in jobs}
    outcomes = run_cases(server, solution_root, hidden, Limits(memory_bytes=None))
    broken = {name: o.error for name, o in outcomes.items() if o.status != "ok"}
    if broken:
        raise RuntimeError(f"the reference solution in {solution_root} fails these cases: {broken}")
    return {name: outcome.outputs for name, outcome in outcomes.items()}


def _judge(check):
    try:
        verdict = check()
    except Exception as exc:  # an output shaped so oddly that the check itself tripped
        verdict = Verdict(False, f"the output could not be checked ({type(exc).__name__}: {exc})")
    return ("passed", "") if verdict.passed else ("failed", verdict.message)


def _explain(outcome):
    error = outcome.error
    where = f" ({error['where']})" if error.get("where") else ""
    unit = error.get("unit", "")
    if outcome.status == "error":
        if unit.startswith("import "):
            return "error", f"{unit[7:]} could not be loaded: {error['type']}{where}: {error['message']}"
        if error["type"] == "NotImplementedError":  # name the function to write, not the one the case called
            return "error", f"{error.get('function') or unit} is not implemented yet: it raises NotImplementedError{where}"
        return "error", f"{unit} raised {error['type']}{where}: {error['message']}"
    if outcome.status == "timeout":
        stopped = f"; it was stopped at {error['where']}" if error.get("where") else ""
        return "timeout", (f"{unit} {error['message']}{stopped}. "
                           "Look for a loop that never ends, or code far slower than it should be.")
    if outcome.status == "died":
        return "crashed", f"while running {unit}, {error['message']}"
    return "skipped", error["message"]


def unscorable(cases, message):
    """Results for a submission that could not be opened at all: every case 0."""
    return [CaseResult(c.name, c.function, 0, c.points, "error", message, c.hint, c.hidden) for c in cases]
