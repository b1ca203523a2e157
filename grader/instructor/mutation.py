"""Mutants of the answer regions of a reference solution (instructors only).

Two families of operators make them, and each mutant changes one thing:

- general operators, from cosmic-ray's library (`cosmic_ray.operators`):
  arithmetic and comparison swaps, a number changed by one, True for False,
  `and` for `or`, `-x` for `x`, a loop that never runs.  cosmic-ray's
  operators are a public, documented plugin API (`mutation_positions(node)`,
  `mutate(node, index)`, `cosmic_ray.mutating.mutate_code`) on parso trees,
  which keep every comment and space, so a mutant's diff shows one change.
  We take only the pairs a person could mistype (`+` for `-`, `<` for `<=`,
  `/` for `//`), not all 132 of its binary swaps: `x & y` for `x * y` on
  floats only raises, and would flatter every suite.
- operators written here, on the standard library's `ast`, for what
  cosmic-ray does not offer: a dropped statement, swapped arguments,
  off-by-one slices and ranges, and the mistakes deep-learning students
  make (a wrong reduction axis, `sum` for `mean`, a regularisation term
  dropped or doubled, no max-shift before `exp`, a missing `sqrt`, a
  dropped transpose, `=` for `+=`, an input updated in place, train and
  test mode swapped, dropout without its rescale, Adam without its bias
  correction).  Each is a small function that yields text edits; each
  finds its pattern by shape, not by the names one solution uses, so they
  apply to any assignment's code.

Only nodes that lie wholly inside an answer region are mutated, and a
mutant that does not compile, or that equals another, is dropped.
"""
import ast
import difflib
import hashlib
import re
from dataclasses import dataclass

from grader.instructor.regions import python_view

# cosmic-ray's operator classes we use, by the name its provider gives them.
COSMIC_RAY_OPERATORS = (
    *[f"ReplaceBinaryOperator_{a}_{b}" for a, b in (
        ("Add", "Sub"), ("Sub", "Add"), ("Mul", "Div"), ("Div", "Mul"), ("Mul", "Add"), ("Add", "Mul"),
        ("Div", "FloorDiv"), ("FloorDiv", "Div"), ("Pow", "Mul"), ("Mod", "FloorDiv"))],
    *[f"ReplaceComparisonOperator_{a}_{b}" for a, b in (
        ("Lt", "LtE"), ("LtE", "Lt"), ("Gt", "GtE"), ("GtE", "Gt"), ("Lt", "Gt"), ("Gt", "Lt"),
        ("Eq", "NotEq"), ("NotEq", "Eq"), ("Is", "IsNot"), ("IsNot", "Is"))],
    "ReplaceUnaryOperator_USub_UAdd", "ReplaceUnaryOperator_Delete_Not",
    "NumberReplacer", "ReplaceTrueWithFalse", "ReplaceFalseWithTrue", "ReplaceAndWithOr", "ReplaceOrWithAnd",
    "ReplaceBreakWithContinue", "ReplaceContinueWithBreak", "ZeroIterationForLoop",
)


@dataclass(frozen=True)
class Mutation:
    id: str             # stable while the answer it changes stays the same
    file: str
    cell: int
    unit: str           # the function (or cell) it changes
    operator: str       # "cosmic-ray/NumberReplacer", "dl/sum_for_mean", ...
    line: int           # first changed line, in the module or cell
    source: str         # the whole mutated module or cell
    diff: str


# ------------------------------------------------------------------ editing
class Text:
    """A source and the edits of one mutant, by ast positions (1-based
    lines, columns in UTF-8 bytes, as `ast` gives them)."""

    def __init__(self, source):
        self.source = source
        self.lines = source.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, line, col):
        return self.starts[line - 1] + len(self.lines[line - 1].encode("utf-8")[:col].decode("utf-8", "replace"))

    def span(self, node):
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node):
        start, end = self.span(node)
        return self.source[start:end]

    def replace(self, node, text):
        start, end = self.span(node)
        return self.source[:start] + text + self.source[end:]

    def indent(self, node):
        line = self.lines[node.lineno - 1]
        return line[: len(line) - len(line.lstrip())]


def _names(node):
    """Every variable and attribute name used in `node`."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr


def _called(node):
    """The name a call calls: `np.sum(...)` -> "sum", `x.dot(y)` -> "dot"."""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _parenthesised(text):
    return text if re.fullmatch(r"[\w.]+", text) else f"({text})"


REG = re.compile(r"(^|_)(reg|regularization|regularisation|weight_decay|l2)($|_)", re.IGNORECASE)
ELEMENTWISE = {"maximum", "minimum", "exp", "log", "sqrt", "abs", "absolute", "clip", "tanh", "multiply", "add",
               "subtract", "divide", "square", "negative"}


# ------------------------------------------------------ operators written here
# Each takes (tree, text, parameters) -- `parameters` maps a node to the
# parameter names of the function around it -- and yields (node, new text).
def drop_statement(tree, text, parameters):
    """A statement left out: an assignment, an update, a call made for its effect."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) or \
                (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            yield node, "pass"


