"""`python -m grader similarity`: answers across a class that look alike
(instructors only).

Similarity is evidence for a person to weigh, never a verdict: two students
can reach the same short answer on their own, and this command never
changes a score.

What is compared is only what each student wrote: for every function (or
notebook cell) that holds an answer region in solutions/, the student's
statements that are not the released starter code's.  Both are read with
`ast` and normalised -- every variable and argument name becomes V, every
number 0 and every string 'S', docstrings, comments and layout vanish --
and matched statement by statement (difflib), so that the starter code and
the instructions never count, whatever a student did around them.

Normalised answers are fingerprinted by winnowing (copydetect's `winnow`,
as MOSS does: of every window of WINDOW k-grams of K characters, the
smallest hash).  A fingerprint found in more than COMMON of the class's
answers to a function is what anyone writes (MOSS's -m): it is no evidence.
What an answer's other fingerprints cover is its distinctive material; a
pair's similarity is the smaller of the two shares of each answer's
distinctive material that the other answer has too, reported when they
have at least MIN_SHARED such characters in common.  So neither a one-line
answer everyone writes alike nor a short answer inside a long one is
reported, and a copy that also copies what everyone writes still is.
"""
import ast
import copy
import csv
import difflib
import html
import itertools
import json
import os
import re
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from grader.instructor.regions import find_regions, python_view, sources
from grader.public.files import SubmissionError, prepare, student_id

K = 25           # characters per k-gram (copydetect's noise threshold)
WINDOW = 6       # winnowing window: any match of K + WINDOW - 1 characters is found
COMMON = 10      # a fingerprint in more of a class's answers than this is what anyone writes (MOSS's -m)
MIN_SHARED = 50  # fewer distinctive characters in common than this is no evidence (two k-grams' worth)
NOTICE = ("Similarity is evidence for a person to weigh, never a verdict: two students can reach the same answer "
          "on their own. It is computed on the answer regions only, never changes a score, and is not shown to "
          "students.")


# --------------------------------------------------------- normalising
class _Normalise(ast.NodeTransformer):
    """Names, arguments and literals to placeholders; docstrings removed."""

    def visit_Name(self, node):
        return ast.copy_location(ast.Name("V", node.ctx), node)

    def visit_arg(self, node):
        node.arg, node.annotation = "V", None
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant("S"), node)
        if isinstance(node.value, (int, float, complex)) and not isinstance(node.value, bool):
            return ast.copy_location(ast.Constant(0), node)
        return node

    def visit_FunctionDef(self, node):
        node.name = "F"
        return self.generic_visit(node)


BLOCKS = ("body", "orelse", "handlers", "finalbody")


def _statements(body, lines):
    """[(normalised text, first line, last line)] of `body`, flattened: a
    compound statement gives its header, then its blocks' statements."""
    out = []
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue   # a docstring or a bare string: prose, not code
        blocks = {name: getattr(stmt, name) for name in BLOCKS if isinstance(getattr(stmt, name, None), list)}
        if blocks:
            header = copy.copy(stmt)
            for name in blocks:
                setattr(header, name, [])
            first_inner = min((s.lineno for b in blocks.values() for s in b if hasattr(s, "lineno")),
                              default=stmt.end_lineno + 1)
            out.append((_text(header), stmt.lineno, max(stmt.lineno, first_inner - 1)))
            for name, block in blocks.items():
                if name == "handlers":
                    for handler in block:
                        head = ast.ExceptHandler(handler.type, handler.name, [])  # its header alone
                        out.append((_text(head), handler.lineno, handler.lineno))
                        out += _statements(handler.body, lines)
                else:
                    out += _statements(block, lines)
        else:
            out.append((_text(stmt), stmt.lineno, stmt.end_lineno))
    return out


def _text(node):
    """A statement (or a compound statement's header, its blocks emptied)
    normalised, without spaces.  It normalises the tree in place: each
    statement's text is taken once, and no copy is worth its time."""
    return re.sub(r"\s+", "", ast.unparse(_Normalise().visit(node)))


