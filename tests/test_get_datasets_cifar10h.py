"""datasets/get_datasets.sh --cifar10h, run for real in a temporary repo layout.

Like tests/test_get_datasets.py: the script is copied to tmp/datasets/ and
"downloads" from file:// URLs; the file is the real CIFAR-10H copy in
../shared/datasets/cifar-10h (never one in the repository: its licence keeps
it out), so the real sha256 is checked.
"""
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from support import under_ci

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "datasets" / "get_datasets.sh"
FILE = "cifar10h-counts.npy"
SHA256 = "9b36b4550349af56c79083356312eb4af856cc5fd3caf1f669d40b9d0bbb69ff"
UNREACHABLE = "file:///nonexistent/cifar10h-counts.npy"


def find_cifar10h():
    """The shared CIFAR-10H file (beside the checkout, as CI lays it out), or None."""
    candidates = [os.environ.get("CIFAR10H_PATH"), REPO.parent / "shared" / "datasets" / "cifar-10h",
                  REPO / "datasets" / "cifar-10h"]
    for candidate in candidates:
        if candidate:
            candidate = Path(candidate)
            for path in (candidate, candidate / FILE):
                if path.is_file():
                    return path
    return None


@pytest.fixture(scope="session")
def counts_file():
    found = find_cifar10h()
    if found is None:
        problem = (f"no CIFAR-10H copy for the --cifar10h tests (optional data): `bash datasets/get_datasets.sh "
                   f"--cifar10h` puts one in datasets/cifar-10h; or lay ../shared/datasets/cifar-10h/{FILE} beside "
                   "the repository, or set CIFAR10H_PATH")
        if under_ci():
            pytest.fail("CI must run these tests: " + problem, pytrace=False)
        pytest.skip(problem)
    return found


@pytest.fixture
def repo(datasets_repo):
    return datasets_repo


@pytest.fixture
def run(get_datasets):
    """Runs the copied script with --cifar10h from an unrelated cwd; never reaches the real URL."""
    return lambda *args, url=UNREACHABLE, sha256=None: get_datasets(
        "--cifar10h", *args, CIFAR10H_URL=url, CIFAR10H_SHA256=sha256)


def installed_file(repo):
    return repo / "datasets" / "cifar-10h" / FILE


def assert_nothing_left_behind(repo):
    assert sorted(os.listdir(repo / "datasets")) == ["get_datasets.sh"]


def test_the_shared_copy_has_the_sha256_the_script_expects(counts_file):
    assert hashlib.sha256(counts_file.read_bytes()).hexdigest() == SHA256
    assert SHA256 in SCRIPT.read_text()


def test_download_with_matching_sha256_installs_the_file(run, repo, counts_file):
    result = run(url=counts_file.as_uri())
    assert result.returncode == 0, result.stderr
    assert installed_file(repo).read_bytes() == counts_file.read_bytes()
    assert sorted(os.listdir(repo / "datasets")) == ["cifar-10h", "get_datasets.sh"]


def test_download_with_wrong_sha256_fails_and_leaves_nothing_behind(run, repo, counts_file):
    result = run(url=counts_file.as_uri(), sha256="0" * 64)
    assert result.returncode == 1
    assert "sha256 mismatch" in result.stderr
    assert_nothing_left_behind(repo)


def test_truncated_download_is_refused(run, repo, counts_file, tmp_path):
    truncated = tmp_path / FILE
    truncated.write_bytes(counts_file.read_bytes()[:1000])
    result = run(url=truncated.as_uri())
    assert result.returncode == 1 and "sha256 mismatch" in result.stderr
    assert_nothing_left_behind(repo)


def test_unreachable_url_exits_2_and_suggests_from(run, repo):
    result = run()
    assert result.returncode == 2
    assert "could not download" in result.stderr and "--cifar10h --from" in result.stderr
    assert_nothing_left_behind(repo)


@pytest.mark.parametrize("shape", ["file", "folder", "parent"])
def test_from_the_file_its_folder_or_a_parent_copies_it(run, repo, counts_file, tmp_path, shape):
    parent = tmp_path / "copy"
    (parent / "cifar-10h").mkdir(parents=True)
    shutil.copyfile(counts_file, parent / "cifar-10h" / FILE)
    given = {"file": parent / "cifar-10h" / FILE, "folder": parent / "cifar-10h", "parent": parent}[shape]
    result = run("--from", str(given))
    assert result.returncode == 0, result.stderr
    assert installed_file(repo).read_bytes() == counts_file.read_bytes()


def test_from_another_file_is_refused_by_its_checksum(run, repo, tmp_path):
    other = tmp_path / FILE
    other.write_bytes(b"\x93NUMPY not the counts")
    result = run("--from", str(other))
    assert result.returncode == 1 and "sha256 mismatch" in result.stderr
    assert_nothing_left_behind(repo)


def test_from_a_folder_without_the_file_fails_clearly(run, repo, tmp_path):
    result = run("--from", str(tmp_path))
    assert result.returncode == 1 and f"no {FILE} there" in result.stderr
    result = run("--from", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "no such file or folder" in result.stderr
    assert_nothing_left_behind(repo)


def test_second_run_is_a_noop_and_a_corrupt_copy_is_replaced(run, repo, counts_file):
    assert run("--from", str(counts_file)).returncode == 0
    before = installed_file(repo).stat().st_ino
    result = run()  # unreachable URL: a no-op must not try it
    assert result.returncode == 0 and "already" in result.stdout
    assert installed_file(repo).stat().st_ino == before
    installed_file(repo).write_bytes(b"half a file")
    result = run("--from", str(counts_file))
    assert result.returncode == 0, result.stderr
    assert installed_file(repo).read_bytes() == counts_file.read_bytes()


def test_failed_force_keeps_the_existing_copy(run, repo, counts_file):
    assert run("--from", str(counts_file)).returncode == 0
    result = run("--force")
    assert result.returncode == 2
    assert installed_file(repo).read_bytes() == counts_file.read_bytes()
    assert sorted(os.listdir(repo / "datasets")) == ["cifar-10h", "get_datasets.sh"]


def test_cifar10h_leaves_cifar10_alone(run, repo, counts_file):
    """--cifar10h never touches (nor downloads) CIFAR-10, present or not."""
    result = run("--from", str(counts_file))
    assert result.returncode == 0
    assert not (repo / "datasets" / "cifar-10-batches-py").exists()
