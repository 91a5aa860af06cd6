"""Honest yardsticks for forecasting: naive baselines, a linear model and error metrics.

A forecasting model is only as good as the simplest rule it beats. This module
holds the rules every forecast in the course is measured against, written for
the window arrays that :func:`rnncourse.data.make_windows` returns:

- :func:`persistence_forecast`: the future equals the last value seen (on prices,
  the *random walk* forecast).
- :func:`seasonal_naive_forecast`: the future repeats the value one season ago
  (the same half-hour yesterday, or last week).
- :class:`LinearForecaster`: a ridge regression on the flattened input window,
  solved in closed form; the strongest of the simple baselines.
- :func:`autoregressive_forecast`: turns any one-step model into a multi-step
  forecast by feeding each forecast back in as the newest input (the
  alternative to a *direct* model that emits every lead time at once).
- :func:`mae`, :func:`rmse` and :func:`mase`: errors in the data's own units, and
  scaled by a naive forecast's error.

Everything is NumPy; nothing here imports Keras.
"""

import numpy as np

from rnncourse import checks

__all__ = [
    "LinearForecaster",
    "autoregressive_forecast",
    "mae",
    "mase",
    "persistence_forecast",
    "rmse",
    "seasonal_naive_forecast",
]


def _series_of(inputs, column):
    """The column to forecast from a window array: ``(n, width)``."""
    arr = np.asarray(inputs)
    if arr.ndim == 2:
        if column not in (0, None):
            raise ValueError(f"column must be 0 for inputs of shape (n, width), got {column!r}.")
        return arr
    if arr.ndim != 3:
        raise ValueError(
            f"inputs must have shape (n, width) or (n, width, features), got shape {arr.shape}."
        )
    column = checks.integer(
        column,
        "column",
        low=-arr.shape[2],
        high=arr.shape[2] - 1,
        about=f"(an index into {arr.shape[2]} features)",
    )
    return arr[:, :, column]  # (n, width)


def persistence_forecast(inputs, horizon, column=0):
    """Forecast every future step as the last value of the input window.

    On prices this is the *random walk* forecast: tomorrow's price equals
    today's. On a return series, predict a return of zero instead.

    Args:
        inputs: windows of shape ``(n, width)`` or ``(n, width, features)``.
        horizon: how many future steps to forecast.
        column: for 3-D inputs, the index of the feature to forecast.

    Returns:
        An array of shape ``(n, horizon)``.

    Example:
        >>> persistence_forecast(np.array([[1.0, 2.0, 3.0]]), horizon=2)
        array([[3., 3.]])
    """
    horizon = checks.positive_int(horizon, "horizon")
    series = _series_of(inputs, column)  # (n, width)
    return np.repeat(series[:, -1:], horizon, axis=1)  # (n, horizon)


def seasonal_naive_forecast(inputs, season, horizon, column=0):
    """Forecast each future step as the value exactly one season earlier.

    Step ``k`` after the window (``k = 0 .. horizon-1``) gets the value at
    ``width + k - season``; for ``horizon > season`` the last season is repeated.
    With half-hourly data, ``season=48`` is "the same half-hour yesterday" and
    ``season=336`` "the same half-hour last week".

    Args:
        inputs: windows of shape ``(n, width)`` or ``(n, width, features)``,
            with ``width >= season``.
        season: the season length in steps.
        horizon: how many future steps to forecast.
        column: for 3-D inputs, the index of the feature to forecast.

    Returns:
        An array of shape ``(n, horizon)``.

    Raises:
        ValueError: the window is shorter than one season (the message says how
            long it must be), or a bad argument.

    Example:
        >>> seasonal_naive_forecast(np.array([[1.0, 2.0, 3.0, 4.0]]), season=2, horizon=3)
        array([[3., 4., 3.]])
    """
    season = checks.positive_int(season, "season")
    horizon = checks.positive_int(horizon, "horizon")
    series = _series_of(inputs, column)  # (n, width)
    width = series.shape[1]
    if width < season:
        raise ValueError(
            f"season={season} needs input windows of at least {season} steps, got width {width}; "
            "cut longer windows (input_width in make_windows)."
        )
    steps = np.arange(horizon)
    source = width - season + steps % season  # (horizon,) index into the window
    return series[:, source]  # (n, horizon)


