import json
import math
import types

import numpy as np
import pytest

from rnncourse import check_outcome
from rnncourse.outcomes import OUTCOME_MIME


def test_passing_outcome_prints_one_line_and_returns_nothing(capsys):
    assert check_outcome("accuracy", 0.93, bound=0.9, baseline=0.5, margin=0.3) is None
    assert capsys.readouterr().out == "OK accuracy: 0.93 (>= 0.9; baseline 0.5)\n"


def test_value_below_bound_fails_with_readable_message():
    with pytest.raises(AssertionError, match=r"'accuracy' not met: 0.8 is not >= the bound 0.9"):
        check_outcome("accuracy", 0.8, bound=0.9)


def test_margin_over_baseline_is_enforced():
    with pytest.raises(AssertionError, match="beats the baseline 0.85 by 0.05"):
        check_outcome("accuracy", 0.9, bound=0.5, baseline=0.85, margin=0.1)


def test_a_negative_margin_is_a_tolerance_for_both_goals():
    check_outcome("acc", 0.74, bound=0.7, baseline=0.75, margin=-0.02)  # trails by 0.01
    with pytest.raises(AssertionError, match="beats the baseline 0.75 by -0.05"):
        check_outcome("acc", 0.70, bound=0.6, baseline=0.75, margin=-0.02)
    check_outcome("loss", 0.58, bound=0.62, goal="min", baseline=0.56, margin=-0.03)
    with pytest.raises(AssertionError, match="less than the required margin -0.03"):
        check_outcome("loss", 0.60, bound=0.62, goal="min", baseline=0.56, margin=-0.03)


def test_min_goal_for_losses():
    check_outcome("val loss", 1.2, bound=1.5, goal="min", baseline=2.0, margin=0.5)
    with pytest.raises(AssertionError, match="is not <= the bound"):
        check_outcome("val loss", 1.6, bound=1.5, goal="min")
    with pytest.raises(AssertionError, match="baseline"):
        check_outcome("val loss", 1.4, bound=1.5, goal="min", baseline=1.45, margin=0.2)


@pytest.mark.parametrize("goal", ["max", "min"])
@pytest.mark.parametrize(
    "value", [math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("inf")]
)
def test_non_finite_value_is_rejected_for_both_goals(goal, value):
    # inf >= bound and -inf <= bound would pass a plain comparison: both must fail.
    with pytest.raises(ValueError, match=r"'metric': the value is .*not a finite number"):
        check_outcome("metric", value, bound=0.5, goal=goal)


@pytest.mark.parametrize("goal", ["max", "min"])
def test_non_finite_value_is_rejected_even_with_a_baseline(goal):
    with pytest.raises(ValueError, match="diverged"):
        check_outcome("metric", math.inf, bound=0.5, goal=goal, baseline=0.7, margin=0.1)


@pytest.mark.parametrize("flag", [True, False, np.True_, np.float64(0.95) > 0.9])
def test_a_bool_is_not_a_measurement(flag):
    with pytest.raises(ValueError, match=r"got the bool value=.*not a comparison"):
        check_outcome("acc", flag, bound=0.9)


@pytest.mark.parametrize("value", ["0.93", "nan", None, [0.9, 0.95]])
def test_a_string_or_several_numbers_is_not_a_measurement(value):
    with pytest.raises(ValueError, match=r"check_outcome\(value=\.\.\.\) must be a number"):
        check_outcome("acc", value, bound=0.9)


def test_numpy_and_size_one_values_are_measurements(capsys):
    check_outcome(
        "acc", np.float32(0.93), bound=np.int64(0), baseline=np.float64(0.5), margin=np.float32(0.1)
    )
    check_outcome("acc", np.array([0.93]), bound=0.9)
    assert capsys.readouterr().out.count("OK acc") == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"goal": "up"}, r"goal=...\) must be one of \(.max., .min.\), got goal=.up."),
        ({"margin": 0.1}, "margin= needs a baseline"),
        ({"bound": "high"}, "bound=...\\) must be a finite number, got bound='high'"),
        ({"bound": math.inf}, "bound=...\\) must be a finite number, got bound=inf"),
        ({"bound": math.nan}, "bound=...\\) must be a finite number, got bound=nan"),
        ({"bound": True}, "got the bool bound=True"),
        ({"baseline": -math.inf}, "baseline=...\\) must be a finite number, got baseline=-inf"),
        (
            {"baseline": 0.5, "margin": math.nan},
            "margin=...\\) must be a finite number, got margin=nan",
        ),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    args = {"bound": 0.5, **kwargs}
    with pytest.raises(ValueError, match=message):
        check_outcome("x", 0.7, **args)


@pytest.fixture
def kernel_displays(monkeypatch):
    """check_outcome as in a Jupyter kernel; the list collects the MIME bundles it displays."""
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: shown.append(bundle))
    return shown


def test_in_a_kernel_each_outcome_is_displayed_with_its_record(kernel_displays, capsys):
    check_outcome("a", 1.0, bound=0.5, notebook="01_intro")
    with pytest.raises(AssertionError):
        check_outcome("b", 0.1, bound=0.5, baseline=0.2)
    with pytest.raises(ValueError):
        check_outcome("loss", math.nan, bound=1.0, goal="min")
    assert capsys.readouterr().out == ""  # the displayed line is the only output
    assert [b["text/plain"] for b in kernel_displays] == [
        "OK a: 1 (>= 0.5)",
        "NOT MET b: 0.1 (>= 0.5; baseline 0.2)",
        "NOT MET loss: not finite (<= 1)",
    ]
    records = [b[OUTCOME_MIME] for b in kernel_displays]
    assert [(r["name"], r["value"], r["passed"], r["notebook"]) for r in records] == [
        ("a", 1.0, True, "01_intro"),
        ("b", 0.1, False, None),
        ("loss", None, False, None),
    ]
    assert (records[0]["bound"], records[0]["goal"], records[1]["baseline"]) == (0.5, "max", 0.2)
    assert json.loads(json.dumps(records, allow_nan=False)) == records  # strict JSON: no NaN
