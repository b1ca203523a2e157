"""Comparison rules: right answers pass in every acceptable form, and a wrong
answer's message says where it is wrong without giving the answer away."""
import numpy as np

from grader.public.compare import agree, close, labels, mapping


def test_close_accepts_a_row_vector_where_a_vector_is_meant():
    assert close()(np.ones((1, 4)), np.ones(4)).passed


def test_close_refuses_a_different_shape_and_names_both():
    verdict = close()(np.ones((4, 2)), np.ones((2, 4)))
    assert not verdict.passed and "(4, 2)" in verdict.message and "(2, 4)" in verdict.message


def test_close_reports_the_worst_entry_index_but_not_the_expected_value():
    expected = np.array([[1.0, 2.0], [3.0, 123.456]])
    got = expected.copy()
    got[1, 1] = 7.0
    verdict = close()(got, expected)
    assert not verdict.passed and "index (1, 1)" in verdict.message and "123.456" not in verdict.message


def test_close_reports_nan():
    verdict = close()(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    assert not verdict.passed and "NaN" in verdict.message


def test_close_tells_a_student_who_returned_nothing_to_return():
    assert "forget a `return`" in close()(None, np.ones(2)).message


def test_labels_accepts_whole_floats_and_refuses_fractions():
    assert labels()(np.array([1.0, 2.0]), np.array([1, 2])).passed
    assert not labels()(np.array([1.5, 2.0]), np.array([1, 2])).passed


def test_mapping_compares_keys_then_values():
    rule = mapping(close())
    assert rule({1: [0.5]}, {1: [0.5]}).passed
    assert "keys" in rule({2: [0.5]}, {1: [0.5]}).message
    assert not rule({1: [0.4]}, {1: [0.5]}).passed


def test_agree_compares_two_of_the_students_own_outputs():
    check = agree("one", "two", close())
    assert check({"one": np.ones(3), "two": np.ones(3)}).passed
    assert not check({"one": np.ones(3), "two": np.zeros(3)}).passed


def test_a_relative_error_is_told_to_two_significant_digits_only():
    """Enough to act on, too few to recover a hidden reference value from."""
    import re
    message = close()(np.array([1.2345678]), np.array([1.0])).message
    assert re.search(r"largest relative error \d\.\de-\d\d ", message), message
