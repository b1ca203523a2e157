"""nbgrader's course folder as grading's input, and nbgrader's CSV as its output.

A course run with nbgrader gathers each student's work in
`<course>/submitted/<student_id>/<assignment_id>/` (by `nbgrader collect`,
`nbgrader zip_collect` or the exchange).  `python -m grader grade
--nbgrader-course DIR` grades those folders with the hidden suite, each
under the student id its folder is named after, and `python -m grader
export-nbgrader` writes the scores as `nbgrader export` writes its CSV, so
that whatever a course already does with that file keeps working.

What stays with nbgrader: the inline questions are manually graded cells,
and their points are given in nbgrader's formgrader, which keeps them in
nbgrader's own gradebook.  This grader scores code only; the CSV written
here holds those points, and a course adds the formgrader's to them (or
lists both side by side) in its own spreadsheet or LMS.
"""
import csv
import os
import pathlib
import sqlite3
from datetime import datetime, timezone

SUBMITTED = "submitted"   # nbgrader's default `CourseDirectory.submitted_directory`
# The columns of nbgrader's CSV export, in its order.
COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score"]


def find_submissions(course_dir, assignment):
    """[(student_id, folder)] of every student with a submitted `assignment`,
    by student id; hidden folders (`.ipynb_checkpoints`, `.git`, ...) are not students."""
    root = os.path.join(course_dir, SUBMITTED)
    if not os.path.isdir(root):
        return []
    found = []
    for student in sorted(os.listdir(root)):
        folder = os.path.join(root, student, assignment)
        if os.path.isdir(folder):
            if student.startswith("."):
                print(f"Skipped {folder}: {student!r} is a hidden folder, not a student id. Rename it if it is one.")
            else:
                found.append((student, folder))
    return found


def grade(assignment, course_dir, submissions, out_dir, **options):
    """`grade --nbgrader-course`: grade the course's submissions of
    `assignment` (and any other SUBMISSION given) with `grade.run`, each
    under its nbgrader student id."""
    found = find_submissions(course_dir, assignment)
    if not found and not submissions:
        print(f"No submissions of {assignment} in {os.path.join(course_dir, SUBMITTED)}/ "
              f"(nbgrader keeps them in submitted/<student_id>/{assignment}/).")
        return 2
    from grader.instructor import grade as command
    # The course folder holds nbgrader's source/ (the instructor's solutions) and gradebook.db.
    return command.run(assignment, found + list(submissions), out_dir, private=[course_dir], **options)


def export_csv(gradebook_path, assignment, csv_path, max_score=None):
    """Write the gradebook's scores of `assignment` in nbgrader's export format;
    return the number of students written.

    What nbgrader knows and this grader does not (the due date, names, email)
    is left empty; the timestamp is when the submission was graded (UTC,
    written as nbgrader writes its own); there is no late penalty, so the
    score is the raw score.  `max_score` defaults to each student's maximum
    in the gradebook."""
    if not os.path.isfile(gradebook_path):
        raise FileNotFoundError(f"no gradebook at {gradebook_path}")
    db = sqlite3.connect(pathlib.Path(gradebook_path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT student, score, max_score, graded_at FROM submissions "
                          "WHERE assignment = ? ORDER BY student", (assignment,)).fetchall()
    finally:
        db.close()
    os.makedirs(os.path.dirname(os.path.abspath(csv_path)), exist_ok=True)
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for student, score, student_max, graded_at in rows:
            writer.writerow([assignment, "", _timestamp(graded_at), student, "", "", "",
                             _number(score), _number(0), _number(score),
                             _number(student_max if max_score is None else max_score)])
    return len(rows)


def run_export(assignment, out_dir, csv_path=None):
    """`python -m grader export-nbgrader`: the CSV from `out_dir`'s gradebook."""
    gradebook_path = os.path.join(out_dir, "gradebook.sqlite")
    csv_path = csv_path or os.path.join(out_dir, f"{assignment}-nbgrader.csv")
    if not os.path.isfile(gradebook_path):
        print(f"No gradebook in {out_dir}/: grade first (python -m grader grade --assignment {assignment} "
              f"--out {out_dir} ...), or point --out-dir at the folder grading wrote.")
        return 2
    count = export_csv(gradebook_path, assignment, csv_path)
    print(f"Wrote {count} student{'s' if count != 1 else ''} of {assignment} to {csv_path} "
          "(nbgrader's export columns). Inline questions are graded in nbgrader's formgrader, not here.")
    return 0


def _timestamp(seconds):
    """A Unix time as nbgrader writes its (UTC, naive) timestamps: ISO date and time."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def _number(value):
    """Points as nbgrader writes them: Python's float text (10.0, 2.5)."""
    return str(float(value))
