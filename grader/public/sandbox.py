"""Linux namespaces around a worker: what student code can see and reach.

Called in a freshly forked worker, before any student code runs.  It enters
new user, mount, network, IPC and PID namespaces and builds a new root file
system that holds only what running Python needs, read-only (the system's
/usr, /etc, the Python installation and its site-packages), a private /tmp,
three devices, and the submission's own copy at /submission.  A grader
running as root runs student code as `nobody`, who may read the copy but not
change it.
Nothing else exists there: not solutions/, not the grader, not the output
folder, not another student's copy.  The network namespace has no interface
but a loopback that is down.  The first process in the new PID namespace runs
the student's code; when the grader kills it, the kernel kills everything it
started, however it forked.

Where the kernel refuses (no user namespaces: another OS, a locked-down
container), `isolate` raises `SandboxUnavailable`.  A root grader then runs
each submission as a user of its own instead (`become`, `refuse_network`;
see `accounts`); a grader that is not root refuses to grade unless told
`--sandbox off`.  Resource limits apply either way.
"""
import ctypes
import ctypes.util
import os
import platform
import sys

from grader.public import protocol

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
CLONE_NEWNET, CLONE_NEWIPC = 0x40000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
NOBODY = 65534
SUBMISSION = "/submission"
SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}  # glibc has no wrapper for it


class SandboxUnavailable(Exception):
    pass


_libc = None


def _call(name, *args):
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}{args[:2]}: {os.strerror(errno)}")


def _mount(source, target, fstype=None, flags=0, data=None):
    encode = lambda s: s.encode() if s is not None else None
    _call("mount", encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data))


