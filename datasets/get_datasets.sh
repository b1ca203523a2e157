#!/usr/bin/env bash
# Fetch CIFAR-10 (python version) into <repo>/datasets/cifar-10-batches-py,
# or with --cifar10h the CIFAR-10H human labels into <repo>/datasets/cifar-10h.
#
#   bash datasets/get_datasets.sh              download the official tarball, check its md5
#   bash datasets/get_datasets.sh --from DIR   copy an existing cifar-10-batches-py/ (offline)
#   bash datasets/get_datasets.sh --force      fetch again even if the data is already there
#   bash datasets/get_datasets.sh --cifar10h [--from DIR] [--force]
#                                              the same for cifar10h-counts.npy (sha256 checked)
#
# The data only ever appears complete: everything is fetched and checked in a temporary
# folder beside the target, then renamed into place. Portable to macOS's bash 3.2.
#
# Exit codes: 0 data in place, 1 data rejected (bad md5, broken tarball, missing files),
#             2 could not download, 64 bad command line.

# Run by `sh script`? Start again under bash (this file uses bash features).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -euo pipefail

DEFAULT_URL="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
DEFAULT_MD5="c58f30108f718f92721af3b95e74349a"
CIFAR_PAGE="https://www.cs.toronto.edu/~kriz/cifar.html"
URL="${CIFAR10_URL:-$DEFAULT_URL}"
MD5="${CIFAR10_MD5:-$DEFAULT_MD5}"
FILES="data_batch_1 data_batch_2 data_batch_3 data_batch_4 data_batch_5 test_batch batches.meta"
NAME="cifar-10-batches-py"
TARBALL="cifar-10-python.tar.gz"

# CIFAR-10H (Peterson et al., ICCV 2019): about 50 people's votes for each test image.
# Licence CC BY-NC-SA 4.0: fetched onto the user's machine, never part of this repository.
H_DEFAULT_URL="https://github.com/jcpeterson/cifar-10h/raw/master/data/cifar10h-counts.npy"
H_DEFAULT_SHA256="9b36b4550349af56c79083356312eb4af856cc5fd3caf1f669d40b9d0bbb69ff"
H_PAGE="https://github.com/jcpeterson/cifar-10h"
H_URL="${CIFAR10H_URL:-$H_DEFAULT_URL}"
H_SHA256="${CIFAR10H_SHA256:-$H_DEFAULT_SHA256}"
H_NAME="cifar-10h"
H_FILE="cifar10h-counts.npy"

DATASETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="$DATASETS_DIR/$NAME"
H_TARGET="$DATASETS_DIR/$H_NAME"
PROG="get_datasets"

say() { printf '%s: %s\n' "$PROG" "$*"; }
err() { printf '%s: error: %s\n' "$PROG" "$*" >&2; }

usage() {
    cat <<EOF
Usage: bash datasets/get_datasets.sh [--cifar10h] [--from DIR] [--force]

Puts CIFAR-10 (python version) in $TARGET
and does nothing if it is already there.

  (no option)   download $TARBALL (about 163 MB) and check its md5
  --from DIR    copy an existing $NAME/ instead (no network needed);
                DIR is that folder itself or a folder containing it
  --force       fetch again even if the data is already there
  --cifar10h    instead of CIFAR-10, get the CIFAR-10H human labels
                ($H_FILE, 800 kB, sha256 checked) into $H_TARGET;
                with --from DIR, DIR is that file, its folder or a folder holding
                $H_NAME/. Licence CC BY-NC-SA 4.0: use it, never commit it.
  -h, --help    show this help

Environment: CIFAR10_URL (default $DEFAULT_URL),
             CIFAR10_MD5 (default $DEFAULT_MD5),
             CIFAR10H_URL (default $H_DEFAULT_URL),
             CIFAR10H_SHA256 (default $H_DEFAULT_SHA256).
Exit codes:  0 data in place, 1 data rejected, 2 could not download, 64 bad usage.
EOF
}

# ---------------------------------------------------------------- command line
FROM=""
FORCE=0
CIFAR10H=0
while [ $# -gt 0 ]; do
    case "$1" in
        --from)
            if [ $# -lt 2 ] || [ -z "$2" ]; then err "--from needs a folder"; usage >&2; exit 64; fi
            FROM="$2"; shift 2 ;;
        --from=*)
            FROM="${1#--from=}"
            if [ -z "$FROM" ]; then err "--from needs a folder"; exit 64; fi
            shift ;;
        --force) FORCE=1; shift ;;
        --cifar10h) CIFAR10H=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) err "unknown argument: $1"; usage >&2; exit 64 ;;
    esac
done

