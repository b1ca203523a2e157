"""Run the reference human_baseline.ipynb on the data found on disk and print
the crowd's and the models' accuracy on its sample (default: 100 images,
seed 0), the figures a learner's own accuracy stands beside.

    .venv/bin/python benchmarks/human_baseline_figures.py [--size 100] [--seed 0] [--small]

As in reference_accuracy.py, the notebook is the measurement: it runs top to
bottom in a temporary copy of solutions/assignment1, with no results file (so
the learner's row is the notebook's simulated annotator, not printed here),
and a last cell reads the figures from its `summary`. CIFAR-10H comes from
datasets/cifar-10h or CIFAR10H_PATH; without it the crowd's rows are missing.
Say which data set a figure comes from: the CI subset has 500 test images and
5,170 training images, the full set 10,000 and 50,000.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSIGNMENT = os.path.join(REPO, "solutions", "assignment1")
PROBE = """
import json
print("FIGURES" + json.dumps({"sample": repr(sample), "num_train": int(num_train),
                              "rows": [(r["name"], r["accuracy"], r["low"], r["high"]) for r in summary["rows"]
                                       if r is not summary["learner"]]}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="SAMPLE_SIZE (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="SEED (default 0)")
    parser.add_argument("--small", action="store_true", help="run with CS231N_SMALL=1 (fast, weak models)")
    args = parser.parse_args()
    sys.path.insert(0, ASSIGNMENT)
    from cs231n.data_utils import default_cifar10_dir
    from cs231n.human_baseline import find_cifar10h
    data_dir = default_cifar10_dir()
    os.environ["CIFAR10_DIR"] = data_dir
    os.environ["CS231N_SMALL"] = "1" if args.small else "0"
    counts = find_cifar10h()
    if counts:
        os.environ["CIFAR10H_PATH"] = counts

    notebook = nbformat.read(os.path.join(ASSIGNMENT, "human_baseline.ipynb"), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "SAMPLE_SIZE = 100" in cell.source:
            cell.source = cell.source.replace("SAMPLE_SIZE = 100", "SAMPLE_SIZE = %d" % args.size)
            cell.source = cell.source.replace("SEED = 0", "SEED = %d" % args.seed)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ASSIGNMENT, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", "saved"))
        start = time.perf_counter()
        NotebookClient(notebook, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": folder}}).execute()
        seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    figures = json.loads(text[text.index("FIGURES") + 7:])

    print("CIFAR-10 from %s; CIFAR-10H from %s" % (data_dir, counts or "<not found: no crowd rows>"))
    print("%s; models trained on %d images%s; notebook ran in %.0f s"
          % (figures["sample"], figures["num_train"], " (CS231N_SMALL=1)" if args.small else "", seconds))
    for name, accuracy, low, high in figures["rows"]:
        print("  %-24s %5.1f %%   (95 %% interval %5.1f - %5.1f %%)" % (name, 100 * accuracy, 100 * low, 100 * high))


if __name__ == "__main__":
    main()