class LinearForecaster:
    """Ridge regression from a flattened input window to the next ``horizon`` values.

    The weights are the closed-form least-squares solution with an L2 penalty
    (the intercept is not penalised), so there is no training loop, no learning
    rate and no randomness: a strong, reproducible baseline for any model that
    reads the same windows.

    Args:
        l2: the L2 penalty (``>= 0``) on the weights.

    Attributes:
        coef_: after :meth:`fit`, the weights of shape ``(width * features, horizon)``.
        intercept_: after :meth:`fit`, shape ``(horizon,)``.

    Example:
        >>> x = np.arange(20.0).reshape(5, 4)  # (n, width): five windows of a line
        >>> y = x[:, -1:] + 1.0  # (n, 1): the next value
        >>> model = LinearForecaster(l2=0.0).fit(x, y)
        >>> model.predict(np.array([[100.0, 101.0, 102.0, 103.0]])).round(6)
        array([[104.]])
    """

    def __init__(self, l2=1.0):
        self.l2 = checks.number(l2, "l2", low=0)
        self.coef_ = None
        self.intercept_ = None
        self._input_shape = None

    @staticmethod
    def _flatten(inputs):
        arr = checks.finite_array(inputs, "inputs")
        if arr.ndim not in (2, 3):
            raise ValueError(
                f"inputs must have shape (n, width) or (n, width, features), got shape {arr.shape}."
            )
        return arr.reshape(len(arr), -1)  # (n, width * features)

    def fit(self, inputs, targets):
        """Solve for the weights.

        Args:
            inputs: windows of shape ``(n, width)`` or ``(n, width, features)``.
            targets: shape ``(n, horizon)`` or ``(n,)``.

        Returns:
            The forecaster itself, so ``LinearForecaster().fit(x, y).predict(x2)`` works.
        """
        x = self._flatten(inputs)  # (n, d)
        y = checks.finite_array(targets, "targets")
        y = y[:, None] if y.ndim == 1 else y  # (n, horizon)
        if y.ndim != 2 or len(y) != len(x):
            raise ValueError(
                f"targets must have shape (n, horizon) with n = {len(x)} (one row per window), "
                f"got shape {np.shape(targets)}."
            )
        x_mean, y_mean = x.mean(axis=0), y.mean(axis=0)  # centring keeps the intercept unpenalised
        xc, yc = x - x_mean, y - y_mean
        gram = xc.T @ xc + self.l2 * np.eye(x.shape[1])  # (d, d)
        self.coef_ = np.linalg.lstsq(gram, xc.T @ yc, rcond=None)[0]  # (d, horizon)
        self.intercept_ = y_mean - x_mean @ self.coef_  # (horizon,)
        self._input_shape = np.shape(inputs)[1:]
        return self

    def predict(self, inputs):
        """Forecast from windows shaped like the training windows; returns ``(n, horizon)``."""
        if self.coef_ is None:
            raise ValueError(
                "this LinearForecaster is not fitted yet: call fit(inputs, targets) first."
            )
        if np.shape(inputs)[1:] != self._input_shape:
            raise ValueError(
                f"inputs must have windows of shape {self._input_shape} as in fit(), "
                f"got shape {np.shape(inputs)}."
            )
        return self._flatten(inputs) @ self.coef_ + self.intercept_  # (n, horizon)


