"""The course autograder: release, check and grade assignments.

grader/public/ ships to students (check, collect, and what they run on);
grader/instructor/ never does (release, grade, reports, Gradescope, nbgrader);
grader/suites/<assignment>/ holds each assignment's cases.  docs/DESIGN.md
draws the rooms, the arrows and the trust boundary.
"""
