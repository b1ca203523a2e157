#!/usr/bin/env bash
# One-time (and safe to repeat) set-up: .venv, requirements, Jupyter kernel, CIFAR-10.
#
#   bash setup.sh                       everything; downloads CIFAR-10 (about 163 MB)
#   bash setup.sh --data-from DIR       copy an existing cifar-10-batches-py/ (offline, CI)
#   bash setup.sh --no-data             skip the data set
#   bash setup.sh --cifar10h-from DIR   also copy CIFAR-10H (human labels, for human_baseline.ipynb)
#   bash setup.sh --dev                 also install requirements-dev.txt (the project's test tools)
#   bash setup.sh --instructor          keep nbgrader's JupyterLab extensions (formgrader) enabled
#   bash setup.sh --torch               also install requirements-torch.txt (PyTorch, for PyTorch.ipynb)
#
# Exit codes: 0 all done, 1 set-up failed (Python, venv or packages),
#             3 set-up done but no data set (see the message), 64 bad command line.
# Portable to macOS's bash 3.2.

# Run by `sh script`? Start again under bash (this file uses bash features).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -uo pipefail

CALLER_PWD="$PWD"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$REPO" || exit 1

PYTHON="${PYTHON:-python3}"
VENV=".venv"
VENV_PY="$VENV/bin/python"
STAMP="$VENV/.requirements.sha256"
# The notebooks ask for the kernel "cs231n": registered inside .venv (--sys-prefix),
# where only this checkout's jupyter finds it, so two clones never repoint each
# other's. Editors that list the user's kernels (VS Code, a system jupyter) get
# one named after this folder as well.
KERNEL_NAME="cs231n"
KERNEL_DISPLAY="Python (cs231n)"
FOLDER_KERNEL="cs231n-$(basename "$REPO" | tr -c 'A-Za-z0-9._\n-' '-' | tr 'A-Z' 'a-z')"
FOLDER_KERNEL_DISPLAY="Python (cs231n, $(basename "$REPO"))"
MIN_PY="3.9"

