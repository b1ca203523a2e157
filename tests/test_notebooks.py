"""Every notebook runs top to bottom with the reference solution, and is a
valid nbgrader source notebook.  Needs the data set: `bash setup.sh` puts it
(or the CI subset) in datasets/cifar-10-batches-py."""
import glob
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from support import REPO, require

pytestmark = pytest.mark.slow  # runs every notebook top to bottom

NOTEBOOKS = sorted(glob.glob(os.path.join(REPO, "solutions", "*", "*.ipynb")))
DATA = os.path.join(REPO, "datasets", "cifar-10-batches-py")


def notebook_id(path):
    return os.path.relpath(path, os.path.join(REPO, "solutions"))


@pytest.fixture(scope="module")
def data_on_disk():
    assert os.path.isfile(os.path.join(DATA, "data_batch_1")), (
        f"no CIFAR-10 data in {DATA}: run `bash setup.sh --data-from DIR` (or without option, online) first")
    return DATA


def imports_torch(notebook):
    return any(re.match(r"\s*(import|from)\s+torch\b", line)
               for cell in notebook.cells if cell.cell_type == "code" for line in cell.source.splitlines())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_notebook_runs_top_to_bottom_with_the_reference(path, data_on_disk, tmp_path, monkeypatch):
    notebook = nbformat.read(path, as_version=4)
    if imports_torch(notebook):  # skipped on a machine without torch; a failure under CI, which installs it
        require("torch", f"{notebook_id(path)} imports it: bash setup.sh --torch")
    folder = tmp_path / "assignment"
    shutil.copytree(os.path.dirname(path), folder, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    monkeypatch.setenv("CIFAR10_DIR", data_on_disk)
    monkeypatch.setenv("CS231N_SMALL", "1")  # the first rows only (see cs231n/data_utils.py): seconds, not minutes
    # On 2 shared cores, one BLAS thread runs the notebooks' many small matrix
    # products several times faster than two threads competing with pytest.
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    # allow_errors: every cell runs, and the failure lists each cell that raised.
    NotebookClient(notebook, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    errors = [f"cell {index} ({cell.source.splitlines()[0] if cell.source else ''}): {o['ename']}: {o['evalue']}"
              for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course directory whose source/ holds our solutions."""
    root = tmp_path_factory.mktemp("course")
    for assignment in os.listdir(os.path.join(REPO, "solutions")):
        shutil.copytree(os.path.join(REPO, "solutions", assignment), root / "source" / assignment,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'cs231n'\n")
    return root


@pytest.mark.parametrize("assignment", sorted(os.listdir(os.path.join(REPO, "solutions"))))
def test_nbgrader_generate_assignment_accepts_the_source(course, assignment):
    bin_dir = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from PATH
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run([os.path.join(bin_dir, "nbgrader"), "generate_assignment", assignment, "--force"],
                            cwd=course, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    released = glob.glob(str(course / "release" / assignment / "*.ipynb"))
    assert released and all("BEGIN SOLUTION" not in open(p).read() for p in released)
