"""Plain helpers the tests share (fixtures live in conftest.py)."""
import os

from grader.public.suite import available_assignments

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASSIGNMENTS = available_assignments()
ASSIGNMENT = "assignment1"   # for tests of the grader's machinery, which needs one real suite


def failing(results):
    return {name for name, result in results.items() if not result.passed}
