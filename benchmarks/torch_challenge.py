"""Train PyTorch.ipynb's challenge network (its `challenge_model()`) on the
CIFAR-10 found on disk for a fixed time budget; print the epochs it got
through and its validation and test accuracy.

    .venv/bin/python benchmarks/torch_challenge.py [--minutes 10] [--clock wall|cpu] [--threads N] [--notebook PATH]

The network and optimiser are the notebook's own: `challenge_model` is taken
from solutions/assignment2/PyTorch.ipynb as the grader takes a function (its
definition and the imports it uses, nothing else of the notebook), so the
figure follows the notebook.  The data are split as the notebook splits them
(`cs231n.torch_data.cifar10_loaders`: 49,000 / 1,000 / 10,000 on the full
set; on the CI subset, 4,170 training and 1,000 validation images and the 500
test images).  Training stops when the budget is spent, mid-epoch if need
be; the validation accuracy is measured after each whole epoch and at the
end, the test accuracy once, at the end.  The budget is wall-clock time, or
with `--clock cpu` the CPU time of this process (all its threads together):
on a machine shared with other jobs, CPU time is the figure that repeats.
Needs torch (`bash setup.sh --torch`).
"""
import argparse
import os
import sys
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSIGNMENT = os.path.join(REPO, "solutions", "assignment2")
sys.path[:0] = [REPO, ASSIGNMENT]

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from cs231n.torch_data import cifar10_loaders  # noqa: E402
from grader.public.worker import function_from_notebook  # noqa: E402


def accuracy(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(dim=1) == y).sum())
            total += y.numel()
    return correct / total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="training time budget (default 10)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="what the budget counts: wall-clock time (default) or this process's CPU time")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--notebook", default=os.path.join(ASSIGNMENT, "PyTorch.ipynb"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    with warnings.catch_warnings():  # the subset is smaller than the full splits: say so once, below
        warnings.simplefilter("ignore")
        loaders = cifar10_loaders(seed=args.seed)
    sizes = {split: len(loader.dataset) for split, loader in loaders.items()}
    print(f"data: {sizes['train']:,} training, {sizes['val']:,} validation, {sizes['test']:,} test images; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")

    model, optimizer = function_from_notebook(os.path.abspath(args.notebook), "challenge_model")()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"model: challenge_model() of {os.path.relpath(args.notebook, REPO)}, {parameters:,} parameters, "
          f"{type(optimizer).__name__}")

    budget = 60 * args.minutes
    steps_per_epoch = len(loaders["train"])
    clock = time.monotonic if args.clock == "wall" else time.process_time
    steps, start, cpu_start, budget_start = 0, time.monotonic(), time.process_time(), clock()
    out_of_time = False
    while not out_of_time:
        model.train()
        for x, y in loaders["train"]:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
            if clock() - budget_start >= budget:
                out_of_time = True
                break
        if not out_of_time:
            print(f"epoch {steps // steps_per_epoch:3d}  {time.monotonic() - start:6.0f} s wall  "
                  f"{time.process_time() - cpu_start:6.0f} s CPU  "
                  f"loss {loss.item():.3f}  val {100 * accuracy(model, loaders['val']):.1f}%", flush=True)
    wall, cpu = time.monotonic() - start, time.process_time() - cpu_start
    val, test = accuracy(model, loaders["val"]), accuracy(model, loaders["test"])
    print(f"budget: {args.minutes:g} minutes of {args.clock} time")
    print(f"after {steps / steps_per_epoch:.1f} epochs ({steps:,} steps of {loaders['train'].batch_size}) in "
          f"{wall:.0f} s wall, {cpu:.0f} s CPU (evaluation included): "
          f"validation {100 * val:.1f}%, test {100 * test:.1f}%")


if __name__ == "__main__":
    main()
