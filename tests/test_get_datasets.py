"""datasets/get_datasets.sh, run for real against a copy in a temporary repo layout.

Nothing here touches the network or the repository's own datasets/ folder: every test
copies the script to tmp/datasets/get_datasets.sh and downloads from file:// URLs built
from the real CIFAR-10 subset.
"""

import filecmp
import hashlib
import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "datasets" / "get_datasets.sh"
NAME = "cifar-10-batches-py"
SEVEN = (
    "data_batch_1",
    "data_batch_2",
    "data_batch_3",
    "data_batch_4",
    "data_batch_5",
    "test_batch",
    "batches.meta",
)
COULD_NOT_DOWNLOAD = 2
UNREACHABLE = "file:///nonexistent/cifar-10-python.tar.gz"


def _as_batches_folder(path):
    """`path` itself if it holds the seven files, or its cifar-10-batches-py/ child."""
    for candidate in (path, path / NAME):
        if all((candidate / f).is_file() for f in SEVEN):
            return candidate
    return None


def _md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def _snapshot(folder):
    """(inode, mtime) of the folder and of each file in it."""
    paths = [folder] + sorted(folder.iterdir())
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


@pytest.fixture(scope="session")
def cifar_subset():
    """The real CIFAR-10 subset the tests copy and pack; missing data is a failure."""
    candidates = []
    if os.environ.get("CS231N_DATA_FROM"):
        candidates.append(Path(os.environ["CS231N_DATA_FROM"]))
    candidates.append(REPO.parent / "shared" / "datasets" / "cifar-10-subset" / NAME)
    candidates.append(REPO / "datasets" / NAME)
    for candidate in candidates:
        found = _as_batches_folder(candidate)
        if found is not None:
            return found
    pytest.fail(
        "no CIFAR-10 data for the get_datasets.sh tests; looked in "
        + ", ".join(str(c) for c in candidates)
        + ". Set CS231N_DATA_FROM to a cifar-10-batches-py/ folder.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def tarball(cifar_subset, tmp_path_factory):
    """A real cifar-10-python.tar.gz built from the subset, and its md5."""
    path = tmp_path_factory.mktemp("tarball") / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        tar.add(cifar_subset, arcname=NAME)
    return path, _md5(path)


@pytest.fixture
def repo(datasets_repo):
    return datasets_repo


@pytest.fixture
def run(get_datasets):
    """Runs the copied script from an unrelated cwd; never reaches the real CIFAR URL."""
    return lambda *args, url=UNREACHABLE, md5=None: get_datasets(*args, CIFAR10_URL=url, CIFAR10_MD5=md5)


@pytest.fixture
def installed(repo, run, cifar_subset):
    """The target folder after a successful `--from` install."""
    result = run("--from", str(cifar_subset))
    assert result.returncode == 0, result.stderr
    return repo / "datasets" / NAME


def _tarball_of(files, tmp_path):
    """A small .tar.gz with cifar-10-batches-py/<name> entries of dummy content."""
    path = tmp_path / "small.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in files:
            data = b"not really cifar"
            info = tarfile.TarInfo(f"{NAME}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _copy_batches(source, dest, skip=()):
    """A writable copy of the seven files (the shared subset may be read-only)."""
    dest.mkdir(parents=True)
    for name in SEVEN:
        if name not in skip:
            shutil.copyfile(source / name, dest / name)
    return dest


def _assert_nothing_left_behind(repo):
    assert sorted(os.listdir(repo / "datasets")) == ["get_datasets.sh"]


def _assert_same_seven_files(folder, source):
    for name in SEVEN:
        assert filecmp.cmp(folder / name, source / name, shallow=False), name


def test_download_with_matching_md5_installs_the_seven_files(run, repo, tarball, cifar_subset):
    path, md5 = tarball
    result = run(url=path.as_uri(), md5=md5)
    assert result.returncode == 0, result.stderr
    _assert_same_seven_files(repo / "datasets" / NAME, cifar_subset)
    assert sorted(os.listdir(repo / "datasets")) == ["cifar-10-batches-py", "get_datasets.sh"]


def test_download_with_wrong_md5_fails_and_leaves_nothing_behind(run, repo, tarball):
    path, _ = tarball
    result = run(url=path.as_uri(), md5="0" * 32)
    assert result.returncode == 1
    assert "md5 mismatch" in result.stderr
    _assert_nothing_left_behind(repo)


def test_truncated_tarball_fails_and_leaves_nothing_behind(run, repo, tarball, tmp_path):
    path, _ = tarball
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = run(url=truncated.as_uri(), md5=_md5(truncated))
    assert result.returncode == 1
    assert "could not be unpacked" in result.stderr
    _assert_nothing_left_behind(repo)


def test_tarball_missing_a_file_fails_and_names_it(run, repo, tmp_path):
    small = _tarball_of([f for f in SEVEN if f != "test_batch"], tmp_path)
    result = run(url=small.as_uri(), md5=_md5(small))
    assert result.returncode == 1
    assert "test_batch" in result.stderr
    _assert_nothing_left_behind(repo)


def test_unreachable_url_exits_with_could_not_download_code_and_suggests_from(run, repo):
    result = run(url=UNREACHABLE)
    assert result.returncode == COULD_NOT_DOWNLOAD
    assert "could not download" in result.stderr
    assert "--from" in result.stderr
    _assert_nothing_left_behind(repo)


def test_from_the_batches_folder_copies_the_seven_files(run, repo, cifar_subset):
    result = run("--from", str(cifar_subset))
    assert result.returncode == 0, result.stderr
    _assert_same_seven_files(repo / "datasets" / NAME, cifar_subset)


def test_from_a_folder_containing_the_batches_folder_copies_it(run, repo, cifar_subset, tmp_path):
    parent = tmp_path / "parent"
    _copy_batches(cifar_subset, parent / NAME)
    result = run("--from", str(parent))
    assert result.returncode == 0, result.stderr
    _assert_same_seven_files(repo / "datasets" / NAME, cifar_subset)


def test_from_a_folder_missing_a_file_fails_and_names_it(run, repo, cifar_subset, tmp_path):
    incomplete = _copy_batches(cifar_subset, tmp_path / NAME, skip=("data_batch_3",))
    result = run("--from", str(incomplete))
    assert result.returncode == 1
    assert "data_batch_3" in result.stderr
    _assert_nothing_left_behind(repo)


def test_from_a_folder_that_does_not_exist_fails_clearly(run, repo, tmp_path):
    result = run("--from", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no such folder" in result.stderr
    _assert_nothing_left_behind(repo)


def test_second_run_with_data_present_is_a_noop_that_says_so(run, installed):
    before = _snapshot(installed)
    result = run()  # the URL is unreachable: a no-op must not even try it
    assert result.returncode == 0, result.stderr
    assert "already" in result.stdout
    assert _snapshot(installed) == before


def test_force_fetches_again_even_when_data_is_present(run, installed, tarball, cifar_subset):
    before = _snapshot(installed)
    path, md5 = tarball
    result = run("--force", url=path.as_uri(), md5=md5)
    assert result.returncode == 0, result.stderr
    assert _snapshot(installed) != before
    _assert_same_seven_files(installed, cifar_subset)
    assert sorted(os.listdir(installed.parent)) == ["cifar-10-batches-py", "get_datasets.sh"]


def test_failed_force_keeps_the_existing_data_untouched(run, installed):
    before = _snapshot(installed)
    result = run("--force")
    assert result.returncode == COULD_NOT_DOWNLOAD
    assert _snapshot(installed) == before
    assert sorted(os.listdir(installed.parent)) == ["cifar-10-batches-py", "get_datasets.sh"]


def test_incomplete_target_is_replaced_by_a_complete_copy(run, repo, cifar_subset):
    target = repo / "datasets" / NAME
    target.mkdir()
    (target / "data_batch_1").write_bytes(b"half a download")
    result = run("--from", str(cifar_subset))
    assert result.returncode == 0, result.stderr
    _assert_same_seven_files(target, cifar_subset)


def test_help_prints_usage_and_exits_zero(run):
    result = run("--help")
    assert result.returncode == 0
    assert "--from DIR" in result.stdout and "--force" in result.stdout


def test_unknown_option_is_a_usage_error(run):
    result = run("--frm", "x")
    assert result.returncode == 64
    assert "unknown argument" in result.stderr
