"""One public module per assignment (`assignmentN.py`, shipped to students)
and one hidden module (`assignmentN_hidden.py`, instructors only)."""