usage() {
    cat <<EOF
Usage: bash setup.sh [--data-from DIR | --no-data] [--cifar10h-from DIR] [--dev] [--instructor] [--torch] [-v]

Creates $VENV (reused if present), installs requirements.txt into it (skipped when
unchanged since the last successful install), makes \`python -m grader\` work in
every folder with $VENV's Python, registers the Jupyter kernel "$KERNEL_DISPLAY"
(in $VENV) and "$FOLDER_KERNEL_DISPLAY" (for this user), and puts CIFAR-10 in
datasets/cifar-10-batches-py.

  --data-from DIR   copy an existing cifar-10-batches-py/ instead of downloading
                    (DIR is that folder or a folder containing it; same as
                    the environment variable CS231N_DATA_FROM)
  --no-data         skip the data sets
  --cifar10h-from DIR
                    copy CIFAR-10H (cifar10h-counts.npy, the file or its folder;
                    same as CS231N_CIFAR10H_FROM). Without it, CIFAR-10H is
                    downloaded (800 kB) when CIFAR-10 is, and skipped offline
                    (--data-from); it is optional either way.
  --dev             also install requirements-dev.txt: the tools of the
                    project's own tests (Playwright; its browser is the
                    system's chromium), not needed by students. Same as CS231N_DEV=1.
  --instructor      keep nbgrader's JupyterLab extensions (formgrader, course
                    list) enabled; without it they are disabled in $VENV, since
                    students have no use for them. Same as CS231N_INSTRUCTOR=1.
  --torch           also install requirements-torch.txt: PyTorch (CPU), for
                    assignment 2's PyTorch.ipynb and its graded cases. Same as
                    CS231N_TORCH=1.
  -v, --verbose     show pip's full output
  -h, --help        show this help

Environment: PYTHON (default python3, must be >= $MIN_PY), CS231N_DATA_FROM,
             CS231N_CIFAR10H_FROM, CS231N_DEV, CS231N_INSTRUCTOR, CS231N_TORCH.
Exit codes:  0 done, 1 set-up failed, 3 done but no data set, 64 bad usage.
EOF
}

DATA_FROM="${CS231N_DATA_FROM:-}"
NO_DATA=0
CIFAR10H_FROM="${CS231N_CIFAR10H_FROM:-}"
DEV=0
if [ "${CS231N_DEV:-}" = "1" ]; then DEV=1; fi
INSTRUCTOR=0
if [ "${CS231N_INSTRUCTOR:-}" = "1" ]; then INSTRUCTOR=1; fi
TORCH=0
if [ "${CS231N_TORCH:-}" = "1" ]; then TORCH=1; fi
PIP_VERBOSITY="--quiet"
while [ $# -gt 0 ]; do
    case "$1" in
        --data-from)
            if [ $# -lt 2 ] || [ -z "$2" ]; then echo "setup.sh: --data-from needs a folder" >&2; exit 64; fi
            DATA_FROM="$2"; shift 2 ;;
        --data-from=*) DATA_FROM="${1#--data-from=}"; shift ;;
        --no-data) NO_DATA=1; shift ;;
        --dev) DEV=1; shift ;;
        --instructor) INSTRUCTOR=1; shift ;;
        --torch) TORCH=1; shift ;;
        --cifar10h-from)
            if [ $# -lt 2 ] || [ -z "$2" ]; then echo "setup.sh: --cifar10h-from needs a file or folder" >&2; exit 64; fi
            CIFAR10H_FROM="$2"; shift 2 ;;
        --cifar10h-from=*) CIFAR10H_FROM="${1#--cifar10h-from=}"; shift ;;
        -v|--verbose) PIP_VERBOSITY=""; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "setup.sh: unknown argument: $1" >&2; usage >&2; exit 64 ;;
    esac
done

# --data-from is relative to where setup.sh was called from, not to the repo.
case "$DATA_FROM" in
    ""|/*) ;;
    *) DATA_FROM="$CALLER_PWD/$DATA_FROM" ;;
esac
case "$CIFAR10H_FROM" in
    ""|/*) ;;
    *) CIFAR10H_FROM="$CALLER_PWD/$CIFAR10H_FROM" ;;
esac

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    WARNING: %s\n' "$*" >&2; }
die()  { printf '\nsetup.sh: error: %s\n' "$*" >&2; exit 1; }

# A Python interpreter's "major.minor", or nothing if it does not run.
py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
py_ok()      { "$1" -c "import sys; sys.exit(sys.version_info[:2] < (${MIN_PY/./, }))" 2>/dev/null; }
# The hash of FILE and of every file it includes with -r (requirements.txt includes requirements-student.txt).
sha256_of()  { "$VENV_PY" -c '
import hashlib, os, sys
def data(path):
    text = open(path, "rb").read()
    for line in text.decode().splitlines():
        if line.startswith("-r "):
            text += data(os.path.join(os.path.dirname(path), line[3:].strip()))
    return text
print(hashlib.sha256(data(sys.argv[1])).hexdigest())' "$1"; }

# A venv's scripts hard-code its absolute path: after the repo moves, jupyter and pip
# stop working although .venv/bin/python still runs.
venv_moved() {
    local first
    [ -f "$VENV/bin/pip" ] || return 1
    first="$(head -n 1 "$VENV/bin/pip" 2>/dev/null)" || return 1
    case "$first" in
        "#!$REPO/$VENV/bin/python"*) return 1 ;;
        "#!"*"/$VENV/bin/python"*) return 0 ;;
        *) return 1 ;;
    esac
}

# ---------------------------------------------------------------- 1. Python
step "1/5 Python"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    die "'$PYTHON' not found. Install Python >= $MIN_PY, or point PYTHON at one:
    PYTHON=/path/to/python3 bash setup.sh"
fi
PY_VERSION="$(py_version "$PYTHON")"
if [ -z "$PY_VERSION" ]; then die "'$PYTHON' does not run"; fi
if ! py_ok "$PYTHON"; then
    die "'$PYTHON' is Python $PY_VERSION; this course needs Python >= $MIN_PY.
    Install a newer one and run: PYTHON=/path/to/python3.11 bash setup.sh"
fi
info "$PYTHON is Python $PY_VERSION ($(command -v "$PYTHON"))"

# ---------------------------------------------------------------- 2. virtual environment
step "2/5 Virtual environment ($VENV)"
if [ -e "$VENV" ] && ! "$VENV_PY" -c 'pass' >/dev/null 2>&1; then
    warn "$VENV exists but its Python does not run (removed or upgraded Python?); recreating it"
    rm -rf "$VENV"
elif venv_moved; then
    warn "$VENV was made for another folder (repo moved or renamed?); recreating it"
    rm -rf "$VENV"
fi
if [ -x "$VENV_PY" ]; then
    info "reusing $VENV (Python $(py_version "$VENV_PY"))"
    if ! py_ok "$VENV_PY"; then
        die "$VENV uses Python $(py_version "$VENV_PY") < $MIN_PY; remove it (rm -rf $VENV) and run setup.sh again"
    fi
else
    info "creating $VENV with $PYTHON -m venv"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "could not create $VENV. On Debian/Ubuntu install the venv module first:
    sudo apt install python3-venv   (or python$PY_VERSION-venv)"
    fi
fi
if ! "$VENV_PY" -m pip --version >/dev/null 2>&1; then
    info "pip is missing from $VENV; bootstrapping it with ensurepip"
    "$VENV_PY" -m ensurepip --default-pip >/dev/null || die "could not install pip into $VENV"
fi

# ---------------------------------------------------------------- 3. requirements
step "3/5 Packages (requirements.txt)"
# pip_install FILE STAMP WHAT HINT: install FILE's packages into the venv,
# unless STAMP holds FILE's hash from the last successful install.
pip_install() {
    local file="$1" stamp="$2" what="$3" hint="$4" hash
    [ -f "$file" ] || die "$file not found in $REPO"
    hash="$(sha256_of "$file")" || die "could not hash $file"
    if [ -f "$stamp" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
        info "$what are up to date ($file unchanged since the last install)"
        return
    fi
    info "installing $what from $file into $VENV (a few minutes the first time)"
    rm -f "$stamp"
    # shellcheck disable=SC2086  # PIP_VERBOSITY is empty or one flag
    "$VENV_PY" -m pip install $PIP_VERBOSITY -r "$file" || die "pip could not install $file (see pip's message above).$hint"
    printf '%s\n' "$hash" > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
    info "installed"
}
pip_install requirements.txt "$STAMP" "the requirements" "
    Check your network or proxy, then run setup.sh again; with an old pip try
    $VENV_PY -m pip install --upgrade pip   first."
# The test tools and PyTorch have stamps of their own, so adding --dev or
# --torch later does not reinstall requirements.txt.
[ "$DEV" -eq 0 ] || pip_install requirements-dev.txt "$VENV/.requirements-dev.sha256" "the test tools" ""
[ "$TORCH" -eq 0 ] || pip_install requirements-torch.txt "$VENV/.requirements-torch.sha256" "PyTorch" "
    PyTorch is large (the CPU build takes about 750 MB installed): check the disk space too."

# `python -m grader check` from assignments/assignmentN/ or a notebook cell: put this
# checkout's root on the venv's path (a .pth file), as `pip install -e .` does for the bundle.
SITE="$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || die "could not find $VENV's site-packages"
printf '%s\n' "$REPO" > "$SITE/cs231n-course.pth" || die "could not write $SITE/cs231n-course.pth"

# ---------------------------------------------------------------- 4. Jupyter kernel
step "4/5 Jupyter kernel \"$KERNEL_DISPLAY\""
if "$VENV_PY" -m ipykernel install --sys-prefix --name "$KERNEL_NAME" --display-name "$KERNEL_DISPLAY" >/dev/null 2>&1; then
    info "registered inside $VENV (kernel name: $KERNEL_NAME), for the jupyter of this checkout"
else
    warn "could not register the Jupyter kernel in $VENV; the notebooks will ask which kernel to use"
fi
if "$VENV_PY" -m ipykernel install --user --name "$FOLDER_KERNEL" --display-name "$FOLDER_KERNEL_DISPLAY" >/dev/null 2>&1; then
    info "registered for this user as \"$FOLDER_KERNEL_DISPLAY\" (kernel name: $FOLDER_KERNEL), for other editors"
else
    info "not registered for this user (read-only home?): other editors will not list this checkout's kernel"
fi
# nbgrader is installed for `grader release` and the formgrader; its extensions
# only confuse students ("No nbgrader_config.py file found").
NBGRADER_SERVER="formgrader assignment_list course_list validate_assignment"
if [ "$INSTRUCTOR" -eq 1 ]; then WHAT=enable; else WHAT=disable; fi
for extension in $NBGRADER_SERVER; do
    "$VENV/bin/jupyter" server extension "$WHAT" --sys-prefix "nbgrader.server_extensions.$extension" >/dev/null 2>&1
done
"$VENV/bin/jupyter" labextension "$WHAT" --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
# The marker says which of the two this venv is (tests/test_release.py reads it).
if [ "$INSTRUCTOR" -eq 1 ]; then
    : > "$VENV/.instructor"
    info "nbgrader's JupyterLab extensions are enabled (--instructor)"
else
    rm -f "$VENV/.instructor"
    info "nbgrader's JupyterLab extensions are disabled (instructors: bash setup.sh --instructor)"
fi

# ---------------------------------------------------------------- 5. data set
step "5/5 Data sets (CIFAR-10; CIFAR-10H, optional)"
STATUS=0
if [ "$NO_DATA" -eq 1 ]; then
    info "skipped (--no-data); later run: bash datasets/get_datasets.sh [--from DIR]"
else
    if [ -n "$DATA_FROM" ]; then
        bash datasets/get_datasets.sh --from "$DATA_FROM"
    else
        bash datasets/get_datasets.sh
    fi
    DATA_RC=$?
    if [ "$DATA_RC" -ne 0 ]; then
        STATUS=3
        if [ "$DATA_RC" -eq 2 ]; then
            WHY="CIFAR-10 could not be downloaded (offline?)."
        else
            WHY="CIFAR-10 was not installed (see the message above)."
        fi
        cat >&2 <<EOF

    +------------------------------------------------------------------------+
    |  NO DATA SET YET. Everything else is set up.
    |  $WHY
    |  Either
    |   - copy an existing folder:
    |       bash setup.sh --data-from /path/to/cifar-10-batches-py
    |   - or download cifar-10-python.tar.gz by hand from
    |       https://www.cs.toronto.edu/~kriz/cifar.html
    |     unpack it (tar xzf cifar-10-python.tar.gz) and use --data-from as above.
    +------------------------------------------------------------------------+
EOF
    fi
fi

# CIFAR-10H is optional (only human_baseline.ipynb's crowd comparison uses it),
# so it never changes the exit code: a failure is a warning and a hint.
if [ "$NO_DATA" -eq 0 ] || [ -n "$CIFAR10H_FROM" ]; then
    if [ -n "$CIFAR10H_FROM" ]; then
        bash datasets/get_datasets.sh --cifar10h --from "$CIFAR10H_FROM" || \
            warn "CIFAR-10H was not copied (see above); human_baseline.ipynb runs without the crowd comparison"
    elif [ -n "$DATA_FROM" ]; then
        if [ -s datasets/cifar-10h/cifar10h-counts.npy ]; then
            info "CIFAR-10H is in datasets/cifar-10h"
        else
            info "CIFAR-10H (optional, the crowd in human_baseline.ipynb) not fetched offline; later:"
            info "  bash datasets/get_datasets.sh --cifar10h [--from DIR]"
        fi
    else
        bash datasets/get_datasets.sh --cifar10h || \
            warn "CIFAR-10H could not be fetched; human_baseline.ipynb runs without the crowd comparison (later: bash datasets/get_datasets.sh --cifar10h)"
    fi
fi

# ---------------------------------------------------------------- next steps
step "Done in ${SECONDS}s$( [ "$STATUS" -ne 0 ] && printf ' (without the data set)' )"
echo "    Next steps:"
if [ "$(cd "$CALLER_PWD" 2>/dev/null && pwd -P)" != "$REPO" ]; then echo "      cd $REPO"; fi
cat <<EOF
      source $VENV/bin/activate
      jupyter lab                                     # open assignments/assignment1
      python -m grader check assignments/assignment1  # check your work
EOF
exit "$STATUS"
