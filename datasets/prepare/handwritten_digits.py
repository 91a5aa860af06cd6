"""Build ``datasets/handwritten_digits/``: 1,797 real handwritten digits, 8x8 pixels.

Source: the test part of the UCI "Optical Recognition of Handwritten Digits"
data set (E. Alpaydin and C. Kaynak, 1998; https://archive.ics.uci.edu/dataset/80),
as the file ``sklearn/datasets/data/digits.csv.gz`` shipped inside the PyPI
package ``scikit-learn``. Digits written by people on forms were scanned,
normalised to 32x32 bitmaps with NIST's programs, and reduced to 8x8 by
counting the "on" pixels in each 4x4 block, so every pixel is an integer
0..16. One row of the CSV is 64 pixels (row by row) and the label.

Requirements (what this script was run with):

- pip: ``scikit-learn==1.9.1`` (install with ``--no-deps``; only its
  ``digits.csv.gz`` is read; the package is located with
  ``importlib.util.find_spec``, never imported), ``numpy`` (2.4.6)
- apt: none

Output:

- ``handwritten_digits.npz``: ``images`` uint8 ``(1797, 8, 8)``, values 0..16,
  rows in the order of ``digits.csv``.
- ``digits.csv``: ``index, split, label, source_index``.

Splits: the source does not say who wrote which digit, so the split is by
sample: a digit goes to test when the first 8 hex digits of the SHA-256 of
``"digit-<source index>"`` fall in the lowest 20% of their range, to
validation in the next 10%, else to train. Rows are in split order (train,
validation, test), source order within each.

Run with ``python datasets/prepare/build.py handwritten_digits``.
"""

import csv
import gzip
import hashlib
import io
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from _files import write_csv, write_npz

OUT = Path(__file__).resolve().parent.parent / "handwritten_digits"
COLUMNS = ["index", "split", "label", "source_index"]


def split_of(source_index):
    frac = int(hashlib.sha256(f"digit-{source_index}".encode()).hexdigest()[:8], 16) / 16**8
    return "test" if frac < 0.2 else "validation" if frac < 0.3 else "train"


def main():
    spec = find_spec("sklearn")
    if spec is None:
        sys.exit("scikit-learn is not installed: pip install --no-deps scikit-learn==1.9.1")
    src = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    table = np.array(
        list(csv.reader(io.StringIO(gzip.decompress(src.read_bytes()).decode("ascii")))),
        dtype=np.int64,
    )
    assert table.shape == (1797, 65), table.shape
    pixels, labels = table[:, :64], table[:, 64]
    assert pixels.min() >= 0 and pixels.max() <= 16 and set(labels.tolist()) == set(range(10))

    order = {"train": 0, "validation": 1, "test": 2}
    rows = [
        {"split": split_of(i), "label": int(labels[i]), "source_index": i}
        for i in range(len(labels))
    ]
    rows.sort(key=lambda r: (order[r["split"]], r["source_index"]))
    for i, row in enumerate(rows):
        row["index"] = i
    images = pixels[[r["source_index"] for r in rows]].reshape(-1, 8, 8).astype(np.uint8)
    OUT.mkdir(parents=True, exist_ok=True)
    write_npz(OUT / "handwritten_digits.npz", {"images": images})
    write_csv(OUT / "digits.csv", rows, COLUMNS)
    counts = {s: sum(r["split"] == s for r in rows) for s in order}
    print(f"handwritten_digits: {counts}")


if __name__ == "__main__":
    main()
