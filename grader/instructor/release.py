"""solutions/ -> assignments/: the student version, generated, never edited.

Answers sit between `### BEGIN SOLUTION` and `### END SOLUTION`.  In
notebooks, nbgrader's own preprocessors replace them (ClearSolutions) and
clear outputs (ClearOutput); in `.py` files the same markers become the same
kind of stub, naming the function to write.  `--check` regenerates in memory
and fails when assignments/ differs or when an answer line leaked into it.
`release` also writes dist/<assignment>.zip, the bundle handed to students.
"""
import json
import os
import re
import shutil

import nbformat
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, ClearSolutions

from grader.public import manifest as manifest_file
from grader.public.files import COPIED, read_tree, tree_files, write_zip
from grader.public.suite import UnknownAssignment, load_cases, saved_files

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
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    if not any(CHECK_TAG in cell.metadata.get("tags", []) for cell in notebook.cells):
        notebook.cells += check_cells(os.path.splitext(os.path.basename(path))[0])
    return nbformat.writes(notebook) + "\n"


# The kernel setup.sh (and the bundle's README) registers inside the venv: the
# notebooks open with it rather than with whatever "python3" is on the machine.
KERNELSPEC = {"name": "cs231n", "display_name": "Python (cs231n)", "language": "python"}
CHECK_TAG = "check-your-work"


def check_cells(stem):
    """The cells every released notebook ends with: `python -m grader check`
    on the notebook's own folder, run by the notebook's own Python."""
    text = nbformat.v4.new_markdown_cell(
        "## Check your work\n\n"
        "The cell below runs the public checks of the whole assignment on the files saved in this folder, "
        "as `python -m grader check` does in a terminal opened here: save this notebook first (Ctrl-S). "
        "The checks carry no points; they tell you what to fix and where. Your grade comes from hidden tests "
        "on more inputs, and from your inline answers, read by hand.")
    code = nbformat.v4.new_code_cell(
        "# The public checks, run with this notebook's own Python (sys.executable).\n"
        "import sys\n"
        "!\"{sys.executable}\" -m grader check .")
    for cell, suffix in ((text, "check-text"), (code, "check")):
        cell.id = f"{stem}-{suffix}"[:64]
        cell.metadata["tags"] = [CHECK_TAG]
    return [text, code]


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
    """{relative path: bytes} of the student version of one assignment, its
    manifest (see `grader.public.manifest`) included."""
    files = {}
    for relative, data in read_tree(solution_dir).items():
        if relative == manifest_file.FILE:
            raise ReleaseError(f"{solution_dir} holds a {relative}: release writes that file, remove it")
        if relative.endswith(".py"):
            data = release_python(data.decode("utf-8"), relative).encode("utf-8")
        elif relative.endswith(".ipynb"):
            data = release_notebook(data.decode("utf-8"), relative).encode("utf-8")
        files[relative] = data
    assignment = os.path.basename(os.path.normpath(solution_dir))
    files[manifest_file.FILE] = (json.dumps(manifest(assignment, files), indent=1) + "\n").encode()
    return files


# What a notebook saves for grading: `model.save("name.npy")` writes cs231n/saved/name.npy.
SAVE_CALL = re.compile(r"""\.save\(\s*["']([\w.-]+\.npy)["']\s*\)""")


def manifest(assignment, files):
    """What `check` and `collect` must know of the assignment and cannot read
    from the public cases: names only, never a case or an answer."""
    notebooks = {name: nbformat.reads(data.decode("utf-8"), as_version=4)
                 for name, data in sorted(files.items()) if name.endswith(".ipynb")}
    saved, questions = set(), []
    for name, notebook in notebooks.items():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                saved |= {f"cs231n/saved/{fname}" for fname in SAVE_CALL.findall(cell.source)}
            grading = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and grading.get("grade") and grading.get("solution"):
                above = notebook.cells[index - 1].source if index else ""
                title = next((line for line in above.split("\n") if line.strip()), "an inline question")
                questions.append({"notebook": name, "question": title.strip().strip("*# ").split("**")[0].strip(),
                                  "points": grading.get("points", 0)})
    try:
        cases = load_cases(assignment, hidden=True)
    except UnknownAssignment:
        cases = []
    graded = list(dict.fromkeys(case.function for case in cases))   # in the suite's order, once each
    saved |= set(saved_files(cases))   # what the hidden cases grade beside the code (a trained model)
    return {"about": "Written by `grader release`: what `grader check` and `grader collect` need to know of "
                     "this assignment. Do not edit.",
            "assignment": assignment,
            "files": sorted(name for name in files if name.endswith(COPIED)),
            "saved": sorted(saved),
            "graded": graded,
            "inline_questions": questions}


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


REPO_ROOT = os.path.dirname(GRADER_DIR)
PYTHON_VERSIONS = ("3.9", "3.13")   # the oldest and newest Python the requirements install on
STUDENT_REQUIREMENTS = "requirements-student.txt"
BUNDLE_PYPROJECT = """\
# Makes the grader of this folder importable from any folder (pip install -e .),
# so that `python -m grader check` runs in {assignment}/ and in its notebooks.
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "cs231n-{assignment}"
version = "1"
requires-python = ">={oldest}"

[tool.setuptools.packages.find]
include = ["grader", "grader.*"]
"""


def bundle(assignment, files, zip_path):
    """The zip an instructor hands out, complete on its own: the released
    folder, the grader's public side (`python -m grader check` and
    `collect`), what fetches the data (`datasets/get_datasets.sh`, with
    `--from DIR` offline), the packages to install and a README that says how,
    on Linux, macOS and Windows."""
    entries = {f"{assignment}/{p}": data for p, data in files.items()}
    for module in shipped_grader_files(assignment):
        with open(os.path.join(GRADER_DIR, module), "rb") as f:
            entries[f"grader/{module}"] = f.read()
    with open(os.path.join(REPO_ROOT, "datasets", "get_datasets.sh"), "rb") as f:
        entries["datasets/get_datasets.sh"] = f.read()
    with open(os.path.join(REPO_ROOT, STUDENT_REQUIREMENTS), "rb") as f:
        requirements = f.read()
    if "requirements.txt" in files:   # what this assignment needs beyond the others (e.g. torch)
        requirements += f"-r {assignment}/requirements.txt\n".encode()
    entries["requirements.txt"] = requirements
    oldest, newest = PYTHON_VERSIONS
    entries["pyproject.toml"] = BUNDLE_PYPROJECT.format(assignment=assignment, oldest=oldest).encode()
    with open(os.path.join(GRADER_DIR, "instructor", "student_readme.md"), encoding="utf-8") as f:
        readme = f.read()
    notebooks = sorted(p for p in files if p.endswith(".ipynb") and "/" not in p)
    entries["README.md"] = readme.format(assignment=assignment, python_versions=f"{oldest} to {newest}",
                                         notebooks=", ".join(f"`{n}`" for n in notebooks)).encode()
    write_zip(zip_path, entries, executables={"datasets/get_datasets.sh"})


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
