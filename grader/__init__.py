"""The course autograder: release, check and grade assignments.

Rooms and arrows (see README and ../shared/DESIGN.md):
cli -> release | check | grade;  grade -> suites, runner, compare, gradebook, report;
runner -> protocol <- worker.  The worker (student side) imports only `protocol`.
"""
