"""Run the reference ConvolutionalNetworks notebook on the CIFAR-10 data found
on disk, and print what its ThreeLayerConvNet reaches after one epoch.

    .venv/bin/python benchmarks/convnet_accuracy.py [--small] [--threads 1]

The notebook is the measurement: it runs top to bottom, exactly as a
student's finished notebook would (solutions/assignment2, executed in a
temporary copy), and a last cell reads the figures from its variables: the
validation accuracy after one epoch, the accuracy of the same network on the
test images, the epoch's duration, and the overfitting run's final training
accuracy on 100 images.  Say which data set a figure comes from: the CI
subset has 5,170 training images (4,170 of them for training, 1,000 for
validation), the full set 50,000; --small is the tests' CS231N_SMALL=1 run
(750 training images).
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
ASSIGNMENT = os.path.join(REPO, "solutions", "assignment2")
NOTEBOOK = "ConvolutionalNetworks.ipynb"

# label -> expression in the notebook's namespace, evaluated after its last cell.
FIGURES = {
    "training images": "int(data['X_train'].shape[0])",
    "one epoch: validation accuracy": "float(val_acc)",
    "one epoch: test accuracy": "float(solver.check_accuracy(data['X_test'], data['y_test']))",
    "one epoch: seconds": "float(epoch_seconds)",
    "overfitting 100 images: final training accuracy": "float(overfit_train_acc)",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="set CS231N_SMALL=1, as the tests do")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads of the notebook's kernel (default 1)")
    args = parser.parse_args()
    data_dir = os.environ.get("CIFAR10_DIR", os.path.join(REPO, "datasets", "cifar-10-batches-py"))
    if not os.path.isfile(os.path.join(data_dir, "data_batch_1")):
        sys.exit(f"no CIFAR-10 in {data_dir}: run `bash setup.sh` or set CIFAR10_DIR")

    notebook = nbformat.read(os.path.join(ASSIGNMENT, NOTEBOOK), as_version=4)
    probe = ("import json\nprint('FIGURES' + json.dumps({%s}, default=float))"
             % ", ".join(f"{label!r}: ({expression})" for label, expression in FIGURES.items()))
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    os.environ.update(CIFAR10_DIR=data_dir, OPENBLAS_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
    if args.small:
        os.environ["CS231N_SMALL"] = "1"
    else:
        os.environ.pop("CS231N_SMALL", None)
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ASSIGNMENT, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", "saved"))
        start = time.perf_counter()
        NotebookClient(notebook, timeout=7200, kernel_name="python3",
                       resources={"metadata": {"path": folder}}).execute()
        seconds = time.perf_counter() - start
    outputs = [o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    figures = json.loads(next(t for t in outputs if t.startswith("FIGURES"))[len("FIGURES"):])
    print(f"{NOTEBOOK} on {data_dir}{' with CS231N_SMALL=1' if args.small else ''}, "
          f"{args.threads} BLAS thread(s): whole notebook {seconds:.0f} s")
    for label, value in figures.items():
        print(f"  {label}: {value:.3f}" if isinstance(value, float) else f"  {label}: {value}")


if __name__ == "__main__":
    main()