# ---------------------------------------------------------------- helpers
# Prints the names of the expected files missing (or empty) in folder $1.
missing_files() {
    local f missing=""
    for f in $FILES; do
        [ -s "$1/$f" ] || missing="$missing $f"
    done
    printf '%s' "${missing# }"
}

is_complete() { [ -d "$1" ] && [ -z "$(missing_files "$1")" ]; }

md5_of() {
    if command -v md5sum >/dev/null 2>&1; then
        md5sum "$1" | awk '{print $1}'
    elif command -v md5 >/dev/null 2>&1; then
        md5 -q "$1"
    elif command -v python3 >/dev/null 2>&1; then
        python3 - "$1" <<'PY'
import hashlib, sys
h = hashlib.md5()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(h.hexdigest())
PY
    else
        err "no md5 tool found (md5sum, md5 or python3)"
        return 1
    fi
}

lower() { printf '%s' "$1" | tr 'ABCDEF' 'abcdef'; }

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | awk '{print $1}'
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | awk '{print $1}'
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
    else
        err "no sha256 tool found (sha256sum, shasum or python3)"
        return 1
    fi
}

# verify FILE ALGORITHM EXPECTED WHAT ADVICE: true when FILE's md5 or sha256
# is EXPECTED; otherwise say so (what was expected, what was found, ADVICE).
verify() {
    local got
    say "checking $2"
    if ! got="$("$2_of" "$1")" || [ -z "$got" ]; then
        err "could not compute the $2 of $4; install ${2}sum (coreutils) or python3"
        return 1
    fi
    got="$(lower "$got")"
    if [ "$got" != "$(lower "$3")" ]; then
        err "$2 mismatch for $4"
        err "  expected $3"
        err "  got      $got"
        err "$5"
        return 1
    fi
}

# True when file $1 exists and has the expected CIFAR-10H sha256.
h_checks_out() { [ -s "$1" ] && [ "$(lower "$(sha256_of "$1")")" = "$(lower "$H_SHA256")" ]; }

# Downloads URL $1 to file $2; returns non-zero on any failure.
download() {
    local url="$1" out="$2"
    if command -v curl >/dev/null 2>&1; then
        local progress="-sS"
        if [ -t 2 ]; then progress="--progress-bar"; fi
        # Give up on a stalled connection (under 1 kB/s for a minute) instead of hanging.
        curl -fL $progress --connect-timeout 30 --speed-limit 1024 --speed-time 60 \
            --retry 2 -o "$out" "$url"
    elif command -v wget >/dev/null 2>&1; then
        case "$url" in
            file://*) cp "${url#file://}" "$out" ;;   # wget cannot read file:// URLs
            *) wget --timeout=30 --tries=3 -O "$out" "$url" ;;
        esac
    else
        err "neither curl nor wget is installed"
        return 1
    fi
}

# The working folder lives beside the target, so the final rename is atomic (same file
# system). It is removed on every exit, success or failure.
WORK=""
cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        chmod -R u+w "$WORK" 2>/dev/null || true
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_work_dir() {
    WORK="$(mktemp -d "$DATASETS_DIR/.${1:-$NAME}.tmp.XXXXXX")"
}

# Moves the checked folder $1 into place as $2 (default $TARGET), replacing any
# previous one; $3 names the data in the message.
install_folder() {
    local new="$1" target="${2:-$TARGET}" label="${3:-CIFAR-10}"
    chmod -R u+w "$new"
    if [ -e "$target" ] || [ -L "$target" ]; then
        mv "$target" "$WORK/previous"
        if ! mv "$new" "$target"; then
            mv "$WORK/previous" "$target"
            err "could not move the new data into $target"
            exit 1
        fi
    else
        mv "$new" "$target"
    fi
    say "$label is ready in $target"
}

