"""Save a trained model's arrays for grading, and load them back.

A model file is a numpy `.npz` (a zip of plain arrays, no pickle) in the
folder cs231n/saved/. It holds the model's parameters under their names in
model.params (W1, b1, ..., gamma1, beta1, ...), and, for a model with batch
normalization, the running averages its test mode uses, as running_mean1,
running_var1, ... (layer i's, counting from 1). The grader loads the file
into its own copy of the architecture and scores it on test images no
notebook shows you, so save the model you want graded and run nothing after
that changes the file.
"""
import os

import numpy as np

SAVED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "saved")


def model_arrays(model):
    """{name: array} of what a model file holds for `model` (see above)."""
    arrays = dict(model.params)
    for i, bn_param in enumerate(getattr(model, "bn_params", []), start=1):
        for key in ("running_mean", "running_var"):
            if key in bn_param:
                arrays[f"{key}{i}"] = np.ravel(bn_param[key])
    # float32 halves the file; a trained model loses nothing by it.
    return {name: np.asarray(value, dtype=np.float32) for name, value in arrays.items()}


def save_model(model, fname):
    """Write the arrays of `model` to cs231n/saved/fname (an .npz); return the path."""
    os.makedirs(SAVED_DIR, exist_ok=True)
    path = os.path.join(SAVED_DIR, fname)
    np.savez(path, **model_arrays(model))
    print("Saved %s (%d arrays, %.1f MB)." % (os.path.relpath(path, os.path.dirname(SAVED_DIR)),
                                            len(model_arrays(model)), os.path.getsize(path) / 2**20))
    return path


def load_model(model, fname):
    """Put the arrays of cs231n/saved/fname back into `model` (as the grader does)."""
    with np.load(os.path.join(SAVED_DIR, fname), allow_pickle=False) as saved:
        arrays = {name: saved[name] for name in saved.files}
    for i, bn_param in enumerate(getattr(model, "bn_params", []), start=1):
        for key in ("running_mean", "running_var"):
            if f"{key}{i}" in arrays:
                bn_param[key] = arrays.pop(f"{key}{i}")
    model.params = {name: value.astype(getattr(model, "dtype", value.dtype)) for name, value in arrays.items()}
    return model
