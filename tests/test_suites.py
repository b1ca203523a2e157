"""Every assignment's suite, discovered: the reference scores full marks, the
blank release zero, each planted bug loses exactly the cases it must, each
correct alternative nothing, and each piece of code that only looks right
the cases it must.  A new assignment folder in grader/suites/ is tested here
with no new test code."""
import os
import shutil

import pytest

from grader.public.suite import INSTALL, instructor_part, load_cases, missing
from make_submissions import apply, complete_copy, replace_function
from support import ASSIGNMENTS, REPO, failing, not_runnable, require


def declared(part, attribute):
    """(assignment, name) for every entry of the suites' `part`.`attribute`."""
    return [(a, name) for a in ASSIGNMENTS for name in sorted(getattr(instructor_part(a, part), attribute, {}))]


@pytest.fixture
def complete_of(tmp_path):
    return lambda assignment: complete_copy(os.path.join(REPO, "solutions", assignment), str(tmp_path / assignment))


def runnable(results, assignment):
    """`results` without the cases that cannot run here (they need a package
    this Python lacks): the test below fails for those under CI."""
    skipped = not_runnable(assignment)
    return {name: result for name, result in results.items() if name not in skipped}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_case_can_run_here_under_ci(assignment):
    for package in sorted({p for c in load_cases(assignment, hidden=True) for p in missing(c)}):
        require(package, f"cases of {assignment} need it: {INSTALL.get(package, 'pip install ' + package)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_reference_solution_scores_full_marks(graders, assignment):
    assert failing(runnable(graders(assignment)(os.path.join(REPO, "solutions", assignment)), assignment)) == set()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_complete_submission_without_markers_scores_full_marks(graders, complete_of, assignment):
    assert failing(runnable(graders(assignment)(complete_of(assignment)), assignment)) == set()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_blank_release_scores_zero_with_a_message_for_every_case(graders, assignment):
    results = runnable(graders(assignment)(os.path.join(REPO, "assignments", assignment)), assignment)
    assert sum(r.score for r in results.values()) == 0
    # A trained model the notebook saves is missing from the blank release: its cases say so.
    saved = {c.name for c in load_cases(assignment, hidden=True) if c.saved is not None}
    assert all("not implemented yet" in r.message for name, r in results.items() if name not in saved)
    assert all("not saved yet" in results[name].message for name in saved)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_function_has_a_planted_bug(assignment):
    mutants = instructor_part(assignment, "mutants")
    broken = set().union(*(m.breaks for m in mutants.MUTANTS.values()))
    functions = {c.function for c in load_cases(assignment, hidden=True) if c.name in broken}
    assert functions == {c.function for c in load_cases(assignment, hidden=True)}


@pytest.mark.parametrize("assignment, name", declared("mutants", "MUTANTS"))
def test_each_planted_bug_loses_exactly_the_cases_it_breaks(graders, complete_of, assignment, name):
    mutant = instructor_part(assignment, "mutants").MUTANTS[name]
    root = complete_of(assignment)
    apply(mutant, root)
    assert failing(runnable(graders(assignment)(root), assignment)) == mutant.breaks - not_runnable(assignment)


@pytest.mark.parametrize("assignment, name", declared("alternatives", "ALTERNATIVES"))
def test_a_correct_but_different_implementation_scores_full_marks(graders, complete_of, assignment, name):
    root = complete_of(assignment)
    replace_function(root, instructor_part(assignment, "alternatives").ALTERNATIVES[name])
    assert failing(runnable(graders(assignment)(root), assignment)) == set()


@pytest.mark.parametrize("assignment, name", declared("alternatives", "CHEATS"))
def test_code_that_only_looks_right_earns_nothing_for_it(graders, complete_of, assignment, name):
    cheat = instructor_part(assignment, "alternatives").CHEATS[name]
    root = complete_of(assignment)
    replace_function(root, cheat)
    lost = failing(runnable(graders(assignment)(root), assignment))
    assert cheat.loses and cheat.loses - not_runnable(assignment) <= lost


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS
                                        if getattr(instructor_part(a, "alternatives"), "BLANK_CHEATS", None)])
def test_the_blank_release_with_every_cheat_planted_still_scores_zero(graders, tmp_path, assignment):
    root = shutil.copytree(os.path.join(REPO, "assignments", assignment), tmp_path / assignment)
    for cheat in instructor_part(assignment, "alternatives").BLANK_CHEATS.values():
        replace_function(root, cheat)
    results = graders(assignment)(root)
    assert {name for name, r in results.items() if r.score > 0} == set()
