"""Mutants of assignment 1's reference that no case can tell from it
(instructors only): `python -m grader audit` neither grades nor reports them.

Each entry is a mutant id from the audit report, with the reason it is
equivalent (or, for sampling, another correct answer the suite accepts on
purpose).  An id the audit no longer makes is listed in its report as stale.
"""
EQUIVALENT = {
    # np.maximum is symmetric in its two arguments.
    "494ac085ccf4": "np.maximum(0.0, dists, out=dists) is np.maximum(dists, 0.0, out=dists)",
    "ed92035ebfcd": "np.maximum(x, 0) is np.maximum(0, x)",
    "500b438f04fc": "np.maximum(margins, 0) is np.maximum(0, margins)",
    "c46dc8055e3d": "np.maximum(margins, 0) is np.maximum(0, margins)",
    # numpy reads any negative size in reshape as "infer this dimension".
    "d8da3cdf5b5c": "x.reshape(N, -2) is x.reshape(N, -1)",
    "834c571ab192": "x.reshape(N, -2) is x.reshape(N, -1)",
    # weight_scale is a float: *= rebinds the local name and draws the same numbers.
    "4f2120736b79": "weight_scale *= randn(...); W2 = weight_scale draws and scales W2 as before",
    # The TODO allows either: sampling without replacement is also a correct minibatch.
    "b624c5033f8c": "np.random.choice(..., replace=False) is the other correct way to draw a minibatch",
}
