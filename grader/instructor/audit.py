"""`python -m grader audit`: how good is the hidden suite?  Mutation testing
of the reference solution's answers (instructors only).

Each mutant (`mutation.mutants`) is the reference solution with one change
in one answer region.  It is graded like a student's submission -- the same
jobs, reference outputs, fork server, sandbox and time limits as `grade`,
several at once -- but only with the cases that judge the function it
changes: a bug must cost its own function's points, so a mutant of
`affine_forward` that only a `TwoLayerNet` case notices has slipped past
`affine_forward`'s cases.  A mutant is killed when one of those cases does
not pass, timed out when one ran out of time and none failed otherwise,
and survived when all of them passed.

A survivor is either a gap in the suite (add a case) or equivalent to the
reference (the same outputs for every input: mark it in the suite folder's
`equivalent.py`, `EQUIVALENT = {id: reason}`, and it is neither graded nor
reported again).  One more kind of mutant is told apart there: a forward
pass that keeps a wrong cache (or none) returns the right output, and only
its backward pass, which runs through the student's own cache, can notice.
A case of the forward's own would charge that bug twice, so `PAIRED = {id:
(backward function, reason)}` has the audit grade it with the backward's
cases as well: it counts as killed only if they do kill it.
`audit_floor.json` in the suite folder records each function's kill rate;
`--check-floor` fails when one falls below it.
"""
import fnmatch
import html
import json
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from grader.instructor.grade import suite_hash
from grader.instructor.mutation import mutants
from grader.instructor.regions import find_regions
from grader.public.files import private_copy
from grader.public.runner import ForkServer
from grader.public.scoring import DEFAULT_SEED, build_jobs, reference_outputs, score_submission
from grader.public.suite import instructor_part, load_cases

SUITES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "suites")
FLOOR_FILE = "audit_floor.json"
GOAL = 0.95   # the kill rate every graded function should reach (the floor is what it must keep)


# ------------------------------------------------------ what judges what
def case_location(case):
    """(file, qualname) of what a case judges: its target's module and the
    function feedback names ("KNearestNeighbor.predict_labels",
    "k_fold_cross_validation (knn.ipynb)" -> "k_fold_cross_validation")."""
    location = case.target.split(":", 1)[0]
    file = location if location.endswith(".ipynb") else location.replace(".", "/") + ".py"
    return file, re.sub(r"\s*\(.*\)$", "", case.function)


def judging_cases(regions, cases):
    """{(file, unit): [case, ...]}: the cases that judge each answered unit.
    A case judges the units of its function in its target's file or, when
    that file has none (a class trained by another module's Solver), in any
    file; a class name judges each of its methods."""
    judged = {}
    for case in cases:
        file, name = case_location(case)
        owns = lambda r: r.qualname == name or r.qualname.startswith(name + ".")
        mine = [r for r in regions if r.file == file and owns(r)] or [r for r in regions if owns(r)]
        for region in mine:
            judged.setdefault((region.file, region.unit), [])
            if case not in judged[(region.file, region.unit)]:
                judged[(region.file, region.unit)].append(case)
    return judged


def equivalents(assignment):
    """{mutant id: reason} from the suite's equivalent.py (none without one)."""
    return dict(getattr(instructor_part(assignment, "equivalent"), "EQUIVALENT", {}))


def paired(assignment):
    """{mutant id: (partner function, reason)} from the suite's equivalent.py (none without one)."""
    return dict(getattr(instructor_part(assignment, "equivalent"), "PAIRED", {}))


def judges_of(mutation, judged, pairs):
    """The cases that grade a mutant: its function's, and its partner's where it is paired."""
    cases = list(judged[(mutation.file, mutation.unit)])
    if mutation.id in pairs:
        cases += [c for c in judged.get((mutation.file, pairs[mutation.id][0]), []) if c not in cases]
    return cases


def floor_path(assignment):
    return os.path.join(SUITES_DIR, assignment, FLOOR_FILE)


