"""Tests for rnncourse.data.series: time series, leakage-safe splits, windowing."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from rnncourse.data._store import DataFileError
from rnncourse.data.series import SPLITS, TimeSeries, list_series, load_series, make_windows

EXPECTED = {
    # name: (rows per split, first validation time, first test time, columns)
    "electricity": (
        (11664, 2928, 2928),
        "2014-09-01 00:00",
        "2014-11-01 00:00",
        ("demand_gw", "temperature_c", "workday"),
    ),
    "sp500": (
        (15097, 1258, 991),
        "2010-01-04",
        "2015-01-02",
        ("open", "high", "low", "close", "volume"),
    ),
    "weather": (
        (731, 365, 365),
        "2014-01-01",
        "2015-01-01",
        ("precipitation_mm", "temp_max_c", "temp_min_c", "wind_ms"),
    ),
}


@pytest.fixture(scope="module")
def loaded():
    return {name: load_series(name) for name in list_series()}


def test_list_series_and_unknown_name():
    assert list_series() == ["electricity", "sp500", "weather"]
    with pytest.raises(ValueError) as info:
        load_series("jena_climate")
    message = str(info.value)
    assert "'jena_climate'" in message
    assert all(name in message for name in list_series())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_splits_are_chronological_with_fixed_sizes(loaded, name):
    data = loaded[name]
    sizes, first_val, first_test, columns = EXPECTED[name]
    assert isinstance(data, TimeSeries) and data.name == name
    assert tuple(len(data.split(s)) for s in SPLITS) == sizes
    assert data.columns == columns
    assert data.validation.index[0] == pd.Timestamp(first_val)
    assert data.test.index[0] == pd.Timestamp(first_test)
    for frame in (data.train, data.validation, data.test):
        assert isinstance(frame.index, pd.DatetimeIndex)
        assert frame.index.name == data.time_column
        assert frame.index.is_monotonic_increasing and frame.index.is_unique
        assert not frame.isna().any().any()
    assert data.train.index.max() < data.validation.index.min()
    assert data.validation.index.max() < data.test.index.min()
    assert data.target in data.columns


def test_regular_time_steps(loaded):
    steps = loaded["electricity"].train.index.to_series().diff().dropna().unique()
    assert list(steps) == [pd.Timedelta(minutes=30)]
    weather = pd.concat([loaded["weather"].split(s) for s in SPLITS])
    assert (weather.index == pd.date_range("2012-01-01", "2015-12-31", freq="D")).all()
    sp = loaded["sp500"].train
    assert (sp.index.dayofweek < 5).all()  # trading days only


def test_statistics_come_from_the_training_split_only(loaded):
    data = loaded["electricity"]
    np.testing.assert_allclose(data.mean["demand_gw"], data.train["demand_gw"].mean())
    np.testing.assert_allclose(data.std["demand_gw"], data.train["demand_gw"].std(ddof=0))
    everything = pd.concat([data.split(s) for s in SPLITS])["demand_gw"]
    assert abs(data.mean["demand_gw"] - everything.mean()) > 0.05  # winter-heavy training months
    arrays = data.arrays()
    assert arrays["train"].shape == (11664, 3) and arrays["train"].dtype == np.float32
    np.testing.assert_allclose(arrays["train"].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(arrays["train"].std(axis=0), 1, atol=1e-4)
    assert abs(arrays["test"][:, 0].mean()) > 0.1  # the test period is not centred
    assert data.arrays("demand_gw")["validation"].shape == (2928,)


def test_normalise_round_trips(loaded):
    data = loaded["weather"]
    frame = data.normalise(data.test)
    assert list(frame.columns) == list(data.test.columns)
    assert (frame["weather"] == data.test["weather"]).all()  # the text column is left alone
    back = data.denormalise(frame)
    np.testing.assert_allclose(
        back[list(data.columns)].to_numpy(float), data.test[list(data.columns)].to_numpy(float)
    )
    x = data.arrays(["temp_max_c", "wind_ms"])["validation"]  # (365, 2)
    raw = data.denormalise(x, ["temp_max_c", "wind_ms"])
    np.testing.assert_allclose(
        raw, data.validation[["temp_max_c", "wind_ms"]].to_numpy(), atol=1e-4
    )
    one = data.denormalise(x[:, 0], "temp_max_c")  # (365,)
    np.testing.assert_allclose(one, data.validation["temp_max_c"].to_numpy(), atol=1e-4)
    series = data.normalise(data.train["wind_ms"])
    np.testing.assert_allclose(series.mean(), 0, atol=1e-9)
    with pytest.raises(ValueError, match="last axis"):
        data.normalise(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not numeric columns"):
        data.normalise(np.zeros(3), "weather")
    with pytest.raises(ValueError, match="name must be one of"):
        data.split("dev")


def test_loads_are_deterministic(loaded):
    again = load_series("sp500")
    for s in SPLITS:
        pd.testing.assert_frame_equal(again.split(s), loaded["sp500"].split(s))
    pd.testing.assert_series_equal(again.mean, loaded["sp500"].mean)


def test_make_windows_shapes_and_values():
    inputs, targets = make_windows(np.arange(10.0), input_width=3, horizon=2)
    assert inputs.shape == (6, 3, 1) and targets.shape == (6, 2)
    assert inputs[0, :, 0].tolist() == [0, 1, 2] and targets[0].tolist() == [3, 4]
    assert inputs[-1, :, 0].tolist() == [5, 6, 7] and targets[-1].tolist() == [8, 9]
    series = np.stack([np.arange(20.0), -np.arange(20.0)], axis=1)  # (20, 2)
    inputs, targets = make_windows(series, input_width=4, horizon=3, stride=5)
    assert inputs.shape == (3, 4, 2) and targets.shape == (3, 3, 2)  # starts 0, 5, 10
    assert inputs[1, 0].tolist() == [5, -5] and targets[2, -1].tolist() == [16, -16]
    _, targets = make_windows(series, input_width=4, horizon=3, target_column=1)
    assert targets.shape == (14, 3) and targets[0].tolist() == [-4, -5, -6]
    inputs, _ = make_windows(np.arange(5), input_width=4)
    assert inputs.shape == (1, 4, 1)


def test_make_windows_errors_name_the_argument():
    with pytest.raises(ValueError, match="input_width"):
        make_windows(np.arange(10), input_width=0)
    with pytest.raises(ValueError, match="stride"):
        make_windows(np.arange(10), input_width=2, stride=1.5)
    with pytest.raises(ValueError, match="fewer than input_width"):
        make_windows(np.arange(4), input_width=4, horizon=1)
    with pytest.raises(ValueError, match="target_column"):
        make_windows(np.zeros((10, 2)), input_width=2, target_column=2)
    with pytest.raises(ValueError, match="shape"):
        make_windows(np.zeros((10, 2, 2)), input_width=2)


def _autoregression(data, column, width, split="validation"):
    """One-step forecasts on a split: (linear AR MSE, persistence MSE, train-mean MSE)."""
    arrays = data.arrays(column)  # normalised with training statistics
    inputs, targets = make_windows(arrays["train"], width)  # (n, width, 1), (n, 1)
    design = np.c_[inputs[:, :, 0], np.ones(len(inputs))]  # (n, width + 1)
    coef = np.linalg.lstsq(design, targets[:, 0], rcond=None)[0]  # (width + 1,)
    inputs, targets = make_windows(arrays[split], width)
    y = targets[:, 0]  # (m,)
    forecast = np.c_[inputs[:, :, 0], np.ones(len(inputs))] @ coef  # (m,)
    return (np.mean((forecast - y) ** 2), np.mean((inputs[:, -1, 0] - y) ** 2), np.mean(y**2))


def test_electricity_autoregression_beats_persistence_and_mean(loaded):
    ar, persistence, mean = _autoregression(loaded["electricity"], "demand_gw", 48)
    assert persistence < 0.1 * mean  # 0.023 against 0.57
    assert ar < 0.5 * persistence  # 0.004


def test_weather_autoregression_beats_baselines(loaded):
    ar, persistence, mean = _autoregression(loaded["weather"], "temp_max_c", 7)
    assert ar < persistence < 0.3 * mean  # 0.15, 0.17, 1.02


def test_sp500_is_close_to_a_random_walk(loaded):
    ar, persistence, mean = _autoregression(loaded["sp500"], "close", 5)
    assert persistence < 0.01 * mean  # the price level is far from the 1950-2009 mean
    assert 0.9 < ar / persistence < 1.1  # a linear model gains (almost) nothing on a random walk


def test_corrupted_and_missing_series_files_are_refused(data_copy):
    root = data_copy("series/weather.csv")
    target = root / "series/weather.csv"
    expected = json.loads((root / "MANIFEST.json").read_text())["files"]["series/weather.csv"][
        "sha256"
    ]
    text = target.read_text().replace("2015-12-31,0.0", "2015-12-31,9.9")  # one altered value
    target.write_text(text)
    actual = hashlib.sha256(text.encode()).hexdigest()
    assert actual != expected
    with pytest.raises(DataFileError) as info:
        load_series("weather")
    message = str(info.value)
    assert str(target) in message and expected in message and actual in message
    assert "python datasets/prepare/build.py series" in message
    target.unlink()
    with pytest.raises(DataFileError, match="missing") as info:
        load_series("weather")
    assert expected in str(info.value) and "python datasets/prepare/build.py series" in str(
        info.value
    )
