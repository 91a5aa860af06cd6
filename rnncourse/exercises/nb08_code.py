"""Coding exercises of notebook 08 (time series): leakage-safe windows, then seasonal naive."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _series(rng, rows, period):
    """A series with a trend (so the test part sits above the training part) and a cycle."""
    t = np.arange(rows)
    return 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / period) + rng.normal(0, 0.3, rows)


def _window_cases(rng):
    cases = []
    for description, rows, n_train, input_width, horizon in [
        ("60 rows, 40 for training, width 6, horizon 3", 60, 40, 6, 3),
        ("horizon 1", 50, 35, 8, 1),
        ("the test part holds exactly one window", 45, 35, 7, 3),
        ("input width 1", 30, 20, 1, 2),
    ]:
        cases.append(
            (
                description,
                {
                    "series": _series(rng, rows, period=8),  # (rows,)
                    "n_train": n_train,
                    "input_width": input_width,
                    "horizon": horizon,
                },
            )
        )
    return cases


def _cut(z, input_width, horizon):
    starts = np.arange(len(z) - input_width - horizon + 1)[:, None]
    return z[starts + np.arange(input_width)], z[starts + input_width + np.arange(horizon)]


def _windows_with_make_windows(series, n_train, input_width, horizon):
    from rnncourse import data

    train, test = series[:n_train], series[n_train:]
    mean, std = train.mean(), train.std()
    x_train, y_train = data.make_windows((train - mean) / std, input_width, horizon)
    x_test, y_test = data.make_windows((test - mean) / std, input_width, horizon)
    return x_train[..., 0], y_train, x_test[..., 0], y_test


def _whole_series_statistics(series, n_train, input_width, horizon):
    z = (series - series.mean()) / series.std()
    return (*_cut(z[:n_train], input_width, horizon), *_cut(z[n_train:], input_width, horizon))


def _test_own_statistics(series, n_train, input_width, horizon):
    train, test = series[:n_train], series[n_train:]
    return (
        *_cut((train - train.mean()) / train.std(), input_width, horizon),
        *_cut((test - test.mean()) / test.std(), input_width, horizon),
    )


def _windows_across_the_split(series, n_train, input_width, horizon):
    train = series[:n_train]
    x, y = _cut((series - train.mean()) / train.std(), input_width, horizon)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def _target_overlaps_input(series, n_train, input_width, horizon):
    train = series[:n_train]
    out = []
    for part in (series[:n_train], series[n_train:]):
        z = (part - train.mean()) / train.std()
        starts = np.arange(len(z) - input_width - horizon + 1)[:, None]
        out += [
            z[starts + np.arange(input_width)],
            z[starts + input_width - 1 + np.arange(horizon)],
        ]
    return tuple(out)


def _not_normalised(series, n_train, input_width, horizon):
    return (
        *_cut(series[:n_train], input_width, horizon),
        *_cut(series[n_train:], input_width, horizon),
    )


@coding_exercise(
    "08.split_and_window",
    "Write split_and_window(series, n_train, input_width, horizon): split a series by time, "
    "normalise both parts with the training mean and standard deviation, and cut each part "
    "into (input window, next horizon values) pairs on its own, stride 1.",
    cases=_window_cases,
    hints=(
        "Three rules of section 2: split first (the first n_train rows are the past); take every "
        "statistic from the past only and apply it to both parts; and cut windows inside each "
        "part, "
        "so that no window reaches across the split. A target is the rows right AFTER the input.",
        "mean, std = series[:n_train].mean(), series[:n_train].std(). For each part z "
        "(normalised), "
        "window i's input is z[i : i + input_width] and its target z[i + input_width : i + "
        "input_width + horizon], for i = 0 .. len(z) - input_width - horizon (data.make_windows "
        "does this, with a feature axis of 1 you must drop).",
    ),
    alternatives=(_windows_with_make_windows,),
    mistakes=(
        Mistake(
            "the statistics come from the whole series: that leaks the test period's level into "
            "training. Use the mean and std of series[:n_train] only.",
            _whole_series_statistics,
        ),
        Mistake(
            "the test part is normalised with its own mean and std: use the training statistics "
            "for both parts (the future's statistics are not known when you forecast).",
            _test_own_statistics,
        ),
        Mistake(
            "the windows are cut before splitting, so some training windows reach into the test "
            "period: split the series first, then cut windows inside each part.",
            _windows_across_the_split,
        ),
        Mistake(
            "the target starts one step too early: its first value is the input's last. The "
            "target is the horizon rows right after the input window.",
            _target_overlaps_input,
        ),
        Mistake(
            "the series is not normalised: subtract the training mean, divide by the training std.",
            _not_normalised,
        ),
    ),
)
def split_and_window(series, n_train, input_width, horizon):
    """series (rows,) -> x_train (n1, input_width), y_train (n1, horizon), x_test, y_test."""
    mean, std = series[:n_train].mean(), series[:n_train].std()  # training statistics only
    out = []
    for part in (series[:n_train], series[n_train:]):  # each part windowed on its own
        z = (part - mean) / std  # (rows,)
        starts = np.arange(len(z) - input_width - horizon + 1)[:, None]  # (n, 1)
        out.append(z[starts + np.arange(input_width)])  # (n, input_width)
        out.append(z[starts + input_width + np.arange(horizon)])  # (n, horizon): the rows after
    return tuple(out)


def _naive_cases(rng):
    cases = []
    for description, n, width, season, horizon in [
        ("3 windows of 10 steps, season 4, horizon 7 (longer than a season)", 3, 10, 4, 7),
        ("one window exactly one season long (6), horizon 6", 1, 6, 6, 6),
        ("2 windows of 9 steps, season 3, horizon 1", 2, 9, 3, 1),
        ("4 windows of 12 steps, season 1 (persistence), horizon 3", 4, 12, 1, 3),
        ("2 windows of 20 steps, season 5, horizon 12", 2, 20, 5, 12),
    ]:
        cases.append(
            (
                description,
                {"x": rng.normal(size=(n, width)), "season": season, "horizon": horizon},
            )
        )
    return cases


def _naive_tile(x, season, horizon):
    last_season = x[:, -season:]  # (n, season)
    reps = -(-horizon // season)  # seasons needed to cover the horizon
    return np.tile(last_season, (1, reps))[:, :horizon]


@coding_exercise(
    "08.seasonal_naive",
    "Write seasonal_naive(x, season, horizon): forecast each of the next horizon steps as the "
    "value one season earlier, repeating the last season when the horizon is longer.",
    cases=_naive_cases,
    hints=(
        "Only the last season of the window matters: the first future step copies the value "
        "exactly season steps before it, the next one the value after that, and so on; after "
        "season steps the forecast starts over with the same values.",
        "With width = x.shape[1], future step k (k = 0 .. horizon - 1) copies column "
        "width - season + k % season: index x with that array of columns.",
    ),
    alternatives=(_naive_tile,),
    mistakes=(
        Mistake(
            "this is persistence (the last value repeated): copy the value one season back.",
            lambda x, season, horizon: np.repeat(x[:, -1:], horizon, axis=1),
        ),
        Mistake(
            "off by one: each step copies the value season + 1 steps earlier; the first future "
            "step copies column width - season.",
            lambda x, season, horizon: x[:, x.shape[1] - season - 1 + np.arange(horizon) % season],
        ),
        Mistake(
            "the first season of the window is copied: use the LAST season, the one just before "
            "the forecast.",
            lambda x, season, horizon: x[:, np.arange(horizon) % season],
        ),
        Mistake(
            "beyond one season the last value is repeated: start the season over (k % season).",
            lambda x, season, horizon: x[
                :, np.minimum(x.shape[1] - season + np.arange(horizon), x.shape[1] - 1)
            ],
        ),
        Mistake(
            "the last horizon values are copied: that is the same only when horizon equals "
            "season. Copy the last season, repeated.",
            lambda x, season, horizon: x[:, -horizon:],
        ),
    ),
)
def seasonal_naive(x, season, horizon):
    """x (n, width) with width >= season -> forecasts (n, horizon)."""
    width = x.shape[1]
    k = np.arange(horizon)  # (horizon,): future steps 0 .. horizon - 1
    return x[:, width - season + k % season]  # (n, horizon)
