"""Checks that read a student's source code instead of running it.

The grader parses the file (it never imports it) and finds one function by
its qualified name, e.g. "KNearestNeighbor.compute_distances_no_loops".
"""
import ast
import os

from grader.public.compare import PASS, Verdict

MAX_SOURCE_BYTES = 2 * 2**20
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def find_function(root, path, qualname):
    """The ast node of `qualname` in `path` (relative to `root`), or a failing Verdict."""
    full = os.path.join(root, path)
    if not os.path.isfile(full):
        return Verdict(False, f"{path} is missing from the submission")
    if os.path.getsize(full) > MAX_SOURCE_BYTES:
        return Verdict(False, f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MiB")
    try:
        with open(full, encoding="utf-8", errors="replace") as f:
            tree = ast.parse(f.read())
    except SyntaxError as exc:
        return Verdict(False, f"{path} has a syntax error at line {exc.lineno}: {exc.msg}")
    except (RecursionError, MemoryError, ValueError):
        return Verdict(False, f"{path} could not be parsed")
    scope = tree
    for name in qualname.split("."):
        found = [n for n in scope.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
        if not found:
            return Verdict(False, f"{path} defines no {qualname}")
        scope = found[-1]
    return scope


def no_loops(path, qualname, forbidden=("scipy",), siblings_prefix=None):
    """Rule: `qualname` contains no loop or comprehension, names nothing in
    `forbidden`, and calls no method whose name starts with `siblings_prefix`
    (so it cannot hand the work to a looping sibling)."""
    def rule(root):
        node = find_function(root, path, qualname)
        if isinstance(node, Verdict):
            return node
        for child in ast.walk(node):
            if isinstance(child, LOOPS):
                kind = type(child).__name__.replace("Comp", " comprehension").replace("GeneratorExp", "generator")
                return Verdict(False, f"{qualname} uses a loop ({kind.lower()}, line {child.lineno}); "
                                      "it must be fully vectorised")
            name = _name_of(child)
            if name in forbidden:
                return Verdict(False, f"{qualname} uses {name} (line {child.lineno}); use numpy only")
            if siblings_prefix and name and name.startswith(siblings_prefix) and name != qualname.split(".")[-1]:
                return Verdict(False, f"{qualname} calls {name} (line {child.lineno}); "
                                      "do the work in this function itself, without loops")
        return PASS
    return rule


def _name_of(node):
    """The name a node refers to: a variable, an attribute, or an imported module."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0]
    if isinstance(node, ast.Import):
        return node.names[0].name.split(".")[0]
    return None
