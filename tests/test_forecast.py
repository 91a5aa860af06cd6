"""Tests for rnncourse.forecast: naive baselines, the linear forecaster and the metrics."""

import numpy as np
import pytest

from rnncourse.data import make_windows
from rnncourse.forecast import (
    LinearForecaster,
    autoregressive_forecast,
    mae,
    mase,
    persistence_forecast,
    rmse,
    seasonal_naive_forecast,
)


def test_persistence_repeats_the_last_value_of_the_chosen_column():
    x = np.arange(24.0).reshape(2, 4, 3)  # (n, width, features)
    out = persistence_forecast(x, horizon=5, column=1)
    assert out.shape == (2, 5)
    np.testing.assert_array_equal(out[0], np.full(5, x[0, -1, 1]))
    np.testing.assert_array_equal(out[1], np.full(5, x[1, -1, 1]))
    np.testing.assert_array_equal(persistence_forecast(x[:, :, 2], 1), x[:, -1:, 2])


def test_seasonal_naive_is_exact_on_a_periodic_series():
    period = 7
    series = np.tile(np.arange(period, dtype=float), 20)  # exactly periodic
    x, y = make_windows(series, input_width=2 * period, horizon=10)
    np.testing.assert_array_equal(seasonal_naive_forecast(x, season=period, horizon=10), y)
    # persistence is not exact on it, so the test can tell the two apart
    assert mae(y, persistence_forecast(x, 10)) > 1.0


def test_seasonal_naive_indexes_one_season_back():
    x = np.arange(10.0)[None, :]  # one window 0..9
    np.testing.assert_array_equal(
        seasonal_naive_forecast(x, season=4, horizon=3), [[6.0, 7.0, 8.0]]
    )
    # beyond one season the last season repeats
    np.testing.assert_array_equal(
        seasonal_naive_forecast(x, season=3, horizon=5), [[7, 8, 9, 7, 8]]
    )
    np.testing.assert_array_equal(
        seasonal_naive_forecast(x, season=1, horizon=2), persistence_forecast(x, 2)
    )


def test_bad_arguments_name_the_argument():
    x = np.zeros((3, 5))
    with pytest.raises(ValueError, match="season=6 needs input windows of at least 6"):
        seasonal_naive_forecast(x, season=6, horizon=1)
    with pytest.raises(ValueError, match="horizon must be a positive integer, got horizon=0"):
        persistence_forecast(x, 0)
    with pytest.raises(
        ValueError,
        match=r"column must be an integer from -2 to 1 \(an index into 2 features\), got column=2",
    ):
        persistence_forecast(np.zeros((3, 5, 2)), 1, column=2)
    with pytest.raises(ValueError, match="inputs must have shape"):
        persistence_forecast(np.zeros(5), 1)
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0, got l2=-1"):
        LinearForecaster(l2=-1)


def test_linear_forecaster_recovers_a_linear_recurrence():
    rng = np.random.default_rng(0)
    series = np.zeros(400)
    series[:2] = rng.normal(size=2)
    noise = rng.normal(scale=0.01, size=400)
    for t in range(2, 400):  # an AR(2) process: x_t = 1.5 x_{t-1} - 0.7 x_{t-2} + 0.3 + noise
        series[t] = 1.5 * series[t - 1] - 0.7 * series[t - 2] + 0.3 + noise[t]
    x, y = make_windows(series, input_width=2, horizon=1)
    model = LinearForecaster(l2=0.0).fit(x, y)
    np.testing.assert_allclose(model.coef_[:, 0], [-0.7, 1.5], atol=0.02)
    np.testing.assert_allclose(model.intercept_, [0.3], atol=0.02)
    assert model.predict(x).shape == (len(x), 1)
    assert rmse(y, model.predict(x)) < 0.02 < rmse(y, persistence_forecast(x, 1))


def test_linear_forecaster_matches_numpy_least_squares_and_shrinks_with_l2():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 6, 2))  # (n, width, features)
    y = rng.normal(size=(200, 3))  # (n, horizon)
    model = LinearForecaster(l2=0.0).fit(x, y)
    design = np.concatenate([x.reshape(200, -1), np.ones((200, 1))], axis=1)
    reference = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, reference[:-1], atol=1e-8)
    np.testing.assert_allclose(model.intercept_, reference[-1], atol=1e-8)
    ridge = LinearForecaster(l2=1e4).fit(x, y)
    assert np.linalg.norm(ridge.coef_) < 0.2 * np.linalg.norm(model.coef_)
    np.testing.assert_allclose(ridge.intercept_, y.mean(axis=0), atol=0.05)  # not shrunk to 0