# ---------------------------------------------------------------- --cifar10h
# One known file, so unlike CIFAR-10's folder a copy made with --from is
# checked against the same sha256 as a download.
get_cifar10h() {
    local src part
    if [ "$FORCE" -eq 0 ] && h_checks_out "$H_TARGET/$H_FILE"; then
        say "CIFAR-10H is already in $H_TARGET (nothing to do; --force fetches it again)"
        exit 0
    fi
    if [ -e "$H_TARGET" ] || [ -L "$H_TARGET" ]; then
        if [ "$FORCE" -eq 1 ]; then
            say "--force: fetching CIFAR-10H again; the current $H_NAME/ is kept until the new copy checks out"
        else
            say "$H_TARGET has no good $H_FILE (missing or wrong checksum); fetching it again"
        fi
    fi
    make_work_dir "$H_NAME"
    mkdir "$WORK/$H_NAME"
    part="$WORK/$H_NAME/$H_FILE"
    if [ -n "$FROM" ]; then
        src=""
        for candidate in "$FROM" "$FROM/$H_FILE" "$FROM/$H_NAME/$H_FILE"; do
            if [ -f "$candidate" ]; then src="$candidate"; break; fi
        done
        if [ -z "$src" ]; then
            if [ -e "$FROM" ]; then
                err "--from $FROM: no $H_FILE there (nor in $H_NAME/ inside it)"
            else
                err "--from $FROM: no such file or folder"
            fi
            exit 1
        fi
        say "copying CIFAR-10H from $src"
        cp "$src" "$part"
    else
        say "downloading $H_URL"
        if ! download "$H_URL" "$part"; then
            cat >&2 <<EOF
$PROG: error: could not download $H_URL
  (offline, behind a proxy, or the server is down). Either
  - download $H_FILE by hand from $H_PAGE (folder data/) and run
      bash datasets/get_datasets.sh --cifar10h --from /path/to/$H_FILE
  - or copy an existing $H_NAME/ folder with --from (same command).
  Everything but the crowd comparison of human_baseline.ipynb works without it.
EOF
            exit 2
        fi
    fi
    verify "$part" sha256 "$H_SHA256" "$H_FILE (corrupt, partial or another file)" \
        "nothing was installed; run this script again, or use --cifar10h --from FILE" || exit 1
    install_folder "$WORK/$H_NAME" "$H_TARGET" "CIFAR-10H"
    exit 0
}

if [ "$CIFAR10H" -eq 1 ]; then get_cifar10h; fi

# ---------------------------------------------------------------- already there?
if [ "$FORCE" -eq 0 ] && is_complete "$TARGET"; then
    say "CIFAR-10 is already in $TARGET (nothing to do; --force fetches it again)"
    exit 0
fi
if [ -e "$TARGET" ] || [ -L "$TARGET" ]; then
    if [ "$FORCE" -eq 1 ]; then
        say "--force: fetching again; the current $NAME/ is kept until the new copy checks out"
    else
        say "$TARGET is incomplete (missing: $(missing_files "$TARGET")); fetching it again"
    fi
fi

# ---------------------------------------------------------------- --from DIR
if [ -n "$FROM" ]; then
    if [ ! -d "$FROM" ]; then
        err "--from $FROM: no such folder"
        exit 1
    fi
    SRC="$FROM"
    if [ -d "$FROM/$NAME" ]; then SRC="$FROM/$NAME"; fi
    SRC="$(cd "$SRC" && pwd -P)"
    MISSING="$(missing_files "$SRC")"
    if [ -n "$MISSING" ]; then
        err "$SRC is not a complete $NAME/ folder; missing or empty: $MISSING"
        err "expected: $FILES"
        exit 1
    fi
    if [ -d "$TARGET" ] && [ "$SRC" = "$(cd "$TARGET" && pwd -P)" ]; then
        say "--from points at $TARGET itself; nothing to copy"
        exit 0
    fi
    say "copying CIFAR-10 from $SRC"
    make_work_dir
    mkdir "$WORK/$NAME"
    for f in $FILES readme.html; do
        if [ -e "$SRC/$f" ]; then cp "$SRC/$f" "$WORK/$NAME/$f"; fi
    done
    MISSING="$(missing_files "$WORK/$NAME")"
    if [ -n "$MISSING" ]; then
        err "copy from $SRC is incomplete (missing: $MISSING); nothing was installed"
        exit 1
    fi
    install_folder "$WORK/$NAME"
    exit 0
fi

# ---------------------------------------------------------------- download
make_work_dir
PART="$WORK/$TARBALL.part"
say "downloading $URL"
if ! download "$URL" "$PART"; then
    cat >&2 <<EOF
$PROG: error: could not download $URL
  (offline, behind a proxy, or the server is down). Either
  - download $TARBALL by hand from $CIFAR_PAGE, unpack it and run
      bash datasets/get_datasets.sh --from /path/to/$NAME
  - or copy an existing $NAME/ folder with --from (same command).
EOF
    exit 2
fi

verify "$PART" md5 "$MD5" "the downloaded $TARBALL (corrupt or partial download)" \
    "the download was deleted; run this script again, or use --from DIR" || exit 1

say "unpacking"
mkdir "$WORK/extract"
if ! tar -xzf "$PART" -C "$WORK/extract"; then
    err "$TARBALL could not be unpacked (truncated or not a gzip'd tar); nothing was installed"
    exit 1
fi
rm -f "$PART"
if [ ! -d "$WORK/extract/$NAME" ]; then
    err "$TARBALL holds no $NAME/ folder; nothing was installed"
    exit 1
fi
MISSING="$(missing_files "$WORK/extract/$NAME")"
if [ -n "$MISSING" ]; then
    err "$TARBALL lacks: $MISSING; nothing was installed"
    exit 1
fi
install_folder "$WORK/extract/$NAME"
