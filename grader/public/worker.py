"""The student side: a fork server, and the worker that runs one submission.

Nothing here is trusted.  The grader starts this module in a fresh interpreter
(`python -m grader.public.worker FD MODULE...`) with a scrubbed environment,
before it has computed any reference output.  The fork server imports the
suite's preload (numpy; torch where a suite asks for it) once and then, for
each submission, forks a worker that

1. leaves the server's process group (so the grader can kill it and all its
   children at once), applies resource limits and closes stdin/stdout/stderr;
2. executes the plan of each case the grader sends (`plan.execute`),
   importing the student's modules (or the function defined in their
   notebook) from a private copy of the submission, and
3. answers with plain data only (see `protocol`).

Before each import or call the worker says which "unit" it enters, so that
when a function loops forever or kills its process, the grader knows whose
fault it was and skips the other cases that would call it.

A worker serves one submission and is never reused for another.
"""
import ast
import contextlib
import functools
import importlib
import importlib.abc
import importlib.util
import json
import os
import random
import resource
import signal
import socket
import sys
import traceback
import types

from grader.public import legacy, plan, protocol, sandbox

class NotRun(BaseException):
    """Raised on entering a function that hung or crashed in an earlier case."""


def avoid(functions, root):
    """Refuse to enter the student's `functions` (qualified names) from now on:
    a case that reaches one of them, even through another function, ends at
    once instead of costing a second time limit."""
    if not functions:
        return
    functions, root = set(functions), os.path.abspath(root)

    def on_call(frame, event, arg):
        filename = frame.f_code.co_filename
        if event == "call" and getattr(frame.f_code, "co_qualname", frame.f_code.co_name) in functions \
                and not filename.startswith("<") and os.path.abspath(filename).startswith(root + os.sep):
            raise NotRun(getattr(frame.f_code, "co_qualname", frame.f_code.co_name))
    sys.setprofile(on_call)


class TimeLimitReached(BaseException):
    """Raised in the student's code when the grader says its time is up, so
    that the traceback tells the student where their code was stopped."""


def _time_limit_reached(signum, frame):
    raise TimeLimitReached("stopped at the time limit")


# ---------------------------------------------------------------- fork server
def serve_forever(control_fd):
    """Fork one worker per request received on `control_fd`, until EOF.

    A request (`protocol.spawn_request`) names the copy, the limits, the
    functions to avoid and whether to sandbox, with the worker's end of a
    socket pair attached; the reply (`protocol.spawned`) is the worker's pid.
    """
    control = socket.socket(fileno=control_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    sys.path[:] = [p for p in sys.path if p and os.path.isdir(p) and not _is_grader_home(p)]
    readable = sandbox.readable_paths()
    roots = os.environ.get("GRADER_SANDBOX_ROOTS", "/tmp")  # where sandboxes build their root (see runner)
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 1)
        except OSError:
            return
        if not data:
            return
        request = protocol.read_spawn_request(data)
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            conn = socket.socket(fileno=fds[0])
            code = 0
            try:
                serve_submission(conn, _start_worker(conn, request, readable, roots))
            except BaseException:
                code = 1
            os._exit(code)
        os.close(fds[0])
        control.send(protocol.spawned(pid))


def _start_worker(conn, request, readable, roots):
    """Turn this fresh fork into the process that runs the student's code:
    sandbox (if asked and possible), limits, no terminal, the copy as working
    directory.  Says hello to the grader with the pid to kill and the sandbox
    in force.  Returns the copy's path as this process sees it."""
    os.setsid()
    root = request["root"]
    mode = "off"
    account = request["account"]   # without namespaces, as root: the user of its own to become
    if account:
        sandbox.become(account["uid"], account["cgroups"])
        unreadable = [path for path in readable if not os.access(path, os.R_OK | os.X_OK)]
        if unreadable:  # a Python installed in /root, say: say so rather than fail each import later
            protocol.send(conn, protocol.hello(None, error=f"worker users cannot read {', '.join(unreadable)}: "
                                                           "install Python where every user may read it"))
            os._exit(70)
        network = "sockets refused" if sandbox.refuse_network() else "open (no seccomp here)"
        mode = f"user {account['uid']}; network {network}"
        os.environ.update(HOME=account["home"], TMPDIR=account["home"])
        if "tempfile" in sys.modules:
            sys.modules["tempfile"].tempdir = None   # found again, from TMPDIR
    elif request["sandbox"]:
        try:
            root = sandbox.isolate(root, readable, conn, "namespaces", roots)
            mode = None  # the sandbox's supervisor has said hello for us
            sandbox.drop_privileges()
        except sandbox.SandboxUnavailable as exc:
            mode = f"unavailable: {exc}"
    if mode is not None:
        protocol.send(conn, protocol.hello(os.getpid(), mode))
    limits = dict(request["limits"])
    if os.getuid() != sandbox.NOBODY and not account:
        limits.pop("RLIMIT_NPROC", None)  # counted per user: safe only for one that runs nothing but workers
    for name, value in limits.items():
        if value is not None and hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (value, value))
            except (ValueError, OSError):  # e.g. RLIMIT_AS on macOS: that limit is then not enforced
                pass
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGUSR1, _time_limit_reached)
    os.chdir(root)
    sys.path.insert(0, root)
    for name in [m for m in sys.modules if m == "grader" or m.startswith("grader.")]:
        if name not in ("grader.public.protocol", "grader.public.plan"):
            del sys.modules[name]
    legacy.install()
    avoid(request.get("avoid"), root)
    return root


