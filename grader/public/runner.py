"""Run cases in sandboxed workers and bring back what happened (trusted side).

`ForkServer` starts `grader.public.worker` in a fresh interpreter with a scrubbed
environment; each `Worker` is one fork of it serving one submission.
`run_cases` sends the cases (`Job`s) one by one, enforces each case's time limit, and
turns every way a case can end into an `Outcome`: outputs, a Python error, a
time-out, or a dead worker.  When a unit (an import or a function) hangs or
kills its worker, the worker is replaced and every later case that would run
that unit is skipped: a function that loops costs one time limit, not one per
case.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from grader.public import accounts, plan, protocol

GRADER_HOME = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The fork server's control channel keeps message boundaries: SEQPACKET on
# Linux; macOS has no SEQPACKET for AF_UNIX, and datagrams do the job there.
CONTROL_SOCKET = socket.SOCK_SEQPACKET if sys.platform.startswith("linux") else socket.SOCK_DGRAM
# Threads for numerical libraries: one per worker, so that N workers use N cores.
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


@dataclass
class Limits:
    """Per-worker resource limits (see `resource.setrlimit`), and, where a
    submission runs as a user of its own (see `accounts`), caps on its whole
    process tree and on the files it writes."""
    memory_bytes: int = 4 * 2**30
    file_bytes: int = 64 * 2**20
    processes: int = 256   # per user: applied where student code runs as `nobody` or a worker user
    tree_memory_bytes: int = 4 * 2**30   # all processes of a worker user together (a cgroup)
    disk_bytes: int = 256 * 2**20        # its copy, home and files in /tmp, /var/tmp, /dev/shm, after each case

    def rlimits(self, cpu_seconds):
        return {"RLIMIT_AS": self.memory_bytes, "RLIMIT_FSIZE": self.file_bytes, "RLIMIT_CORE": 0,
                "RLIMIT_CPU": int(cpu_seconds) + 1, "RLIMIT_NPROC": self.processes}


@dataclass
class Job:
    """One case's plan (in wire form, see `plan`), built and encoded once per
    run and sent to every submission's worker.  `given` stays here, for the check."""
    plan: list
    timeout: float
    given: object = None
    lent: dict = field(default_factory=dict)   # {module: source} run in place of the student's (see `suite`)
    seed: int = 0   # np.random and random start from it, so that a submission grades the same every run

    def __post_init__(self):
        self.payloads = {}
        self.units = plan.all_units(self.plan)

    def payload_with_id(self, number):
        """The encoded request tagged with `number` (a worker serves few ids: cache them)."""
        if number not in self.payloads:
            self.payloads[number] = protocol.encode(protocol.run(self.plan, number, self.lent, self.seed))
        return self.payloads[number]


@dataclass
class Outcome:
    """How one case ended in a worker.  `unit` is the unit at fault (see
    `plan.units`) when it did not end "ok"."""
    status: str                      # "ok", "error", "timeout", "crashed" or "skipped"
    outputs: dict = field(default_factory=dict)
    error: dict = field(default_factory=dict)   # protocol.ERROR_FIELDS
    seconds: float = 0.0

    @property
    def unit(self):
        return self.error.get("unit", "")


class SandboxRefused(RuntimeError):
    """Grading would run student code as the grader itself: refused (the message says how to fix it)."""


NAMESPACES = "namespaces (user, mount, network, IPC, PID; private root file system)"


