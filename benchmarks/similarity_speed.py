"""How fast `grader similarity` compares a class, on generated submissions.

    .venv/bin/python benchmarks/similarity_speed.py [--students 300] [--copies 10] [--seed 0]

Builds a class from assignment 1's reference (markers removed, as a student
hands it in).  Each student's answer to each answered function or cell is
the reference's, changed as independent work differs: in most answers one
mutant of the audit's operators (mutation.py), in half of them a statement
of the student's own (an unused number computed with random numpy calls),
its variables renamed and comments added in half; for about one function in
six, one of the suite's correct alternatives instead.  Then --copies
students hand in another student's work with every variable renamed and new
comments: the pairs a person should be shown (the students copied have three
statements of their own in each answer).  Prints the time of each step (reading, normalising and fingerprinting
every answer; comparing), the number of pairs reported at the default
threshold, and how many of the planted copies they include, per function.
"""
import argparse
import ast
import json
import os
import random
import re
import resource
import sys
import tempfile
import textwrap
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "examples")]
ASSIGNMENT = "assignment1"

from grader.instructor import similarity  # noqa: E402
from grader.instructor.mutation import mutants  # noqa: E402
from grader.instructor.regions import find_regions  # noqa: E402
from grader.public.suite import instructor_part  # noqa: E402
from make_submissions import complete_copy, replace_function  # noqa: E402

WORDS = ["acc", "tmp", "val", "res", "arr", "buf", "cur", "part", "item", "term", "mat", "vec", "out2", "q", "z"]


def region_variants(regions, texts):
    """{region: [answer lines]}: the reference's lines and those of each of its mutants."""
    variants = {}
    for region in regions:
        source = texts[(region.file, region.cell)].split("\n")
        options = [source[region.start - 1:region.end]]
        for m in mutants(region, texts[(region.file, region.cell)]):
            lines = m.source.split("\n")
            grown = len(lines) - len(source)
            options.append(lines[region.start - 1:region.end + grown])
        variants[region] = options
    return variants


CALLS = ["sum", "mean", "max", "min", "abs", "exp", "log", "sqrt", "square", "tanh"]


def idiosyncrasy(indent, rng):
    """A statement of a student's own making, harmless to the answer (it
    computes an unused number): what makes independent answers differ."""
    first, second = rng.choice(CALLS), rng.choice(CALLS)
    op = rng.choice(["+", "-", "*", "/"])
    return f"{indent}{rng.choice(WORDS)}_{rng.randrange(100)} = np.{first}(2.0) {op} np.{second}(3.0)"


def personal(lines, rng, extra):
    """`lines` with `extra` idiosyncratic statements at random places (at the
    indentation of the line they precede)."""
    lines = list(lines)
    for _ in range(extra):
        at = rng.randrange(len(lines))
        if lines[at].lstrip().startswith(("else", "elif", "except", "finally", ")", "]")) or not lines[at].strip():
            continue
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        tried = lines[:at] + [idiosyncrasy(indent, rng)] + lines[at:]
        try:
            ast.parse(textwrap.dedent("\n".join(tried)))
        except SyntaxError:   # inside a bracket, say: leave it out
            continue
        lines = tried
    return lines


def assigned_names(text):
    """The variables `text` (answer lines, indented) assigns or loops over."""
    try:
        tree = ast.parse(textwrap.dedent(text))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - {"self"}


def disguise(lines, rng):
    """Rename the variables `lines` assign and add comments: what a copier does."""
    text = "\n".join(lines)
    for name in assigned_names(text):
        text = re.sub(rf"(?<![\w.]){re.escape(name)}\b(?!\s*=[^=])", f"{rng.choice(WORDS)}_{rng.randrange(100)}",
                      text)
    out = []
    for line in text.split("\n"):
        out.append(line)
        if rng.random() < 0.3 and line.strip() and not line.rstrip().endswith((":", ",", "(", "[", "\\")):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# step {rng.randrange(1000)}: {rng.choice(WORDS)}")
    return out


def answer_lines(region, variants, rng, extra):
    """One student's own answer for `region`: the reference or one of its
    mutants, `extra` statements of their own, perhaps renamed."""
    options = variants[region]
    chosen = options[rng.randrange(len(options))] if rng.random() < 0.8 else options[0]
    chosen = personal(chosen, rng, extra)
    return disguise(chosen, rng) if rng.random() < 0.5 else chosen