def _is_grader_home(path):
    return os.path.isdir(os.path.join(path, "grader", "suites"))


# --------------------------------------------------------------------- worker
def serve_submission(conn, root="."):
    """Answer `run` requests from the grader until it closes the connection.

    Only this process answers: a process the student's code forked that
    returns here leaves silently.  Each reply carries its request's id, so a
    stray message can never pass for the answer to another case."""
    me = os.getpid()

    def send(message):
        if os.getpid() != me:
            os._exit(0)
        protocol.send(conn, message)

    while True:
        try:
            request = protocol.recv(conn)
        except EOFError:
            return
        number = request.get("id")
        kind, value = run_plan(request["run"], root, lambda unit: send(protocol.entering(unit, number)),
                               request.get("lend") or {}, request.get("seed"))
        send(protocol.outputs(value, number) if kind == "outputs" else protocol.failure(number, **value))


def run_plan(wire, root, enter=lambda unit: None, lend=None, seed=None):
    """Execute one case's plan on the submission at `root` (see `plan.execute`),
    with the modules of `lend` ({dotted name: source}) in place of the
    student's, np.random and random seeded with `seed` (the student's
    minibatches and initial weights are then the same at every run); return
    ("outputs", values) or ("error", description)."""
    unit = None
    if isinstance(seed, int) and 0 <= seed < 2**32:
        random.seed(seed)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed(seed)
        if "torch" in sys.modules:
            sys.modules["torch"].manual_seed(seed)

    def entered(name):
        nonlocal unit
        unit = name
        enter(name)
    try:
        with lent_modules(lend or {}, root):
            return "outputs", plan.execute(wire, lambda target: resolve(target, root), entered, protocol.plain_copy)
    except protocol.ProtocolError as exc:  # a value we do not carry: the student's return value
        return "error", {"unit": unit, "type": "UnsupportedValue", "message": f"it returned {exc}"}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are the student's too
        return "error", describe_exception(exc, unit, root)


def describe_exception(exc, unit, root):
    """A short, student-facing account: exception type, message, and the last
    line of the student's own code the traceback passed through."""
    where, function = "", ""
    root = os.path.abspath(root)
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        code = frame.f_code
        filename = os.path.abspath(code.co_filename) if not code.co_filename.startswith("<") else code.co_filename
        if filename.startswith(root + os.sep):
            where = f"{os.path.relpath(filename, root)}, line {lineno}"
        elif filename.startswith("<notebook "):
            where = f"{filename[10:-1]}, line {lineno}"
        else:
            continue
        function = getattr(code, "co_qualname", code.co_name)
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f"{os.path.relpath(os.path.abspath(exc.filename), root)}, line {exc.lineno}"
    message = str(exc) if not isinstance(exc, SyntaxError) else (exc.msg or "invalid syntax")
    return {"unit": unit, "type": type(exc).__name__, "message": message[:500], "where": where,
            "function": function}


# ------------------------------------------------------------------ lending
@contextlib.contextmanager
def lent_modules(lend, root):
    """Run with the modules of `lend` ({"cs231n.layers": source}) in place of
    the student's files of those names.  Every module of the submission is
    forgotten before (so that the student's code imported during the case
    binds to the lent ones) and after (so that later cases import the
    student's own again).  A finder placed first on sys.meta_path serves the
    lent sources, so they import each other as the student's files would."""
    if not lend:
        yield
        return
    modules = {name: source for name, source in lend.items() if ".ipynb:" not in name}
    finder = _LentFinder(modules)
    _forget_submission(root, lend)
    _LENT_DEFINITIONS.update({name: source for name, source in lend.items() if ".ipynb:" in name})
    sys.meta_path.insert(0, finder)
    try:
        for name in sorted(modules):  # through `import_module`: a broken package __init__ must not stop them
            import_module(name, root)
        yield
    finally:
        sys.meta_path.remove(finder)
        _LENT_DEFINITIONS.clear()
        _forget_submission(root, lend)