# ------------------------------------------------------------- answers
@dataclass(frozen=True)
class Unit:
    """Something a student answers: a function (`qualname` in `file`) or a
    top-level notebook cell (`cell_id`)."""
    file: str
    qualname: str
    cell_id: str = ""

    @property
    def name(self):
        return self.qualname or f"cell {self.cell_id}"


def units_of(solution_dir):
    regions, _ = find_regions(solution_dir)
    return sorted({Unit(r.file, r.qualname, "" if r.qualname else r.cell_id) for r in regions},
                  key=lambda u: (u.file, u.name))


def _find_def(tree, qualname):
    scope = tree
    for part in qualname.split("."):
        found = [n for n in getattr(scope, "body", []) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                          ast.ClassDef)) and n.name == part]
        if not found:
            return None
        scope = found[-1]   # the last definition is the one Python keeps
    return scope


class Parsed:
    """A submission's files ({path: text}), each module and notebook cell
    parsed once, and only if it may hold what is looked for."""

    def __init__(self, files):
        self.files, self.cells, self.trees = files, {}, {}

    def _cells(self, file):
        """[(source, grade_id)] of a module, or of a notebook's code cells."""
        if file not in self.cells:
            found = []
            if file in self.files and file.endswith(".py"):
                found.append((self.files[file], ""))
            elif file in self.files:
                try:
                    cells = json.loads(self.files[file]).get("cells", [])
                except (ValueError, AttributeError):
                    cells = []
                for cell in cells if isinstance(cells, list) else []:
                    if isinstance(cell, dict) and cell.get("cell_type") == "code":
                        source = cell.get("source", "")
                        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")
                        found.append(("".join(source) if isinstance(source, list) else str(source), grade_id))
            self.cells[file] = found
        return self.cells[file]

    def sources(self, unit):
        """[(source, tree)] of the module or cells where `unit` may be: a cell
        with its grade_id, or a module or cell that defines its name."""
        name = unit.qualname.split(".")[-1]
        parsed = []
        for index, (source, grade_id) in enumerate(self._cells(unit.file)):
            if (unit.qualname and f"def {name}" not in source) or (not unit.qualname and grade_id != unit.cell_id):
                continue
            key = (unit.file, index)
            if key not in self.trees:
                try:
                    self.trees[key] = ast.parse(python_view(source))
                except (SyntaxError, ValueError, RecursionError):
                    self.trees[key] = None
            if self.trees[key] is not None:
                parsed.append((source, self.trees[key]))
        return parsed


def statements_of(parsed, unit):
    """(source lines, statements) of `unit` in a `Parsed` submission, or None
    when it is not there (the last definition wins, as in Python)."""
    candidates = []
    for source, tree in parsed.sources(unit):
        if unit.qualname:
            node = _find_def(tree, unit.qualname)
            if node is not None:
                candidates.append((source, node.body))
        else:
            candidates.append((source, tree.body))
    if not candidates:
        return None
    source, body = candidates[-1]
    lines = source.split("\n")
    return lines, _statements(body, lines)


@dataclass
class Answer:
    owner: str                 # student id, or "known:<name>" for a known source
    unit: Unit
    lines: list                # the source lines of the unit, as written
    statements: list           # [(normalised text, first line, last line)] of the student's own statements
    doc: str = ""              # the statements' texts joined
    owners: np.ndarray = None  # for each character of doc, the index of its statement
    hashes: set = field(default_factory=set)
    where: dict = field(default_factory=dict)

    @property
    def known(self):
        return self.owner.startswith("known:")


def own_statements(statements, starter):
    """The statements of `statements` that are not the starter code's
    (`starter`: the released unit's statements), matched in order."""
    if not starter:
        return list(statements)
    matcher = difflib.SequenceMatcher(None, [s[0] for s in starter], [s[0] for s in statements], autojunk=False)
    kept = set(range(len(statements)))
    for block in matcher.get_matching_blocks():
        kept -= set(range(block.b, block.b + block.size))
    return [statements[i] for i in sorted(kept)]


