"""Run the reference ConvolutionalNetworks notebook on the CIFAR-10 data found
on disk, and print what its ThreeLayerConvNet reaches after one epoch.

    .venv/bin/python benchmarks/convnet_accuracy.py [--small] [--threads 1] [--save]

The notebook is the measurement: it runs top to bottom, exactly as a
student's finished notebook would (solutions/assignment2, executed in a
temporary copy), and a last cell reads the figures from its variables: the
validation accuracy after one epoch, the accuracy of the same network on the
test images, the epoch's duration, and the overfitting run's final training
accuracy on 100 images.  Say which data set a figure comes from: the CI
subset has 5,170 training images (4,170 of them for training, 1,000 for
validation), the full set 50,000; --small is the tests' CS231N_SMALL=1 run
(750 training images).

It also prints what the grader would give the saved model: the reference
ThreeLayerConvNet with the notebook's saved arrays on the held-out test
images (grader/suites/assignment2/public_conv.py: convnet_heldout).  With
--save it writes that model to solutions/assignment2/cs231n/saved/
three_layer_convnet.npz, the file the suite's tests grade as the reference's.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import nbformat
import numpy as np
from nbclient import NotebookClient

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSIGNMENT = os.path.join(REPO, "solutions", "assignment2")
NOTEBOOK = "ConvolutionalNetworks.ipynb"
SAVED = os.path.join("cs231n", "saved", "three_layer_convnet.npz")
sys.path.insert(0, REPO)
sys.path.insert(0, ASSIGNMENT)

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
    parser.add_argument("--save", action="store_true", help=f"write the reference's {SAVED}")
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
        saved = os.path.join(folder, SAVED)
        held_out = held_out_accuracy(saved, data_dir)
        if args.save:
            shutil.copyfile(saved, os.path.join(ASSIGNMENT, SAVED))
    outputs = [o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    figures = json.loads(next(t for t in outputs if t.startswith("FIGURES"))[len("FIGURES"):])
    print(f"{NOTEBOOK} on {data_dir}{' with CS231N_SMALL=1' if args.small else ''}, "
          f"{args.threads} BLAS thread(s): whole notebook {seconds:.0f} s")
    for label, value in figures.items():
        print(f"  {label}: {value:.3f}" if isinstance(value, float) else f"  {label}: {value}")
    accuracy, count, size = held_out
    print(f"  saved model, as graded: {accuracy:.3f} of {count} held-out test images ({size} data set)")
    if args.save:
        print(f"wrote solutions/assignment2/{SAVED}")


def held_out_accuracy(path, data_dir):
    """The reference ThreeLayerConvNet with the arrays of `path`, scored as the grader scores it."""
    os.environ["CIFAR10_DIR"] = data_dir
    from cs231n.classifiers.cnn import ThreeLayerConvNet
    from grader.suites.assignment2.public_conv import convnet_heldout
    X, y, size = convnet_heldout()
    model = ThreeLayerConvNet()
    with np.load(path, allow_pickle=False) as saved:
        model.params = {name: saved[name].astype(np.float32) for name in saved.files}
    return float(np.mean(np.argmax(model.loss(X), axis=1) == y)), len(y), size


if __name__ == "__main__":
    main()
