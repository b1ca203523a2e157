"""Without namespaces (Gradescope's container), a root grader still contains student code.

One grading run, where the kernel refuses new namespaces (see
without_namespaces.py), of the k-nearest-neighbour cases of complete
submissions that each carry one attack in one method: a setsid() daemon
that outlives its worker to read the hidden suite and rewrite results,
reads of everything a worker must not see, a fork of 300 processes, five
children of 1.2 GiB each, and 300 MiB written to /tmp.  Each must cost no
more than the cases of the method it is in, and nothing of it may remain
when the run is over.  The attacks report what they achieved in a drop box,
a folder every user may write, which the grader neither knows nor cleans.
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from support import ASSIGNMENT
from test_hostile import (MODES, SUBREAPER, Context, broken, in_method, nothing, unavailable, _complete,
                          _tree_digest)

pytestmark = pytest.mark.slow   # one real grading run

DAEMON = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.closerange(3, 4096)   # nothing of the worker's: the daemon lives on its own
        targets = {"suite": "@REPO@/grader/suites/assignment1/hidden.py",
                   "reference": "@SOLUTION@/cs231n/classifiers/k_nearest_neighbor.py"}
        results = {"own_results": "@RESULTS@", "grades": "@OUT@/grades.csv",
                   "other_results": "@OUT@/students/complete_first/results.json"}
        end = time.monotonic() + 60
        while time.monotonic() < end:
            stamp = repr(time.time())
            open(f"@DROP@/alive-{stamp}", "w").close()
            for name, path in targets.items():
                try:
                    with open(path) as f:
                        f.read()
                    open(f"@DROP@/read-{name}-{stamp}", "w").close()
                except OSError:
                    pass
            for name, path in results.items():
                try:
                    with open(path, "w") as f:
                        f.write('{"score": 76}')
                    open(f"@DROP@/wrote-{name}-{stamp}", "w").close()
                except OSError:
                    pass
            time.sleep(0.1)
    os._exit(0)
os.wait()
"""

READS = """
import os
def attempt(name, action):
    open(f"@DROP@/tried-{name}", "w").close()
    try:
        action()
    except OSError:
        return
    open(f"@DROP@/read-{name}", "w").close()
def read(path):
    return lambda: open(path, "rb").read()
scratch = os.path.dirname(os.path.dirname(os.getcwd()))
attempt("solutions", read("@SOLUTION@/cs231n/classifiers/k_nearest_neighbor.py"))
attempt("suites", read("@REPO@/grader/suites/assignment1/hidden.py"))
attempt("git", read("@REPO@/.git/HEAD"))
attempt("another_student", read("@SUBMISSIONS@/complete_first/cs231n/classifiers/k_nearest_neighbor.py"))
attempt("out", lambda: os.listdir("@OUT@"))
attempt("gradebook", read("@OUT@/gradebook.sqlite"))
attempt("scratch", lambda: os.listdir(scratch))
attempt("grader_environment", read(f"/proc/{os.getppid()}/environ"))
"""

FORK_300 = """
import os, time
forked = 0
for _ in range(300):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    forked += 1
raise RuntimeError(f"forked {forked} of 300 processes")
"""

FIVE_BIG_CHILDREN = """
import os, time
ready, told = os.pipe()
children = []
for _ in range(5):
    pid = os.fork()
    if pid == 0:
        try:
            block = np.ones(int(1.2 * 2**30) // 8)   # written: 1.2 GiB resident
            os.write(told, b"%08d" % os.getpid())
            time.sleep(30)
        finally:
            os._exit(0)
    children.append(pid)
os.close(told)
os.set_blocking(ready, False)
reported, deadline = set(), time.monotonic() + 4
while len(reported) < 5 and time.monotonic() < deadline:
    try:
        data = os.read(ready, 64)
        reported |= {int(data[i:i + 8]) for i in range(0, len(data) - 7, 8)}
    except BlockingIOError:
        time.sleep(0.05)
# A child the cap stopped may have reported first: count those that still hold their memory.
held = [pid for pid in reported if os.waitpid(pid, os.WNOHANG) == (0, 0)]
raise RuntimeError(f"held 1.2 GiB in {len(held)} of 5 children at once")
"""

FILL_TMP = """
for i in range(5):   # 60 MiB each: under the 64 MiB a file may have
    with open(f"/tmp/@MARKER@-{i}", "wb") as f:
        f.write(bytes(60 * 2**20))
"""

SUBMISSIONS = [
    ("complete_first", _complete, nothing),
    ("setsid_daemon", in_method("compute_distances_two_loops", DAEMON), nothing),
    ("reads_what_it_must_not", in_method("compute_distances_one_loop", READS), nothing),
    ("forks_300_processes", in_method("compute_distances_no_loops", FORK_300), broken("compute_distances_no_loops")),
    ("five_children_of_1_2_gib", in_method("predict_labels", FIVE_BIG_CHILDREN), broken("predict_labels")),
    ("writes_300_mib_to_tmp", in_method("compute_distances_two_loops", FILL_TMP),
     broken("compute_distances_two_loops")),
    ("complete_last", _complete, nothing),
]
STUDENTS = [name for name, _, _ in SUBMISSIONS]
KNN = "KNearestNeighbor.*"
RUN_TIMEOUT = 300


