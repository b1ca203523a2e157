"""Assignment 2, planted bugs: every topic's, gathered (see __init__.py).  Never shipped."""
from grader.suites.assignment2 import mutants_conv, mutants_fc, mutants_torch

TOPICS = (mutants_fc, mutants_conv, mutants_torch)
MUTANTS = {name: m for topic in TOPICS for name, m in topic.MUTANTS.items()}
BROKEN = {name: m for topic in TOPICS for name, m in topic.BROKEN.items()}
PLANTED = [name for topic in TOPICS for name in topic.PLANTED]
