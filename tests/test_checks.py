"""The argument checks every module shares (rnncourse.checks)."""

import numpy as np
import pytest

from rnncourse import checks


@pytest.mark.parametrize("value", [3, np.int64(3), np.int8(3), np.uint16(3)])
def test_integers_of_any_integer_type_are_accepted(value):
    out = checks.integer(value, "n", low=1, high=5)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be an integer from 1 to 5, got n=True"),
        (3.0, "got n=3.0"),
        ("3", "got n='3'"),
        (0, "got n=0"),
        (6, "got n=6"),
    ],
)
def test_an_integer_check_names_the_argument_and_the_range(value, message):
    with pytest.raises(ValueError, match=message):
        checks.integer(value, "n", low=1, high=5)


def test_integer_wording_and_caller():
    with pytest.raises(
        ValueError,
        match=r"^MinGRU\(units=\.\.\.\) must be a positive integer \(the size\), got units=0\. Hint\.$",
    ):
        checks.positive_int(0, "units", caller="MinGRU", about="(the size)", note="Hint.")
    with pytest.raises(ValueError, match="must be a non-negative integer"):
        checks.non_negative_int(-1, "seed")
    with pytest.raises(ValueError, match="must be an integer >= 5"):
        checks.integer(4, "width", low=5)


@pytest.mark.parametrize(
    "value", [0.5, np.float32(0.5), np.float16(0.5), np.array(0.5), np.array([0.5]), 1]
)
def test_one_real_number_is_accepted(value):
    assert checks.number(value, "x", low=0, high=1) == float(
        value if np.ndim(value) == 0 else value[0]
    )


@pytest.mark.parametrize(
    "value",
    [True, np.True_, np.array(True), "0.5", None, [0.5, 0.6], float("nan"), float("inf"), 1j],
)
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError, match=r"x must be a finite number, got"):
        checks.number(value, "x")


def test_number_bounds_and_non_finite_when_asked():
    assert checks.number(float("inf"), "value", finite=False) == float("inf")
    with pytest.raises(ValueError, match=r"in \[0, 1\)"):
        checks.number(1, "dropout", low=0, high=1, high_open=True)
    with pytest.raises(ValueError, match=r"> 0"):
        checks.number(0, "l2", low=0, low_open=True)
    with pytest.raises(ValueError, match=r"got the bool value=True: pass the number itself"):
        checks.number(True, "value")


def test_finite_array_counts_and_locates_the_bad_values():
    with pytest.raises(
        ValueError, match=r"logits holds NaN and inf \(2 of 6 values, the first at index \(0, 1\)\)"
    ):
        checks.finite_array([[0, np.nan, 1], [np.inf, 0, 0]], "logits")
    out = checks.finite_array([0.0, -np.inf], "logits", allow_neg_inf=True, dtype=np.float32)
    assert out.dtype == np.float32


def test_ids():
    np.testing.assert_array_equal(checks.ids([], "ids"), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match=r"whole numbers of dtype float64.*astype\(int\)"):
        checks.ids([1.0, 2.0], "ids")
    with pytest.raises(ValueError, match=r"such as 0.25.*take probs.argmax\(-1\) first"):
        checks.ids([1.0, 0.25], "ids")
    with pytest.raises(ValueError, match=r"ids must be ids in \[0, 4\), got 4"):
        checks.ids([1, 4], "ids", high=4)
    with pytest.raises(ValueError, match=r"states must be integer states"):
        checks.ids([True, False], "states", what="states")


def test_shape_reads_static_shapes_and_names_the_dimensions():
    checks.shape((None, 7, 3), "values", ("batch", "value_time", 3))
    checks.shape(np.zeros((2, 3)), "query", [("batch", 3), ("batch", "time", 3)])
    with pytest.raises(
        ValueError,
        match=r"^expected x shaped \(batch, 4\) or \(batch, time, 4\), received x of shape \(2, 3\)\.$",
    ):
        checks.shape((2, 3), "x", [("batch", 4), ("batch", "time", 4)])
    with pytest.raises(ValueError, match=r"h shaped \(8,\)"):
        checks.shape((8, 1), "h", (8,))


def test_choice_and_split():
    assert checks.choice("pre", "padding", ("post", "pre")) == "pre"
    with pytest.raises(
        ValueError, match=r"padding must be one of \('post', 'pre'\), got padding=array"
    ):
        checks.choice(np.array(["pre", "post"]), "padding", ("post", "pre"))
    assert checks.split(None) is None and checks.split("test") == "test"
    with pytest.raises(ValueError, match=r"\('train', 'validation', 'test'\), got None"):
        checks.split(None, allow_none=False)
