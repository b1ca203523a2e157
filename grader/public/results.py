"""What grading a case gives, in one vocabulary (trusted side).

A case ends in one of STATUSES; only "passed" earns its points.  A worker's
`Outcome` (see `runner`) uses the same words for the ways code can fail to
give an answer: "error", "timeout", "crashed", "skipped".
"""
from dataclasses import dataclass

STATUSES = ("passed", "failed", "error", "timeout", "crashed", "skipped")


@dataclass(frozen=True)
class CaseResult:
    case: str
    function: str
    score: float
    max_score: float
    status: str     # one of STATUSES
    message: str
    hint: str
    hidden: bool
    graded: bool = True   # False: a self-check, shown to the student, never counted
    part: str = ""        # the part of the assignment it belongs to (`suite.part_of`), for subtotals

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def passed(self):
        return self.status == "passed"


def format_points(value):
    """Points as people write them: 1, 0.5, 76."""
    return f"{value:g}"
