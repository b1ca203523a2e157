"""Names that real CS231n code uses and today's Python and numpy removed.

Student code written for older starter code must grade as what it is: a
correct file must not lose its points because it imports `past.builtins`
(Python 2 era starter code, the `future` package) or uses `np.float`,
`np.NaN` or `numpy.lib.npyio.savez_compressed` (gone in numpy 2).  The
worker calls `install()` before any student code runs; a name that still
exists is never replaced.

Student side: imported by the worker.
"""
import importlib
import os
import re
import sys
import types
import warnings

import numpy as np

PAST_BUILTINS = {"xrange": range, "basestring": str, "unicode": str, "long": int, "raw_input": input}
# numpy 2 removed these aliases (NEP 52); old code means exactly these.
NUMPY_ALIASES = {
    "float": float, "int": int, "object": object, "complex": complex, "str": str, "unicode": str,
    "NaN": np.nan, "NAN": np.nan, "Inf": np.inf, "Infinity": np.inf, "infty": np.inf, "PINF": np.inf,
    "NINF": -np.inf, "float_": np.float64, "complex_": np.complex128, "product": np.prod,
    "cumproduct": np.cumprod, "alltrue": np.all, "sometrue": np.any, "in1d": np.isin,
}
# ... and made numpy.lib.npyio private; these functions live on at the top level.
NPYIO = ("save", "savez", "savez_compressed", "load", "loadtxt", "savetxt", "genfromtxt", "fromregex")


def install():
    _install_past_builtins()
    _install_numpy_aliases()


def _install_past_builtins():
    try:
        importlib.import_module("past.builtins")
    except ImportError:
        past = types.ModuleType("past")
        builtins = types.ModuleType("past.builtins")
        builtins.__dict__.update(PAST_BUILTINS)
        past.builtins = builtins
        sys.modules["past"], sys.modules["past.builtins"] = past, builtins


def _install_numpy_aliases():
    with warnings.catch_warnings():  # numpy warns on asking for some of the expired names
        warnings.simplefilter("ignore")
        for name, value in NUMPY_ALIASES.items():
            if not hasattr(np, name):
                setattr(np, name, value)
        if not hasattr(np, "trapz") and hasattr(np, "trapezoid"):
            np.trapz = np.trapezoid
    npyio = importlib.import_module("numpy.lib.npyio")
    for name in NPYIO:
        if not hasattr(npyio, name):
            setattr(npyio, name, getattr(np, name))


# ------------------------------------------------------- telling the student
_USES = [
    (re.compile(r"\b(?:np|numpy)\.(" + "|".join(sorted(NUMPY_ALIASES, key=len, reverse=True)) + r"|trapz)\b(?!\.)"),
     lambda m: f"np.{m.group(1)}"),
    (re.compile(r"\bnumpy\.lib\.npyio\b"), lambda m: "numpy.lib.npyio"),
]  # past.builtins is not here: requirements.txt installs `future`, so it works in the notebooks too


def uses(sources):
    """Where code written for old numpy relies on what `install` supplies: ["np.float (cs231n/classifiers/softmax.py, line 12)", ...], for
    the feedback to say that it was supplied and will fail on numpy 2 in the
    student's own notebook.  `sources` is {relative path: text} of .py files
    (trusted side; nothing is run)."""
    found = []
    for path, text in sorted(sources.items()):
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, name in _USES:
                for match in pattern.finditer(code):
                    found.append(f"{name(match)} ({path}, line {number})")
    return found


MAX_SCANNED = 2**20   # bytes of one file read for `notice`; a larger .py file is no student's code
MAX_LISTED = 8


def notice(root):
    """The feedback's word to a student whose .py files (under `root`) use what
    `install` supplies, or "" (trusted side)."""
    sources = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith(".py") and os.path.isfile(path) and os.path.getsize(path) <= MAX_SCANNED:
                with open(path, encoding="utf-8", errors="replace") as f:
                    sources[os.path.relpath(path, root)] = f.read()
    found = uses(sources)
    if not found:
        return ""
    listed = ", ".join(found[:MAX_LISTED]) + (f" and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else "")
    return (f"Your code uses names that numpy 2 removed: {listed}. The grader supplied them, so they cost you "
            "nothing here, but with numpy 2 they fail in your own notebooks: write float, int, bool, object or "
            "complex for np.float and the like, np.nan and np.inf for np.NaN and np.Inf, np.prod for np.product, "
            "np.isin for np.in1d, and np.save, np.savez_compressed, np.load for those of numpy.lib.npyio.")
