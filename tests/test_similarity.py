"""`python -m grader similarity`: only what students wrote is compared,
normalised, pair by pair and function by function."""
import ast
import csv
import os
import re
import shutil

import pytest

from grader.cli import main
from grader.instructor import similarity
from grader.public.suite import Alternative, instructor_part
from make_submissions import replace_function
from support import REPO

ASSIGNMENT = "assignment1"
SOFTMAX = "cs231n/classifiers/softmax.py"
SVM = "cs231n/classifiers/linear_svm.py"


def reference_def(file, name):
    """The reference's definition of `name` in `file`, markers removed: what a finished student hands in."""
    with open(os.path.join(REPO, "solutions", ASSIGNMENT, file)) as f:
        source = f.read()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = source.split("\n")[node.lineno - 1:node.end_lineno]
    return "\n".join(line for line in lines if "### " not in line)


def disguised(source):
    """`source` with its local variables renamed and its comments rewritten."""
    for old, new in (("num_train", "n"), ("rows", "idx"), ("scores", "logits"), ("log_probs", "lp"),
                     ("dscores", "grad_logits")):
        source = re.sub(rf"\b{old}\b", new, source)
    return "\n".join(re.sub(r"#.*", "# my own note", line) for line in source.split("\n"))


@pytest.fixture
def blank(tmp_path):
    """blank(name): a fresh copy of the released starter code, as a student who wrote nothing hands it in."""
    def make(name):
        return shutil.copytree(os.path.join(REPO, "assignments", ASSIGNMENT), str(tmp_path / name),
                               ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return make


def compared(*submissions, against=None):
    answers, problems = similarity.collect(ASSIGNMENT, list(submissions), against=against,
                                           solutions_root=os.path.join(REPO, "solutions"))
    assert problems == []
    return similarity.compare(answers, threshold=0.8)[0]


def test_names_literals_comments_and_layout_do_not_change_a_normalised_statement():
    first = ast.parse("total = np.sum(x * w, axis=1) + 0.5  # the sum\n").body
    second = ast.parse("acc = np.sum(a*b,\n             axis=2) + 3.0\n").body
    other = ast.parse("acc = np.mean(a * b, axis=2) + 3.0\n").body
    assert similarity._statements(first, [])[0][0] == similarity._statements(second, [])[0][0]
    assert similarity._statements(first, [])[0][0] != similarity._statements(other, [])[0][0]


def test_answers_differing_only_by_names_and_comments_are_similar_for_that_function_only(blank):
    first, second = blank("alice"), blank("bob")
    softmax = reference_def(SOFTMAX, "softmax_loss_vectorized")
    replace_function(first, Alternative(SOFTMAX, "softmax_loss_vectorized", softmax))
    replace_function(second, Alternative(SOFTMAX, "softmax_loss_vectorized", disguised(softmax)))
    # Both answer svm_loss_vectorized too, each in their own way.
    replace_function(first, Alternative(SVM, "svm_loss_vectorized", reference_def(SVM, "svm_loss_vectorized")))
    replace_function(second, instructor_part(ASSIGNMENT, "alternatives").ALTERNATIVES["svm_loss_vectorized_half_reg"])
    pairs = compared(first, second)
    assert [(p.unit.name, p.a.owner, p.b.owner) for p in pairs] == [("softmax_loss_vectorized", "alice", "bob")]
    assert pairs[0].score > 0.9


def test_two_blank_submissions_never_look_alike_for_the_starter_code(blank):
    answers, problems = similarity.collect(ASSIGNMENT, [blank("carol"), blank("dave")],
                                           solutions_root=os.path.join(REPO, "solutions"))
    assert problems == [] and answers == []


def test_known_sources_are_compared_with_the_class_and_never_with_each_other(blank, tmp_path):
    softmax = reference_def(SOFTMAX, "softmax_loss_vectorized")
    student = blank("erin")
    replace_function(student, Alternative(SOFTMAX, "softmax_loss_vectorized", disguised(softmax)))
    known = tmp_path / "known"
    known.mkdir()
    for name in ("last_year", "public_repo"):
        replace_function(shutil.copytree(student, str(known / name)),
                         Alternative(SOFTMAX, "softmax_loss_vectorized", softmax))
    pairs = compared(student, against=str(known))
    assert sorted((p.a.owner, p.b.owner) for p in pairs) == [("erin", "known:last_year"), ("erin", "known:public_repo")]


def test_the_command_writes_a_side_by_side_page_and_a_csv_and_says_it_is_evidence(blank, tmp_path, capsys):
    first, second = blank("frank"), blank("grace")
    softmax = reference_def(SOFTMAX, "softmax_loss_vectorized")
    replace_function(first, Alternative(SOFTMAX, "softmax_loss_vectorized", softmax))
    replace_function(second, Alternative(SOFTMAX, "softmax_loss_vectorized", disguised(softmax)))
    out = tmp_path / "out"
    assert main(["similarity", "--assignment", ASSIGNMENT, first, second, "--out", str(out)]) == 0
    assert "never a verdict" in capsys.readouterr().out
    page = (out / "similarity.html").read_text()
    assert "never a verdict" in page and 'class="hit"' in page and "grad_logits" in page
    with open(out / "similarity.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["function"], r["student_a"], r["student_b"]) for r in rows] == [
        ("softmax_loss_vectorized", "frank", "grace")]
