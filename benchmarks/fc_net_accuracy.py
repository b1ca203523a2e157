"""Train the reference FullyConnectedNet with batch normalization and dropout
on the CIFAR-10 data found on disk, and print its accuracy on the test rows.

    .venv/bin/python benchmarks/fc_net_accuracy.py [--epochs 10] [--save]

Trains on the training rows that get_CIFAR10_data gives (the CI subset:
4,000 of its 5,170 training images, after 1,000 for validation; the full
set: 49,000), then prints the validation accuracy, the accuracy on the
first 1,000 test rows (what the notebook shows), and the accuracy the grader
would give it: the reference network with the saved arrays on the held-out
test rows of grader/public/heldout.py.  The architecture is the graded one
(grader/suites/assignment2/public_fc.py: FC_INIT).  With --save it also
writes the model to solutions/assignment2/cs231n/saved/best_fc_net.npz, the
reference's own file, which the suite's tests grade.
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "solutions", "assignment2"))
sys.path.insert(1, REPO)

from cs231n.classifiers.fc_net import FullyConnectedNet  # noqa: E402
from cs231n.data_utils import get_CIFAR10_data  # noqa: E402
from cs231n.model_files import load_model, save_model  # noqa: E402
from cs231n.solver import Solver  # noqa: E402
from grader.public import heldout  # noqa: E402
from grader.suites.assignment2.public_fc import FC_HIDDEN  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--save", action="store_true", help="write the reference's best_fc_net.npz")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = get_CIFAR10_data()
    np.random.seed(0)
    model = FullyConnectedNet(FC_HIDDEN, normalization="batchnorm", dropout_keep_ratio=0.8, reg=1e-3,
                              weight_scale=5e-2)
    solver = Solver(model, data, num_epochs=args.epochs, batch_size=100, update_rule="adam",
                    optim_config={"learning_rate": 1e-3}, lr_decay=0.9, verbose=False)
    start = time.perf_counter()
    solver.train()
    seconds = time.perf_counter() - start
    test = float(np.mean(np.argmax(model.loss(data["X_test"]), axis=1) == data["y_test"]))
    print(f"data: {data['X_train'].shape[0]:,} training, {data['X_val'].shape[0]:,} validation, "
          f"{data['X_test'].shape[0]:,} test images")
    print(f"FullyConnectedNet({FC_HIDDEN}, batchnorm, dropout keep 0.8), {args.epochs} epochs of Adam: "
          f"{seconds:.1f} s")
    print(f"best validation accuracy   {solver.best_val_acc:.3f}")
    print(f"test accuracy (first rows) {test:.3f}")
    X, y, size = heldout.cifar10()
    path = save_model(model, "best_fc_net_benchmark.npz")
    graded = FullyConnectedNet(FC_HIDDEN, normalization="batchnorm")
    load_model(graded, "best_fc_net_benchmark.npz")
    accuracy = float(np.mean(np.argmax(graded.loss(X), axis=1) == y))
    print(f"held-out accuracy, as graded ({size} data, {len(y):,} images) {accuracy:.3f}")
    if args.save:
        os.replace(path, os.path.join(os.path.dirname(path), "best_fc_net.npz"))
        print("wrote solutions/assignment2/cs231n/saved/best_fc_net.npz")
    else:
        os.remove(path)


if __name__ == "__main__":
    main()