def swap_arguments(tree, text, parameters):
    """The first two positional arguments swapped, and `a.dot(b)` made `b.dot(a)`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        if len(node.args) >= 2 and text.segment(node.args[0]) != text.segment(node.args[1]):
            first, second = node.args[0], node.args[1]
            start, _ = text.span(first)
            _, end = text.span(second)
            swapped = text.segment(second) + text.source[text.span(first)[1]:text.span(second)[0]] + text.segment(first)
            yield (start, end), swapped
        if _called(node) == "dot" and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
            receiver, argument = text.segment(node.func.value), text.segment(node.args[0])
            yield node, f"{_parenthesised(argument)}.dot({receiver})"


def off_by_one(tree, text, parameters):
    """A slice bound or a range's end one too far or one short."""
    for node in ast.walk(tree):
        bounds = []
        if isinstance(node, ast.Slice):
            bounds = [b for b in (node.lower, node.upper) if b is not None and not isinstance(b, ast.Constant)]
        elif isinstance(node, ast.Call) and _called(node) == "range" and node.args:
            bounds = [node.args[-1 if len(node.args) < 3 else 1]]
        for bound in bounds:
            for delta in ("+ 1", "- 1"):
                yield bound, f"{_parenthesised(text.segment(bound))} {delta}"


def reduction_axis(tree, text, parameters):
    """A reduction over the wrong axis, or over everything (axis dropped)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "axis" and isinstance(keyword.value, ast.Constant) and \
                    isinstance(keyword.value.value, int):
                yield keyword.value, "1" if keyword.value.value == 0 else "0"
                dropped = ast.Call(node.func, node.args, [k for k in node.keywords if k is not keyword])
                yield node, ast.unparse(dropped)
            if keyword.arg == "keepdims":
                dropped = ast.Call(node.func, node.args, [k for k in node.keywords if k is not keyword])
                yield node, ast.unparse(dropped)


SWAPPED_CALLS = {"sum": "mean", "mean": "sum", "argmax": "argmin", "argmin": "argmax", "max": "min", "min": "max"}


def sum_for_mean(tree, text, parameters):
    """`sum` for `mean` and back (and argmax for argmin, max for min)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SWAPPED_CALLS:
            yield node.func, f"{text.segment(node.func.value)}.{SWAPPED_CALLS[node.func.attr]}"


def regularisation(tree, text, parameters):
    """A regularisation term dropped, or counted twice: a term of a sum
    that mentions `reg` (or weight_decay) while the rest of it does not."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            for term, other in ((node.right, node.left), (node.left, node.right)):
                if any(REG.search(n) for n in _names(term)) and not any(REG.search(n) for n in _names(other)):
                    yield node, text.segment(other)
                    yield term, f"2 * {_parenthesised(text.segment(term))}"
        elif isinstance(node, ast.AugAssign) and any(REG.search(n) for n in _names(node.value)) and \
                not any(REG.search(n) for n in _names(node.target)):
            yield node.value, f"2 * {_parenthesised(text.segment(node.value))}"


def max_shift(tree, text, parameters):
    """No max-shift before exp: `s - max(s)` becomes `s`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.right, ast.Call) \
                and _called(node.right) in ("max", "amax"):
            yield node, text.segment(node.left)


def missing_sqrt(tree, text, parameters):
    """A square root left out: `sqrt(e)` becomes `e`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == "sqrt" and node.args:
            yield node, text.segment(node.args[0])


def dropped_transpose(tree, text, parameters):
    """A transpose left out: `a.T`, `a.transpose()` and `np.transpose(a)` become `a`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield node, text.segment(node.value)
        elif isinstance(node, ast.Call) and _called(node) == "transpose":
            if isinstance(node.func, ast.Attribute) and not node.args:
                yield node, text.segment(node.func.value)
            elif node.args:
                yield node, text.segment(node.args[0])


def assign_for_accumulate(tree, text, parameters):
    """`=` for `+=` (or any augmented assignment): the accumulated value is lost."""
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign):
            yield node, f"{text.segment(node.target)} = {text.segment(node.value)}"


def inplace_input(tree, text, parameters):
    """An input updated in place: `y = x - m` becomes `x -= m; y = x`, and
    an element-wise numpy call on an input writes its result into it."""
    ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
    for node in ast.walk(tree):
        inputs = parameters.get(node, ())
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.BinOp) and \
                type(node.value.op) in ops and isinstance(node.value.left, ast.Name) and \
                node.value.left.id in inputs:
            name = node.value.left.id
            yield node, (f"{name} {ops[type(node.value.op)]}= {text.segment(node.value.right)}\n"
                         f"{text.indent(node)}{text.segment(node.targets[0])} = {name}")
        if isinstance(node, ast.Call) and _called(node) in ELEMENTWISE and \
                not any(k.arg == "out" for k in node.keywords):
            for argument in node.args:
                if isinstance(argument, ast.Name) and argument.id in inputs:
                    yield node, ast.unparse(ast.Call(node.func, node.args,
                                                     [*node.keywords, ast.keyword("out", ast.Name(argument.id))]))
                    break