def autoregressive_forecast(predict_next, inputs, horizon, future=None, column=0):
    """Roll a one-step model forward: each forecast becomes the newest input row.

    The window slides one step at a time: ``predict_next`` forecasts the step
    after it, the oldest row drops out, and a new row joins at the end, made of
    the forecast (in ``column``) and the other inputs of that step, which must
    be known in advance (a calendar, a time of day) and come from ``future``.
    Errors therefore feed on themselves: the forecast ``k`` steps ahead reads
    ``min(k - 1, width)`` of the earlier forecasts.

    Args:
        predict_next: a callable mapping windows ``(n, width, features)`` (always
            3-D, float32 if ``inputs`` is float32, else float64) to the
            next value of ``column``, shape ``(n,)`` or ``(n, 1)``: a Keras
            model's ``predict_on_batch``, or a fitted one-step
            :class:`LinearForecaster`'s ``predict``.
        inputs: windows of shape ``(n, width, features)``, or ``(n, width)``
            for one feature.
        horizon: how many future steps to forecast.
        future: the inputs of the forecast steps, ``(n, horizon - 1,
            features)`` or longer (only the first ``horizon - 1`` rows are read:
            the last forecast needs no row after it). Its ``column`` is
            ignored and replaced by the forecasts, so passing the true future
            rows leaks nothing; the array passed in is not modified. Needed
            when there is more than one feature and ``horizon`` > 1.
        column: the index of the feature being forecast.

    Returns:
        An array of shape ``(n, horizon)``: the forecasts, step 1 first.

    Raises:
        ValueError: wrong shapes (the message gives the expected one),
            ``future`` missing for several features, or ``predict_next``
            returning the wrong shape.

    Example:
        >>> double = lambda w: 2 * w[:, -1, 0]  # a one-step model: next = 2 x last
        >>> autoregressive_forecast(double, np.array([[1.0, 3.0]]), horizon=3)
        array([[ 6., 12., 24.]])
    """
    horizon = checks.positive_int(horizon, "horizon")
    # float32 windows stay float32 (what a Keras model expects); anything else becomes float64
    dtype = np.float32 if np.asarray(inputs).dtype == np.float32 else np.float64
    window = checks.finite_array(inputs, "inputs", dtype=dtype)
    if window.ndim == 2:
        window = window[:, :, None]  # (n, width, 1)
    if window.ndim != 3:
        raise ValueError(
            f"inputs must have shape (n, width) or (n, width, features), got shape {window.shape}."
        )
    n, width, features = window.shape
    column = checks.integer(
        column,
        "column",
        low=-features,
        high=features - 1,
        about=f"(an index into {features} features)",
    )
    if future is None:
        if features > 1 and horizon > 1:
            raise ValueError(
                f"inputs have {features} features, so the forecast steps need their other "
                f"inputs: pass future of shape ({n}, {horizon - 1}, {features})."
            )
        rows = np.zeros((n, horizon - 1, features), dtype)  # (n, horizon - 1, features)
    else:
        rows = checks.finite_array(future, "future", dtype=dtype)
        rows = rows[:, :, None] if rows.ndim == 2 and features == 1 else rows
        if (
            rows.ndim != 3
            or rows.shape[0] != n
            or rows.shape[1] < horizon - 1
            or rows.shape[2] != features
        ):
            raise ValueError(
                f"future must have shape ({n}, {horizon - 1} or more, {features}) to match inputs "
                f"{window.shape} and horizon={horizon}, got shape {np.shape(future)}."
            )
        rows = rows[:, : horizon - 1].copy()  # (n, horizon - 1, features)
    out = np.empty((n, horizon))
    for step in range(horizon):
        raw = np.asarray(predict_next(window))
        if raw.shape not in ((n,), (n, 1)):
            raise ValueError(
                f"predict_next must return shape ({n},) or ({n}, 1), one value per window, "
                f"got shape {raw.shape} at step {step}."
            )
        out[:, step] = raw.reshape(n)
        if step < horizon - 1:
            new_row = rows[:, step]  # (n, features): the known inputs of that step
            new_row[:, column] = out[:, step]  # ...and the forecast itself
            window = np.concatenate([window[:, 1:], new_row[:, None]], axis=1)  # (n, width, f)
    return out


def _pair(y_true, y_pred):
    note = "A NaN forecast usually comes from a diverged model or NaN inputs."
    a, b = checks.finite_array(y_true, "y_true"), checks.finite_array(y_pred, "y_pred", note=note)
    if a.shape != b.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {a.shape} and {b.shape}."
        )
    if a.size == 0:
        raise ValueError("y_true and y_pred are empty; pass at least one forecast.")
    return a, b


def mae(y_true, y_pred):
    """Mean absolute error, in the units of the data.

    Example:
        >>> mae([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])
        1.0
    """
    a, b = _pair(y_true, y_pred)
    return float(np.mean(np.abs(a - b)))


def rmse(y_true, y_pred):
    """Root mean squared error, in the units of the data (large errors weigh more than in MAE).

    Example:
        >>> rmse([0.0, 0.0], [3.0, 4.0])  # sqrt((9 + 16) / 2)
        3.5355339059327378
    """
    a, b = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def mase(y_true, y_pred, history, season=1):
    """Mean absolute scaled error (Hyndman and Koehler, 2006).

    The MAE of the forecast divided by the in-sample MAE of the seasonal naive
    forecast on ``history`` (usually the training series): below 1 means the
    forecast errs less than the naive rule did on the training data. Unlike a
    ratio of two test errors, the scale is fixed before the test.

    Args:
        y_true: the true future values.
        y_pred: the forecasts, same shape.
        history: a 1-D training series that sets the scale.
        season: the lag of the naive rule (1: persistence; 48: yesterday
            for half-hourly data).

    Returns:
        A ``float``.

    Example:
        >>> mase([3.0, 4.0], [3.5, 4.5], history=[1.0, 2.0, 3.0])  # 0.5 / 1.0
        0.5
    """
    season = checks.positive_int(season, "season")
    hist = checks.finite_array(history, "history")
    if hist.ndim != 1 or len(hist) <= season:
        raise ValueError(
            f"history must be a 1-D series longer than season={season}, got shape {hist.shape}."
        )
    scale = np.mean(np.abs(hist[season:] - hist[:-season]))
    if scale == 0:
        raise ValueError("history is constant at the seasonal lag, so the MASE scale is zero.")
    return mae(y_true, y_pred) / float(scale)
