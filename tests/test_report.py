"""Feedback pages show a student's own text as text, never as markup."""
from grader.instructor.report import feedback_html, feedback_markdown
from grader.public.results import CaseResult

HOSTILE = CaseResult("case_a", "f", 0, 1, "error", "f raised ValueError: <script>alert(1)</script> | x", "", True)


def test_html_feedback_escapes_messages():
    page = feedback_html("student", "assignment1", [HOSTILE])
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_feedback_keeps_a_message_inside_its_table_cell():
    text = feedback_markdown("student", "assignment1", [HOSTILE])
    assert "\\| x" in text


def test_markdown_feedback_shows_markup_in_a_message_as_text():
    """No HTML, image, link or fake score from a student's exception text survives as markup."""
    message = "<script>x</script> ![i](http://evil/a.png) [click](javascript:alert(1)) **Score: 76 / 76**"
    text = feedback_markdown("student", "assignment1", [CaseResult("c", "f", 0, 1, "error", message, "", True)])
    line = next(line for line in text.splitlines() if "script" in line)
    assert "<script>" not in line and "![" not in line and "](" not in line and "**" not in line
    assert line == ("\\<script\\>x\\</script\\> \\!\\[i\\]\\(http://evil/a.png\\) \\[click\\]\\(javascript:alert\\(1\\)\\) "
                    "\\*\\*Score: 76 / 76\\*\\*")


def test_a_student_id_that_looks_like_a_formula_is_written_to_the_csv_as_text(tmp_path):
    import csv
    from grader.instructor.report import write_grades_csv
    path = tmp_path / "grades.csv"
    write_grades_csv(path, ["c"], [("=HYPERLINK(\"http://evil\")", 1, 1, {"c": 1}), ("alice", 1, 1, {"c": 1})])
    students = [row["student"] for row in csv.DictReader(open(path))]
    assert students == ["'=HYPERLINK(\"http://evil\")", "alice"]
