"""Real time series with leakage-safe splits, and windowing for forecasting.

Three series ship with the course in ``datasets/series/`` (see its
``DATASHEET.md``); :func:`list_series` names them:

- ``"electricity"``: half-hourly electricity demand of Victoria (Australia) in
  2014, with temperature and a work-day flag (17,520 rows).
- ``"sp500"``: the daily S&P 500 index, 1950 to 2018 (17,346 trading days).
- ``"weather"``: daily weather in Seattle, 2012 to 2015 (1,461 days).

:func:`load_series` returns a :class:`TimeSeries`: one pandas DataFrame per
split, cut at fixed dates so that every training row comes before every
validation row, which comes before every test row, and the mean and standard
deviation of the *training* rows only, used to normalise all three splits (so
nothing about the validation or test period leaks into training).
:func:`make_windows` cuts an array into (input window, following values)
pairs; window each split on its own.
"""

import dataclasses

import numpy as np
import pandas as pd

from rnncourse import checks
from rnncourse.checks import SPLITS
from rnncourse.data._store import data_path

__all__ = ["SPLITS", "TimeSeries", "list_series", "load_series", "make_windows"]


@dataclasses.dataclass(frozen=True)
class _Spec:
    file: str
    time_column: str
    frequency: str
    target: str
    description: str


_SERIES = {
    "electricity": _Spec(
        "series/electricity.csv",
        "time",
        "30min",
        "demand_gw",
        "Half-hourly electricity demand of Victoria, Australia, in 2014 (GW), with Melbourne "
        "temperature (deg C) and a work-day flag. Train Jan-Aug, validation Sep-Oct, test Nov-Dec.",
    ),
    "sp500": _Spec(
        "series/sp500.csv",
        "date",
        "B",
        "close",
        "Daily S&P 500 index (open, high, low, close, volume) on trading days, 1950-01-03 to "
        "2018-12-07. Train 1950-2009, validation 2010-2014, test 2015-2018.",
    ),
    "weather": _Spec(
        "series/weather.csv",
        "date",
        "D",
        "temp_max_c",
        "Daily weather in Seattle, 2012-2015: precipitation (mm), max and min temperature "
        "(deg C), wind (m/s) and a weather label. Train 2012-2013, validation 2014, test 2015.",
    ),
}


def list_series():
    """Return the names :func:`load_series` accepts.

    Returns:
        A sorted list of ``str``: ``['electricity', 'sp500', 'weather']``.
    """
    return sorted(_SERIES)