def write_student(folder, regions, texts, answers):
    """The reference with each region's lines replaced by `answers[region]`, markers removed."""
    edited = {key: text.split("\n") for key, text in texts.items()}
    for region in sorted(regions, key=lambda r: -r.start):
        lines = edited[(region.file, region.cell)]
        lines[region.start - 2:region.end + 1] = answers[region]   # the markers go too
    for (file, cell), lines in edited.items():
        path = os.path.join(folder, file)
        if cell < 0:
            with open(path, "w") as f:
                f.write("\n".join(lines))
        else:
            with open(path) as f:
                notebook = json.load(f)
            notebook["cells"][cell]["source"] = "\n".join(lines)
            with open(path, "w") as f:
                json.dump(notebook, f)


def build_class(out, students, copies, rng):
    solution = os.path.join(REPO, "solutions", ASSIGNMENT)
    regions, texts = find_regions(solution)
    texts = {k: v for k, v in texts.items() if any((r.file, r.cell) == k for r in regions)}
    variants = region_variants(regions, texts)
    alternatives = list(instructor_part(ASSIGNMENT, "alternatives").ALTERNATIVES.values())
    chosen = {}
    for number in range(students):
        name = f"student{number:03d}"
        folder = complete_copy(solution, os.path.join(out, name))
        # The students copied wrote work of their own (three statements of theirs in each answer); the
        # others, one statement of their own in about half of their answers.
        chosen[name] = {r: answer_lines(r, variants, rng, 3 if number < copies else int(rng.random() < 0.5))
                        for r in regions}
        write_student(folder, regions, texts, chosen[name])
        for alternative in alternatives if number >= copies else ():   # a copier copies the work as it is
            if rng.random() < 1 / 6:
                replace_function(folder, alternative)
    planted = []
    for number in range(copies):
        source = f"student{number:03d}"
        name = f"copier{number:02d}"
        folder = complete_copy(solution, os.path.join(out, name))
        write_student(folder, regions, texts, {r: disguise(lines, rng) for r, lines in chosen[source].items()})
        planted.append((source, name))
    return sorted(os.path.join(out, n) for n in os.listdir(out)), planted


def cpu_seconds():
    """CPU time of this process and of its finished children (the reading pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--copies", type=int, default=10, help="students who hand in a disguised copy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as scratch:
        start = time.perf_counter()
        submissions, planted = build_class(scratch, args.students - args.copies, args.copies,
                                           random.Random(args.seed))
        print(f"generated {len(submissions)} submissions ({args.copies} of them disguised copies) in "
              f"{time.perf_counter() - start:.1f} s")
        cpu = cpu_seconds()
        start = time.perf_counter()
        answers, problems = similarity.collect(ASSIGNMENT, submissions, solutions_root=os.path.join(REPO, "solutions"))
        read = time.perf_counter() - start
        start = time.perf_counter()
        pairs, counts = similarity.compare(answers, threshold=0.8)
        compared = time.perf_counter() - start
        start = time.perf_counter()
        similarity.write_html(os.path.join(scratch, "similarity.html"), ASSIGNMENT, pairs, counts, 0.8, read + compared)
        similarity.write_csv(os.path.join(scratch, "similarity.csv"), pairs)
        written = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        candidates = sum(n * (n - 1) // 2 for n in counts.values())
        print(f"read, normalised and fingerprinted {len(answers)} answers ({len(counts)} functions and cells) "
              f"in {read:.1f} s; compared {candidates} pairs of answers in {compared:.1f} s; wrote the reports in "
              f"{written:.1f} s: total {read + compared + written:.1f} s wall clock, {cpu:.1f} s of CPU (this "
              f"process and its {os.cpu_count()} workers), on {os.cpu_count()} cores with a load average of "
              f"{os.getloadavg()[0]:.1f} ({len(problems)} unreadable)")
        found = {(p.a.owner, p.b.owner, p.unit) for p in pairs}
        recalled = sum((a, b, u) in found or (b, a, u) in found for a, b in planted for u in counts)
        planted_pairs = [(p.a.owner, p.b.owner) in planted or (p.b.owner, p.a.owner) in planted for p in pairs]
        print(f"{len(pairs)} pairs reported at 80%: {sum(planted_pairs)} of them planted copies, "
              f"{len(pairs) - sum(planted_pairs)} others; {recalled} of the {len(planted) * len(counts)} "
              f"(copy, function) pairs planted were reported")
        for unit in sorted(counts, key=lambda u: (u.file, u.name)):
            mine = [p for p in pairs if p.unit == unit]
            hits = sum((p.a.owner, p.b.owner) in planted or (p.b.owner, p.a.owner) in planted for p in mine)
            print(f"  {unit.name:48s} {counts[unit]:4d} answers  {len(mine):4d} pairs  {hits:3d} planted")


if __name__ == "__main__":
    main()
