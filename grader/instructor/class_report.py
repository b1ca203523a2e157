"""The instructor's view of a class: score histogram and per-case pass rates.

Written after every grading run, from the gradebook's rows, as two PNG
figures and a self-contained HTML page (figures embedded) in OUT/report/.
The cases at the top of the table are the ones most students fail: the
places where the assignment, or its teaching, needs a second look.
"""
import base64
import html
import io
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def pass_rates(cases, rows):
    """[(case, function, fraction of students with full points on it)], hardest first."""
    rates = []
    for case in cases:
        got = [scores.get(case.name, 0) for _, _, _, scores in rows]
        passed = sum(score >= case.points for score in got)
        rates.append((case.name, case.function, passed / len(got) if got else 0.0))
    return sorted(rates, key=lambda rate: (rate[2], rate[0]))


def write(folder, assignment, cases, rows):
    os.makedirs(folder, exist_ok=True)
    total = sum(case.points for case in cases)
    rates = pass_rates(cases, rows)
    figures = {"scores.png": _histogram([score for _, score, _, _ in rows], total, assignment),
               "cases.png": _rates_chart(rates, assignment)}
    for name, png in figures.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(png)
    with open(os.path.join(folder, "index.html"), "w") as f:
        f.write(_page(assignment, rows, total, rates, figures))


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _histogram(scores, total, assignment):
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.hist(scores, bins=min(25, max(int(total), 1)), range=(0, total), color="#3b6ea8", edgecolor="white")
    axes.set(title=f"{assignment}: scores of {len(scores)} submissions", xlabel=f"score (out of {total:g})",
             ylabel="submissions")
    return _png(figure)


def _rates_chart(rates, assignment):
    figure, axes = plt.subplots(figsize=(7, 0.28 * len(rates) + 1.2))
    names = [name for name, _, _ in rates]
    axes.barh(names, [100 * rate for _, _, rate in rates], color="#3b6ea8")
    axes.invert_yaxis()
    axes.set(title=f"{assignment}: students passing each case", xlabel="% of submissions", xlim=(0, 100))
    return _png(figure)


def _page(assignment, rows, total, rates, figures):
    e = html.escape
    scores = sorted(score for _, score, _, _ in rows)
    median = scores[len(scores) // 2] if scores else 0
    images = "".join(f"<p><img alt='{e(name)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>"
                     for name, png in figures.items())
    table = "".join(f"<tr><td>{e(name)}</td><td><code>{e(function)}</code></td><td>{100 * rate:.0f}%</td></tr>"
                    for name, function, rate in rates)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(assignment)}: class report"
            "</title><style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}"
            "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
            "</style></head><body>"
            f"<h1>{e(assignment)}: class report</h1><p>{len(rows)} submissions; median score {median:g} of "
            f"{total:g}; full marks: {sum(s >= total for s in scores)}.</p>{images}"
            "<h2>Cases, hardest first</h2><table><tr><th>case</th><th>function</th><th>passing</th></tr>"
            f"{table}</table></body></html>\n")
