"""solutions/ -> assignments/: the student version, generated, never edited.

Answers sit between `### BEGIN SOLUTION` and `### END SOLUTION`.  In
notebooks, nbgrader's own preprocessors replace them (ClearSolutions) and
clear outputs (ClearOutput); in `.py` files the same markers become the same
kind of stub, naming the function to write.  `--check` regenerates in memory
and fails when assignments/ differs or when an answer line leaked into it.
`release` also writes dist/<assignment>.zip, the bundle handed to students.
"""
import os
import re
import shutil

import nbformat
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, ClearSolutions

from grader.public.files import read_tree, tree_files, write_zip

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NOTEBOOK_STUB = '# YOUR CODE HERE\nraise NotImplementedError("Write this code: see the instructions above.")'
TEXT_STUB = "*Write your answer here.*"
GRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shipped_grader_files(assignment):
    """What a student's bundle carries of the grader, relative to grader/: the
    command line, the public side, and the assignment's public suite: its
    __init__.py and every public*.py (a suite split by topic, like
    assignment 2's, ships each topic's public cases)."""
    public = [f"public/{p}" for p in tree_files(os.path.join(GRADER_DIR, "public")) if p.endswith(".py")]
    suite = sorted(f"suites/{assignment}/{name}" for name in os.listdir(os.path.join(GRADER_DIR, "suites", assignment))
                   if name == "__init__.py" or (name.startswith("public") and name.endswith(".py")))
    return ["__init__.py", "__main__.py", "cli.py", *public, "suites/__init__.py", *suite]


class ReleaseError(Exception):
    pass


# ------------------------------------------------------------------ one file
def release_python(source, path):
    """Replace each solution region of a .py file by a stub at its indentation."""
    out, in_solution, function = [], False, "this function"
    for number, line in enumerate(source.split("\n"), 1):
        match = re.match(r"\s*def (\w+)", line)
        if match and not in_solution:
            function = match.group(1)
        if BEGIN in line:
            if in_solution:
                raise ReleaseError(f"{path}:{number}: a BEGIN SOLUTION inside another solution region")
            in_solution = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE",
                    f'{indent}raise NotImplementedError("Implement {function} in {path}: see the TODO above.")']
        elif END in line:
            if not in_solution:
                raise ReleaseError(f"{path}:{number}: END SOLUTION without a BEGIN SOLUTION")
            in_solution = False
        elif not in_solution:
            out.append(line)
    if in_solution:
        raise ReleaseError(f"{path}: a BEGIN SOLUTION is never closed")
    return "\n".join(out)


def release_notebook(source, path):
    """Student version of a notebook, through nbgrader's preprocessors."""
    notebook = nbformat.reads(source, as_version=4)
    resources = {}
    CheckCellMetadata().preprocess(notebook, resources)
    clear = ClearSolutions(code_stub={"python": NOTEBOOK_STUB}, text_stub=TEXT_STUB)
    try:
        for preprocessor in (clear, ClearOutput()):
            notebook, resources = preprocessor.preprocess(notebook, resources)
    except RuntimeError as exc:
        raise ReleaseError(f"{path}: {exc}") from None
    return nbformat.writes(notebook) + "\n"


def _lines(source):
    """A file's lines as compared for leaks: stripped, notebook JSON quoting
    removed, comments and short lines dropped."""
    for line in source.replace("\\n", "\n").split("\n"):
        text = line.strip().strip('",').strip()
        yield text, len(text) >= 12 and not text.startswith("#")


def answer_lines(source):
    """The substantial lines found only inside solution regions of a file: if
    one of them stands as a line of the released file, an answer has leaked."""
    inside, outside, in_solution = set(), set(), False
    for text, substantial in _lines(source):
        if BEGIN in text:
            in_solution = True
        elif END in text:
            in_solution = False
        elif substantial:
            (inside if in_solution else outside).add(text)
    return inside - outside


