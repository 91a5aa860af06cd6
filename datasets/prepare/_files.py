"""Deterministic file writers shared by the prepare scripts.

Not a data set itself (``build.py`` skips names that start with ``_``). The
bytes each writer produces depend only on the data: fixed member names, order
and dates in ``.npz`` files, ``\\n`` line ends in CSV files.
"""

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["write_csv", "write_npz"]


def write_npz(path, arrays):
    """Write an ``.npz`` whose bytes depend only on the arrays (fixed names, order, dates)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w") as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def write_csv(path, rows, columns):
    """Write dict ``rows`` as UTF-8 CSV with the given column order and ``\\n`` line ends."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row[c] for c in columns})
