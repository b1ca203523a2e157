"""Mutants of assignment 2's reference that no case can tell from it
(instructors only): `python -m grader audit` neither grades nor reports them.
Each entry is a mutant id from the audit report and its reason (or, for an
output shape, another reading the grader accepts on purpose); an id the
audit no longer makes is listed in its report as stale.

`PAIRED` lists mutants of a forward pass that change only its cache: the
output is right, and only the backward pass, which runs through the
student's own cache, can notice.  The audit grades each with that backward
pass's cases as well (a forward case of its own would charge the bug twice).
"""
EQUIVALENT = {
    # numpy reads any negative size in reshape as "infer this dimension".
    "834c571ab192": "x.reshape(N, -2) is x.reshape(N, -1)",
    "d8da3cdf5b5c": "x.reshape(N, -2) is x.reshape(N, -1)",
    "bace8c3e0e7d": "reshape(-2, C) is reshape(-1, C)",
    "56341d360921": "reshape(-2, C) is reshape(-1, C)",
    "88f90a0c6a2a": "reshape(N, G, -2) is reshape(N, G, -1)",
    "7339d27773bb": "reshape(N, G, -2) is reshape(N, G, -1)",
    "dec274fa4511": "reshape(N, G, -2) is reshape(N, G, -1)",
    # np.result_type does not depend on the order of its arguments.
    "075de641b8e1": "np.result_type(w, x, b) is np.result_type(x, w, b)",
    # The grader accepts a gradient whose shape differs only by axes of size 1
    # (compare._same_shape): dgamma and dbeta of shape (C,) for (1, C, 1, 1).
    "0fb40ddcf2eb": "dbeta of shape (C,) is accepted for (1, C, 1, 1)",
    "a8af1236a15a": "dbeta of shape (C,) is accepted for (1, C, 1, 1)",
    "a690bd187ac3": "dgamma of shape (C,) is accepted for (1, C, 1, 1)",
    "f123678ebd9b": "dgamma of shape (C,) is accepted for (1, C, 1, 1)",
    # np.random.rand draws from [0, 1) on a grid of 2**-53: it returns p itself
    # about once in 10**16 draws, so `<= p` keeps the same units as `< p`.
    "a54b671f364e": "rand() <= p keeps the same units as rand() < p (equality has probability ~1e-16)",
    # weight_scale is a float and W3 its last use: *= rebinds the local name and draws the same numbers.
    "e88dd64653ff": "weight_scale *= randn(...); W3 = weight_scale draws and scales W3 as before",
    # np.maximum is symmetric in its two arguments.
    "ed92035ebfcd": "np.maximum(x, 0) is np.maximum(0, x)",
    # The update rules may update w in place (2017's optimizers did): the
    # cases copy every next_w at once, so an in-place update is a correct answer.
    "cca1c289ec0e": "w += v; next_w = w is an accepted in-place update",
    "735c0e1db331": "w -= ...; next_w = w is an accepted in-place update",
    "b2aff48cb454": "w -= ...; next_w = w is an accepted in-place update",
}

PAIRED = {
    "9dbdfee11663": ("batchnorm_backward", "batchnorm_forward stores no cache"),
    "578499ed98bd": ("layernorm_backward", "layernorm_forward stores no cache"),
    "7f653e5d0a43": ("spatial_groupnorm_backward", "spatial_groupnorm_forward stores no cache"),
    "54234befab6e": ("spatial_groupnorm_backward", "the same groups as (N, G, -1), but the cached statistics "
                                                   "have shape (G, N, 1)"),
}