# ------------------------------------------------------------- the audit
def grade_mutant(server, base, mutation, cases, jobs, references, scratch):
    """{case name: status} of one mutant, graded in its own copy of `base`."""
    root = os.path.join(tempfile.mkdtemp(dir=scratch), "copy")
    shutil.copytree(base, root)
    try:
        path = os.path.join(root, mutation.file)
        if mutation.cell < 0:
            with open(path, "w", encoding="utf-8") as f:
                f.write(mutation.source)
        else:
            with open(path, encoding="utf-8") as f:
                notebook = json.load(f)
            notebook["cells"][mutation.cell]["source"] = mutation.source
            with open(path, "w", encoding="utf-8") as f:
                json.dump(notebook, f)
        results = score_submission(server, root, cases, {c.name: jobs[c.name] for c in cases if c.name in jobs},
                                   references)
        return {r.case: r.status for r in results}
    finally:
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)


def verdict(statuses):
    """"killed", "timeout" (only time-outs noticed it) or "survived"."""
    failed = {s for s in statuses.values() if s != "passed"}
    if not failed:
        return "survived"
    return "timeout" if failed == {"timeout"} else "killed"


def run_audit(assignment, solutions_root="solutions", cases=None, workers=None, seed=DEFAULT_SEED, time_scale=1.0,
              sandbox="auto", functions=None, progress=None):
    """Make and grade every mutant of `assignment`'s answers; return the
    report (a dict, see `write_reports`).  `cases`: the suite to audit
    (default: what grading runs); `functions`: shell-style patterns of the
    units to audit (default all)."""
    started = time.monotonic()
    solution_dir = os.path.join(solutions_root, assignment)
    cases = load_cases(assignment, hidden=True) if cases is None else list(cases)
    regions, texts = find_regions(solution_dir)
    every = judging_cases(regions, cases)
    judged = every if not functions else \
        {k: v for k, v in every.items() if any(fnmatch.fnmatchcase(k[1], p) for p in functions)}
    marked, pairs = equivalents(assignment), paired(assignment)
    outcomes = {}
    with ForkServer.for_assignment(assignment, sandbox) as server, \
            tempfile.TemporaryDirectory(prefix="grader-audit-") as scratch:
        jobs = build_jobs(cases, seed, time_scale, solution_dir)   # lent files are the reference's
        references = reference_outputs(server, solution_dir, cases, jobs)
        base = private_copy(solution_dir, os.path.join(scratch, "reference"))
        # A case that does not pass on the reference itself (a suite's bug, or
        # skipped here for a missing package) would "kill" every mutant: leave
        # it out, and say so; a function left with no case is not audited here.
        graded = list({c.name: c for cs in every.values() for c in cs}.values())
        own = score_submission(server, base, graded, {c.name: jobs[c.name] for c in graded if c.name in jobs},
                               references)
        unsound = {r.case: r.status for r in own if r.status != "passed"}
        every = {k: [c for c in cs if c.name not in unsound] for k, cs in every.items()}
        not_audited = {f"{k[0]}:{k[1]}": sorted(c.name for c in judged[k]) for k in judged if not every[k]}
        judged = {k: every[k] for k in judged if every[k]}
        made = [m for r in regions if (r.file, r.unit) in judged for m in mutants(r, texts[(r.file, r.cell)])]
        to_grade = [m for m in made if m.id not in marked]
        with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1)) as pool:
            futures = {pool.submit(grade_mutant, server, base, m, judges_of(m, every, pairs), jobs, references,
                                   scratch): m for m in to_grade}
            for done, future in enumerate(as_completed(futures), 1):
                outcomes[futures[future].id] = future.result()
                if progress:
                    progress(done, len(to_grade))
        sandbox_mode = server.sandbox
    report = build_report(assignment, regions, judged, made, marked, outcomes, pairs, not_audited)
    report["unsound_cases"] = unsound
    report.update(seconds=round(time.monotonic() - started, 1), workers=workers or os.cpu_count() or 1,
                  sandbox=sandbox_mode, seed=seed, suite_hash=suite_hash(cases, jobs, references))
    return report