def leaked_lines(solution_source, released_source):
    """Answer lines of the solution that stand as whole lines in the release."""
    released = {text for text, substantial in _lines(released_source) if substantial}
    return sorted(answer_lines(solution_source) & released)


# ------------------------------------------------------------ an assignment
def generate(solution_dir):
    """{relative path: bytes} of the student version of one assignment."""
    files = {}
    for relative, data in read_tree(solution_dir).items():
        if relative.endswith(".py"):
            data = release_python(data.decode("utf-8"), relative).encode("utf-8")
        elif relative.endswith(".ipynb"):
            data = release_notebook(data.decode("utf-8"), relative).encode("utf-8")
        files[relative] = data
    return files


def differences(solution_dir, assignment_dir):
    """Why assignment_dir is not exactly what solution_dir generates (empty list: it is)."""
    expected, actual = generate(solution_dir), read_tree(assignment_dir)
    problems = [f"missing: {p}" for p in sorted(set(expected) - set(actual))]
    problems += [f"not generated by release (remove it or add it to solutions/): {p}"
                 for p in sorted(set(actual) - set(expected))]
    problems += [f"differs from what solutions/ generates: {p}"
                 for p in sorted(set(expected) & set(actual)) if expected[p] != actual[p]]
    for relative, data in sorted(actual.items()):
        text = data.decode("utf-8", errors="replace")
        if BEGIN in text or END in text:
            problems.append(f"solution markers in {relative}")
        if relative in expected and relative.endswith((".py", ".ipynb")):
            with open(os.path.join(solution_dir, relative), encoding="utf-8") as f:
                leaked = leaked_lines(f.read(), text)
            if leaked:
                problems.append(f"answer leaked into {relative}: {leaked[0]!r}")
    return problems


def write_tree(files, target_dir):
    if os.path.isdir(target_dir):
        shutil.rmtree(target_dir)
    for relative, data in files.items():
        path = os.path.join(target_dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def bundle(assignment, files, zip_path):
    """The zip an instructor hands out: the released folder, plus the grader's
    public side so that `python -m grader check <assignment>` runs on its own."""
    entries = {f"{assignment}/{p}": data for p, data in files.items()}
    for module in shipped_grader_files(assignment):
        with open(os.path.join(GRADER_DIR, module), "rb") as f:
            entries[f"grader/{module}"] = f.read()
    entries["README.md"] = (
        f"# {assignment}\n\nOpen the notebooks in `{assignment}/` with Jupyter and fill in the code marked "
        "`YOUR CODE HERE`.\nCheck your work at any time with\n\n"
        f"    python -m grader check {assignment}\n\nfrom this folder (it needs numpy).\n").encode()
    write_zip(zip_path, entries)


# ----------------------------------------------------------------- commands
def assignments_in(solutions_root):
    return sorted(d for d in os.listdir(solutions_root) if os.path.isdir(os.path.join(solutions_root, d))
                  and not d.startswith("."))


def run(repo_root, check=False, dist_dir=None):
    """Release (or check) every assignment; return the exit code."""
    solutions_root = os.path.join(repo_root, "solutions")
    assignments_root = os.path.join(repo_root, "assignments")
    status = 0
    for assignment in assignments_in(solutions_root):
        source = os.path.join(solutions_root, assignment)
        target = os.path.join(assignments_root, assignment)
        try:
            if check:
                problems = differences(source, target)
                for problem in problems:
                    print(f"{assignment}: {problem}")
                status = status or (1 if problems else 0)
                print(f"{assignment}: {'NOT up to date' if problems else 'up to date'}")
                continue
            files = generate(source)
            write_tree(files, target)
            zip_path = os.path.join(dist_dir or os.path.join(repo_root, "dist"), f"{assignment}.zip")
            bundle(assignment, files, zip_path)
            print(f"{assignment}: released {len(files)} files to {os.path.relpath(target, repo_root)}/ "
                  f"and {os.path.relpath(zip_path, repo_root)}")
        except ReleaseError as exc:
            print(f"{assignment}: {exc}")
            status = 1
    return status
