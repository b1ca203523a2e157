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