def build_report(assignment, regions, judged, made, marked, outcomes, pairs=None, not_audited=None):
    """The audit's findings as plain data (what audit.json holds)."""
    pairs, not_audited = pairs or {}, not_audited or {}
    units, kills = {}, {c.name: [] for cs in judged.values() for c in cs}
    for (file, unit), cases in judged.items():
        units[f"{file}:{unit}"] = {"file": file, "function": unit, "cases": [c.name for c in cases], "made": 0,
                                   "equivalent": 0, "killed": 0, "timed_out": 0, "survived": 0, "survivors": []}
    rows = []
    for m in made:
        entry = units[f"{m.file}:{m.unit}"]
        entry["made"] += 1
        if m.id in marked:
            entry["equivalent"] += 1
            rows.append({"id": m.id, "function": m.unit, "operator": m.operator, "status": "equivalent",
                         "reason": marked[m.id]})
            continue
        statuses = outcomes[m.id]
        status = verdict(statuses)
        entry[{"killed": "killed", "timeout": "timed_out", "survived": "survived"}[status]] += 1
        killed_by = sorted(name for name, s in statuses.items() if s != "passed")
        for name in killed_by:
            kills.setdefault(name, []).append(m.id)
        row = {"id": m.id, "function": m.unit, "file": m.file, "operator": m.operator, "line": m.line,
               "status": status, "killed_by": killed_by, "diff": m.diff}
        if m.id in pairs:
            row.update(paired_with=pairs[m.id][0], reason=pairs[m.id][1])
        rows.append(row)
        if status == "survived":
            entry["survivors"].append({"id": m.id, "operator": m.operator, "line": m.line, "diff": m.diff})
    for entry in units.values():
        scored = entry["made"] - entry["equivalent"]
        entry["kill_rate"] = round((entry["killed"] + entry["timed_out"]) / scored, 4) if scored else None
    generated = {m.id for m in made}
    return {"assignment": assignment, "functions": units,
            "cases": {name: {"kills": len(ids), "mutants": ids} for name, ids in sorted(kills.items())},
            "idle_cases": sorted(name for name, ids in kills.items() if not ids),
            "ungraded_regions": sorted({f"{r.where}: {r.unit}" for r in regions if (r.file, r.unit) not in judged
                                        and f"{r.file}:{r.unit}" not in not_audited}),
            "not_audited": not_audited,
            "stale_equivalents": sorted((set(marked) | set(pairs)) - generated) if len(judged) else [],
            "paired": [row for row in rows if "paired_with" in row],
            "mutants": rows}


# ------------------------------------------------------------- the floor
def below_floor(report, floor):
    """Why `report` falls short of `floor` ({"file:function": rate}): one line per function, [] if it does not."""
    problems = []
    for key, minimum in sorted(floor.items()):
        entry = report["functions"].get(key)
        if entry is None and key in report.get("not_audited", {}):
            problems.append(f"{key}: not audited here, since none of its cases passes on the reference here "
                            f"(skipped for a missing package?): {', '.join(report['not_audited'][key])}")
        elif entry is None:
            problems.append(f"{key}: recorded in the floor but not audited (renamed, or no longer answered?)")
        elif entry["kill_rate"] is not None and entry["kill_rate"] < minimum:
            problems.append(f"{key}: kills {entry['kill_rate']:.1%} of its mutants, below its floor of {minimum:.1%} "
                            f"({entry['survived']} survivors: see the audit report)")
    return problems


def record_floor(report, path):
    """Write each audited function's kill rate (rounded down to 0.1%) as its floor."""
    floor = {key: int(entry["kill_rate"] * 1000) / 1000 for key, entry in sorted(report["functions"].items())
             if entry["kill_rate"] is not None}
    with open(path, "w") as f:
        json.dump(floor, f, indent=1, sort_keys=True)
        f.write("\n")
    return floor


# ----------------------------------------------------------------- reports
def summary_rows(report):
    for key, e in sorted(report["functions"].items(), key=lambda kv: (kv[1]["file"], kv[1]["function"])):
        rate = "n/a" if e["kill_rate"] is None else f"{e['kill_rate']:.1%}"
        yield e, rate


