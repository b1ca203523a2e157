"""What grading writes for people: grades.csv, feedback, Gradescope JSON (trusted side)."""
import csv
import json


def _points(value):
    return f"{value:g}"


def write_grades_csv(path, case_names, rows):
    """Columns: student, score, max_score, then one column per case."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "score", "max_score", *case_names])
        for student, score, max_score, cases in rows:
            writer.writerow([student, _points(score), _points(max_score),
                             *[_points(cases[c]) if c in cases else "" for c in case_names]])


def feedback_markdown(student, assignment, results):
    """Feedback a student can act on: every case, its points, what was wrong and where to look."""
    score, total = sum(r.score for r in results), sum(r.max_score for r in results)
    lines = [f"# {assignment}: feedback for {student}", "",
             f"**Score: {_points(score)} / {_points(total)}**", "",
             "| case | function | points | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.case} | `{r.function}` | {_points(r.score)} / {_points(r.max_score)} | {r.status} |"
              for r in results]
    failed = [r for r in results if not r.passed]
    if failed:
        lines += ["", "## What to fix", ""]
        for r in failed:
            lines += [f"### {r.case} (`{r.function}`, {_points(r.max_score)} point{'s' if r.max_score != 1 else ''})",
                      "", _escape(r.message)]
            if r.hint:
                lines += ["", f"Hint: {r.hint}"]
            lines.append("")
    else:
        lines += ["", "Every case passed. Well done!"]
    return "\n".join(lines).rstrip() + "\n"


def _escape(text):
    return text.replace("\n", " ").replace("|", "\\|")


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
