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
    found = _parse_and_find(root, path, qualname)
    return found if isinstance(found, Verdict) else found[0]


def _parse_and_find(root, path, qualname):
    """(node of `qualname`, the scopes that hold it, outermost first), or a failing Verdict."""
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
    scope, scopes = tree, []
    for name in qualname.split("."):
        found = [n for n in scope.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
        if not found:
            return Verdict(False, f"{path} defines no {qualname}")
        scopes.append(scope)
        scope = found[-1]
    return scope, scopes


def _rebinds(scope, name):
    """The line where `scope`'s own body assigns to `name` (so the def is not what runs), or None."""
    for node in scope.body:
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return node.lineno
    return None


def no_loops(path, qualname, forbidden=("scipy",), siblings_prefix=None):
    """Rule: `qualname` contains no loop or comprehension, names nothing in
    `forbidden`, calls no method whose name starts with `siblings_prefix`
    (so it cannot hand the work to a looping sibling) and no exec, eval or
    compile; the same holds in every function of the file it calls (a
    module-level helper, or a method of its class through self), and the
    name is not rebound after its `def`."""
    short = qualname.split(".")[-1]

    def rule(root):
        found = _parse_and_find(root, path, qualname)
        if isinstance(found, Verdict):
            return found
        node, scopes = found
        line = _rebinds(scopes[-1], short)
        if line is not None:
            return Verdict(False, f"{qualname} is assigned again at line {line}, so its def is not what runs")
        module_functions = {n.name: n for n in scopes[0].body if isinstance(n, ast.FunctionDef)}
        methods = ({n.name: n for n in scopes[-1].body if isinstance(n, ast.FunctionDef)}
                   if isinstance(scopes[-1], ast.ClassDef) else {})
        waiting, seen = [node], set()
        while waiting:
            function = waiting.pop()
            if function.name in seen:
                continue
            seen.add(function.name)
            where = "" if function is node else f" (in {function.name}, which it calls)"
            for child in ast.walk(function):
                if isinstance(child, LOOPS):
                    kind = type(child).__name__.replace("Comp", " comprehension").replace("GeneratorExp", "generator")
                    return Verdict(False, f"{qualname} uses a loop ({kind.lower()}, line {child.lineno}){where}; "
                                          "it must be fully vectorised")
                name = _name_of(child)
                if name in forbidden:
                    return Verdict(False, f"{qualname} uses {name} (line {child.lineno}){where}; use numpy only")
                if name in ("exec", "eval", "compile", "__import__"):
                    return Verdict(False, f"{qualname} calls {name} (line {child.lineno}){where}; "
                                          "write the computation as code")
                if siblings_prefix and name and name.startswith(siblings_prefix) and name != short:
                    return Verdict(False, f"{qualname} calls {name} (line {child.lineno}){where}; "
                                          "do the work in this function itself, without loops")
                if isinstance(child, ast.Call):
                    callee = child.func
                    if isinstance(callee, ast.Name) and callee.id in module_functions:
                        waiting.append(module_functions[callee.id])
                    elif (isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)
                          and callee.value.id == "self" and callee.attr in methods):
                        waiting.append(methods[callee.attr])
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