@dataclasses.dataclass(frozen=True, eq=False)
class TimeSeries:
    """One time series, split by time, with training-set normalisation.

    Attributes:
        name: the series' name, e.g. ``"electricity"``.
        description: what it measures, its units and where the splits are cut.
        time_column: the name of the time index (``"time"`` or ``"date"``).
        frequency: the pandas frequency of the rows (``"30min"``, ``"D"``,
            ``"B"`` trading days, with market holidays missing).
        target: the column a forecast usually predicts (``"demand_gw"``,
            ``"close"``, ``"temp_max_c"``).
        columns: the numeric columns, in file order.
        train, validation, test: ``pandas.DataFrame`` with a sorted
            ``DatetimeIndex`` named ``time_column`` and the columns of the
            CSV file (numeric columns as ``float64``, except integer flags
            and volumes as ``int64``; ``weather`` also has a ``str`` column).
        mean, std: ``pandas.Series`` indexed by ``columns``: the mean and
            the standard deviation (``ddof=0``) of the training rows only.

    Example:
        >>> data = load_series("electricity")
        >>> data.train.shape, data.validation.shape, data.test.shape
        ((11664, 3), (2928, 3), (2928, 3))
        >>> x = data.arrays(["demand_gw", "temperature_c"])["train"]  # (11664, 2), normalised
        >>> demand = data.denormalise(x[:, 0], "demand_gw")  # (11664,), back in GW
    """

    name: str
    description: str
    time_column: str
    frequency: str
    target: str
    columns: tuple
    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    mean: pd.Series
    std: pd.Series

    def __repr__(self):
        sizes = ", ".join(f"{s}={len(self.split(s))}" for s in SPLITS)
        return f"TimeSeries(name={self.name!r}, columns={list(self.columns)}, {sizes})"

    def split(self, name):
        """Return the DataFrame of one split: ``"train"``, ``"validation"`` or ``"test"``."""
        return getattr(self, checks.choice(name, "name", SPLITS))

    def _columns(self, columns):
        if columns is None:
            return list(self.columns)
        names = [columns] if isinstance(columns, str) else list(columns)
        unknown = [c for c in names if c not in self.columns]
        if unknown:
            raise ValueError(
                f"columns {unknown} are not numeric columns of {self.name!r}; choose from {list(self.columns)}."
            )
        return names

    def _scale(self, values, columns, inverse):
        if isinstance(values, pd.DataFrame):
            out = values.copy()
            for col in self._columns(
                columns if columns is not None else [c for c in values.columns if c in self.columns]
            ):
                mean, std = self.mean[col], self.std[col]
                out[col] = out[col] * std + mean if inverse else (out[col] - mean) / std
            return out
        if isinstance(values, pd.Series) and columns is None:
            columns = values.name
        names = self._columns(columns)
        mean = self.mean[names].to_numpy()  # (k,)
        std = self.std[names].to_numpy()  # (k,)
        if isinstance(columns, str):
            mean, std = mean[0], std[0]  # scalars: any shape of values works
        else:
            arr = np.asarray(values)
            if arr.ndim == 0 or arr.shape[-1] != len(names):
                raise ValueError(
                    f"values must have a last axis of {len(names)} (one per column {names}), "
                    f"got shape {arr.shape}. Pass columns='name' for values of one column."
                )
        if inverse:
            return values * std + mean
        return (values - mean) / std

    def normalise(self, values, columns=None):
        """Scale values with the training mean and standard deviation: ``(x - mean) / std``.

        Args:
            values: a DataFrame (its numeric columns are scaled, others kept),
                a Series (scaled by its name's statistics), or an array whose
                last axis holds ``columns``.
            columns: for arrays, the column names along the last axis
                (default: all of :attr:`columns`), or one name (``str``) to
                scale an array of any shape holding that column.

        Returns:
            The scaled values, of the same type and shape.
        """
        return self._scale(values, columns, inverse=False)

    def denormalise(self, values, columns=None):
        """Undo :meth:`normalise`: ``x * std + mean`` (same arguments)."""
        return self._scale(values, columns, inverse=True)

    def arrays(self, columns=None, normalised=True, dtype="float32"):
        """Return each split as a NumPy array, ready for :func:`make_windows`.

        Args:
            columns: the numeric columns to take, in this order (default all
                of :attr:`columns`), or one name for a 1-D array.
            normalised: scale with the training statistics (default ``True``).
            dtype: the array dtype.

        Returns:
            ``{"train": array, "validation": array, "test": array}``, each of
            shape ``(rows, len(columns))``, or ``(rows,)`` for one column name.
        """
        names = self._columns(columns)
        out = {}
        for split in SPLITS:
            frame = self.split(split)[names].astype("float64")
            if normalised:
                frame = self.normalise(frame)
            arr = frame.to_numpy(dtype=dtype)  # (rows, k)
            out[split] = arr[:, 0] if isinstance(columns, str) else arr
        return out


