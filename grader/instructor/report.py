"""What grading writes for people: grades.csv, feedback, Gradescope JSON (trusted side)."""
import csv
import html
import json

from grader.public.results import format_points


def write_grades_csv(path, case_names, rows):
    """Columns: student, score, max_score, then one column per case."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", *case_names])
        for student, score, max_score, cases in rows:
            writer.writerow([_cell(student), format_points(score), format_points(max_score),
                             *[format_points(cases[c]) if c in cases else "" for c in case_names]])


def feedback_markdown(student, assignment, results):
    """Feedback a student can act on: every case, its points, what was wrong and where to look."""
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    lines = [f"# {assignment}: feedback for {_escape(student)}", "",
             f"**Score: {format_points(score)} / {format_points(total)}**", "",
             "| case | function | points | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.case} | `{r.function}` | {format_points(r.score)} / {format_points(r.max_score)} | {r.status} |"
              for r in results]
    failed = [r for r in results if not r.passed]
    if failed:
        lines += ["", "## What to fix", ""]
        for r in failed:
            lines += [f"### {r.case} (`{r.function}`, {format_points(r.max_score)} point{'s' if r.max_score != 1 else ''})",
                      "", _escape(r.message)]
            if r.hint:
                lines += ["", f"Hint: {r.hint}"]
            lines.append("")
    else:
        lines += ["", "Every case passed. Well done!"]
    return "\n".join(lines).rstrip() + "\n"


FEEDBACK_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.passed { color: #17713a; } .failed, .error, .timeout, .crashed, .skipped { color: #a61b1b; }
.case { margin: 1.2rem 0; padding: .6rem .9rem; border-left: 4px solid #a61b1b; background: #fbf4f4; }
.hint { color: #555; } code { background: #f2f2f2; padding: 0 .2rem; }
"""


def feedback_html(student, assignment, results):
    """The same feedback as `feedback_markdown`, as one self-contained HTML page."""
    e = html.escape
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    rows = "".join(f"<tr><td>{e(r.case)}</td><td><code>{e(r.function)}</code></td>"
                   f"<td>{format_points(r.score)} / {format_points(r.max_score)}</td>"
                   f"<td class='{e(r.status)}'>{e(r.status)}</td></tr>" for r in results)
    failed = "".join(f"<div class='case'><strong>{e(r.case)}</strong> (<code>{e(r.function)}</code>)"
                     f"<p>{e(r.message)}</p>" + (f"<p class='hint'>Hint: {e(r.hint)}</p>" if r.hint else "") + "</div>"
                     for r in results if not r.passed)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{e(assignment)}: feedback for {e(student)}</title><style>{FEEDBACK_STYLE}</style></head><body>"
            f"<h1>{e(assignment)}: feedback for {e(student)}</h1><p><strong>Score: {format_points(score)} / "
            f"{format_points(total)}</strong></p><table><tr><th>case</th><th>function</th><th>points</th><th>result</th>"
            f"</tr>{rows}</table>" + (f"<h2>What to fix</h2>{failed}" if failed else "<p>Every case passed. Well done!</p>")
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
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