def mode_swap(tree, text, parameters):
    """Train and test mode swapped: the string "train" for "test" and back."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in ("train", "test"):
            yield node, repr("test" if node.value == "train" else "train")


def dropout_rescale(tree, text, parameters):
    """Dropout without its rescale: a random mask divided by p loses the division."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and \
                any(isinstance(n, ast.Call) and "random" in ast.unparse(n.func) for n in ast.walk(node.left)):
            yield node, text.segment(node.left)


def bias_correction(tree, text, parameters):
    """Adam without bias correction: `m / (1 - beta ** t)` becomes `m`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.BinOp) \
                and isinstance(node.right.op, ast.Sub) and isinstance(node.right.right, ast.BinOp) \
                and isinstance(node.right.right.op, ast.Pow):
            yield node, text.segment(node.left)


# Deep-learning operators first: when two operators make the same mutant,
# it is reported under the first, the more telling name.
OPERATORS = {"dl/reduction_axis": reduction_axis, "dl/sum_for_mean": sum_for_mean,
             "dl/regularisation": regularisation, "dl/max_shift": max_shift, "dl/missing_sqrt": missing_sqrt,
             "dl/dropped_transpose": dropped_transpose, "dl/assign_for_accumulate": assign_for_accumulate,
             "dl/inplace_input": inplace_input, "dl/mode_swap": mode_swap, "dl/dropout_rescale": dropout_rescale,
             "dl/bias_correction": bias_correction, "general/drop_statement": drop_statement,
             "general/swap_arguments": swap_arguments, "general/off_by_one": off_by_one}


# --------------------------------------------------------------- the driver
def _parameters(tree):
    """{node: parameter names of the innermost function around it} (not self)."""
    owner = {}

    def visit(node, names):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]} - {"self"}
        owner[node] = names
        for child in ast.iter_child_nodes(node):
            visit(child, names)
    visit(tree, set())
    return owner


def _inside(node, start, end):
    return start <= node.lineno and node.end_lineno <= end


def _ast_mutants(source, start, end):
    """(operator, line, mutated source) of the operators written here, on
    nodes wholly between lines `start` and `end`."""
    view = python_view(source)
    tree = ast.parse(view)
    text = Text(source)
    parameters = _parameters(tree)
    for name, operator in OPERATORS.items():
        for node, new in operator(tree, text, parameters):
            if isinstance(node, tuple):
                first, last = node
                line = source.count("\n", 0, first) + 1
                if start <= line and source.count("\n", 0, last) + 1 <= end:
                    yield name, line, source[:first] + new + source[last:]
            elif _inside(node, start, end):
                yield name, node.lineno, text.replace(node, new)


def _cosmic_ray_mutants(source, start, end):
    """(operator, line, mutated source) of cosmic-ray's operators, at
    positions between lines `start` and `end`."""
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.operators.provider import OperatorProvider
    provider = OperatorProvider()
    nodes = list(ast_nodes(get_ast(source)))   # counting positions changes nothing: one parse serves all
    for name in COSMIC_RAY_OPERATORS:
        operator = provider[name]()
        occurrence = 0
        for node in nodes:
            for (line, _), _ in operator.mutation_positions(node):
                if start <= line <= end:
                    mutated = mutate_code(source, operator, occurrence)
                    if mutated is not None:
                        yield f"cosmic-ray/{name}", line, mutated
                occurrence += 1


def mutants(region, source):
    """Every distinct, compilable mutant of one answer region of `source`
    (a module or a notebook cell); [] for a region with nothing to mutate."""
    made, seen = [], {source}
    label = region.file if region.cell < 0 else f"{region.file}[cell {region.cell}]"
    for operator, line, mutated in [*_ast_mutants(source, region.start, region.end),
                                    *_cosmic_ray_mutants(source, region.start, region.end)]:
        if mutated in seen:
            continue
        seen.add(mutated)
        try:
            compile(python_view(mutated), label, "exec")
        except (SyntaxError, ValueError):
            continue
        diff = "\n".join(difflib.unified_diff(source.split("\n"), mutated.split("\n"), label, label, n=2,
                                              lineterm=""))
        # The id depends on the answer and the change only, so that an
        # equivalent mutant stays marked while the rest of the file changes.
        changed = [l for l in diff.split("\n")[2:] if l.startswith(("+", "-"))]
        digest = hashlib.sha1("\n".join([region.file, region.unit, operator, *changed]).encode()).hexdigest()
        made.append(Mutation(digest[:12], region.file, region.cell, region.unit, operator, line, mutated, diff))
    return made
