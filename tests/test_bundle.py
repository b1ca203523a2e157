"""The student bundle stands alone: unzipped into an empty folder, its own
README's lines make a virtual environment, fetch the data (`--from`, offline)
and register the kernel; `check` runs from the assignment folder, and
knn.ipynb runs top to bottom, ending with its "Check your work" cell.

Slow (pip installs the student requirements into a fresh venv, about a minute
with pip's cache warm): marked `slow`."""
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

import make_submissions
from support import ASSIGNMENT, REPO
from grader.instructor import release

pytestmark = pytest.mark.slow

SUBSET = "/work/shared/datasets/cifar-10-subset/cifar-10-batches-py"


def data_source():
    """The CIFAR-10 copy to fetch from: CI's subset, or the one setup.sh put in datasets/."""
    for candidate in (os.environ.get("CS231N_DATA_FROM"), SUBSET, os.path.join(REPO, "datasets", "cifar-10-batches-py")):
        if candidate and os.path.isfile(os.path.join(candidate, "data_batch_1")):
            return candidate
    pytest.fail("no CIFAR-10 copy to fetch from: run `bash setup.sh --data-from DIR` first")


def readme_block(readme, heading):
    """The indented command lines right after the line `heading` of the bundle's README."""
    lines = readme.split("\n")
    start = lines.index(heading) + 1
    block = []
    for line in lines[start:]:
        if line.startswith("    "):
            block.append(line.strip())
        elif block:
            break
    return block


def run(command, cwd, **env):
    result = subprocess.run(command, cwd=cwd, shell=isinstance(command, str), capture_output=True, text=True,
                            env={**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
                                 **env}, timeout=600)
    return result


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The bundle unzipped into an empty folder and set up by its README's Linux lines only."""
    dist = tmp_path_factory.mktemp("dist")
    zip_path = dist / f"{ASSIGNMENT}.zip"
    release.bundle(ASSIGNMENT, release.generate(os.path.join(REPO, "solutions", ASSIGNMENT)), str(zip_path))
    folder = tmp_path_factory.mktemp("student")
    zipfile.ZipFile(zip_path).extractall(folder)
    readme = (folder / "README.md").read_text()
    for line in readme_block(readme, "Linux and macOS:"):
        result = run(line, folder)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    fetch = [line for line in readme_block(readme, "    bash datasets/get_datasets.sh") if "--from" in line]
    fetch = fetch[0] if fetch else "bash datasets/get_datasets.sh --from /path/to/cifar-10-batches-py"
    result = run(fetch.replace("/path/to/cifar-10-batches-py", data_source()), folder)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def test_the_bundle_fetches_the_data_with_from(unpacked):
    assert (unpacked / "datasets" / "cifar-10-batches-py" / "data_batch_1").is_file()


def test_check_runs_from_the_assignment_folder(unpacked):
    result = run([str(unpacked / ".venv" / "bin" / "python"), "-m", "grader", "check"], unpacked / ASSIGNMENT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Public checks of assignment1" in result.stdout and "is not implemented yet" in result.stdout


def fill_in(folder):
    """Replace the bundle's stubs by the reference: the .py files, and each
    solution cell of knn.ipynb (matched by its nbgrader grade_id)."""
    complete = make_submissions.complete_copy(os.path.join(REPO, "solutions", ASSIGNMENT), str(folder / "complete"))
    for current, _, names in os.walk(os.path.join(complete, "cs231n")):
        for name in names:
            if name.endswith(".py"):
                source = os.path.join(current, name)
                shutil.copyfile(source, folder / ASSIGNMENT / os.path.relpath(source, complete))
    with open(os.path.join(complete, "knn.ipynb")) as f:
        answers = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in json.load(f)["cells"]
                   if c["metadata"].get("nbgrader", {}).get("solution")}
    path = folder / ASSIGNMENT / "knn.ipynb"
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    path.write_text(json.dumps(notebook))
    shutil.rmtree(complete)


def test_knn_notebook_runs_with_the_course_kernel_and_its_check_cell_checks(unpacked):
    fill_in(unpacked)
    jupyter = str(unpacked / ".venv" / "bin" / "jupyter")
    result = run([jupyter, "nbconvert", "--to", "notebook", "--execute", "--output", "knn-run.ipynb",
                  "--ExecutePreprocessor.timeout=600", "knn.ipynb"], unpacked / ASSIGNMENT,
                 CS231N_SMALL="1", OPENBLAS_NUM_THREADS="1", JUPYTER_PREFER_ENV_PATH="1")
    assert result.returncode == 0, result.stderr[-3000:]
    notebook = json.loads((unpacked / ASSIGNMENT / "knn-run.ipynb").read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "cs231n"
    text = lambda cell: "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                                for o in cell.get("outputs", []))
    printed = "\n".join(text(cell) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "This is a part of CIFAR-10" in printed
    assert "No loop version is" in printed and printed.count("Two loop version took") == 1
    check = [c for c in notebook["cells"] if "check-your-work" in c["metadata"].get("tags", [])
             and c["cell_type"] == "code"]
    assert len(check) == 1
    assert re.search(r"Passed (\d+) of \1 public checks", text(check[0])), text(check[0])
