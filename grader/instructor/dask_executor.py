"""Grading on a Dask distributed cluster, for classes that outgrow one machine.

The client (this process) computes the jobs and references once and keeps
the gradebook; each Dask worker process starts its own fork server on first
use and scores submissions with it, exactly as local grading does.  Workers
need this repository importable (start them from a checkout) and the
submission paths readable at the same place (a shared file system).

    python -m grader grade --executor dask --scheduler tcp://HOST:8786 ...
    python -m grader grade --executor dask --scheduler local:4 ...   # a LocalCluster here
"""
import atexit
import tempfile
import threading

_servers, _lock = {}, threading.Lock()


def score_all(context, submissions, scheduler, sandbox="auto"):
    """Yield a `Scored` per submission, as the cluster finishes them."""
    from dask.distributed import Client, LocalCluster, as_completed
    cluster = None
    if scheduler is None or scheduler.startswith("local"):
        workers = int(scheduler.split(":")[1]) if scheduler and ":" in scheduler else None
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        scheduler = cluster
    with Client(scheduler) as client:
        shared = client.scatter(context, broadcast=True)
        futures = client.map(_score_remote, submissions, context=shared, sandbox=sandbox, pure=False)
        for future in as_completed(futures):
            yield future.result()
    if cluster is not None:
        cluster.close()


def _score_remote(named, context, sandbox):
    """Runs on a Dask worker: score one submission with this process's fork server."""
    from grader.instructor.grade import score_one
    with tempfile.TemporaryDirectory(prefix="grader-dask-") as scratch:
        return score_one(context, _fork_server(context.assignment, sandbox), named, scratch)


def _fork_server(assignment, sandbox):
    """This Dask worker process's fork server for `assignment` (one per assignment, made on first use)."""
    with _lock:
        if (assignment, sandbox) not in _servers:
            from grader.public.runner import ForkServer
            _servers[assignment, sandbox] = ForkServer.for_assignment(assignment, sandbox, grading=True)
            atexit.register(_servers[assignment, sandbox].close)
        return _servers[assignment, sandbox]
