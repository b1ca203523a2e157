"""Score one submission: run its cases, judge the outputs (trusted side).

Shared by `check` (public cases, no reference) and `grade` (all cases,
against reference outputs computed once per run).
"""
import ast
import json
import os
import re
import zlib

from grader.public.compare import Verdict, shown_example
from grader.public.results import CaseResult
from grader.public.runner import Job, Limits, run_cases
from grader.public.suite import missing, not_installed_message

DEFAULT_SEED = 231
MAX_MESSAGE = 1000   # characters of a case's message
SHOWN_EXTRA = 1000   # ... plus, for a public example, its inputs and outputs (compare.shown_example)


def build_jobs(cases, seed=DEFAULT_SEED, time_scale=1.0, solution_root=None):
    """The worker jobs of the cases that run code, inputs drawn from `seed`:
    built once per run and shared by every submission.  `time_scale`
    multiplies every case's time limit (slow machines, or fast tests).
    `solution_root` is where the files that cases lend are read (see
    `suite`): needed only when some case lends one.  A case whose packages
    are not installed (`suite.missing`) gets no job: `score_submission`
    reports it skipped."""
    jobs = {}
    for case in cases:
        if case.plan is not None and not missing(case):
            wire, given = case.build(seed)
            jobs[case.name] = Job(wire, case.timeout * time_scale, given, lent_sources(case, solution_root),
                                  zlib.crc32(f"{seed}:{case.name}".encode()))
    return jobs


def lent_sources(case, solution_root):
    """{dotted module name: source} of the reference files `case` lends, and
    {"notebook.ipynb:name": source} of the notebook definitions it lends."""
    if case.lends and solution_root is None:
        raise ValueError(f"case {case.name} lends {', '.join(case.lends)}: give build_jobs the solution folder")
    sources = {}
    for path in case.lends:
        if ".ipynb:" in path:
            notebook, name = path.split(":", 1)
            sources[path] = notebook_definition(os.path.join(solution_root, notebook), name)
            continue
        with open(os.path.join(solution_root, path), encoding="utf-8") as f:
            sources[path[:-3].replace("/", ".")] = f.read()
    return sources


def notebook_definition(path, name):
    """The source of the top-level function or class `name` in the last code
    cell of the notebook at `path` that defines it (as the worker takes it)."""
    with open(path, encoding="utf-8") as f:
        cells = [c for c in json.load(f)["cells"] if c.get("cell_type") == "code"]
    found = None
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                found = ast.get_source_segment(source, node)
    if found is None:
        raise ValueError(f"no code cell of {path} defines {name}, which a case lends")
    return found


def score_submission(server, root, cases, jobs, references=None, limits=Limits(), reference_root=None,
                     account=None):
    """Run `cases` on the submission at `root`; return a CaseResult per case, in order.

    `jobs` comes from `build_jobs`; `references` maps a hidden case's name to
    the reference solution's outputs.  A case with a `saved` file is judged on
    the trusted side; a trained model is run by the reference solution at
    `reference_root` (see `kinds.SavedModel`).  `account`: the user of its
    own the submission runs as, if any (see `accounts`).
    """
    # Source rules read the files before any student code runs (and could rewrite them).
    static = {c.name: _judge(lambda: c.source_rule(root)) for c in cases if c.source_rule is not None}
    outcomes = run_cases(server, root, jobs, limits, account) if jobs else {}
    run_reference = _reference_runner(server, reference_root) if reference_root else None
    memo, results = {}, []
    for case in cases:
        status, message, hint, shown = "passed", "", case.hint, False
        if case.plan is not None and missing(case):
            status, message = "skipped", not_installed_message(missing(case))
        elif case.saved is not None:
            status, message = _judge(lambda: case.saved.judge(root, run_reference, memo))
        elif case.plan is not None:
            outcome = outcomes[case.name]
            if outcome.status == "ok":
                expected = references[case.name] if case.role == "reference" else None
                status, message = _judge(lambda: case.check(outcome.outputs, expected, jobs[case.name].given))
                shipped = getattr(case.check, "shipped", None)
                if status == "failed" and case.public and shipped is not None:   # its answer ships anyway
                    message, shown = _bounded(message) + "\n" + shown_example(jobs[case.name].plan, outcome.outputs,
                                                                              shipped), True
            else:
                status, message = _explain(outcome)
                # The case's hint is about its function's maths: no help for code that does not load or run yet.
                if outcome.unit.startswith("import ") or outcome.error.get("type") == "NotImplementedError":
                    hint = ""
        if status == "passed" and case.source_rule is not None:
            status, message = static[case.name]
        points = case.points if case.graded else 0
        results.append(CaseResult(case.name, case.function, points if status == "passed" else 0, points, status,
                                  _bounded(message, extra=SHOWN_EXTRA if shown else 0), hint, case.hidden,
                                  case.graded, case.part))
    return results