def answers_of(owner, files, units, starters):
    """The Answers of one submission ({path: text}), one per unit it answers."""
    found, parsed = [], Parsed(files)
    for unit in units:
        read = statements_of(parsed, unit)
        if read is None:
            continue
        lines, statements = read
        mine = own_statements(statements, starters.get(unit, []))
        if mine:
            found.append(Answer(owner, unit, lines, mine))
    return found


def read_submission(path, scratch):
    """{relative path: text} of a submission's .py and .ipynb files (a folder or zip)."""
    root = prepare(path, tempfile.mkdtemp(dir=scratch))
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            full = os.path.join(folder, name)
            with open(full, encoding="utf-8", errors="replace") as f:
                files[os.path.relpath(full, root).replace(os.sep, "/")] = f.read()
    return files


def starter_files(solution_dir):
    """{path: text} of the starter code: solutions/ with every answer region
    (and its markers) replaced by a stub, as `release` does, but without
    nbgrader (a stub's text normalises the same whatever its message)."""
    regions, texts = find_regions(solution_dir)
    by_source = defaultdict(list)
    for region in regions:
        by_source[(region.file, region.cell)].append(region)
    stubbed = {}
    for key, text in texts.items():
        lines = text.split("\n")
        for region in sorted(by_source.get(key, []), key=lambda r: -r.start):
            indent = re.match(r"\s*", lines[region.start - 2]).group(0)
            lines[region.start - 2:region.end + 1] = [f'{indent}raise NotImplementedError("")']
        stubbed[key] = "\n".join(lines)
    files, cells = {}, defaultdict(list)
    _, ids = sources(solution_dir)
    for (file, cell), text in sorted(stubbed.items()):
        if cell < 0:
            files[file] = text
        else:
            cells[file].append({"cell_type": "code", "source": text,
                                "metadata": {"nbgrader": {"grade_id": ids.get((file, cell), "")}}})
    files.update({file: json.dumps({"cells": found}) for file, found in cells.items()})
    return files


def starter_statements(solution_dir, units):
    """{unit: statements} of the starter code (see `starter_files`)."""
    released = Parsed(starter_files(solution_dir))
    starters = {}
    for unit in units:
        read = statements_of(released, unit)
        starters[unit] = read[1] if read else []
    return starters


# --------------------------------------------------------- fingerprints
def fingerprint(answer):
    """Winnow the answer's normalised text (copydetect's `winnow`) over
    k-gram hashes of our own: crc32, the same in every process and run
    (copydetect hashes with Python's hash(), which changes from run to run)."""
    from copydetect.utils import winnow
    answer.doc = "".join(text for text, _, _ in answer.statements)
    answer.owners = np.repeat(np.arange(len(answer.statements)), [len(t) for t, _, _ in answer.statements])
    if len(answer.doc) >= K:
        kgrams = np.array([zlib.crc32(answer.doc[i:i + K].encode()) for i in range(len(answer.doc) - K + 1)],
                          dtype=np.int64)
        hashes, positions = winnow(kgrams, WINDOW, remove_duplicates=False)
        for h, position in zip(hashes.tolist(), positions.tolist()):
            answer.where.setdefault(h, []).append(position)
        answer.hashes = set(answer.where)
    return answer


def _covered(answer, hashes):
    """How many characters of `answer`'s normalised text lie in k-grams whose
    hash is in `hashes`, and the statements they touch."""
    mask = np.zeros(len(answer.doc), dtype=bool)
    for h in hashes:
        for start in answer.where[h]:
            mask[start:start + K] = True
    return int(mask.sum()), sorted(set(answer.owners[mask].tolist()))


@dataclass
class Pair:
    unit: Unit
    a: Answer
    b: Answer
    score: float          # the smaller of share_a and share_b
    share_a: float        # of a's distinctive material, the share b has too
    share_b: float
    shared_chars: int     # distinctive characters the two have in common (the smaller count)
    matched_a: list       # statements of a in shared fragments
    matched_b: list


