"""What an assignment holds, as its release says: `manifest.json`, written by
`grader release` beside the notebooks (trusted side, shipped; reads a file).

`check` and `collect` run where the hidden suite is not (a student's laptop),
yet must know more than the public cases tell: every file a hand-in needs,
what the notebooks save for grading, which graded functions the public checks
do not reach, and the inline questions graded by hand.  The release knows all
of it, so it writes it down once, for every assignment alike:

    {"assignment": "assignment1",
     "files": ["cs231n/classifiers/k_nearest_neighbor.py", "knn.ipynb", ...],
     "saved": ["cs231n/saved/best_two_layer_net.npy", ...],
     "graded": ["KNearestNeighbor.compute_distances_two_loops", ...],
     "inline_questions": [{"notebook": "knn.ipynb", "question": "Inline Question 1", "points": 1}, ...]}

It holds names only: no case, no input, no answer.
"""
import json
import os

FILE = "manifest.json"
GRADER_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_BYTES = 2**20


def find(assignment_dir, assignment):
    """The manifest of `assignment` as a dict, or None: the one in the
    student's folder, else the release's own copy beside the grader (the
    repository's assignments/<assignment>/, or the bundle's <assignment>/)."""
    for folder in (assignment_dir, os.path.join(GRADER_ROOT, "assignments", assignment),
                   os.path.join(GRADER_ROOT, assignment)):
        path = os.path.join(folder, FILE)
        if os.path.isfile(path) and os.path.getsize(path) <= MAX_BYTES:
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and data.get("assignment") == assignment:
                return data
    return None


def not_checked(manifest, cases):
    """The graded functions that no public case calls, in the manifest's order."""
    public = {case.function for case in cases}
    return [function for function in (manifest or {}).get("graded", []) if function not in public]
