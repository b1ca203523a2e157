"""What grading writes for people: grades.csv, feedback, Gradescope JSON (trusted side)."""
import contextlib
import csv
import html
import json
import os
import tempfile
from dataclasses import dataclass, field

from grader.public.results import format_points
from grader.public.scoring import not_implemented


def write_grades_csv(path, case_names, rows):
    """Columns: student, score, max_score, then one column per case."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", *case_names])
        for student, score, max_score, cases in rows:
            writer.writerow([_cell(student), format_points(score), format_points(max_score),
                             *[format_points(cases[c]) if c in cases else "" for c in case_names]])


HAND_GRADED = "The inline questions are graded by hand and are not in this total."


@dataclass
class Part:
    """One part of the assignment in feedback: its subtotal, its rows (a case,
    or one line for every case of a function not implemented yet), and its
    failures to explain."""
    name: str
    score: float = 0
    total: float = 0
    rows: list = field(default_factory=list)       # (case, function, score, max_score, status)
    failures: list = field(default_factory=list)   # CaseResults


def parts(results):
    """The results grouped by part, in the order parts first appear."""
    grouped = {}
    for r in results:
        part = grouped.setdefault(r.part or "other", Part(r.part or "other"))
        part.score += r.score
        part.total += r.max_score
        missing = not_implemented(r)
        if missing:
            row = next((row for row in part.rows if row[4] == "not implemented yet" and row[1] == missing), None)
            if row is None:
                part.rows.append(["1 case", missing, r.score, r.max_score, "not implemented yet"])
            else:
                count = int(row[0].split()[0]) + 1
                row[0], row[3] = f"{count} cases", row[3] + r.max_score
            continue
        part.rows.append([r.case, r.function, r.score, r.max_score, r.status])
        if not r.passed:
            part.failures.append(r)
    return list(grouped.values())


def _title(student, assignment):
    return f"{assignment}: feedback for {student}" if student != assignment else f"{assignment}: your feedback"


def feedback_markdown(student, assignment, results, notices=()):
    """Feedback a student can act on: the score, a subtotal per part, then
    each part's cases, what was wrong and where to look.  A function not
    implemented yet takes one line, however many cases wait for it.
    `notices`: what else the grader has to say (trusted text)."""
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    grouped = parts(results)
    lines = [f"# {_escape(_title(student, assignment))}", "",
             f"**Score: {format_points(score)} / {format_points(total)}**", "", HAND_GRADED, "",
             *[line for n in notices for line in (f"Note: {_escape(n)}", "")],
             "| part | points |", "| --- | --- |"]
    lines += [f"| {_escape(p.name)} | {format_points(p.score)} / {format_points(p.total)} |" for p in grouped]
    for p in grouped:
        lines += ["", f"## {_escape(p.name)}: {format_points(p.score)} / {format_points(p.total)}", "",
                  "| case | function | points | result |", "| --- | --- | --- | --- |"]
        lines += [f"| {case} | `{function}` | {format_points(got)} / {format_points(most)} | {status} |"
                  for case, function, got, most, status in p.rows]
        for r in p.failures:
            lines += ["", f"### {r.case} (`{r.function}`, {format_points(r.max_score)} "
                          f"point{'s' if r.max_score != 1 else ''})", "", _escape(r.message)]
            if r.hint:
                lines += ["", f"Hint: {r.hint}"]
    if all(r.passed for r in results):
        lines += ["", "Every case passed. Well done!"]
    return "\n".join(lines).rstrip() + "\n"


FEEDBACK_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.passed { color: #17713a; } .failed, .error, .timeout, .crashed, .skipped, .not { color: #a61b1b; }
.case { margin: 1.2rem 0; padding: .6rem .9rem; border-left: 4px solid #a61b1b; background: #fbf4f4; }
.hint { color: #555; } code { background: #f2f2f2; padding: 0 .2rem; }
"""


def feedback_html(student, assignment, results, notices=()):
    """The same feedback as `feedback_markdown`, as one self-contained HTML page."""
    e = html.escape
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    grouped = parts(results)
    summary = "".join(f"<tr><td>{e(p.name)}</td><td>{format_points(p.score)} / {format_points(p.total)}</td></tr>"
                      for p in grouped)
    body = ""
    for p in grouped:
        rows = "".join(f"<tr><td>{e(case)}</td><td><code>{e(function)}</code></td>"
                       f"<td>{format_points(got)} / {format_points(most)}</td>"
                       f"<td class='{e(status.split()[0])}'>{e(status)}</td></tr>"
                       for case, function, got, most, status in p.rows)
        failed = "".join(f"<div class='case'><strong>{e(r.case)}</strong> (<code>{e(r.function)}</code>)"
                         f"<p>{e(r.message)}</p>" + (f"<p class='hint'>Hint: {e(r.hint)}</p>" if r.hint else "")
                         + "</div>" for r in p.failures)
        body += (f"<h2>{e(p.name)}: {format_points(p.score)} / {format_points(p.total)}</h2><table><tr><th>case</th>"
                 f"<th>function</th><th>points</th><th>result</th></tr>{rows}</table>{failed}")
    title = e(_title(student, assignment))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{FEEDBACK_STYLE}</style></head><body>"
            f"<h1>{title}</h1><p><strong>Score: {format_points(score)} / {format_points(total)}</strong></p>"
            f"<p>{e(HAND_GRADED)}</p>" + "".join(f"<p class='note'>Note: {e(n)}</p>" for n in notices)
            + f"<table><tr><th>part</th><th>points</th></tr>{summary}</table>{body}"
            + ("<p>Every case passed. Well done!</p>" if all(r.passed for r in results) else "")
            + "</body></html>\n")


MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+!|~"


def _escape(text):
    """Student-controlled text as plain text in markdown: one line, and every
    character that could start markup (a link, an image, HTML, emphasis, a
    table cell) escaped with a backslash."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in text.replace("\n", " "))


def _cell(text):
    """A CSV cell that a spreadsheet shows as text: a leading = + - @ (or tab,
    carriage return) would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradescope_results(results, seconds, note=""):
    """Gradescope's results.json: total score, one entry per test, run time."""
    tests = []
    for r in results:
        output = "Passed." if r.passed else r.message + (f"\nHint: {r.hint}" if r.hint else "")
        tests.append({"name": f"{r.case} ({r.function})", "score": r.score, "max_score": r.max_score,
                      "status": "passed" if r.passed else "failed", "output": output, "visibility": "visible"})
    results_json = {"score": sum(r.score for r in results), "execution_time": round(seconds, 3), "tests": tests}
    if note:
        results_json["output"] = note
    return results_json


def write_json(path, data):
    write_text(path, json.dumps(data, indent=2) + "\n")


def write_text(path, text):
    """Write `text` to `path` atomically: into a file beside it, then renamed
    over it, so a reader sees the old file or the new one, never a part."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".part")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