def markdown(report):
    lines = [f"# Mutation audit of {report['assignment']}'s hidden suite", "",
             f"{len(report['mutants'])} mutants of the reference's answer regions, each graded by the cases of the "
             f"function it changes, in {report['seconds']} s on {report['workers']} workers.", "",
             "| function | cases | made | equivalent | killed | timed out | survived | kill rate |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for e, rate in summary_rows(report):
        lines.append(f"| `{e['function']}` ({e['file']}) | {len(e['cases'])} | {e['made']} | {e['equivalent']} | "
                     f"{e['killed']} | {e['timed_out']} | {e['survived']} | {rate} |")
    lines += ["", "## Survivors", "",
              "Each is a gap (add a case that tells it from the reference) or equivalent to the reference (add "
              "its id to the suite's `equivalent.py` with a one-line reason).", ""]
    survivors = [(e, s) for e, _ in summary_rows(report) for s in e["survivors"]]
    if not survivors:
        lines.append("None.")
    for e, s in survivors:
        lines += [f"### `{e['function']}`: {s['operator']}, line {s['line']} (id `{s['id']}`)", "", "```diff",
                  s["diff"], "```", ""]
    if report.get("unsound_cases"):
        lines += ["", "## Cases left out: they do not pass on the reference itself", ""]
        lines += [f"- `{name}`: {status}" for name, status in sorted(report["unsound_cases"].items())]
    if report.get("not_audited"):
        lines += ["", "## Not audited here: none of their cases passes on the reference", ""]
        lines += [f"- `{key}`: {', '.join(names)}" for key, names in sorted(report["not_audited"].items())]
    if report.get("paired"):
        lines += ["", "## Graded with their partner's cases too", "",
                  "A forward pass whose cache is wrong returns the right output; only its backward pass, which "
                  "runs through the student's own cache, can notice (the suite's `equivalent.py`, `PAIRED`).", "",
                  "| function | mutant | partner | status | why |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{row['function']}` | `{row['id']}` ({row['operator']}, line {row['line']}) | "
                  f"`{row['paired_with']}` | {row['status']} | {row['reason']} |" for row in report["paired"]]
    lines += ["", "## Cases that kill nothing", ""]
    lines += [f"- `{name}`" for name in report["idle_cases"]] or ["None."]
    lines += ["", "## Which case killed which mutants", "", "| case | mutants killed |", "| --- | ---: |"]
    lines += [f"| `{name}` | {c['kills']} |" for name, c in report["cases"].items()]
    if report["ungraded_regions"]:
        lines += ["", "## Answer regions no case judges (not mutated)", ""]
        lines += [f"- {r}" for r in report["ungraded_regions"]]
    if report["stale_equivalents"]:
        lines += ["", "## Marked equivalent, but no longer made (remove them from equivalent.py)", ""]
        lines += [f"- `{i}`" for i in report["stale_equivalents"]]
    return "\n".join(lines) + "\n"


STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}tr.low td{background:#fde8e8}pre{background:#f6f6f6;padding:.6em;
overflow-x:auto}.add{color:#0a6b0a}.del{color:#a31515}details{margin:.4em 0}code{font-size:95%}"""


def _diff_html(diff):
    out = []
    for line in diff.split("\n"):
        kind = "add" if line.startswith("+") and not line.startswith("+++") else \
            "del" if line.startswith("-") and not line.startswith("---") else ""
        out.append(f'<span class="{kind}">{html.escape(line)}</span>' if kind else html.escape(line))
    return "<pre>" + "\n".join(out) + "</pre>"


def html_page(report, goal=GOAL):
    e = html.escape
    rows = []
    for entry, rate in summary_rows(report):
        low = entry["kill_rate"] is not None and entry["kill_rate"] < goal
        rows.append(f'<tr class="{"low" if low else ""}"><td><code>{e(entry["function"])}</code> '
                    f'({e(entry["file"])})</td><td>{len(entry["cases"])}</td><td>{entry["made"]}</td>'
                    f'<td>{entry["equivalent"]}</td><td>{entry["killed"]}</td><td>{entry["timed_out"]}</td>'
                    f'<td>{entry["survived"]}</td><td>{rate}</td></tr>')
    survivors = "".join(
        f"<details><summary><code>{e(entry['function'])}</code>: {e(s['operator'])}, line {s['line']} "
        f"(id <code>{e(s['id'])}</code>)</summary>{_diff_html(s['diff'])}</details>"
        for entry, _ in summary_rows(report) for s in entry["survivors"]) or "<p>None.</p>"
    named = {m["id"]: f"{m['function']}: {m['operator']}, line {m.get('line', '?')}" for m in report["mutants"]}
    cases = "".join(f"<tr><td><code>{e(n)}</code></td><td>{c['kills']}</td><td><details><summary>which</summary>"
                    f"{'<br>'.join(e(named[i]) + f' (<code>{e(i)}</code>)' for i in c['mutants'])}</details></td></tr>"
                    for n, c in report["cases"].items())
    idle = "".join(f"<li><code>{e(n)}</code></li>" for n in report["idle_cases"]) or "<li>None.</li>"
    paired_rows = "".join(f"<tr><td><code>{e(r['function'])}</code></td><td><code>{e(r['id'])}</code> "
                          f"({e(r['operator'])}, line {r['line']})</td><td><code>{e(r['paired_with'])}</code></td>"
                          f"<td>{e(r['status'])}</td><td>{e(r['reason'])}</td></tr>" for r in report.get("paired", ()))
    paired_html = (f"<h2>Graded with their partner's cases too</h2><p>A forward pass whose cache is wrong returns "
                   f"the right output; only its backward pass, which runs through the student's own cache, can "
                   f"notice (<code>PAIRED</code> in the suite's <code>equivalent.py</code>).</p><table><tr>"
                   f"<th>function</th><th>mutant</th><th>partner</th><th>status</th><th>why</th></tr>"
                   f"{paired_rows}</table>") if paired_rows else ""
    ungraded = "".join(f"<li>{e(r)}</li>" for r in report["ungraded_regions"]) or "<li>None.</li>"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Mutation audit: {e(report['assignment'])}"
            f"</title><style>{STYLE}</style></head><body><h1>Mutation audit of {e(report['assignment'])}'s hidden "
            f"suite</h1><p>{len(report['mutants'])} mutants of the reference's answer regions, each graded by the "
            f"cases of the function it changes, in {report['seconds']} s on {report['workers']} workers. Rows "
            f"below {goal:.0%} are shaded.</p><table><tr><th>function</th><th>cases</th><th>made</th>"
            f"<th>equivalent</th><th>killed</th><th>timed out</th><th>survived</th><th>kill rate</th></tr>"
            f"{''.join(rows)}</table><h2>Survivors</h2><p>Each is a gap (add a case) or equivalent to the "
            f"reference (mark its id in the suite's <code>equivalent.py</code>).</p>{survivors}{paired_html}"
            f"<h2>Cases that kill nothing</h2><ul>{idle}</ul><h2>Which case killed which mutants</h2>"
            f"<table><tr><th>case</th><th>mutants killed</th><th>mutants</th></tr>{cases}</table>"
            f"<h2>Answer regions no case judges (not mutated)</h2><ul>{ungraded}</ul></body></html>\n")


