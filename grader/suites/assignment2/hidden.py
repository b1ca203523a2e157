"""Assignment 2, hidden cases: every topic's, gathered (see __init__.py).  Never shipped."""
from grader.suites.assignment2 import hidden_conv, hidden_fc, hidden_torch

CASES = [*hidden_fc.CASES, *hidden_conv.CASES, *hidden_torch.CASES]
