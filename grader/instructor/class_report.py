"""The instructor's view of a class: score histogram and per-case pass rates.

Written after every grading run, from the gradebook's rows, as two SVG
figures and a self-contained HTML page (figures embedded) in OUT/report/.
The cases at the top of the table are the ones most students fail: the
places where the assignment, or its teaching, needs a second look.
"""
import html
import os

# Figures are drawn as SVG by hand: two bar charts do not need a plotting
# library, and importing and running one cost more than the rest of a
# run's fixed cost (about 1.5 s of 2.5 s).
BAR, INK, GRID = "#3b6ea8", "#222", "#ccc"


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
    figures = {"scores.svg": _histogram([score for _, score, _, _ in rows], total, assignment),
               "cases.svg": _rates_chart(rates, assignment)}
    for name, svg in figures.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(svg)
    with open(os.path.join(folder, "index.html"), "w") as f:
        f.write(_page(assignment, rows, total, rates, figures))


def _svg(width, height, title, body):
    e = html.escape
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' font-family='sans-serif' font-size='11'>"
            f"<title>{e(title)}</title><text x='{width / 2}' y='16' text-anchor='middle' font-size='13' "
            f"fill='{INK}'>{e(title)}</text>{body}</svg>")


def _histogram(scores, total, assignment, width=640, height=300):
    """Submissions per score bin (at most 25 bins over 0 .. total)."""
    bins = min(25, max(int(total), 1))
    counts = [0] * bins
    for score in scores:
        counts[min(int(bins * score / total), bins - 1) if total else 0] += 1
    left, top, plot_w, plot_h = 50, 30, width - 70, height - 75
    tallest = max(counts + [1])
    bar_w = plot_w / bins
    body = [f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' stroke='{INK}'/>"]
    for i, count in enumerate(counts):
        h = plot_h * count / tallest
        body.append(f"<rect x='{left + i * bar_w + 1:.1f}' y='{top + plot_h - h:.1f}' width='{bar_w - 2:.1f}' "
                    f"height='{h:.1f}' fill='{BAR}'><title>{count}</title></rect>")
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        x = left + fraction * plot_w
        body.append(f"<text x='{x:.1f}' y='{top + plot_h + 14}' text-anchor='middle'>{fraction * total:g}</text>")
    body.append(f"<text x='{left - 6}' y='{top + 4}' text-anchor='end'>{tallest}</text>"
                f"<text x='{left - 6}' y='{top + plot_h}' text-anchor='end'>0</text>"
                f"<text x='{left + plot_w / 2}' y='{height - 8}' text-anchor='middle'>score (out of {total:g})"
                "</text>")
    return _svg(width, height, f"{assignment}: scores of {len(scores)} submissions", "".join(body))


def _rates_chart(rates, assignment, width=640, row=16):
    """One bar per case: the share of submissions that passed it, hardest first."""
    e = html.escape
    left, top, plot_w = 290, 30, width - 330
    height = top + row * len(rates) + 30
    body = []
    for i, (name, _, rate) in enumerate(rates):
        y = top + i * row
        body.append(f"<text x='{left - 6}' y='{y + row - 4}' text-anchor='end'>{e(name)}</text>"
                    f"<rect x='{left}' y='{y + 2}' width='{plot_w * rate:.1f}' height='{row - 4}' fill='{BAR}'/>"
                    f"<text x='{left + plot_w * rate + 4:.1f}' y='{y + row - 4}'>{100 * rate:.0f}%</text>")
    body.append(f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + row * len(rates)}' stroke='{GRID}'/>")
    return _svg(width, height, f"{assignment}: students passing each case", "".join(body))


def _page(assignment, rows, total, rates, figures):
    e = html.escape
    scores = sorted(score for _, score, _, _ in rows)
    median = scores[len(scores) // 2] if scores else 0
    images = "".join(f"<figure>{svg}</figure>" for svg in figures.values())
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