def write_reports(report, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "audit.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out_dir, "audit.md"), "w") as f:
        f.write(markdown(report))
    with open(os.path.join(out_dir, "audit.html"), "w") as f:
        f.write(html_page(report))


# ----------------------------------------------------------------- command
def run(assignment, out_dir, solutions_root="solutions", workers=None, seed=None, time_scale=1.0, sandbox="auto",
        functions=None, check_floor=False, update_floor=False, progress=True):
    from tqdm import tqdm
    bar = tqdm(unit="mutant", disable=not progress)

    def tick(done, total):
        bar.total = total
        bar.update(1)
    report = run_audit(assignment, solutions_root, workers=workers, seed=DEFAULT_SEED if seed is None else seed,
                       time_scale=time_scale, sandbox=sandbox, functions=functions, progress=tick)
    bar.close()
    write_reports(report, out_dir)
    print(markdown(report).split("\n## Survivors")[0])
    print(f"Written to {out_dir}/: audit.md, audit.html, audit.json")
    if report["unsound_cases"]:
        print(f"Left out {len(report['unsound_cases'])} cases that do not pass on the reference itself: "
              f"{', '.join(sorted(report['unsound_cases']))} (see audit.md).")
    path = floor_path(assignment)
    if update_floor:
        record_floor(report, path)
        print(f"Recorded each function's kill rate as its floor in {path}")
    short = [f"{e['function']} ({e['kill_rate']:.1%})" for e in report["functions"].values()
             if e["kill_rate"] is not None and e["kill_rate"] < GOAL]
    if short:
        print(f"Below the goal of {GOAL:.0%}: {', '.join(short)}: see the survivors in audit.md.")
    if check_floor:
        if not os.path.exists(path):
            print(f"No floor recorded for {assignment} ({path}): run with --update-floor first.")
            return 1
        with open(path) as f:
            floor = json.load(f)
        if functions:
            floor = {k: v for k, v in floor.items() if k in report["functions"]}
        problems = below_floor(report, floor)
        for problem in problems:
            print(f"BELOW FLOOR: {problem}")
        return 1 if problems else 0
    return 0
