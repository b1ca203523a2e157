"""Files: find, unpack and copy a submission; read a tree; write a zip
(trusted side; reads and writes files, runs nothing).

A submission is a folder or a `.zip` holding one student's assignment files,
either at its top level or inside one folder (e.g. `assignment1/`).  The
student id is its name without extension.  Workers only ever see a private
copy holding the submission's `.py` and `.ipynb` files.
"""
import io
import os
import shutil
import stat
import zipfile
import zlib

MAX_FILE_BYTES = 20 * 2**20
MAX_ZIP_BYTES = 200 * 2**20
MAX_ZIP_FILES = 2000
COPIED = (".py", ".ipynb")
# Never part of an assignment, whoever reads the folder: grading, collect, release.
IGNORED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", "__MACOSX", ".git", "datasets", "saved"}
IGNORED_FILES = {".DS_Store"}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)   # fixed, so that the same files give the same zip


class SubmissionError(Exception):
    """A submission that cannot be graded at all (its message is for the student)."""


def student_id(path):
    name = os.path.basename(os.path.normpath(path))
    return name[:-4] if name.lower().endswith(".zip") else name


MAX_ID_CHARS = 128


def id_problem(student):
    """Why `student` cannot name a student's files under the output folder, or None."""
    if not student or student.startswith("."):
        return "a student id may not be empty or start with '.'"
    if any(c in student for c in "/\\") or any(ord(c) < 32 for c in student):
        return "a student id may not hold a slash, a backslash or a control character"
    if len(student) > MAX_ID_CHARS:
        return f"a student id may not be longer than {MAX_ID_CHARS} characters"
    return None


def unpack(zip_path, dest):
    """Extract a zip safely: no absolute paths, no `..`, no links, bounded size."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_FILES:
                raise SubmissionError(f"the zip holds {len(members)} files (at most {MAX_ZIP_FILES})")
            if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
                raise SubmissionError(f"the zip unpacks to more than {MAX_ZIP_BYTES // 2**20} MiB")
            for member in members:
                name = member.filename.replace("\\", "/")
                parts = [p for p in name.split("/") if p not in ("", ".")]
                if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                    raise SubmissionError(f"the zip holds a path outside its folder: {member.filename!r}")
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise SubmissionError(f"the zip holds a symbolic link: {member.filename!r}")
            archive.extractall(dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        raise SubmissionError(f"the zip file could not be read ({exc})") from None
    return dest


def find_root(folder, markers=("cs231n",)):
    """The shallowest folder at or below `folder` that holds a marker or a notebook."""
    for current, dirs, names in sorted(os.walk(folder), key=lambda entry: entry[0].count(os.sep)):
        if IGNORED_DIRS & set(os.path.relpath(current, folder).split(os.sep)):
            continue  # e.g. a notebook in .ipynb_checkpoints/ or __MACOSX/ is not the assignment
        dirs = [d for d in dirs if d not in IGNORED_DIRS]
        if any(m in dirs or m in names for m in markers) or any(n.endswith(".ipynb") for n in names):
            return current
    raise SubmissionError("no assignment files found: expected a cs231n/ folder or a notebook (.ipynb)")


def private_copy(root, dest, saved=()):
    """Copy the .py and .ipynb files under `root` to `dest` (no links, no large
    files), and the files `saved` (relative paths a suite declares, such as a
    trained model under cs231n/saved/) where they exist, are regular files
    and are no larger than MAX_FILE_BYTES."""
    for relative in saved:
        source = os.path.join(root, *relative.split("/"))
        if os.path.isfile(source) and not os.path.islink(source) and os.path.getsize(source) <= MAX_FILE_BYTES \
                and not any(os.path.islink(os.path.join(root, *relative.split("/")[:i]))
                            for i in range(1, relative.count("/") + 1)):
            target = os.path.join(dest, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)
    for current, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not os.path.islink(os.path.join(current, d))]
        for name in names:
            source = os.path.join(current, name)
            if name.endswith(COPIED) and os.path.isfile(source) and not os.path.islink(source) \
                    and os.path.getsize(source) <= MAX_FILE_BYTES:
                target = os.path.join(dest, os.path.relpath(source, root))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
    return dest


def prepare(submission, workdir, saved=()):
    """Turn a submission (folder or zip) into a private copy under `workdir`
    (with the `saved` files, see `private_copy`); return its path."""
    if os.path.isfile(submission):
        if not zipfile.is_zipfile(submission):
            raise SubmissionError(f"{os.path.basename(submission)} is neither a folder nor a zip file")
        submission = find_root(unpack(submission, os.path.join(workdir, "unpacked")))
    elif os.path.isdir(submission):
        submission = find_root(submission)
    else:
        raise SubmissionError(f"{submission} does not exist")
    return private_copy(submission, os.path.join(workdir, "copy"), saved)


def tree_files(folder):
    """The relative paths ('/'-separated, sorted) of the files under `folder`
    that belong to an assignment: no caches, checkpoints, data or saved models."""
    found = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        found += [os.path.relpath(os.path.join(current, name), folder).replace(os.sep, "/")
                  for name in names if name not in IGNORED_FILES and not name.endswith(".pyc")]
    return sorted(found)


def read_tree(folder, prefix="", saved=()):
    """{prefix + relative path: bytes} of the files under `folder` (see
    `tree_files`), and of the `saved` files (see `private_copy`) found there."""
    files = {}
    present = [r for r in saved if os.path.isfile(os.path.join(folder, *r.split("/")))]
    for relative in sorted(set(tree_files(folder)) | set(present)):
        with open(os.path.join(folder, relative), "rb") as f:
            files[prefix + relative] = f.read()
    return files


def write_zip(zip_path, entries, executables=()):
    """Write {name: bytes} as a zip, names sorted and times fixed, so that the
    same files give the same bytes; `executables` get mode 755.  Written
    beside `zip_path` and renamed, so a failure never leaves half a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.create_system = 3   # Unix, so that unzip applies the modes below
            info.external_attr = (0o100755 if name in executables else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    os.makedirs(os.path.dirname(os.path.abspath(zip_path)), exist_ok=True)
    partial = f"{zip_path}.part"
    with open(partial, "wb") as f:
        f.write(buffer.getvalue())
    os.replace(partial, zip_path)