# "notebook.ipynb:name" -> the reference's source of that definition, while a
# case that lends it runs: `function_from_notebook` takes it in place of the
# student's (a notebook function built on another the student writes, such
# as PyTorch.ipynb's two_layer_fc on flatten).
_LENT_DEFINITIONS = {}


class _LentFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, lend):
        self.lend = lend

    def find_spec(self, name, path=None, target=None):
        if name not in self.lend:
            return None
        return importlib.util.spec_from_loader(name, self, origin=f"<reference {name.replace('.', '/')}.py>")

    def create_module(self, spec):
        return None  # the default module

    def exec_module(self, module):
        exec(compile(self.lend[module.__name__], module.__spec__.origin, "exec"), module.__dict__)


def _forget_submission(root, lend):
    """Drop from sys.modules the lent modules and every module (or package)
    whose file is in the submission at `root`."""
    inside = os.path.abspath(root) + os.sep
    function_from_notebook.cache_clear()  # a notebook's function keeps the classes it imported
    for name, module in list(sys.modules.items()):
        if name in lend or any(not p.startswith("<") and os.path.abspath(p).startswith(inside)
                               for p in _module_paths(module)):
            del sys.modules[name]


def _module_paths(module):
    """A module's file and package folders, as strings.  Some modules answer
    any attribute (torch.classes gives a namespace object for __path__)."""
    paths = [getattr(module, "__file__", None)]
    try:
        paths += list(getattr(module, "__path__", None) or [])
    except TypeError:
        pass
    return [p for p in paths if isinstance(p, str) and p]


# ------------------------------------------------------------------ resolving
def resolve(target, root="."):
    """Return the object named by `target`.

    "package.module:Name" or "package.module:Class" imports a module of the
    submission; "notebook.ipynb:function" takes the function from the notebook
    (see `function_from_notebook`).
    """
    location, name = target.split(":", 1)
    if location.endswith(".ipynb"):
        if not os.path.isfile(os.path.join(root, location)):
            raise FileNotFoundError(f"{location} is missing from the submission")
        return function_from_notebook(os.path.join(root, location), name)
    return getattr(import_module(location, root), name)


def import_module(dotted, root="."):
    """Import a module of the submission, even when a package __init__ of it
    is broken: a syntax error in one file must not cost the functions of
    another.  A package whose __init__ fails is replaced by a bare package that
    finds names in its submodules on demand."""
    parts = dotted.split(".")
    for i in range(1, len(parts)):
        package = ".".join(parts[:i])
        if package in sys.modules:
            continue
        try:
            importlib.import_module(package)
        except (Exception, SystemExit):  # a sys.exit() in one file must not cost another's cases
            sys.modules.pop(package, None)
            sys.modules[package] = _bare_package(package, os.path.join(root, *parts[:i]))
    if isinstance(sys.modules.get(dotted), _BrokenModule):  # asked for itself: say why it fails
        del sys.modules[dotted]
    while True:
        try:
            return importlib.import_module(dotted)
        except (Exception, SystemExit) as exc:
            # Another file of the submission that this one imports is broken: stand a
            # placeholder in for it, so that only the code that uses it fails.
            culprit = _module_that_failed(exc, root)
            if culprit in (None, dotted) or isinstance(sys.modules.get(culprit), _BrokenModule):
                raise
            sys.modules.pop(dotted, None)
            sys.modules[culprit] = _BrokenModule(culprit, exc)


