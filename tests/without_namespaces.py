"""Run a command where the kernel refuses new user namespaces, as Gradescope's
container does, without touching the host's settings.

    python tests/without_namespaces.py [--user UID] COMMAND...

As root only: the command runs in a new user namespace that maps every uid
and gid to itself (so root stays root, and the grader's worker users exist),
in which user.max_user_namespaces is 0.  That limit belongs to this user
namespace: the host's own /proc/sys/user/max_user_namespaces is unchanged,
and every other process on the machine keeps its namespaces.  With --user,
the command runs as that (unprivileged) user: a grader that is not root.
(`unshare --map-users` would need newuidmap for a map this large.)

A worker user must be able to read the Python installation.  Where it lives
in a folder only root may enter (pyenv's /root/.pyenv), a private mount
namespace of the launcher shows that folder alone at the same path, through
a /root that any user may cross; the host's /root is unchanged.
"""
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
EVERY_ID = "0 0 4294967295\n"


def main(command, user=None):
    libc = ctypes.CDLL(None, use_errno=True)
    ready_r, ready_w = os.pipe()
    mapped_r, mapped_w = os.pipe()
    child = os.fork()
    if child == 0:
        if libc.unshare(CLONE_NEWUSER) != 0:
            os.write(2, f"unshare: {os.strerror(ctypes.get_errno())}\n".encode())
            os._exit(126)
        os.write(ready_w, b"1")
        os.read(mapped_r, 1)   # the parent has written our maps: we are root here
        python = os.path.realpath(sys.base_prefix)
        if not _crossable(python):
            _show_alone(python, libc)
        with open("/proc/sys/user/max_user_namespaces", "w") as f:
            f.write("0")
        if user is not None:
            os.setgroups([])
            os.setresgid(user, user, user)
            os.setresuid(user, user, user)
        os.execvp(command[0], command)
    os.read(ready_r, 1)
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{child}/{name}", "w") as f:
            f.write(EVERY_ID)
    os.write(mapped_w, b"1")
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status)


def _crossable(path):
    """Whether every folder above `path` lets any user through."""
    parts = path.split("/")
    return all(os.stat("/".join(parts[:i]) or "/").st_mode & 0o001 for i in range(1, len(parts)))


def _show_alone(path, libc):
    """In a new mount namespace: a tmpfs over the closed folder above `path`
    (mode 755), holding `path` alone, bound from where it was."""
    closed = next("/".join(path.split("/")[:i]) for i in range(2, path.count("/") + 1)
                  if not os.stat("/".join(path.split("/")[:i])).st_mode & 0o001)
    mount = lambda source, target, fstype, flags, data: libc.mount(
        source and source.encode(), target.encode(), fstype and fstype.encode(), flags, data and data.encode())
    if libc.unshare(0x00020000) != 0 or mount(None, "/", None, (1 << 18) | 16384, None) != 0:  # CLONE_NEWNS; MS_PRIVATE|MS_REC
        raise OSError(ctypes.get_errno(), "could not make a mount namespace")
    stage = f"/tmp/.python-{os.getpid()}"
    os.makedirs(stage)
    mount(path, stage, None, 4096 | 16384, None)                        # MS_BIND | MS_REC
    mount("tmpfs", closed, "tmpfs", 0, "mode=0755")
    os.makedirs(path)
    mount(stage, path, None, 4096 | 16384, None)
    libc.umount2(stage.encode(), 2)                                      # MNT_DETACH
    os.rmdir(stage)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    user = None
    if arguments[:1] == ["--user"]:
        user, arguments = int(arguments[1]), arguments[2:]
    sys.exit(main(arguments, user))
