"""Exercises of notebook 08: right answers pass, wrong ones fail, and the expected
answers agree with make_windows, the course data and NumPy."""

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.data import load_series, make_windows


def test_right_answers_pass(capsys):
    assert exercises.check("08.n_windows", 2545)
    assert exercises.check("08.weekly_lag", 336)
    assert exercises.check("08.mae_in_mw", 236.474)
    assert exercises.check("08.random_walk_mse", 9.418e-5)
    assert exercises.check("08.leaky_overlap", 30)
    assert capsys.readouterr().out.count("Correct") == 5


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("08.n_windows", 2544),  # off by one
        ("08.n_windows", 2592),  # the horizon forgotten
        ("08.weekly_lag", 168),  # hours, not half-hours
        ("08.mae_in_mw", 236.474 + 4719.164),  # the mean added to an error
        ("08.mae_in_mw", 0.236474),  # left in GW
        ("08.random_walk_mse", 0.0097**2),  # the bias term forgotten (0.1 % too small)
        ("08.random_walk_mse", 0.0097),  # the standard deviation, not squared
        ("08.leaky_overlap", 29),
    ],
)
def test_wrong_answers_fail(exercise_id, wrong, capsys):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def test_window_count_agrees_with_make_windows():
    test_split = load_series("electricity").arrays("demand_gw")["test"]
    inputs, _ = make_windows(test_split, input_width=336, horizon=48)
    assert len(test_split) == 2928
    assert exercises.check("08.n_windows", len(inputs))


def test_weekly_lag_agrees_with_the_data_frequency():
    index = load_series("electricity").train.index
    week = index.get_loc(index[0] + np.timedelta64(7, "D"))
    assert exercises.check("08.weekly_lag", week)


def test_demand_std_agrees_with_the_loaded_series():
    std_gw = float(load_series("electricity").std["demand_gw"])
    assert exercises.check("08.mae_in_mw", 0.25 * std_gw * 1000)


def test_random_walk_mse_agrees_with_numpy():
    rng = np.random.default_rng(0)
    returns = rng.normal(size=100_000)
    returns = (returns - returns.mean()) / returns.std() * 0.0097 + 0.0003  # exact mean and std
    assert exercises.check("08.random_walk_mse", np.mean((returns - 0.0) ** 2))


def test_leaky_overlap_agrees_with_make_windows():
    series = np.arange(200.0)  # each value is its own index
    inputs, targets = make_windows(series, input_width=30, horizon=1)
    i = 80  # a window far from both ends
    holders = [j for j in range(len(inputs)) if j != i and targets[i, 0] in inputs[j, :, 0]]
    assert exercises.check("08.leaky_overlap", len(holders))
