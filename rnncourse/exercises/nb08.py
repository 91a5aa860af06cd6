"""Exercises of notebook 08 (time series: electricity demand and stock prices)."""

from rnncourse.exercises._registry import register

__all__ = []

_STEPS_PER_DAY = 48  # half-hours in a day
_DEMAND_STD_GW = 0.945896  # training standard deviation of demand_gw, as printed in the notebook


def _n_windows(rows, input_width, horizon, stride):
    return (rows - input_width - horizon) // stride + 1


@register(
    "08.n_windows",
    "make_windows cuts the 2,928 half-hours of the test split into windows with "
    "input_width=336, horizon=48 and stride=1. How many windows does it return?",
    "A window needs input_width + horizon consecutive rows; count the possible start rows "
    "(n = (rows - input_width - horizon) // stride + 1).",
)
def _ex_08_n_windows():
    return _n_windows(rows=2928, input_width=336, horizon=48, stride=1)


@register(
    "08.weekly_lag",
    "The electricity series has one row per half-hour. How many steps back is "
    "'the same half-hour last week', the lag of the weekly seasonal-naive forecast?",
    "Count half-hours: 2 an hour, 24 hours a day, 7 days.",
)
def _ex_08_weekly_lag():
    return 7 * _STEPS_PER_DAY


@register(
    "08.mae_in_mw",
    "A demand forecast has a mean absolute error of 0.25 in normalised units. The "
    "training standard deviation of demand is 0.945896 GW. What is the error in MW?",
    "Normalising subtracts the mean and divides by the standard deviation; an error (a "
    "difference) only needs the multiplication back, and 1 GW = 1,000 MW.",
    compare=1e-4,
)
def _ex_08_mae_in_mw():
    return 0.25 * _DEMAND_STD_GW * 1000


@register(
    "08.random_walk_mse",
    "Daily log returns have mean 0.0003 and standard deviation 0.0097 (ddof=0). The "
    "random-walk forecast predicts a return of 0 every day. What is its mean squared error?",
    "The mean squared error of a constant forecast c is the variance plus (mean - c) squared.",
    compare=1e-4,
)
def _ex_08_random_walk_mse():
    mean, std, forecast = 0.0003, 0.0097, 0.0
    return std**2 + (mean - forecast) ** 2


@register(
    "08.leaky_overlap",
    "Windows with input_width=30, horizon=1 and stride=1 are cut from one long series. "
    "The target of a window far from the ends appears among the inputs of how many "
    "other windows?",
    "The target of window i is the value at i + 30. Which later windows start early "
    "enough, and end late enough, to hold that value in their 30 inputs?",
)
def _ex_08_leaky_overlap():
    input_width = 30
    return input_width
