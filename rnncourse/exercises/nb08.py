"""Exercises of notebook 08 (time series: electricity demand, temperature and stock prices)."""

from rnncourse.exercises._registry import register

__all__ = []

_DEMAND_STD_GW = 0.945896  # training standard deviation of demand_gw, as printed in the notebook
_METER_MINUTES = 15  # a smart meter's interval (the notebook's series is half-hourly: 336 a week)
_LEAK_WIDTH, _LEAK_STRIDE = 30, 4  # section 8 states the count for stride 1
_ROLL_WIDTH, _ROLL_HORIZON = 48, 48  # section 6: one-step models read 48 half-hours, roll 24 h


def _n_windows(rows, input_width, horizon, stride):
    return (rows - input_width - horizon) // stride + 1


@register(
    "08.n_windows",
    "make_windows cuts the 2,928 half-hours of the test split into windows with "
    "input_width=336, horizon=48 and stride=1. How many windows does it return?",
    "A window needs input_width + horizon consecutive rows; count the possible start rows: "
    "n = (rows - input_width - horizon) // stride + 1.",
    idea="Section 2 runs make_windows on ten numbers first: count its windows by hand and "
    "see how the count depends on the number of rows, the two widths and the stride.",
)
def _ex_08_n_windows():
    return _n_windows(rows=2928, input_width=336, horizon=48, stride=1)


@register(
    "08.weekly_lag",
    f"A smart meter logs demand every {_METER_MINUTES} minutes. How many steps back is "
    "'the same time last week', the lag of a weekly seasonal-naive forecast on its series?",
    "Count readings: (60 / minutes per reading) an hour, times 24 hours a day, times 7 days "
    "a week.",
    idea="The weekly rule of section 3 looks back exactly one week, and a lag is counted in "
    "rows: how many readings does a week hold at this meter's rate?",
)
def _ex_08_weekly_lag():
    return 7 * 24 * 60 // _METER_MINUTES


@register(
    "08.mae_in_mw",
    "A demand forecast has a mean absolute error of 0.25 in normalised units. The "
    "training standard deviation of demand is 0.945896 GW. What is the error in MW?",
    "Normalising subtracts the mean and divides by the standard deviation; an error (a "
    "difference) only needs the multiplication back, and 1 GW = 1,000 MW.",
    compare=1e-4,
    idea="Section 3 reports errors in MW: recall what normalising did to demand, and which "
    "part of it a difference of two values keeps.",
)
def _ex_08_mae_in_mw():
    return 0.25 * _DEMAND_STD_GW * 1000


@register(
    "08.random_walk_mse",
    "Daily log returns have mean 0.0003 and standard deviation 0.0097 (ddof=0). The "
    "random-walk forecast predicts a return of 0 every day. What is its mean squared error?",
    "The mean squared error of a constant forecast c is the variance plus (mean - c) squared, "
    "and the variance is the standard deviation squared.",
    compare=1e-4,
    idea="A constant forecast misses in two ways: by the spread of the returns around their "
    "mean, and by how far the constant is from that mean.",
)
def _ex_08_random_walk_mse():
    mean, std, forecast = 0.0003, 0.0097, 0.0
    return std**2 + (mean - forecast) ** 2


@register(
    "08.leaky_overlap",
    f"Windows with input_width={_LEAK_WIDTH}, horizon=1 and stride={_LEAK_STRIDE} are cut "
    "from one long series. The target of a window far from the ends appears among the "
    "inputs of how many other windows?",
    f"The target of the window starting at row s is row s + {_LEAK_WIDTH}. A window starting "
    f"at s + k holds it among its {_LEAK_WIDTH} inputs when 1 <= k <= {_LEAK_WIDTH}; with "
    f"stride {_LEAK_STRIDE} only the k that are multiples of {_LEAK_STRIDE} start a window.",
    idea="Section 8 counts the windows that hold one window's target when a window starts "
    "at every row; with a stride, only some of those windows exist.",
)
def _ex_08_leaky_overlap():
    return sum(
        1 <= k * _LEAK_STRIDE <= _LEAK_WIDTH for k in range(1, _LEAK_WIDTH + 1)
    )  # the later windows whose inputs reach back to the target


@register(
    "08.rollout_own_forecasts",
    f"A one-step model reads the last {_ROLL_WIDTH} half-hours and is rolled out to forecast "
    f"the next 24 hours ({_ROLL_HORIZON} steps), each forecast becoming its newest input. When "
    f"it makes its last forecast, how many of the {_ROLL_WIDTH} values it reads are its own "
    "earlier forecasts?",
    "The forecast k steps ahead reads every forecast made before it (k - 1 of them), as long "
    "as they fit in the window: min(k - 1, width).",
    idea="Section 6 rolls a one-step model forward: follow its window step by step and count "
    "which of the values it reads were measured and which it forecast itself.",
)
def _ex_08_rollout_own_forecasts():
    return min(_ROLL_HORIZON - 1, _ROLL_WIDTH)
