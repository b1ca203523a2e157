"""Containment without namespaces: a user of its own for each submission (trusted side).

Where the kernel refuses namespaces (Gradescope's container, many Docker
hosts) but the grader is root, each submission's workers run as a user no
one else is: uid `UID_BASE + slot`, with no /etc/passwd entry, and its gid
the same number.  A slot is held with a lock file for as long as the
submission is graded, so that parallel graders (threads, Dask workers,
other runs on the machine) never share one.  For the submission that user

- may read its private copy (through its group) and write only a home
  folder beside it (HOME and TMPDIR) and the shared scratch folders;
  `private` makes what it must not read (solutions/, the suites, .git, the
  output folder, the other submissions) unreadable to "other" for the run,
  and the scratch folder can be crossed but not listed;
- runs in a cgroup of its own (v1: memory and pids controllers) where the
  grader may create one, else under RLIMIT_NPROC, which counts per user;
- loses every process it has when the submission is done, however they
  forked or detached (`end_processes` loops over /proc until none is left),
  and then what it left in /tmp, /var/tmp and /dev/shm.

Only after that does the grader write the submission's results.
"""
import contextlib
import fcntl
import os
import shutil
import signal
import stat
import tempfile
import time

UID_BASE = 2_000_000_000   # far above any real user or subordinate-id range
SLOTS = 4096
SHARED_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")   # where any user may write
CGROUP_V1 = "/sys/fs/cgroup"
CONTROLLERS = ("memory", "pids")


class AccountError(Exception):
    """No user of its own could be given to a worker."""


def lock_folder():
    """The folder of slot locks, shared by every grader on this machine and private to root."""
    base = "/run" if os.access("/run", os.W_OK) else tempfile.gettempdir()
    path = os.path.join(base, "cs231n-grader-uids")
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise AccountError(f"{path} is not a private folder of the grader's user: remove it and run again")
    return path


class Account:
    """One worker user, held until `release()`: its uid, its cgroup (or
    None), its home folder and its private copy once `adopt`ed."""

    def __init__(self, limits):
        self.uid, self._lock = _claim_slot()
        self.root = self.home = None
        end_processes(self.uid)          # a grader killed before its cleanup may have left some
        remove_leftovers(self.uid)
        self.cgroup = Cgroup.create(f"cs231n-worker-{self.uid}", limits)

    def adopt(self, root, home):
        """Let this user read the copy at `root` (through its group: the copy
        stays the grader's, so the code cannot change it), and give it a new
        folder `home` of its own (HOME and TMPDIR)."""
        for folder, dirs, names in os.walk(root):
            os.lchown(folder, -1, self.uid)
            os.chmod(folder, 0o750)
            for name in names:
                os.lchown(os.path.join(folder, name), -1, self.uid)
                os.chmod(os.path.join(folder, name), 0o640)
        os.makedirs(home, mode=0o700)
        os.chown(home, self.uid, self.uid)
        self.root, self.home = root, home

    def bytes_written(self):
        """Disk used by the home folder and the user's files in the shared scratch folders."""
        tops = [self.home] if self.home else []
        for base in SHARED_SCRATCH:
            tops += [entry.path for entry in _entries(base) if _owner(entry) == self.uid]
        return sum(_disk_usage(top) for top in tops)

    def end(self):
        """End every process of this user, then remove its files from the shared scratch folders."""
        end_processes(self.uid)
        remove_leftovers(self.uid)
        if self.home and os.path.isdir(self.home):   # the next worker of the submission starts with an empty one
            for entry in os.scandir(self.home):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def release(self):
        try:
            self.end()
            if self.cgroup:
                self.cgroup.remove()
        finally:
            os.close(self._lock)   # the slot is free again


def _claim_slot():
    folder = lock_folder()
    for slot in range(SLOTS):
        fd = os.open(os.path.join(folder, str(UID_BASE + slot)), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)   # per open file: threads exclude each other too
            return UID_BASE + slot, fd
        except BlockingIOError:
            os.close(fd)
    raise AccountError(f"all {SLOTS} worker users are in use")


