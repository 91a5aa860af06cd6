"""Build ``datasets/sentence_pairs/``: short German-English example sentences.

Source: the Debian package ``trans-de-en`` (1.9-6), the Ding German-English
dictionary by Frank Richter, TU Chemnitz (https://dict.tu-chemnitz.de/),
licensed GPL-2.0-or-later (see /usr/share/doc/trans-de-en/copyright). Besides
word entries the dictionary holds example sentences with their translations.

Requirements (what this script was run with):

- apt: ``trans-de-en`` 1.9-6 (reads ``/usr/share/trans/de-en``, dictionary
  version "devel 2023-01-30")
- pip: none (Python standard library only)

How the pairs are found. Each dictionary line reads ``GERMAN :: ENGLISH``; both
sides hold the same number of sub-entries separated by `` | ``, aligned one to
one. A pair of aligned sub-entries is kept when

- both sides are a sentence: capital first letter, ending in ``.``, ``?`` or
  ``!``, with at least 3 words on the German side;
- where a side lists alternatives (``Halt dich ran!; Mach schnell!``) only the
  first is kept;
- neither side holds dictionary notation: ``/`` (alternative words), ``(...)``
  (optional words), ``[...]``, ``{...}``, ``<...>``, ``~``, ``…`` or ``...``
  (an unfinished sentence), ``=``;
- both sides have 1 to 15 words (``MAX_WORDS``).

Typographic quotes, apostrophes and dashes become ASCII (``’`` to ``'``,
``„“”`` to ``"``, ``–`` to ``-``); German letters (ä, ö, ü, ß) stay. A pair is
kept once. Pairs that share a German or an English sentence (compared in lower
case without the final punctuation) form one group, and a whole group goes to
one split, chosen by the SHA-256 of its first sentence: about 80% train, 10%
validation, 10% test. So no sentence occurs in two splits.

Output: ``datasets/sentence_pairs/pairs.csv`` (UTF-8) with columns ``de``,
``en``, ``split``, sorted by split then by German sentence.

Run with ``python datasets/prepare/build.py sentence_pairs``.
"""

import csv
import hashlib
import re
import sys
from pathlib import Path

SOURCE = Path("/usr/share/trans/de-en")
OUT = Path(__file__).resolve().parent.parent / "sentence_pairs"
MAX_WORDS = 15

ASCII_PUNCT = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201a": "'",
    "\u201e": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u00bb": '"',
    "\u00ab": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
}
SENTENCE_END = re.compile(r"[.?!]$")
NOTATION = re.compile(r"[/()\[\]{}<>~=\u2026]|\.\.\.")
ALTERNATIVE = re.compile(r"(?<=[.?!]);\s+")


def normalise(text):
    for src, dst in ASCII_PUNCT.items():
        text = text.replace(src, dst)
    return re.sub(r"\s+", " ", text).strip()


def first_alternative(text):
    return ALTERNATIVE.split(text, maxsplit=1)[0].strip()


def is_sentence(text, min_words):
    words = text.split()
    return (
        min_words <= len(words) <= MAX_WORDS
        and text[:1].isupper()
        and SENTENCE_END.search(text) is not None
        and NOTATION.search(text) is None
        and ";" not in text
    )


def key(text):
    return re.sub(r"[.?!]+$", "", text.lower()).strip()


def split_of(text):
    frac = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) / 16**8
    return "test" if frac < 0.1 else "validation" if frac < 0.2 else "train"


def main():
    if not SOURCE.is_file():
        sys.exit(f"{SOURCE} not found: apt-get install trans-de-en")
    pairs, seen = [], set()
    with open(SOURCE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or " :: " not in line:
                continue
            de_side, en_side = line.rstrip("\n").split(" :: ", 1)
            de_parts, en_parts = de_side.split(" | "), en_side.split(" | ")
            if len(de_parts) != len(en_parts):
                continue
            for de, en in zip(de_parts, en_parts, strict=True):
                de, en = normalise(first_alternative(de)), normalise(first_alternative(en))
                if is_sentence(de, 3) and is_sentence(en, 1) and (de, en) not in seen:
                    seen.add((de, en))
                    pairs.append((de, en))

    # Group pairs that share a sentence on either side (union-find on keys).
    parent = {}

    def find(k):
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for de, en in pairs:
        a, b = find("de:" + key(de)), find("en:" + key(en))
        if a != b:
            parent[max(a, b)] = min(a, b)
    rows = [(de, en, split_of(find("de:" + key(de)))) for de, en in pairs]
    order = {"train": 0, "validation": 1, "test": 2}
    rows.sort(key=lambda r: (order[r[2]], r[0], r[1]))

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "pairs.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["de", "en", "split"])
        writer.writerows(rows)
    counts = {s: sum(r[2] == s for r in rows) for s in order}
    print(f"sentence_pairs: {len(rows)} pairs; " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