@pytest.fixture(scope="module")
def run(repo):
    if os.geteuid() != 0:
        unavailable("without namespaces, only a root grader contains student code (a user per submission)")
    base = tempfile.mkdtemp(prefix="contained-", dir="/tmp")
    os.chmod(base, 0o755)    # a folder any user may cross: the grader must keep workers out of it
    drop = os.path.join(base, "drop")
    os.mkdir(drop)
    os.chmod(drop, 0o1777)
    submissions, out = os.path.join(base, "submissions"), os.path.join(base, "out")
    os.mkdir(submissions)
    ctx = Context(out=out, repo=repo, solution=os.path.join(repo, "solutions", ASSIGNMENT), drop=drop,
                  submissions=submissions, marker=f"contained-{uuid.uuid4().hex}",
                  results=os.path.join(out, "students", "setsid_daemon", "results.json"))
    paths = [builder(os.path.join(submissions, name), ctx) for name, builder, _ in SUBMISSIONS]
    before = _tree_digest(os.path.join(submissions, "complete_first"))
    command = [sys.executable, "-m", "grader", "grade", "--assignment", ASSIGNMENT, "--out", out, "--cases", KNN,
               "--jobs", "2", "--no-progress", *paths]
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-c", SUBREAPER, os.path.join(base, "reaper.json"),
                             *MODES["no namespaces"], *command], cwd=repo, capture_output=True, text=True,
                            timeout=RUN_TIMEOUT)
    ended = time.time()
    with open(os.path.join(base, "reaper.json")) as f:
        reaper = json.load(f)
    with open(os.path.join(out, "grades.csv")) as f:
        grades = {row["student"]: row for row in csv.DictReader(f)}
    yield Context(result=result, seconds=time.monotonic() - began, ended=ended, grades=grades, reaper=reaper,
                  drop=sorted(os.listdir(drop)), out=out, ctx=ctx, before=before,
                  after=_tree_digest(os.path.join(submissions, "complete_first")),
                  left_in_tmp=glob.glob(f"/tmp/{ctx.marker}*"))
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def knn_cases(cases):
    return [c for c in cases if c.function.startswith("KNearestNeighbor.")]


def feedback(run, student):
    with open(os.path.join(run.out, "students", student, "results.json")) as f:
        return {t["name"]: t for t in json.load(f)["tests"]}


def test_the_run_ends_normally_and_says_how_it_contained_workers(run):
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    assert "Sandbox: a user of its own per submission" in run.result.stdout
    assert "cgroup v1 memory" in run.result.stdout and "cgroup v1 pids" in run.result.stdout


@pytest.mark.parametrize("name, expected", [(n, e) for n, _, e in SUBMISSIONS], ids=STUDENTS)
def test_each_submission_loses_exactly_the_cases_of_its_attack(run, knn_cases, name, expected):
    lost = {c.name for c in knn_cases if float(run.grades[name][c.name]) == 0}
    assert lost == expected(knn_cases) & {c.name for c in knn_cases}


def test_the_daemon_ran_during_grading(run):
    assert any(name.startswith("alive-") for name in run.drop)


def test_the_daemon_was_ended_before_any_result_was_written(run):
    last_alive = max(float(name[len("alive-"):]) for name in run.drop if name.startswith("alive-"))
    written = os.path.getmtime(os.path.join(run.out, "students", "setsid_daemon", "results.json"))
    assert last_alive < written


def test_the_daemon_read_nothing_secret_and_rewrote_no_result(run):
    assert [name for name in run.drop if name.startswith(("read-suite", "read-reference", "wrote-"))] == []
    assert float(run.grades["setsid_daemon"]["score"]) == float(run.grades["setsid_daemon"]["max_score"])
    assert run.grades["complete_first"]["score"] == run.grades["complete_first"]["max_score"]


def test_a_worker_reads_none_of_what_it_must_not(run):
    tried = {name[len("tried-"):] for name in run.drop if name.startswith("tried-")}
    assert tried == {"solutions", "suites", "git", "another_student", "out", "gradebook", "scratch",
                     "grader_environment"}
    assert [name for name in run.drop if name.startswith("read-")] == []


def test_the_paths_made_private_for_the_run_are_given_back_their_modes(run, repo):
    assert os.stat(os.path.join(repo, "solutions")).st_mode & 0o005 == 0o005
    assert os.stat(run.out).st_mode & 0o005 == 0o005


def test_another_students_files_are_unchanged(run):
    assert run.after == run.before


