"""Build ``datasets/number_translation/``: English number phrases and their German.

Every whole number from 0 to 9999 is written out in English and in German by
the PyPI package ``num2words`` (LGPL-2.1; the generated phrases are plain
number words, not a copy of the library). German writes a number as one word
and says the units before the tens ("zweiundvierzig" is "two-and-forty"), so a
translation model has to reorder, which makes attention maps worth drawing.

Requirements (what this script was run with):

- pip: ``num2words==0.5.14`` (its dependency ``docopt`` 0.6.2 is unused here)
- apt: none

Output: ``datasets/number_translation/numbers.csv`` (UTF-8), one row per number,
sorted by number, with columns

- ``number``: the integer, 0..9999;
- ``english``: e.g. ``three hundred and forty-two``, as num2words writes it
  (British "and", a comma after "thousand" when hundreds follow);
- ``english_tokens``: the same words split on spaces and hyphens, commas
  dropped: ``three hundred and forty two``;
- ``german``: e.g. ``dreihundertzweiundvierzig`` (with "ß": ``dreißig``);
- ``german_tokens``: the German cut into its number words, space-separated:
  ``drei hundert zwei und vierzig``; joining the tokens without spaces gives
  back ``german`` exactly (checked for every row);
- ``split``: ``train`` (8000 numbers), ``validation`` (1000) or ``test`` (1000).

A number's split is fixed by ranking all numbers by the SHA-256 of their
decimal string: the first 1000 are the test split, the next 1000 validation,
the rest train. Held-out numbers never occur in training, though their words
do (every German token occurs in the training split; checked).

Run with ``python datasets/prepare/build.py number_translation``.
"""

import csv
import hashlib
import re
from pathlib import Path

from num2words import num2words

OUT = Path(__file__).resolve().parent.parent / "number_translation"
LIMIT = 10_000
N_TEST = N_VALIDATION = 1000

# The German number words, longest first so "sechzehn" wins over "sechs".
GERMAN_UNITS = sorted(
    [
        "null",
        "eins",
        "ein",
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
        "dreizehn",
        "vierzehn",
        "fünfzehn",
        "sechzehn",
        "siebzehn",
        "achtzehn",
        "neunzehn",
        "zwanzig",
        "dreißig",
        "vierzig",
        "fünfzig",
        "sechzig",
        "siebzig",
        "achtzig",
        "neunzig",
        "hundert",
        "tausend",
        "und",
    ],
    key=lambda w: (-len(w), w),
)
GERMAN_TOKEN = re.compile("|".join(GERMAN_UNITS))


def german_tokens(word):
    tokens = GERMAN_TOKEN.findall(word)
    if "".join(tokens) != word:
        raise ValueError(f"could not cut {word!r} into number words: {tokens}")
    return tokens


def english_tokens(phrase):
    return phrase.replace(",", "").replace("-", " ").split()


def main():
    ranked = sorted(range(LIMIT), key=lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    split = {n: "test" for n in ranked[:N_TEST]}
    split.update({n: "validation" for n in ranked[N_TEST : N_TEST + N_VALIDATION]})
    rows = []
    for n in range(LIMIT):
        en, de = num2words(n, lang="en"), num2words(n, lang="de")
        rows.append(
            [
                n,
                en,
                " ".join(english_tokens(en)),
                de,
                " ".join(german_tokens(de)),
                split.get(n, "train"),
            ]
        )

    train_vocab = {t for r in rows if r[5] == "train" for t in r[4].split() + r[2].split()}
    unseen = {t for r in rows for t in r[4].split() + r[2].split()} - train_vocab
    assert not unseen, f"tokens missing from the training split: {unseen}"

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "numbers.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["number", "english", "english_tokens", "german", "german_tokens", "split"])
        writer.writerows(rows)
    longest_en = max(len(r[2].split()) for r in rows)
    longest_de = max(len(r[4].split()) for r in rows)
    print(
        f"number_translation: {len(rows)} numbers; splits "
        f"{sum(r[5] == 'train' for r in rows)}/{N_VALIDATION}/{N_TEST}; "
        f"longest: {longest_en} English tokens, {longest_de} German tokens"
    )


if __name__ == "__main__":
    main()