class ForkServer:
    """A warm interpreter (its suite's preload imported) that forks one worker per submission.

    sandbox: "auto" (namespaces where the kernel allows; else, for a root
    grader, a user of its own per submission (`confined`); else a warning in
    `self.sandbox`), "require" (refuse to start without namespaces) or "off".
    grading: refuse (`SandboxRefused`) rather than run student code as the
    grader's own user, unless sandbox is "off" (a student's `check` runs its
    own code, and only warns).
    """

    def __init__(self, sandbox="auto", preload=("numpy",), grading=False):
        self._control, theirs = socket.socketpair(socket.AF_UNIX, CONTROL_SOCKET)
        self._lock = threading.Lock()
        # Sandboxes build their new root on an empty folder here; removed at close().
        self._roots = tempfile.mkdtemp(prefix="grader-sandboxes-")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": GRADER_HOME, "GRADER_SANDBOX_ROOTS": self._roots,
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
               "HOME": tempfile.gettempdir(), **ONE_THREAD}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "grader.public.worker", str(theirs.fileno()), *preload],
            pass_fds=[theirs.fileno()], env=env, cwd=tempfile.gettempdir(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        theirs.close()
        self.isolated, self.confined = False, False
        self.sandbox = "NO SANDBOX: --sandbox off (student code runs as the grader's own user)"
        if sandbox != "off":
            try:
                self._probe(required=sandbox == "require", grading=grading)
            except RuntimeError:
                self.close()
                raise

    @classmethod
    def for_assignment(cls, assignment, sandbox="auto", grading=False):
        """A fork server whose workers start with what `assignment`'s suite
        declares in its ENVIRONMENT (numpy; torch for the PyTorch notebooks)."""
        from grader.public.suite import environment
        return cls(sandbox, preload=tuple(environment(assignment)["preload"]), grading=grading)

    def _probe(self, required, grading):
        """Start one sandboxed worker on an empty folder to see whether it
        works; without namespaces, as root, one that runs as a worker user."""
        mode = self._try(isolated=True)
        self.isolated = mode == "namespaces"
        if self.isolated:
            self.sandbox = NAMESPACES
            return
        if required:
            raise RuntimeError(f"a sandbox was required but namespaces are unavailable ({mode})")
        refused = mode.removeprefix("unavailable: ")
        why_not_root = "a grader that is not root cannot give each submission a user of its own"
        if os.geteuid() == 0 and sys.platform.startswith("linux"):
            try:
                mode = self._try(isolated=False, account=accounts.Account(Limits()))
            except accounts.AccountError as exc:
                mode = f"unavailable: {exc}"
            self.confined = mode.startswith("user ")
            why_not_root = f"a user of its own per submission failed too ({mode.removeprefix('unavailable: ')})"
        if self.confined:
            self.sandbox = (f"a user of its own per submission ({accounts.UID_BASE}+slot; {mode.split('; ', 1)[1]}; "
                            f"no namespaces: {refused})")
            return
        self.sandbox = f"NO SANDBOX: unavailable: {refused}"
        if grading:
            raise SandboxRefused(
                f"Refusing to grade: student code would run as this grader's own user (uid {os.geteuid()}), "
                f"able to read the hidden suite and the references and to rewrite results. User namespaces are "
                f"unavailable ({refused}), and {why_not_root}. Fix one of: run the grader as root; "
                "enable user namespaces "
                "(sysctl user.max_user_namespaces=15000, or kernel.unprivileged_userns_clone=1 on Debian kernels); "
                "or pass --sandbox off to accept running student code as yourself.")

    def _try(self, isolated, account=None):
        """The sandbox mode a worker on an empty folder reports, or "unavailable: why"."""
        with tempfile.TemporaryDirectory(prefix="grader-probe-") as empty:
            try:
                root = empty
                if account:
                    root = os.path.join(empty, "copy")
                    os.makedirs(root)
                    account.adopt(root, os.path.join(empty, "home"))
                    os.chmod(empty, 0o711)
                worker = self.spawn(root, {}, isolated=isolated, account=account)
                mode = worker.sandbox
                worker.kill()
            except WorkerStartError as exc:
                mode = f"unavailable: {exc}"
            finally:
                if account:
                    account.release()
        return mode

    def account(self, limits):
        """A user of its own for one submission's workers (`accounts.Account`), or None where
        workers are in namespaces or run as the grader."""
        return accounts.Account(limits) if self.confined else None

    def limits_in_force(self, limits=None):
        """One line: the limits on a worker here, and what enforces each."""
        limits = limits or Limits()
        gib, mib = limits.memory_bytes / 2**30, limits.file_bytes / 2**20
        parts = [f"memory {gib:g} GiB per process (RLIMIT_AS)", f"files {mib:g} MiB each (RLIMIT_FSIZE)",
                 "CPU time per case (RLIMIT_CPU)"]
        if self.confined:
            probe = accounts.Cgroup.create(f"cs231n-probe-{os.getpid()}", limits)
            if probe:
                probe.remove()
                parts += [f"memory {limits.tree_memory_bytes / 2**30:g} GiB per submission's process tree "
                          "(cgroup v1 memory)",
                          f"{limits.processes} processes per submission (cgroup v1 pids, and RLIMIT_NPROC)"]
            else:
                parts += [f"{limits.processes} processes per submission (RLIMIT_NPROC; no cgroup here, "
                          "so memory is capped per process only)"]
            parts.append(f"{limits.disk_bytes / 2**20:g} MiB of files per submission (measured after each case)")
        elif self.isolated and os.geteuid() == 0:
            parts.append(f"{limits.processes} processes (RLIMIT_NPROC, as nobody)")
        else:
            parts.append("no cap on processes (the time limit ends a fork bomb)")
        return "; ".join(parts)

    def spawn(self, root, limits, isolated=None, avoid=(), account=None):
        """Fork a worker for the submission copy at `root`; return a `Worker`.
        `avoid`: functions the worker must refuse to enter (they hung before).
        `account`: the `accounts.Account` it runs as (its copy `adopt`ed), if any."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        as_user = account and {"uid": account.uid, "home": account.home,
                               "cgroups": account.cgroup.procs_files() if account.cgroup else []}
        request = protocol.spawn_request(os.path.abspath(root), limits, avoid,
                                         self.isolated if isolated is None else isolated, as_user or None)
        with self._lock:
            socket.send_fds(self._control, [request], [theirs.fileno()])
            reply = self._control.recv(4096)
        theirs.close()
        try:
            return Worker(protocol.read_spawned(reply), ours, account=account)
        except EOFError:
            raise RuntimeError("the grader's fork server has stopped") from None

    def close(self):
        self._control.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self._roots, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class WorkerStartError(Exception):
    pass


class Worker:
    """One worker process tree; `pid` is its group, `runner_pid` the process
    that runs student code (inside the sandbox, the first of its PID namespace)."""

    def __init__(self, pid, sock, start_timeout=20.0, account=None):
        self.pid, self.sock, self.runner_pid, self.account = pid, sock, pid, account
        try:
            hello = protocol.recv(sock, deadline=time.monotonic() + start_timeout)
            self.runner_pid, self.sandbox = protocol.read_hello(hello)
        except protocol.ProtocolError as exc:
            self.kill()
            raise WorkerStartError(str(exc)) from None
        except (OSError, EOFError) as exc:
            self.kill()
            raise WorkerStartError(f"the worker did not start ({type(exc).__name__})") from None
        self.sent = 0  # requests sent: each reply must carry the id of the last one

    def run(self, job):
        """Send one case; return an `Outcome` whose error names the unit at fault."""
        start = time.monotonic()
        timeout = job.timeout
        deadline = start + timeout
        unit = job.units[0]
        self.sent += 1
        try:
            protocol.send_encoded(self.sock, job.payload_with_id(self.sent))
            while True:
                kind, value = protocol.read_reply(protocol.recv(self.sock, deadline=deadline), self.sent)
                if kind == "enter":
                    unit = value
                elif kind == "outputs":
                    return Outcome("ok", outputs=value, seconds=time.monotonic() - start)
                else:
                    return Outcome("error", error=value, seconds=time.monotonic() - start)
        except socket.timeout:
            where, function = self._where_stopped()
            self.kill()
            return Outcome("timeout", error={"unit": unit, "type": "Timeout", "where": where, "function": function,
                                             "message": f"did not finish within {timeout:g} s"}, seconds=timeout)
        except (EOFError, OSError, protocol.ProtocolError) as exc:
            self.kill()
            reason = ("the worker process ended (the code exited, crashed or went over the memory limit)"
                      if isinstance(exc, (EOFError, OSError)) else f"the worker sent {exc}")
            return Outcome("crashed", error={"unit": unit, "type": "WorkerDied", "message": reason},
                           seconds=time.monotonic() - start)

    def _where_stopped(self, grace=0.5):
        """Ask the worker where the student's code is (SIGUSR1 raises in it and
        the worker reports the traceback): (file and line, function), or
        ("", "") if it does not answer in time."""
        try:
            os.kill(self.runner_pid, signal.SIGUSR1)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                kind, value = protocol.read_reply(protocol.recv(self.sock, deadline=deadline), self.sent)
                if kind == "error":
                    return value["where"], value["function"]
        except (OSError, EOFError, protocol.ProtocolError):
            pass
        return "", ""

    def kill(self):
        for kill, target in ((os.kill, self.runner_pid), (os.killpg, self.pid), (os.kill, self.pid)):
            try:
                kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.account:  # without a PID namespace, what it forked or detached lives on: end it all
            self.account.end()
        self.sock.close()


def run_cases(server, root, jobs, limits=Limits(), account=None):
    """Run `jobs` ({case name: Job}) for the submission at `root`, as
    `account`'s user if given (its files are measured after each case).

    Returns {name: Outcome}.  Every case gets an outcome, whatever the code does.
    """
    outcomes, fatal, worker = {}, {}, None
    budget = sum(job.timeout for job in jobs.values())
    try:
        for name, job in jobs.items():
            blamed = [u for u in job.units if u in fatal]
            if blamed:
                outcomes[name] = Outcome("skipped", error={"unit": blamed[0], **fatal[blamed[0]]})
                continue
            if worker is None:
                try:
                    worker = server.spawn(root, limits.rlimits(budget), avoid=fatal, account=account)
                except WorkerStartError as exc:
                    outcomes[name] = Outcome("crashed", error={"unit": job.units[0], "type": "WorkerDied",
                                                            "message": f"the grader could not start a worker: {exc}"})
                    continue
            outcome = outcomes[name] = worker.run(job)
            if account and outcome.status not in ("timeout", "crashed"):
                written = account.bytes_written()
                if written > limits.disk_bytes:  # the case is charged, its files go, the worker starts afresh
                    worker.kill()
                    outcome = outcomes[name] = Outcome("crashed", seconds=outcome.seconds, error={
                        "unit": outcome.unit or job.units[-1], "type": "DiskLimit",
                        "message": f"the code wrote {written / 2**20:.0f} MiB of files (at most "
                                   f"{limits.disk_bytes / 2**20:g} MiB, temporary files included)"})
            if outcome.status == "error" and outcome.error["type"] == "NotRun" and outcome.error["message"] in fatal:
                function = outcome.error["message"]
                outcomes[name] = Outcome("skipped", error={"unit": outcome.error["unit"], **fatal[function]})
            if outcome.status in ("timeout", "crashed"):
                worker = None
                failed = {"type": "NotRun",
                          "message": f"not run: {outcome.error['unit']} already failed in case {name} "
                                     f"({outcome.error['message']})"}
                # Skip later cases that call the unit, or reach the function it was stopped in.
                for blame in {outcome.error["unit"], outcome.error.get("function")} - {None, ""}:
                    fatal[blame] = failed
            budget -= outcome.seconds
    finally:
        if worker is not None:
            worker.kill()
    return outcomes
