"""CIFAR-10 as torch tensors and DataLoaders, for PyTorch.ipynb.

Only PyTorch.ipynb imports this module (it needs torch: `bash setup.sh --torch`
installs it). The images come from `cs231n.data_utils`, the same loader the
numpy notebooks use, so no download and no torchvision are needed: the
arrays on disk are read once, normalised, and wrapped in a TensorDataset.
"""
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from cs231n.data_utils import get_CIFAR10_data


def normalise(X_train, *others):
    """
    Scale images to [0, 1], then give each colour channel zero mean and unit
    standard deviation, with statistics of the training images only (the
    validation and test images must not leak into training).

    Inputs:
    - X_train: Array of shape (N, 3, H, W), pixel values in [0, 255].
    - others: Arrays of shape (M, 3, H, W) normalised with X_train's statistics.

    Returns a list of float32 arrays, X_train's first, each shaped as its input.
    """
    scaled = [X / 255.0 for X in (X_train, *others)]
    mean = scaled[0].mean(axis=(0, 2, 3), keepdims=True)  # (1, 3, 1, 1): one value per channel
    std = scaled[0].std(axis=(0, 2, 3), keepdims=True)    # (1, 3, 1, 1)
    # (N, 3, H, W) - (1, 3, 1, 1): each channel shifted and scaled on its own.
    return [((X - mean) / std).astype(np.float32) for X in scaled]


def cifar10_loaders(num_training=49000, num_validation=1000, num_test=10000, batch_size=64, seed=0,
                    cifar10_dir=None):
    """
    CIFAR-10 split into training, validation and test DataLoaders.

    The validation images are those that follow the training images in the
    training batches (as in get_CIFAR10_data, which shrinks the splits with a
    warning when the data on disk is smaller). The training loader reshuffles
    every epoch, from a generator seeded with `seed`, so runs repeat; the
    other two keep their order.

    Inputs:
    - num_training, num_validation, num_test: Number of images in each split.
    - batch_size: Number of images per minibatch.
    - seed: Seed of the training loader's shuffling.
    - cifar10_dir: Folder to load from (see data_utils.default_cifar10_dir).

    Returns a dict with keys "train", "val" and "test", each a DataLoader
    yielding (x, y): x a float32 tensor of shape (batch, 3, 32, 32), y an int64
    tensor of shape (batch,) holding labels in 0..9.
    """
    data = get_CIFAR10_data(num_training, num_validation, num_test, subtract_mean=False,
                            cifar10_dir=cifar10_dir)
    images = normalise(data["X_train"], data["X_val"], data["X_test"])
    loaders = {}
    for split, X in zip(("train", "val", "test"), images):
        dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(data[f"y_{split}"].astype(np.int64)))
        shuffle = split == "train"
        generator = torch.Generator().manual_seed(seed) if shuffle else None
        loaders[split] = DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
    return loaders
