"""Run every reference notebook of assignment 1 on the CIFAR-10 data found on
disk, and print its run time and the figures it reached.

    .venv/bin/python benchmarks/reference_accuracy.py [--notebooks knn svm ...]

The notebooks are the measurement: each runs top to bottom, exactly as a
student's finished notebook would (solutions/assignment1, executed in a
temporary copy), and a last cell reads the figures from its variables.
Say which data set a figure comes from: the CI subset has 5,170 training
images, the full set 50,000; the notebooks' default settings are the ones
that reach CS231n's targets on the full set.
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

# For each notebook, the figures to report: label -> expression in its namespace.
FIGURES = {
    "knn": {"k=1 test accuracy": "float(np.mean(classifier.predict_labels(dists, k=1) == y_test))",
            "k=5 test accuracy": "float(np.mean(classifier.predict_labels(dists, k=5) == y_test))",
            "cross-validated k": "best_k",
            "test accuracy at that k": "accuracy",
            "two-loop / no-loop time": "two_loop_time / no_loop_time",
            "one-loop / no-loop time": "one_loop_time / no_loop_time"},
    "svm": {"best validation accuracy": "best_val", "test accuracy": "test_accuracy",
            "naive / vectorised time": "naive_time / vectorized_time"},
    "softmax": {"best validation accuracy": "best_val", "test accuracy": "test_accuracy",
                "naive / vectorised time": "naive_time / vectorized_time"},
    "two_layer_net": {"default Solver run, best validation accuracy": "solver.best_val_acc",
                      "tuned net, best validation accuracy": "best_val",
                      "tuned net, test accuracy": "float((np.argmax(best_net.loss(data['X_test']), axis=1)"
                                                  " == data['y_test']).mean())"},
    "features": {"softmax on features, best validation accuracy": "best_val",
                 "softmax on features, test accuracy": "test_accuracy",
                 "two-layer net on features, best validation accuracy": "best_val_acc",
                 "two-layer net on features, test accuracy": "test_acc"},
}
def run(name, data_dir):
    notebook = nbformat.read(os.path.join(ASSIGNMENT, f"{name}.ipynb"), as_version=4)
    probe = "import json\nprint('FIGURES' + json.dumps({%s}, default=float))" % ", ".join(
        f"{label!r}: ({expression})" for label, expression in FIGURES[name].items())
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ASSIGNMENT, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", "saved"))
        os.environ["CIFAR10_DIR"] = data_dir
        start = time.perf_counter()
        NotebookClient(notebook, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": folder}}).execute()
        seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    return seconds, json.loads(text[text.index("FIGURES") + 7:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", default=list(FIGURES), choices=list(FIGURES))
    args = parser.parse_args()
    sys.path.insert(0, ASSIGNMENT)
    from cs231n.data_utils import default_cifar10_dir, load_CIFAR10
    data_dir = default_cifar10_dir()
    X_train, _, X_test, _ = load_CIFAR10(data_dir)
    print(f"CIFAR-10 from {data_dir}: {len(X_train):,} training and {len(X_test):,} test images "
          f"({'the full set' if len(X_train) >= 50000 else 'a subset'})")
    for name in args.notebooks:
        seconds, figures = run(name, data_dir)
        print(f"\n{name}.ipynb ran top to bottom in {seconds:.0f} s")
        for label, value in figures.items():
            print(f"  {label}: {value:.3f}" if isinstance(value, float) else f"  {label}: {value}")


if __name__ == "__main__":
    main()
