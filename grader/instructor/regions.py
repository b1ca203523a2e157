"""Where the answers are: the solution regions of an assignment (instructors only).

An answer is the code between `### BEGIN SOLUTION` and `### END SOLUTION`,
in a module of `cs231n/` or in a notebook's code cell.  Both the audit
(which mutates only answers) and the similarity check (which compares only
what students wrote) start from the same list of regions, read from
`solutions/<assignment>/`, so that every assignment is served by one
mechanism, whatever its files.

A region belongs to the innermost function around it (`Class.method`, or a
plain name); a region at the top level of a notebook cell belongs to the
cell, named by its nbgrader `grade_id`.
"""
import ast
import json
import os
from dataclasses import dataclass

from grader.public.files import tree_files

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


@dataclass(frozen=True)
class Region:
    file: str            # path in the assignment, e.g. "cs231n/layers.py" or "knn.ipynb"
    cell: int            # index of the notebook cell, -1 for a module
    start: int           # first answer line (1-based, in the module or the cell)
    end: int             # last answer line
    qualname: str        # the function around it ("KNearestNeighbor.predict_labels"), "" at top level
    cell_id: str = ""    # a notebook cell's nbgrader grade_id

    @property
    def unit(self):
        """What the answer is part of: a function, or a notebook cell."""
        return self.qualname or f"cell {self.cell_id or self.cell}"

    @property
    def where(self):
        return self.file if self.cell < 0 else f"{self.file} (cell {self.cell_id or self.cell})"


def cell_source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def python_view(source):
    """`source` with IPython's magics (`%matplotlib`, `!pip`) turned into
    comments of the same length, so that `ast` reads a cell and every line
    and column stays where it was."""
    return "\n".join("#" + line[1:] if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def sources(folder):
    """{(file, cell): source} of every module and notebook code cell under
    `folder` (cell -1 for a module), and {(file, cell): grade_id}."""
    texts, ids = {}, {}
    for relative in tree_files(folder):
        path = os.path.join(folder, relative)
        if relative.endswith(".py"):
            with open(path, encoding="utf-8") as f:
                texts[(relative, -1)] = f.read()
        elif relative.endswith(".ipynb"):
            with open(path, encoding="utf-8") as f:
                notebook = json.load(f)
            for index, cell in enumerate(notebook.get("cells", [])):
                if cell.get("cell_type") == "code":
                    texts[(relative, index)] = cell_source(cell)
                    ids[(relative, index)] = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    return texts, ids


def functions(source):
    """[(qualname, first line, last line)] of every function defined in
    `source`, outermost first; [] when it does not parse."""
    try:
        tree = ast.parse(python_view(source))
    except SyntaxError:
        return []
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((name, child.lineno, child.end_lineno))
                visit(child, name + ".")
            else:
                visit(child, prefix)
    visit(tree, "")
    return found


def enclosing(defined, line):
    """The innermost function of `defined` (see `functions`) holding `line`, or ""."""
    inside = [(first, name) for name, first, last in defined if first <= line <= last]
    return max(inside)[1] if inside else ""


def find_regions(solution_dir):
    """Every answer region under `solution_dir`, in file order; and the
    sources they were read from ({(file, cell): text})."""
    texts, ids = sources(solution_dir)
    regions = []
    for (file, cell), text in texts.items():
        if BEGIN not in text:
            continue
        defined = functions(text)
        start = None
        for number, line in enumerate(text.split("\n"), 1):
            if BEGIN in line:
                start = number + 1
            elif END in line and start is not None:
                if number > start:   # an empty region holds nothing to mutate or compare
                    regions.append(Region(file, cell, start, number - 1, enclosing(defined, start),
                                          ids.get((file, cell), "")))
                start = None
    return regions, texts