def test_linear_forecaster_checks_its_input():
    with pytest.raises(ValueError, match="not fitted yet"):
        LinearForecaster().predict(np.zeros((2, 3)))
    model = LinearForecaster().fit(np.zeros((4, 3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"windows of shape \(3, 2\)"):
        model.predict(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="n = 4"):
        LinearForecaster().fit(np.zeros((4, 3)), np.zeros((5, 1)))


def test_metrics_against_numpy():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(50, 4)), rng.normal(size=(50, 4))
    assert mae(a, b) == pytest.approx(np.abs(a - b).mean())
    assert rmse(a, b) == pytest.approx(np.sqrt(((a - b) ** 2).mean()))
    assert rmse(a, b) >= mae(a, b)
    with pytest.raises(ValueError, match="same shape"):
        mae(a, b[:, :3])
    with pytest.raises(ValueError, match="empty"):
        rmse([], [])


def test_mase_scales_by_the_in_sample_naive_error():
    history = np.array([1.0, 3.0, 2.0, 6.0])  # lag-1 steps: 2, 1, 4 -> scale 7/3
    assert mase([1.0, 2.0], [2.0, 4.0], history) == pytest.approx(1.5 / (7 / 3))
    # season 2: steps 1, 3 -> scale 2
    assert mase([0.0], [3.0], history, season=2) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="longer than season=4"):
        mase([0.0], [1.0], history, season=4)
    with pytest.raises(ValueError, match="scale is zero"):
        mase([0.0], [1.0], np.ones(5))


def test_autoregressive_forecast_feeds_forecasts_back_and_reads_known_inputs():
    # one-step model: next value = last value + the second feature of the newest row
    step = lambda w: w[:, -1, 0] + w[:, -1, 1]  # (n, width, 2) -> (n,)
    x = np.array([[[0.0, 1.0], [5.0, 2.0]]])  # (1 window, 2 steps, 2 features)
    future = np.array([[[99.0, 10.0], [-99.0, 100.0], [7.0, 7.0]]])  # column 0 is ignored
    out = autoregressive_forecast(step, x, horizon=3, future=future)
    # 5 + 2 = 7; then the row (7, 10): 17; then (17, 100): 117 (the third future row is unused)
    np.testing.assert_array_equal(out, [[7.0, 17.0, 117.0]])
    # the true future values in the forecast column change nothing: no leak
    future[:, :, 0] = 1e6
    np.testing.assert_array_equal(autoregressive_forecast(step, x, 3, future), out)


def test_autoregressive_forecast_of_a_linear_one_step_model_on_a_recurrence():
    # x_t = 0.9 x_{t-1} exactly: a one-step model rolled out must reproduce the series
    series = 0.9 ** np.arange(30.0)
    x, y = make_windows(series, input_width=3, horizon=5)
    model = LinearForecaster(l2=0.0).fit(x, y[:, :1])
    out = autoregressive_forecast(model.predict, x, horizon=5)
    np.testing.assert_allclose(out, y, atol=1e-8)
    # one step ahead it is the one-step model itself
    np.testing.assert_allclose(out[:, 0], model.predict(x)[:, 0])


def test_autoregressive_forecast_keeps_float32_and_checks_shapes():
    seen = []

    def step(w):
        seen.append(w.dtype)
        return w[:, -1, 0]

    x = np.zeros((4, 3, 2), dtype="float32")
    out = autoregressive_forecast(step, x, 2, future=np.zeros((4, 1, 2), "float32"))
    assert out.shape == (4, 2) and set(seen) == {np.dtype("float32")}
    with pytest.raises(ValueError, match=r"pass future of shape \(4, 1, 2\)"):
        autoregressive_forecast(step, x, 2)
    with pytest.raises(ValueError, match=r"future must have shape \(4, 2 or more, 2\)"):
        autoregressive_forecast(step, x, 3, future=np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match=r"return shape \(4,\) or \(4, 1\).*got shape \(4, 2\)"):
        autoregressive_forecast(lambda w: w[:, -1], x, 2, future=np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match="inputs must have shape"):
        autoregressive_forecast(step, np.zeros(3), 2)
    with pytest.raises(ValueError, match="column must be an integer from -2 to 1"):
        autoregressive_forecast(step, x, 1, column=2)
    with pytest.raises(ValueError, match="horizon must be a positive integer"):
        autoregressive_forecast(step, x, 0)
    # one feature and no future: fine
    assert autoregressive_forecast(lambda w: w[:, -1, 0] + 1, np.zeros((2, 3)), 3).tolist() == [
        [1.0, 2.0, 3.0],
        [1.0, 2.0, 3.0],
    ]