def load_series(name):
    """Load one of the course's time series, split by time.

    Args:
        name: one of :func:`list_series`: ``"electricity"``, ``"sp500"``
            or ``"weather"``.

    Returns:
        A :class:`TimeSeries` with ``train``, ``validation`` and ``test``
        DataFrames (chronological, cut at fixed dates) and the training
        ``mean`` and ``std``.

    Raises:
        ValueError: ``name`` is not a known series (the message lists them).

    Example:
        >>> data = load_series("weather")
        >>> data.train.index[-1] < data.validation.index[0] < data.test.index[0]
        True
        >>> round(float(data.mean["temp_max_c"]), 1)  # training years only
        15.7
    """
    if name not in _SERIES:
        raise ValueError(f"name must be one of {list_series()}, got {name!r}.")
    spec = _SERIES[name]
    path = data_path(spec.file)
    frame = pd.read_csv(path, keep_default_na=False)
    frame[spec.time_column] = pd.to_datetime(frame[spec.time_column], format="ISO8601")
    frame = frame.set_index(spec.time_column)
    if not frame.index.is_monotonic_increasing or not frame.index.is_unique:
        raise ValueError(f"{spec.file}: the {spec.time_column} column is not strictly increasing.")
    splits = {s: frame[frame["split"] == s].drop(columns="split") for s in SPLITS}
    if sum(len(f) for f in splits.values()) != len(frame):
        raise ValueError(f"{spec.file}: the split column holds values other than {SPLITS}.")
    for early, late in zip(SPLITS, SPLITS[1:], strict=False):
        if splits[early].index.max() >= splits[late].index.min():
            raise ValueError(f"{spec.file}: {early} rows do not all come before {late} rows.")
    columns = tuple(
        c for c in splits["train"].columns if pd.api.types.is_numeric_dtype(splits["train"][c])
    )
    train = splits["train"][list(columns)].astype("float64")
    std = train.std(ddof=0)
    return TimeSeries(
        name=name,
        description=spec.description,
        time_column=spec.time_column,
        frequency=spec.frequency,
        target=spec.target,
        columns=columns,
        train=splits["train"],
        validation=splits["validation"],
        test=splits["test"],
        mean=train.mean(),
        std=std.where(std > 0, 1.0),
    )


def make_windows(array, input_width, horizon=1, stride=1, target_column=None):
    """Cut a series into input windows and the values that follow them.

    Window ``i`` starts at row ``s = i * stride``: its input is rows
    ``s .. s + input_width - 1`` and its target the next ``horizon`` rows,
    ``s + input_width .. s + input_width + horizon - 1``. Window each split on
    its own, so no window straddles two splits.

    Args:
        array: shape ``(time,)`` or ``(time, features)``.
        input_width: how many steps each input window holds.
        horizon: how many following steps to predict.
        stride: the step between window starts.
        target_column: for 2-D arrays, the index of the feature to predict
            (targets then have shape ``(n, horizon)``), or ``None`` for all
            features (``(n, horizon, features)``).

    Returns:
        ``(inputs, targets)``: ``inputs`` of shape ``(n, input_width, features)``
        (``features`` is 1 for a 1-D array), ``targets`` of shape
        ``(n, horizon)`` for a 1-D array or a ``target_column``, else
        ``(n, horizon, features)``; ``n = (time - input_width - horizon) // stride + 1``.

    Raises:
        ValueError: a bad argument, or a series too short for one window.

    Example:
        >>> inputs, targets = make_windows(np.arange(10.0), input_width=3, horizon=2)
        >>> inputs.shape, targets.shape  # (n, input_width, 1), (n, horizon)
        ((6, 3, 1), (6, 2))
        >>> inputs[0, :, 0].tolist(), targets[0].tolist()
        ([0.0, 1.0, 2.0], [3.0, 4.0])
    """
    arr = np.asarray(array)
    input_width = checks.positive_int(input_width, "input_width")
    horizon = checks.positive_int(horizon, "horizon")
    stride = checks.positive_int(stride, "stride")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"array must have shape (time,) or (time, features), got shape {arr.shape}."
        )
    one_d = arr.ndim == 1
    if one_d:
        arr = arr[:, None]  # (time, 1)
        if target_column not in (None, 0):
            raise ValueError(f"target_column must be None for a 1-D array, got {target_column!r}.")
        target_column = 0
    elif target_column is not None:
        target_column = checks.integer(
            target_column,
            "target_column",
            low=-arr.shape[1],
            high=arr.shape[1] - 1,
            about=f"(an index into {arr.shape[1]} features) or None",
        )
    span = input_width + horizon
    if arr.shape[0] < span:
        raise ValueError(
            f"array has {arr.shape[0]} steps, fewer than input_width + horizon = {span}; "
            "use a longer series or smaller windows."
        )
    windows = np.lib.stride_tricks.sliding_window_view(arr, span, axis=0)[
        ::stride
    ]  # (n, features, span)
    windows = np.moveaxis(windows, -1, 1)  # (n, span, features)
    inputs = np.ascontiguousarray(windows[:, :input_width])  # (n, input_width, features)
    targets = windows[:, input_width:]  # (n, horizon, features)
    if target_column is not None:
        targets = targets[:, :, target_column]  # (n, horizon)
    return inputs, np.ascontiguousarray(targets)