def readable_paths():
    """What the worker's Python needs to keep running: system folders, the
    Python installation, and the folders on sys.path (site-packages)."""
    paths = [p for p in SYSTEM_DIRS if os.path.lexists(p)]
    paths += [sys.base_prefix, sys.prefix] + [p for p in sys.path if "-packages" in p and os.path.isdir(p)]
    kept = []
    for path in sorted({os.path.abspath(p) for p in paths}, key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def isolate(copy, readable, conn, mode, roots="/tmp"):
    """Move the calling worker into the sandbox; return the path of its copy there.

    Three processes take part.  The caller (S, in the grader's namespaces)
    forks G, which enters new namespaces; S writes G's user and group maps
    (only a process outside may map `nobody` too).  G builds the new root and
    forks H, the first process of the new PID namespace: H returns from this
    function and runs student code.  G says hello over `conn` (the socket to
    the grader) with H's pid as the grader sees it, so the grader can kill H
    (and with it everything H started), and the sandbox `mode`.  S and G then close `conn`, wait, and exit when H does, so
    that the grader sees the connection close when H dies.  Raises
    SandboxUnavailable in S, before anything changed, if the kernel says no.
    """
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"namespaces need Linux, and this is {sys.platform}")
    uid, gid = os.getuid(), os.getgid()
    status_r, status_w = os.pipe()
    go_r, go_w = os.pipe()
    g = os.fork()
    if g == 0:
        os.close(status_r), os.close(go_w)
        try:
            _call("unshare", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID)
        except (OSError, AttributeError) as exc:
            os.write(status_w, f"the kernel refused new namespaces ({getattr(exc, 'strerror', exc)})".encode())
            os._exit(0)
        os.write(status_w, b"ok")
        os.read(go_r, 1)  # S has written our maps
        try:
            if uid != 0:
                _write_maps("self", uid, gid)
            _pivot(_build_root(copy, readable, roots))
            h = os.fork()
        except OSError as exc:
            protocol.send(conn, protocol.hello(None, error=f"the sandbox could not be built ({exc})"))
            os._exit(70)
        if h == 0:
            return SUBMISSION
        protocol.send(conn, protocol.hello(h, mode))
        conn.close()
        _, status = os.waitpid(h, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    os.close(status_w), os.close(go_r)
    answer = os.read(status_r, 4096).decode()
    if answer != "ok":
        os.waitpid(g, 0)
        raise SandboxUnavailable(answer or "the sandbox process ended early")
    conn.close()
    if uid == 0:
        _write_maps(str(g), uid, gid, also_nobody=True)
    os.write(go_w, b"1")
    _, status = os.waitpid(g, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _write_maps(pid, uid, gid, also_nobody=False):
    extra = f"\n{NOBODY} {NOBODY} 1" if also_nobody else ""
    if not also_nobody:
        _write(f"/proc/{pid}/setgroups", "deny")
    _write(f"/proc/{pid}/uid_map", f"{uid} {uid} 1{extra}\n")
    _write(f"/proc/{pid}/gid_map", f"{gid} {gid} 1{extra}\n")


def _build_root(copy, readable, roots):
    """A tmpfs holding read-only binds of `readable`, a few devices, a /tmp
    and the submission copy (writable), on a new folder in `roots`; returns its path."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # A mount point on the host, empty there (the tmpfs is mounted in our
    # namespace only): in `roots`, a folder the grader removes when it is done.
    root = os.path.join(roots, f"root-{os.getpid()}")
    os.makedirs(root, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0755")
    for path in readable:
        _place(path, root + path, read_only=True)
    for device in DEVICES:
        if os.path.exists(device):
            _place(device, root + device, read_only=False)
    _place(copy, root + SUBMISSION, read_only=False)
    os.makedirs(root + "/tmp", exist_ok=True)
    os.chmod(root + "/tmp", 0o1777)
    return root


def _pivot(root):
    """Make `root` the file system root and detach the old one entirely."""
    number = PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(0, f"pivot_root: unknown system call number on {platform.machine()}")
    os.makedirs(root + "/.old-root")
    _call("syscall", ctypes.c_long(number), root.encode(), (root + "/.old-root").encode())
    os.chdir("/")
    _call("umount2", b"/.old-root", MNT_DETACH)
    os.rmdir("/.old-root")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _place(source, target, read_only):
    """Bind `source` at `target` inside the new root (read-only if asked)."""
    if os.path.islink(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.symlink(os.readlink(source), target)
        return
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
        if os.statvfs(target).f_flag & os.ST_NOEXEC:
            flags |= MS_NOEXEC
        _mount(None, target, None, flags)


def drop_privileges():
    """In the new namespaces: become `nobody` if we were root, and forbid
    gaining privileges again (setuid programs, file capabilities)."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


# ------------------------------------------------- without namespaces (as root)
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
AF_UNIX = 1
ENETUNREACH = 101   # what a socket in the namespace sandbox meets: the same words for the student
# (audit arch, socket, socketpair, io_uring_setup): io_uring can open sockets without socket().
SECCOMP_ARCH = {"x86_64": (0xC000003E, 41, 53, 425), "aarch64": (0xC00000B7, 198, 199, 425),
                "arm64": (0xC00000B7, 198, 199, 425)}


def become(uid, cgroup_procs):
    """In a worker forked by a root fork server: join the worker user's
    cgroups, then become that user (uid and gid `uid`, no other group),
    for good: no setuid program or file capability can give privileges back."""
    for procs in cgroup_procs:
        _write(procs, str(os.getpid()))
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def refuse_network():
    """Refuse every socket but a Unix one from now on (a seccomp filter:
    socket() and socketpair() fail with ENETUNREACH, io_uring is refused, and
    so is every call of another ABI).  Without a network namespace this is
    what keeps student code from localhost's services (a Dask scheduler, say)
    and from the internet.  Returns False where the kernel has no seccomp."""
    arch = SECCOMP_ARCH.get(platform.machine())
    if arch is None:
        return False
    audit_arch, socket_nr, socketpair_nr, io_uring_nr = arch
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06           # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    allow, refuse = 0x7FFF0000, 0x00050000 | ENETUNREACH  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | errno
    program = [
        (ld, 0, 0, 4),                       # seccomp_data.arch
        (jeq, 1, 0, audit_arch),
        (ret, 0, 0, refuse),                 # another ABI (32-bit calls on a 64-bit kernel)
        (ld, 0, 0, 0),                       # seccomp_data.nr
        (jge, 0, 1, 0x40000000),
        (ret, 0, 0, refuse),                 # x32 calls
        (jeq, 0, 1, io_uring_nr),
        (ret, 0, 0, refuse),
        (jeq, 1, 0, socket_nr),
        (jeq, 0, 3, socketpair_nr),
        (ld, 0, 0, 16),                      # seccomp_data.args[0], low half: the address family
        (jeq, 1, 0, AF_UNIX),
        (ret, 0, 0, refuse),
        (ret, 0, 0, allow),
    ]

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    filters = (Filter * len(program))(*[Filter(*instruction) for instruction in program])
    try:
        _call("prctl", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(Program(len(program), filters)), 0, 0)
    except OSError:
        return False
    return True