def test_a_fork_of_300_stops_at_the_process_cap(run):
    messages = [t["output"] for t in feedback(run, "forks_300_processes").values() if t["score"] == 0]
    counts = [int(n) for m in messages for n in re.findall(r"forked (\d+) of 300", m)]
    assert counts and max(counts) < 256


def test_five_children_of_1_2_gib_cannot_all_hold_their_memory(run):
    messages = [t["output"] for t in feedback(run, "five_children_of_1_2_gib").values() if t["score"] == 0]
    held = [int(n) for m in messages for n in re.findall(r"in (\d+) of 5 children", m)]
    assert held and max(held) <= 3   # 4 GiB for the whole tree


def test_300_mib_in_tmp_fails_the_case_that_wrote_it_and_is_removed(run):
    messages = [t["output"] for t in feedback(run, "writes_300_mib_to_tmp").values() if t["score"] == 0]
    assert any("wrote 300 MiB of files" in m for m in messages), messages
    assert run.left_in_tmp == []


def test_no_process_of_the_run_outlives_it(run):
    assert run.reaper.get("leftover") == {}


NOT_ROOT = 65534


@pytest.fixture
def as_another_user(tmp_path):
    """run(*grader arguments) -> CompletedProcess: the grader as an unprivileged user, without namespaces."""
    if os.geteuid() != 0:
        unavailable("needs root to become another user in a user namespace of its own")
    folder = tempfile.mkdtemp(prefix="not-root-", dir="/tmp")
    os.chmod(folder, 0o777)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def run(*arguments):
        return subprocess.run([*MODES["no namespaces"], "--user", str(NOT_ROOT), sys.executable, "-m", "grader",
                               *arguments], cwd=repo, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HOME": folder})
    yield run, folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("command", ["grade", "gradescope"])
def test_a_grader_that_is_not_root_refuses_to_grade_without_namespaces(as_another_user, repo, command):
    run, folder = as_another_user
    submission = _complete(os.path.join(folder, "student"), Context(solution=os.path.join(repo, "solutions",
                                                                                          ASSIGNMENT)))
    where = (["--out", os.path.join(folder, "out"), submission] if command == "grade" else
             ["--submission-dir", submission, "--results", os.path.join(folder, "results", "results.json")])
    result = run(command, "--assignment", ASSIGNMENT, "--cases", KNN, *where) if command == "grade" else \
        run(command, "--assignment", ASSIGNMENT, *where)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Refusing to grade" in result.stdout
    for fix in ("run the grader as root", "enable user namespaces", "--sandbox off"):
        assert fix in result.stdout
    assert not os.path.exists(os.path.join(folder, "results", "results.json"))


def test_a_grader_that_is_not_root_grades_as_itself_with_sandbox_off(as_another_user, repo):
    run, folder = as_another_user
    submission = _complete(os.path.join(folder, "student"), Context(solution=os.path.join(repo, "solutions",
                                                                                          ASSIGNMENT)))
    result = run("grade", "--assignment", ASSIGNMENT, "--cases", KNN, "--sandbox", "off", "--no-progress",
                 "--out", os.path.join(folder, "out"), submission)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING: NO SANDBOX: --sandbox off (student code runs as the grader's own user)" in result.stdout


def test_in_gradescope_a_setsid_daemon_is_ended_before_results_json_is_written(repo):
    """`grader gradescope` in a container without namespaces: the daemon reads nothing and rewrites nothing."""
    if os.geteuid() != 0:
        unavailable("without namespaces, only a root grader contains student code (a user per submission)")
    base = tempfile.mkdtemp(prefix="contained-gradescope-", dir="/tmp")
    try:
        os.chmod(base, 0o755)
        drop, results = os.path.join(base, "drop"), os.path.join(base, "results", "results.json")
        os.mkdir(drop)
        os.chmod(drop, 0o1777)
        ctx = Context(out=os.path.join(base, "out"), repo=repo, drop=drop, results=results,
                      solution=os.path.join(repo, "solutions", ASSIGNMENT))
        submission = in_method("compute_distances_two_loops", DAEMON)(os.path.join(base, "submission"), ctx)
        result = subprocess.run([*MODES["no namespaces"], sys.executable, "-m", "grader", "gradescope",
                                 "--assignment", ASSIGNMENT, "--submission-dir", submission, "--results", results],
                                cwd=repo, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        assert result.returncode == 0, result.stdout + result.stderr
        time.sleep(1)   # a daemon still alive would write again meanwhile
        with open(results) as f:
            graded = json.load(f)
        alive = [float(name[len("alive-"):]) for name in os.listdir(drop) if name.startswith("alive-")]
        assert alive and max(alive) < os.path.getmtime(results)
        assert [name for name in os.listdir(drop) if name.startswith(("read-", "wrote-"))] == []
        assert graded["score"] == sum(t["max_score"] for t in graded["tests"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
