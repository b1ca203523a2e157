"""Write the example submissions of an assignment, built from solutions/.

    python examples/make_submissions.py [--assignment assignment1] [OUT_DIR]

OUT_DIR (default examples/submissions) receives one folder per student:
complete (the reference with its markers removed, as a student who finished
would hand in), blank (the student release as `grader release` generates it
from solutions/, never the working assignments/ folder, which a student may
have started to fill in), planted_bugs (three
realistic bugs from the suite's mutants.py), syntax_error and infinite_loop.
They are built rather than stored, so they always match the current solutions.
"""
import argparse
import ast
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
from grader.instructor.release import generate, write_tree  # noqa: E402
from grader.public.suite import instructor_part  # noqa: E402

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _without_markers(text):
    return "\n".join(line for line in text.split("\n") if not line.strip().startswith(MARKERS))


def complete_copy(solution_dir, dest):
    """The reference solution as a student would hand it in: markers removed."""
    shutil.copytree(solution_dir, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for folder, _, names in os.walk(dest):
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith(".py"):
                with open(path) as f:
                    text = _without_markers(f.read())
                with open(path, "w") as f:
                    f.write(text)
            elif name.endswith(".ipynb"):
                with open(path) as f:
                    notebook = json.load(f)
                for cell in notebook["cells"]:
                    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    cell["source"] = _without_markers(source)
                with open(path, "w") as f:
                    json.dump(notebook, f, indent=1)
    return dest


def apply(mutant, root):
    """Plant one mutant in the submission at `root` (it must apply exactly
    once).  A mutant whose `old` is None replaces the whole file by `new`
    (bytes, e.g. a saved model), or removes it when `new` is None too."""
    path = os.path.join(root, mutant.file)
    if mutant.old is None:
        if mutant.new is None:
            os.remove(path)
        else:
            with open(path, "wb") as f:
                f.write(mutant.new)
        return
    with open(path) as f:
        text = f.read()
    if text.count(mutant.old) != 1:
        raise ValueError(f"mutant text found {text.count(mutant.old)} times in {mutant.file}: {mutant.old!r}")
    with open(path, "w") as f:
        f.write(text.replace(mutant.old, mutant.new))


def replace_function(root, alternative):
    """Swap the definition of `alternative.qualname` in its file under `root`
    for its source.  In a notebook, the definition is in the last code cell
    that defines the name at top level (the one the grader takes)."""
    path = os.path.join(root, alternative.file)
    with open(path) as f:
        text = f.read()
    if not path.endswith(".ipynb"):
        with open(path, "w") as f:
            f.write(_replaced(text, alternative))
        return
    notebook = json.loads(text)
    top = alternative.qualname.split(".")[0]
    cell = [c for c in notebook["cells"] if c["cell_type"] == "code" and _defines(c, top)][-1]
    cell["source"] = _replaced("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"],
                               alternative)
    with open(path, "w") as f:
        json.dump(notebook, f, indent=1)


def _defines(cell, name):
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    try:
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.split("\n")))
    except SyntaxError:
        return False
    return any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name for n in tree.body)


def _replaced(text, alternative):
    """`text` (Python source) with the definition of `alternative.qualname` swapped for its source."""
    scope = ast.parse(text)
    for name in alternative.qualname.split("."):
        scope = next(n for n in scope.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    lines = text.split("\n")
    start = scope.lineno - 1 - len(scope.decorator_list)
    lines[start:scope.end_lineno] = alternative.source.strip("\n").split("\n")
    return "\n".join(lines)


def make(assignment, out_dir):
    solution = os.path.join(REPO, "solutions", assignment)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    complete_copy(solution, os.path.join(out_dir, "complete"))
    write_tree(generate(solution), os.path.join(out_dir, "blank"))
    mutants = instructor_part(assignment, "mutants")
    if mutants is not None:
        planted = complete_copy(solution, os.path.join(out_dir, "planted_bugs"))
        for name in mutants.PLANTED:
            apply(mutants.MUTANTS[name], planted)
        for name, mutant in mutants.BROKEN.items():
            apply(mutant, complete_copy(solution, os.path.join(out_dir, name)))
    return sorted(os.listdir(out_dir))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=os.path.join(HERE, "submissions"))
    parser.add_argument("--assignment", default="assignment1")
    args = parser.parse_args()
    names = make(args.assignment, args.out_dir)
    print(f"Wrote {len(names)} example submissions to {args.out_dir}: {', '.join(names)}")


if __name__ == "__main__":
    main()
