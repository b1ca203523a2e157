#!/usr/bin/env bash
# Grade the example submissions of assignment 1 (see make_submissions.py):
# a complete one, the blank release, planted bugs, a syntax error, an infinite loop.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" examples/make_submissions.py examples/submissions
"$PY" -m grader grade --assignment assignment1 --out grading-results examples/submissions/*
echo
cat grading-results/grades.csv | cut -d, -f1-3
echo
echo "Feedback for each student: grading-results/feedback/<student>.md"
