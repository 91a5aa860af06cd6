"""Build ``datasets/japanese_vowels/``: nine real speakers saying the vowel /ae/.

Source: the UCI "Japanese Vowels" data set (Mineichi Kudo, Jun Toyama and
Masaru Shimbo; Kudo, Toyama and Shimbo, "Multidimensional curve
classification using passing-through regions", Pattern Recognition Letters
20(11-13), 1999; https://archive.ics.uci.edu/dataset/128), as the two files
``JapaneseVowels_TRAIN.ts`` and ``JapaneseVowels_TEST.ts`` shipped inside the
PyPI package ``sktime`` (``sktime/datasets/data/JapaneseVowels/``). Nine male
speakers each said the two Japanese vowels /a/ and /e/ in succession; each
utterance was analysed into frames of 12 LPC cepstrum coefficients, so an
utterance is a sequence of 7 to 29 frames of 12 numbers. The task: who is
speaking?

Requirements (what this script was run with):

- pip: ``sktime==1.2.0`` (install with ``--no-deps``; only its two ``.ts``
  files are read; the package is located with ``importlib.util.find_spec``,
  never imported), ``numpy`` (2.4.6)
- apt: none

Output:

- ``japanese_vowels.npz``: ``frames`` float32 ``(total frames, 12)``, every
  utterance's frames one after another, and ``offsets`` int64 ``(n + 1,)``:
  utterance ``i`` is ``frames[offsets[i]:offsets[i + 1]]``.
- ``utterances.csv``: ``index, split, speaker, length, source_split,
  source_index`` (``speaker`` 1..9 as in the source; ``source_split`` and
  ``source_index`` locate the line in the original ``.ts`` file).

Splits: the source's own test set (370 utterances, recorded later, 24 to 88
per speaker) stays the test split. Of the 30 training utterances of each
speaker, every sixth (the 6th, 12th, ..., 30th in source order) goes to
validation (45 in all) and the other 25 to train (225). Rows are in split
order (train, validation, test), source order within each.

Run with ``python datasets/prepare/build.py japanese_vowels``.
"""

import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from _files import write_csv, write_npz

OUT = Path(__file__).resolve().parent.parent / "japanese_vowels"
COLUMNS = ["index", "split", "speaker", "length", "source_split", "source_index"]
N_COEFFS = 12
VALIDATION_EVERY = 6  # every sixth training utterance of a speaker validates


def read_ts(path):
    """Parse a multivariate ``.ts`` file: a list of (frames (length, 12) float64, speaker int)."""
    rows, in_data = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dims, label = line.split(":")
        series = [[float(v) for v in dim.split(",")] for dim in dims]
        if len(series) != N_COEFFS or len({len(s) for s in series}) != 1:
            raise ValueError(
                f"{path.name}: a line with {len(series)} dimensions of lengths "
                f"{sorted({len(s) for s in series})}; expected {N_COEFFS} of one length"
            )
        rows.append((np.array(series, dtype=np.float64).T, int(label)))
    return rows


def main():
    spec = find_spec("sktime")
    if spec is None:
        sys.exit("sktime is not installed: pip install --no-deps sktime==1.2.0")
    src = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "JapaneseVowels"
    source = {
        "train": read_ts(src / "JapaneseVowels_TRAIN.ts"),
        "test": read_ts(src / "JapaneseVowels_TEST.ts"),
    }
    assert (len(source["train"]), len(source["test"])) == (270, 370), {
        k: len(v) for k, v in source.items()
    }

    rows, seen = [], {}
    for source_split in ("train", "test"):
        for source_index, (frames, speaker) in enumerate(source[source_split]):
            if source_split == "test":
                split = "test"
            else:
                seen[speaker] = seen.get(speaker, 0) + 1
                split = "validation" if seen[speaker] % VALIDATION_EVERY == 0 else "train"
            rows.append(
                {
                    "split": split,
                    "speaker": speaker,
                    "length": len(frames),
                    "frames": frames,
                    "source_split": source_split,
                    "source_index": source_index,
                }
            )
    order = {"train": 0, "validation": 1, "test": 2}
    rows.sort(
        key=lambda r: (order[r["split"]], r["source_split"], r["source_index"])
    )  # stable, source order
    for i, row in enumerate(rows):
        row["index"] = i

    frames = np.concatenate([r["frames"] for r in rows]).astype(np.float32)  # (total, 12)
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([r["length"] for r in rows])
    OUT.mkdir(parents=True, exist_ok=True)
    write_npz(OUT / "japanese_vowels.npz", {"frames": frames, "offsets": offsets})
    write_csv(OUT / "utterances.csv", rows, COLUMNS)
    counts = {s: sum(r["split"] == s for r in rows) for s in order}
    lengths = [r["length"] for r in rows]
    print(
        f"japanese_vowels: {counts}, lengths {min(lengths)}..{max(lengths)}, {len(frames)} frames"
    )


if __name__ == "__main__":
    main()
