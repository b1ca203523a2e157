"""Mutants of assignment 2's reference that no case can tell from it
(instructors only): `python -m grader audit` neither grades nor reports them.
Each entry is a mutant id from the audit report and its reason; an id the
audit no longer makes is listed in its report as stale.
"""
EQUIVALENT = {
    # numpy reads any negative size in reshape as "infer this dimension".
    "834c571ab192": "x.reshape(N, -2) is x.reshape(N, -1)",
    "d8da3cdf5b5c": "x.reshape(N, -2) is x.reshape(N, -1)",
    # np.maximum is symmetric in its two arguments.
    "ed92035ebfcd": "np.maximum(x, 0) is np.maximum(0, x)",
    # The update rules may update w in place (2017's optimizers did): the
    # cases copy every next_w at once, so an in-place update is a correct answer.
    "cca1c289ec0e": "w += v; next_w = w is an accepted in-place update",
    "735c0e1db331": "w -= ...; next_w = w is an accepted in-place update",
    "b2aff48cb454": "w -= ...; next_w = w is an accepted in-place update",
}
