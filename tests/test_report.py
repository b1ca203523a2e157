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


def result(case, function, part, score=1, status="passed", message=""):
    return CaseResult(case, function, score, 1, status, message, "a hint", True, True, part)


STUB = "f is not implemented yet: it raises NotImplementedError (m.py, line 3)"
RESULTS = [result("knn_a", "predict", "kNN"), result("knn_b", "predict", "kNN", 0, "failed", "2 of 5 are wrong"),
           result("f_a", "f", "SVM", 0, "error", STUB), result("f_b", "f", "SVM", 0, "error", STUB),
           result("f_c", "f", "SVM", 0, "error", STUB)]


def test_feedback_gives_part_subtotals_and_one_line_per_function_not_written_yet():
    text = feedback_markdown("alice", "assignment1", RESULTS)
    assert text.startswith("# assignment1: feedback for alice\n\n**Score: 1 / 5**")
    assert "| kNN | 1 / 2 |" in text and "| SVM | 0 / 3 |" in text
    assert "## kNN: 1 / 2" in text and "## SVM: 0 / 3" in text
    assert text.count("not implemented yet |") == 1 and "| 3 cases | `f` | 0 / 3 | not implemented yet |" in text
    assert "### knn_b" in text and "### f_a" not in text
    assert "graded by hand and are not in this total" in text


def test_html_feedback_has_the_same_parts_and_note():
    page = feedback_html("alice", "assignment1", RESULTS)
    assert "<h2>kNN: 1 / 2</h2>" in page and "3 cases" in page and "graded by hand" in page


def test_grading_one_submission_prints_its_score_part_by_part():
    from grader.instructor.grade import Scored, summary
    text = summary([Scored("assignment1", "graded", RESULTS, "h", 1.0)], 1.0, "my-grade", "namespaces")
    lines = text.splitlines()
    assert lines[0] == "Score of assignment1: 1 / 5 points (feedback: my-grade/feedback/assignment1.md)"
    assert lines[1].split() == ["kNN", "1", "/", "2"] and lines[2].split() == ["SVM", "0", "/", "3"]
    assert "graded by hand" in lines[3]


def test_parts_come_from_the_suites_declaration_or_the_module():
    from grader.public.suite import Case, part_of
    case = lambda target: Case("c", 1, "f", target, "example")
    declared = {"kNN": ("cs231n.classifiers.k_nearest_neighbor", "knn.ipynb")}
    assert part_of(case("cs231n.classifiers.k_nearest_neighbor:KNearestNeighbor"), declared) == "kNN"
    assert part_of(case("knn.ipynb:k_fold_cross_validation"), declared) == "kNN"
    assert part_of(case("cs231n.classifiers.linear_svm:svm_loss_naive"), declared) == "linear_svm"
    assert part_of(case("features.ipynb:f"), {}) == "features"