def processes_of(uid):
    """Pids of the live (not zombie) processes whose real, effective or saved uid is `uid`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except (OSError, ValueError):
            continue   # gone meanwhile
        if fields.get("State", "").split()[:1] != ["Z"] and str(uid) in fields.get("Uid", "").split()[:3]:
            found.append(int(pid))
    return found


def end_processes(uid, patience=30.0):
    """SIGKILL every process of `uid` until none is left: a fork bomb or a
    setsid() daemon may fork while we look, so look again.  A pidfd makes
    sure the signal reaches the process we found, not one that took its pid."""
    deadline = time.monotonic() + patience
    while True:
        alive = processes_of(uid)
        if not alive:
            return
        if time.monotonic() > deadline:
            raise AccountError(f"{len(alive)} processes of worker user {uid} would not end")
        for pid in alive:
            try:
                fd = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                if _still_of(pid, uid):
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
            except OSError:
                pass
            finally:
                os.close(fd)
        time.sleep(0.005)


def _still_of(pid, uid):
    """Whether `pid` belongs to `uid` (read after its pidfd was opened: the pidfd names that process)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("Uid:") and str(uid) in line.split()[1:4] for line in f)
    except OSError:
        return False


def remove_leftovers(uid):
    """Remove what `uid` made at the top of the shared scratch folders (its processes are gone,
    so nothing races us; rmtree does not follow links)."""
    for base in SHARED_SCRATCH:
        for entry in _entries(base):
            if _owner(entry) != uid:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _entries(base):
    try:
        return list(os.scandir(base))
    except OSError:
        return []


def _owner(entry):
    try:
        return entry.stat(follow_symlinks=False).st_uid
    except OSError:
        return None


def _disk_usage(top):
    total = 0
    for folder, dirs, names in os.walk(top):
        for name in names + dirs:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
    with contextlib.suppress(OSError):
        if not os.path.isdir(top) or os.path.islink(top):
            total += os.lstat(top).st_blocks * 512
    return total


class Cgroup:
    """A cgroup v1 per worker user, in the memory and pids hierarchies,
    below the grader's own cgroups (the grader's own limits still apply)."""

    def __init__(self, paths, described):
        self.paths, self.described = paths, described

    @classmethod
    def create(cls, name, limits):
        """The cgroup `name` with `limits`' memory and process caps, or None
        where this machine has no writable v1 hierarchies for both."""
        paths = _own_v1_paths(name)
        if set(paths) != set(CONTROLLERS):
            return None
        made = cls(paths, "")
        try:
            for path in paths.values():
                if os.path.isdir(path):
                    _empty_and_remove(path)
                os.mkdir(path)
            memory = limits.tree_memory_bytes
            if memory:
                _write(os.path.join(paths["memory"], "memory.limit_in_bytes"), memory)
                swap = os.path.join(paths["memory"], "memory.memsw.limit_in_bytes")
                if os.path.exists(swap):   # memory and swap together: no escape to swap
                    _write(swap, memory)
            _write(os.path.join(paths["pids"], "pids.max"), limits.processes or "max")
        except OSError:
            made.remove()
            return None
        return made

    def procs_files(self):
        return [os.path.join(path, "cgroup.procs") for path in self.paths.values()]

    def remove(self):
        for path in self.paths.values():
            _empty_and_remove(path)


def _own_v1_paths(name):
    """{controller: path of the child `name` of this process's cgroup} for the v1 controllers mounted."""
    paths = {}
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return paths
    for line in lines:
        _, controllers, own = line.split(":", 2)
        for controller in controllers.split(","):
            mount = os.path.join(CGROUP_V1, controller)
            if controller in CONTROLLERS and os.path.exists(os.path.join(mount, "cgroup.procs")):
                paths[controller] = os.path.join(mount, own.lstrip("/"), name)
    return paths


def _empty_and_remove(path, patience=10.0):
    deadline = time.monotonic() + patience
    while os.path.isdir(path):
        with contextlib.suppress(OSError):
            with open(os.path.join(path, "cgroup.procs")) as f:
                for pid in f.read().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)
        try:
            os.rmdir(path)
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)


def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


@contextlib.contextmanager
def private(paths):
    """For the run: take every permission of "other" off `paths` (a worker
    user is "other" to every file but its own), and give them back after."""
    changed = []
    try:
        for path in dict.fromkeys(os.path.abspath(p) for p in paths):
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                continue
            if mode & 0o007:
                os.chmod(path, mode & ~0o007)
                changed.append((path, mode))
        yield [path for path, _ in changed]
    finally:
        for path, mode in changed:
            with contextlib.suppress(OSError):
                os.chmod(path, mode)
