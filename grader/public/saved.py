"""Files a notebook saves for grading, such as a trained model's parameters
(trusted side, shipped with the public cases).

A student trains a model in a notebook and saves its arrays as an `.npz`
file (numpy's zip of arrays; never a pickle).  `SavedArrays` says which file
and which arrays, and reads it on the trusted side: bounded in size before it
is opened and again before each array is decompressed, loaded with
`allow_pickle=False`, every name and shape checked against the declared
architecture, every value finite.  Whatever is wrong with the file becomes a
`Verdict` for that case alone.  `kinds.SavedModel` builds cases on it: the
reference solution's model, given the student's arrays, is scored on
held-out data (`heldout`).
"""
import os
import zipfile
from dataclasses import dataclass

import numpy as np

from grader.public.compare import Verdict

MAX_SAVED_BYTES = 64 * 2**20     # the file on disk
HEADER_SLACK = 4096              # bytes of .npy header per array, beyond its data
MAX_NAME_CHARS = 40              # of a name from the file, when a message quotes it


def _quote(name):
    name = str(name)
    return repr(name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS] + "...")


@dataclass(frozen=True)
class SavedArrays:
    """The file `path` (relative to the assignment folder, '/'-separated)
    holding exactly the arrays `arrays` ((name, shape), ...); `made_by` says
    where the student makes it, for messages."""
    path: str
    arrays: tuple
    made_by: str = ""
    max_bytes: int = MAX_SAVED_BYTES

    def __post_init__(self):
        parts = self.path.split("/")
        if self.path.startswith("/") or ".." in parts or not self.path.endswith(".npz"):
            raise ValueError(f"a saved file must be a relative .npz path inside the assignment, not {self.path!r}")

    @property
    def shapes(self):
        return {name: tuple(shape) for name, shape in self.arrays}

    def _where(self):
        return f" ({self.made_by})" if self.made_by else ""

    def read(self, root):
        """{name: float64 array} from the file under `root`, or a Verdict saying what is wrong with it."""
        path = os.path.join(root, *self.path.split("/"))
        if not os.path.isfile(path) or os.path.islink(path):
            return Verdict(False, f"{self.path} was not found: the model is not saved yet{self._where()}. "
                                  "Run that cell, then collect again.")
        size = os.path.getsize(path)
        if size > self.max_bytes:
            return Verdict(False, f"{self.path} is {size:,} bytes, more than the {self.max_bytes:,} allowed: "
                                  "save only the model's parameters")
        broken = (f"{self.path} is not a file of arrays saved by numpy.savez (it could not be read: "
                  "{}). Save it again with the notebook's cell" + self._where())
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
                expected = {f"{name}.npy": int(np.prod(shape)) * 8 + HEADER_SLACK for name, shape in self.arrays}
                unexpected = [m.filename for m in members if m.filename not in expected]
                missing = sorted(set(expected) - {m.filename for m in members})
                if unexpected or missing:
                    return self._names_verdict(missing, unexpected)
                big = [m.filename for m in members if m.file_size > expected[m.filename]]
                if big:
                    return Verdict(False, f"{self.path}: the array {_quote(big[0][:-4])} is larger than the "
                                          "architecture's: check the network's sizes")
            with np.load(path, allow_pickle=False) as npz:
                loaded = {name: npz[name] for name, _ in self.arrays}
        except ValueError as exc:  # an object array, which only a pickle could load
            return Verdict(False, broken.format(f"{str(exc)[:200]}; save plain numeric arrays, not objects"))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, NotImplementedError) as exc:
            return Verdict(False, broken.format(f"{type(exc).__name__}: {str(exc)[:200]}"))
        arrays = {}
        for name, shape in self.arrays:
            value = loaded[name]
            if value.dtype.kind not in "biuf":
                return Verdict(False, f"{self.path}: {name} is not an array of numbers (dtype {value.dtype})")
            if value.shape != tuple(shape):
                return Verdict(False, f"{self.path}: {name} has shape {value.shape}; the graded architecture "
                                      f"needs {tuple(shape)}")
            if not np.all(np.isfinite(value)):
                return Verdict(False, f"{self.path}: {name} contains NaN or inf: the training diverged; lower "
                                      "the learning rate")
            arrays[name] = value.astype(np.float64)
        return arrays

    def _names_verdict(self, missing, unexpected):
        said = []
        if missing:
            said.append("it lacks " + ", ".join(_quote(m[:-4]) for m in missing[:10]))
        if unexpected:
            said.append("it holds arrays the architecture does not have: "
                        + ", ".join(_quote(u[:-4] if u.endswith(".npy") else u) for u in unexpected[:10])
                        + (" ..." if len(unexpected) > 10 else ""))
        return Verdict(False, f"{self.path} does not hold the graded architecture's arrays: {'; '.join(said)}. "
                              f"It should hold exactly {', '.join(name for name, _ in self.arrays)}.")


def write(path, arrays):
    """Save {name: array} as `path` (what a notebook's save helper does), creating its folder."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    np.savez(path, **{name: np.asarray(value) for name, value in arrays.items()})