def _module_that_failed(exc, root):
    """The dotted name of the submission's module whose import raised `exc`
    (a file that does not compile, or the innermost module-level code of the
    submission in the traceback), or None."""
    inside = os.path.abspath(root) + os.sep
    path = None
    if isinstance(exc, SyntaxError) and exc.filename:
        path = exc.filename
    else:
        for frame, _ in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_name == "<module>" and not frame.f_code.co_filename.startswith("<"):
                path = frame.f_code.co_filename if os.path.abspath(frame.f_code.co_filename).startswith(inside) \
                    else path
    if path is None or not os.path.abspath(path).startswith(inside):
        return None
    parts = os.path.relpath(os.path.abspath(path), os.path.abspath(root))[:-3].split(os.sep)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class _BrokenModule(types.ModuleType):
    """Stands in for a module of the submission that cannot be imported: any
    name taken from it is a function that raises why, when it is used."""

    def __init__(self, name, exc):
        super().__init__(name)
        self.__why__ = f"{name.replace('.', '/')}.py could not be imported ({type(exc).__name__}: {exc})"

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        why = self.__why__

        def unavailable(*args, **kwargs):
            raise ImportError(f"{attr} comes from {why}")
        unavailable.__name__ = attr
        return unavailable


def _bare_package(name, path):
    package = types.ModuleType(name)
    package.__path__ = [os.path.abspath(path)]

    def find_in_submodules(attr):
        broken = None
        for entry in sorted(os.listdir(package.__path__[0])):
            if entry.endswith(".py") and entry != "__init__.py":
                try:
                    module = importlib.import_module(f"{name}.{entry[:-3]}")
                except (Exception, SystemExit) as exc:
                    broken = broken or exc
                    continue
                if hasattr(module, attr):
                    return getattr(module, attr)
        if broken is not None:  # most likely the file that defines `attr`: say why it failed
            raise broken
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")

    package.__getattr__ = find_in_submodules
    return package


@functools.lru_cache(maxsize=None)  # a worker serves one submission: parse its notebook once
def function_from_notebook(path, name):
    """Define function (or class) `name` from a notebook, running as little as possible.

    The last code cell that defines `name` at top level is the definition.
    Only that `def`, the other functions and classes of the notebook that it
    uses (and those they use), and the import statements that bind a name
    they use are executed: no data loading, no training, no plots.  A
    definition the running case lends (`lent_modules`) replaces the student's.
    """
    label = os.path.basename(path)
    definitions, imports = {}, []   # name -> (cell index, node), the last definition winning
    cells = notebook_code_cells(path)
    for index, source in enumerate(cells):
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            if f"def {name}" in source:
                exc.filename = cell_label(label, source)
                raise
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                definitions[node.name] = (index, node)
    for lent, source in _LENT_DEFINITIONS.items():
        notebook, lent_name = lent.split(":", 1)
        if notebook == label and lent_name != name:  # never the definition the case judges
            definitions[lent_name] = (-1, ast.parse(source).body[0])
    if not isinstance(definitions.get(name, (0, None))[1], (ast.FunctionDef, ast.ClassDef)):
        raise NameError(f"no code cell of {label} defines a function or class called {name}")
    needed, used, waiting = {}, set(), [name]
    while waiting:  # the definitions `name` needs, transitively
        wanted = waiting.pop()
        if wanted in needed or wanted not in definitions:
            continue
        needed[wanted] = definitions[wanted]
        names = {n.id for n in ast.walk(needed[wanted][1]) if isinstance(n, ast.Name)}
        used |= names
        waiting += sorted(names)
    namespace = {"__name__": "__notebook__"}
    bound = [i for i in imports if any((a.asname or a.name.split(".")[0]) in used for a in i.names)]
    exec(compile(ast.Module(bound, []), f"<notebook {label} imports>", "exec"), namespace)
    for index, node in sorted(needed.values(), key=lambda item: (item[0], item[1].lineno)):
        where = cell_label(label, cells[index]) if index >= 0 else f"<reference {label}:{node.name}>"
        exec(compile(ast.Module([node], []), where, "exec"), namespace)
    return namespace[name]


def cell_label(notebook, source):
    """A code cell named as JupyterLab lets one find it: by its first line
    (cells have no visible number, and execution counts change each run)."""
    first = next((line.strip() for line in source.split("\n") if line.strip()), "")
    first = first if len(first) <= 48 else first[:45] + "..."
    return f"<{notebook}, the cell that starts {first!r}>"


def notebook_code_cells(path):
    """The code cells of a notebook, IPython magics and shell lines blanked."""
    with open(path, encoding="utf-8") as f:
        try:
            notebook = json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{os.path.basename(path)} is not a valid notebook file (JSON error: {exc})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{os.path.basename(path)} is not a valid notebook file (it has no list of cells)")
    cells = []
    for cell in notebook["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            cells.append("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.split("\n")))
    return cells


if __name__ == "__main__":
    for module in sys.argv[2:]:  # the suite's environment: what every forked worker starts with
        importlib.import_module(module)
    serve_forever(int(sys.argv[1]))