def reference_outputs(server, solution_root, cases, jobs):
    """The reference solution's outputs for every hidden case that runs code
    (with a generous time limit: the reference is trusted)."""
    hidden = {c.name: Job(jobs[c.name].plan, max(c.timeout, 60.0), seed=jobs[c.name].seed) for c in cases
              if c.role == "reference" and c.name in jobs}
    outcomes = run_cases(server, solution_root, hidden, Limits(memory_bytes=None))
    broken = {name: o.error for name, o in outcomes.items() if o.status != "ok"}
    if broken:
        raise RuntimeError(f"the reference solution in {solution_root} fails these cases: {broken}")
    return {name: outcome.outputs for name, outcome in outcomes.items()}


_FLOAT = r"[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?"
_INT = r"[-+]?\d+"
_GAP = r"[\s,;()\[\]]+"
# Three or more numbers with a decimal point, or eight or more whole numbers, in a row:
# an array printed by the student's own code, which may hold a hidden case's inputs.
_DATA = re.compile(rf"{_FLOAT}(?:{_GAP}{_FLOAT}){{2,}}|{_INT}(?:{_GAP}{_INT}){{7,}}")


def without_data(message):
    """`message` with any printed array cut out: a student's exception text
    can quote the inputs of a hidden case (an error message is no way to learn
    them).  Shapes, indices and single values stay."""
    return _DATA.sub("<numbers>", message)


def _reference_runner(server, reference_root):
    """run(wire, timeout) -> the reference solution's outputs for a plan built
    from a student's saved arrays, or a Verdict when it cannot run them."""
    def run(wire, timeout):
        outcome = run_cases(server, reference_root, {"saved": Job(wire, timeout)}, Limits(memory_bytes=None))["saved"]
        if outcome.status != "ok":
            return Verdict(False, f"the reference model could not be run with your saved arrays "
                                  f"({outcome.status}: {outcome.error.get('message', '')[:200]})")
        return outcome.outputs
    return run


def _bounded(message, extra=0):
    """A message fit for feedback, a CSV and the gradebook: much of it can come
    from the student's code (an exception's name and text, a dict's keys)."""
    limit = MAX_MESSAGE + extra
    return message if len(message) <= limit else message[:limit - 30] + " ... (message cut short)"


def _judge(check):
    try:
        verdict = check()
    except Exception as exc:  # an output shaped so oddly that the check itself tripped
        verdict = Verdict(False, f"the output could not be checked ({type(exc).__name__}: {exc})")
    return ("passed", "") if verdict.passed else ("failed", verdict.message)


def _explain(outcome):
    error = {key: without_data(value) if isinstance(value, str) else value for key, value in outcome.error.items()}
    where = f" ({error['where']})" if error.get("where") else ""
    unit = outcome.unit
    if outcome.status == "error":
        if error["type"] in COMPILE_ERRORS and error.get("where"):
            # The file does not compile: whichever call met it first, the file is to blame.
            file, _, line = error["where"].rpartition(", line ")
            # A notebook's cell is named by its first line ("<knn.ipynb, the cell that starts ...>"): keep it whole.
            short = file if file.startswith("<") else os.path.basename(file)
            where = f"{short}, line {line}" if file else error["where"]
            return "error", f"{file or error['where']}{LOAD_FAILED}{error['type']} ({where}): {error['message']}"
        if unit.startswith("import "):
            return "error", f"{unit[7:]}{LOAD_FAILED}{error['type']}{where}: {error['message']}"
        if error["type"] == "NotImplementedError":  # name the function to write, not the one the case called
            return "error", f"{error.get('function') or unit}{NOT_IMPLEMENTED}: it raises NotImplementedError{where}"
        return "error", f"{unit} raised {error['type']}{where}: {error['message']}"
    if outcome.status == "timeout":
        stopped = f"; it was stopped at {error['where']}" if error.get("where") else ""
        return "timeout", (f"{unit} {error['message']}{stopped}. "
                           "Look for a loop that never ends, or code far slower than it should be.")
    if outcome.status == "crashed":
        return "crashed", f"while running {unit}, {error['message']}"
    return "skipped", error["message"]


LOAD_FAILED = " could not be loaded: "
COMPILE_ERRORS = ("SyntaxError", "IndentationError", "TabError")
NOT_IMPLEMENTED = " is not implemented yet"


def load_failure(result):
    """(module or notebook, why) when `result` failed because its code could not be imported, else None."""
    if result.status == "error" and LOAD_FAILED in result.message:
        where, why = result.message.split(LOAD_FAILED, 1)
        return where, why
    return None


def not_implemented(result):
    """The function still to write when `result` failed because it raises
    NotImplementedError (it may be another than the case's own: a network
    case names the layer it reached), else None."""
    if result.status == "error" and f"{NOT_IMPLEMENTED}: " in result.message:
        return result.message.split(NOT_IMPLEMENTED, 1)[0]
    return None


def unscorable(cases, message):
    """Results for a submission that could not be opened at all: every case 0."""
    return [CaseResult(c.name, c.function, 0, c.points if c.graded else 0, "error", message, c.hint, c.hidden, c.graded,
                       c.part) for c in cases]