def compare(answers, threshold, common=COMMON, min_shared=MIN_SHARED):
    """Pairs of answers to the same unit at least `threshold` similar, best
    first.  An answer's distinctive material is what its fingerprints that at
    most `common` of the class's answers have cover; a pair's share for each
    side is how much of that side's distinctive material the other has too,
    and pairs with fewer than `min_shared` such characters in common are not
    evidence.  Known sources are compared with the class, never with each
    other.  Returns (pairs, {unit: answers compared})."""
    by_unit = defaultdict(list)
    for answer in answers:
        if answer.hashes:
            by_unit[answer.unit].append(answer)
    pairs, counts = [], {}
    for unit, group in by_unit.items():
        counts[unit] = len(group)
        frequency = defaultdict(int)
        for answer in group:
            if not answer.known:
                for h in answer.hashes:
                    frequency[h] += 1
        rare = [{h for h in answer.hashes if frequency[h] <= common} for answer in group]
        distinctive = [_covered(answer, hashes)[0] for answer, hashes in zip(group, rare)]
        postings = defaultdict(list)
        for index, hashes in enumerate(rare):
            for h in hashes:
                postings[h].append(index)
        shared = defaultdict(set)
        for h, holders in postings.items():
            for i, j in itertools.combinations(holders, 2):
                if not (group[i].known and group[j].known):
                    shared[(i, j)].add(h)
        for (i, j), hashes in shared.items():
            a, b = group[i], group[j]
            # Cheap bounds first: each fingerprint covers at most K + WINDOW - 1 characters.
            most = len(hashes) * (K + WINDOW - 1)
            if most < min_shared or most < threshold * max(distinctive[i], distinctive[j]):
                continue
            chars_a, matched_a = _covered(a, hashes)
            chars_b, matched_b = _covered(b, hashes)
            share_a, share_b = chars_a / distinctive[i], chars_b / distinctive[j]
            score = min(share_a, share_b)
            if score >= threshold and min(chars_a, chars_b) >= min_shared:
                pairs.append(Pair(unit, a, b, round(score, 3), round(share_a, 3), round(share_b, 3),
                                  min(chars_a, chars_b), matched_a, matched_b))
    pairs.sort(key=lambda p: (-p.score, -p.shared_chars, p.unit.file, p.unit.name, p.a.owner, p.b.owner))
    return pairs, counts


# ------------------------------------------------------------- reports
def write_csv(path, pairs):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["function", "file", "student_a", "student_b", "similarity", "share_of_a", "share_of_b",
                         "shared_characters", "known_source"])
        for p in pairs:
            writer.writerow([p.unit.name, p.unit.file, p.a.owner, p.b.owner, p.score, p.share_a, p.share_b,
                             p.shared_chars, "yes" if p.b.known or p.a.known else "no"])


def _side(answer, matched):
    """The answer's own lines as written, those of matched statements marked."""
    marked = set()
    for index in matched:
        _, first, last = answer.statements[index]
        marked.update(range(first, last + 1))
    shown = sorted({n for _, first, last in answer.statements for n in range(first, last + 1)})
    rows = []
    for number in shown:
        text = html.escape(answer.lines[number - 1]) if number <= len(answer.lines) else ""
        rows.append(f'<span class="{"hit" if number in marked else ""}">{number:4d}  {text}</span>')
    return "<pre>" + "\n".join(rows) + "</pre>"


STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:90em;color:#222}
.notice{background:#fff6d6;border:1px solid #e0c96b;padding:.8em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}pre{margin:0;font-size:90%}
.hit{background:#ffd7a8}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}h3{margin-top:2em}"""


def _count(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def write_html(path, assignment, pairs, counts, threshold, seconds):
    e = html.escape
    summary = "".join(f"<tr><td><code>{e(u.name)}</code> ({e(u.file)})</td><td>{n}</td>"
                      f"<td>{sum(p.unit == u for p in pairs)}</td></tr>"
                      for u, n in sorted(counts.items(), key=lambda kv: (kv[0].file, kv[0].name)))
    sections = "".join(
        f"<h3>{rank}. <code>{e(p.unit.name)}</code> ({e(p.unit.file)}): {e(p.a.owner)} and {e(p.b.owner)}, "
        f"similarity {p.score:.0%}</h3><p>Of what is distinctive in each answer (fragments at most "
        f"{COMMON} classmates also wrote), {p.share_a:.0%} of {e(p.a.owner)}'s and {p.share_b:.0%} of "
        f"{e(p.b.owner)}'s is in the other's, {p.shared_chars} normalised characters; the statements in shared "
        f"fragments are highlighted. Names, literals, comments and layout do not count.</p><div class='pair'><div><b>{e(p.a.owner)}</b>{_side(p.a, p.matched_a)}</div>"
        f"<div><b>{e(p.b.owner)}</b>{_side(p.b, p.matched_b)}</div></div>"
        for rank, p in enumerate(pairs, 1)) or "<p>No pair reaches the threshold.</p>"
    with open(path, "w") as f:
        f.write(f"<!doctype html><html><head><meta charset='utf-8'><title>Similar answers: {e(assignment)}</title>"
                f"<style>{STYLE}</style></head><body><h1>Similar answers in {e(assignment)}</h1>"
                f"<p class='notice'><b>{e(NOTICE)}</b></p><p>Pairs whose answers to one function are at least "
                f"{threshold:.0%} similar, best first ({_count(len(pairs), 'pair')}; {seconds:.1f} s).</p>"
                f"<table><tr><th>function</th><th>answers compared</th><th>pairs reported</th></tr>{summary}"
                f"</table>{sections}</body></html>\n")


# ------------------------------------------------------------- command
def _read_one(task):
    """The fingerprinted Answers of one (owner, path), or a problem (in a pool process)."""
    owner, path, units, starters = task
    with tempfile.TemporaryDirectory(prefix="grader-similarity-") as scratch:
        try:
            files = read_submission(path, scratch)
        except (SubmissionError, OSError) as exc:
            return [], f"{owner}: could not be read ({exc})"
    try:
        return [fingerprint(a) for a in answers_of(owner, files, units, starters)], None
    except Exception as exc:   # code shaped so oddly that normalising it fails: that submission only is left out
        return [], f"{owner}: could not be compared ({type(exc).__name__}: {exc})"


def collect(assignment, submissions, against=None, solutions_root="solutions", workers=None):
    """Every Answer of `submissions` (and of the known sources in `against`),
    fingerprinted, read by `workers` processes; and the problems met."""
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing
    solution_dir = os.path.join(solutions_root, assignment)
    units = units_of(solution_dir)
    starters = starter_statements(solution_dir, units)
    sources = [(student_id(s), s) for s in submissions]
    if against:
        sources += [(f"known:{student_id(name)}", os.path.join(against, name)) for name in sorted(os.listdir(against))
                    if not name.startswith(".")]
    tasks = [(owner, path, units, starters) for owner, path in sources]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) < 8:
        done = map(_read_one, tasks)
    else:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        done = pool.map(_read_one, tasks, chunksize=max(1, len(tasks) // (4 * workers)))
    answers, problems = [], []
    for found, problem in done:
        answers += found
        if problem:
            problems.append(problem)
    if workers > 1 and len(tasks) >= 8:
        pool.shutdown()
    return answers, problems


def run(assignment, submissions, out_dir, against=None, threshold=0.8, solutions_root="solutions"):
    start = time.monotonic()
    owners = [student_id(s) for s in submissions]
    repeated = sorted({o for o in owners if owners.count(o) > 1})
    if repeated:
        print(f"Two submissions share an id: {', '.join(repeated)}. Rename one of them.")
        return 2
    answers, problems = collect(assignment, submissions, against, solutions_root)
    pairs, counts = compare(answers, threshold)
    seconds = time.monotonic() - start
    os.makedirs(out_dir, exist_ok=True)
    write_csv(os.path.join(out_dir, "similarity.csv"), pairs)
    write_html(os.path.join(out_dir, "similarity.html"), assignment, pairs, counts, threshold, seconds)
    for problem in problems:
        print(problem)
    print(f"Compared {len(submissions)} submissions{' and the known sources in ' + against if against else ''} "
          f"in {seconds:.1f} s: {_count(len(pairs), 'pair')} at least {threshold:.0%} similar for one function.")
    print(NOTICE)
    print(f"Written to {out_dir}/: similarity.html (side by side), similarity.csv")
    return 0
