"""One folder per assignment (see `grader.public.suite`): `public.py` ships to
students; `hidden.py`, `mutants.py` and `alternatives.py` stay with instructors."""
