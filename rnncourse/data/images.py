"""Small captioned image sets for one-to-many models (image in, caption out).

Both sets are made by the course and shipped in ``datasets/`` (see each
``DATASHEET.md``); every loader checks its files against
``datasets/MANIFEST.json`` first (see :func:`rnncourse.data.data_path`) and
never touches the network.

Loaders:

- :func:`load_shapes_captions`: 32x32 scenes of one or two coloured shapes
  with a caption from a fixed grammar, and a test split that holds colour+shape
  pairs never seen in training (compositional generalisation).
- :func:`load_emoji_captions`: 32x32 renderings of 1,459 emoji captioned with
  their names; test emoji never appear in training.
- :func:`load_handwritten_digits`: 1,797 real handwritten digits, 8x8 pixels
  (UCI, Alpaydin and Kaynak, 1998; CC BY 4.0), and
  :func:`compose_digit_strings`, which lines them up into images of written
  numbers ("four two seven") to read, with where each digit was put.
"""

import csv
import gzip
from typing import NamedTuple

import numpy as np

from rnncourse import checks
from rnncourse.checks import SPLITS
from rnncourse.data._store import data_path

__all__ = [
    "COLOURS",
    "HELD_OUT_PAIRS",
    "SHAPES",
    "SIZES",
    "SPLITS",
    "CaptionedEmoji",
    "CaptionedShapes",
    "DigitStringImages",
    "HandwrittenDigits",
    "compose_digit_strings",
    "load_emoji_captions",
    "load_handwritten_digits",
    "load_shapes_captions",
]

#: Attribute values in ``shapes_captions`` (the words its captions use).
COLOURS = ("red", "green", "blue", "yellow", "purple")
SHAPES = ("circle", "square", "triangle", "diamond")
SIZES = ("small", "big")
#: Colour+shape pairs absent from train and validation; they occur only in test.
HELD_OUT_PAIRS = (
    ("red", "triangle"),
    ("green", "circle"),
    ("blue", "diamond"),
    ("yellow", "square"),
)

_SHAPE_INT = ("x1", "y1", "x2", "y2", "n_shapes")
_SHAPE_STR = ("relation", "size1", "colour1", "shape1", "size2", "colour2", "shape2")


class CaptionedShapes(NamedTuple):
    """Shape scenes of one split with their captions (fields aligned by position).

    Attributes:
        images: ``uint8`` array ``(n, 32, 32, 3)``, RGB, black background.
        captions: list of ``str``, e.g. ``"a small red circle left of a big
            green triangle"`` (left or upper shape named first).
        heldout: ``bool`` array ``(n,)``: the scene has a colour+shape pair from
            :data:`HELD_OUT_PAIRS` (only ever true in test).
        attributes: dict of aligned per-scene columns: ``"n_shapes"`` (``int64``
            array, 1 or 2), ``"relation"`` (list of ``"left of"``, ``"above"``
            or ``""`` for one shape), ``"size1"``, ``"colour1"``, ``"shape1"``
            (lists of ``str``, the shape named first), ``"x1"``, ``"y1"``
            (``int64`` arrays, its centre in pixels from the top-left), and the
            same with ``2`` for the second shape (``""`` and -1 when absent).
    """

    images: np.ndarray
    captions: list
    heldout: np.ndarray
    attributes: dict


class CaptionedEmoji(NamedTuple):
    """Emoji of one split with their names as captions (fields aligned by position).

    Attributes:
        images: ``uint8`` array ``(n, 32, 32, 3)``, RGB, white background.
        captions: list of ``str``: the name in lower-case ASCII words,
            e.g. ``"grinning face"``, ``"woman's hat"``.
        emoji: list of ``str``, the emoji itself (print it to see it).
        names: list of ``str``, the name as the ``emoji`` package spells it,
            e.g. ``":woman’s_hat:"``.
    """

    images: np.ndarray
    captions: list
    emoji: list
    names: list


class HandwrittenDigits(NamedTuple):
    """Real handwritten digits of one split (fields aligned by position).

    Attributes:
        images: ``uint8`` array ``(n, 8, 8)``, ink counts 0..16 (0 is paper).
        labels: ``int64`` array ``(n,)``, the digit 0..9.
    """

    images: np.ndarray
    labels: np.ndarray


class DigitStringImages(NamedTuple):
    """Written numbers made of real handwritten digits (fields aligned by position).

    Attributes:
        images: ``float32`` array ``(n, 8, width)`` in [0, 1] (ink / 16), the
            digits side by side on blank paper.
        texts: list of ``str``, the caption, e.g. ``"four two seven"``.
        labels: ``int64`` array ``(n, max_digits)``, the digits, padded with -1.
        lengths: ``int64`` array ``(n,)``, digits in each number.
        starts: ``int64`` array ``(n, max_digits)``, the first column of each
            digit (each is 8 columns wide), -1 after the last digit.
    """

    images: np.ndarray
    texts: list
    labels: np.ndarray
    lengths: np.ndarray
    starts: np.ndarray


#: The word for each digit, as used in the captions of :func:`compose_digit_strings`.
DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _read(name, npz_name, csv_name):
    npz_path = data_path(f"{name}/{npz_name}")
    csv_path = data_path(f"{name}/{csv_name}")
    opener = gzip.open if csv_name.endswith(".gz") else open
    with opener(csv_path, "rt", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with np.load(npz_path, allow_pickle=False) as npz:
        images = npz["images"]
    if len(images) != len(rows):
        raise ValueError(
            f"{name}: {len(rows)} rows in {csv_name} but {len(images)} images; "
            f"rebuild with `python datasets/prepare/build.py {name}`."
        )
    return images, rows


def load_shapes_captions(split=None):
    """Return captioned scenes of coloured shapes, with held-out combinations in test.

    6,500 scenes of 32x32 pixels, each one shape (30%) or two shapes side by
    side or one above the other, with a caption that the image determines:
    ``"a big blue square"``, ``"a small red circle left of a big green
    triangle"``, ``"a big yellow diamond above a small purple circle"``. Four
    shapes, five colours, two sizes; the vocabulary is 15 words.

    Splits (fixed): train 5,000, validation 500, test 1,000. The colour+shape
    pairs in :data:`HELD_OUT_PAIRS` never occur in train or validation; half of
    test (500 scenes, ``heldout`` true) has at least one of them, the other
    half only pairs seen in training, so a model's score on the two halves
    measures compositional generalisation.

    Args:
        split: ``"train"``, ``"validation"``, ``"test"`` or ``None`` for all three.

    Returns:
        ``{"train": CaptionedShapes, "validation": ..., "test": ...}`` (or one
        :class:`CaptionedShapes` when ``split`` is given): named tuples
        ``(images, captions, heldout, attributes)``.

    Example:
        >>> test = load_shapes_captions("test")
        >>> test.images.shape, int(test.heldout.sum())
        ((1000, 32, 32, 3), 500)
    """
    checks.split(split)
    images, rows = _read("shapes_captions", "shapes_captions.npz", "scenes.csv.gz")
    out = {}
    for name in SPLITS:
        idx = np.array([i for i, r in enumerate(rows) if r["split"] == name], dtype=np.int64)
        attributes = {}
        for col in _SHAPE_INT:
            attributes[col] = np.array([int(rows[i][col] or -1) for i in idx], dtype=np.int64)
        for col in _SHAPE_STR:
            attributes[col] = [rows[i][col] for i in idx]
        out[name] = CaptionedShapes(
            images=images[idx],
            captions=[rows[i]["caption"] for i in idx],
            heldout=np.array([rows[i]["heldout"] == "1" for i in idx], dtype=bool),
            attributes=attributes,
        )
    return out if split is None else out[split]


def load_emoji_captions(split=None):
    """Return 32x32 emoji images captioned with their names.

    1,459 emoji (Noto Color Emoji glyphs, downscaled) whose English names have
    at most three words: ``"grinning face"``, ``"teddy bear"``, ``"face with
    monocle"``. No skin-tone variants, flags or keycaps. Split by name (fixed,
    about 80/10/10): train 1,163, validation 147, test 149; a test emoji is
    never in training, so its exact caption is often unreachable and word-level
    scores (``"face"``, ``"heart"``, colours) are the fair measure.

    Args:
        split: ``"train"``, ``"validation"``, ``"test"`` or ``None`` for all three.

    Returns:
        ``{"train": CaptionedEmoji, "validation": ..., "test": ...}`` (or one
        :class:`CaptionedEmoji` when ``split`` is given): named tuples
        ``(images, captions, emoji, names)``, sorted by caption within a split.

    Example:
        >>> train = load_emoji_captions("train")
        >>> train.images.shape, train.captions[0]
        ((1163, 32, 32, 3), '1st place medal')
    """
    checks.split(split)
    images, rows = _read("emoji_captions", "emoji_captions.npz", "emoji.csv")
    out = {}
    for name in SPLITS:
        idx = np.array([i for i, r in enumerate(rows) if r["split"] == name], dtype=np.int64)
        out[name] = CaptionedEmoji(
            images=images[idx],
            captions=[rows[i]["caption"] for i in idx],
            emoji=["".join(chr(int(cp, 16)) for cp in rows[i]["codepoints"].split()) for i in idx],
            names=[rows[i]["name"] for i in idx],
        )
    return out if split is None else out[split]


def load_handwritten_digits(split=None):
    """Return real handwritten digits, 8x8 pixels with ink counts 0..16.

    1,797 digits written by people on forms (the test part of the UCI "Optical
    Recognition of Handwritten Digits" set, Alpaydin and Kaynak, 1998; CC BY
    4.0): each 32x32 bitmap was reduced to 8x8 by counting the ink pixels in
    every 4x4 block. Split by sample (the writers are not identified, so
    splits share writers): train 1,269, validation 186, test 342. See
    ``datasets/handwritten_digits/DATASHEET.md``.

    Args:
        split: ``"train"``, ``"validation"``, ``"test"`` or ``None`` for all three.

    Returns:
        ``{"train": HandwrittenDigits, "validation": ..., "test": ...}`` (or one
        :class:`HandwrittenDigits` when ``split`` is given): named tuples
        ``(images, labels)``.

    Example:
        >>> train = load_handwritten_digits("train")
        >>> train.images.shape, int(train.images.max()), train.labels[:5].tolist()
        ((1269, 8, 8), 16, [0, 1, 3, 4, 6])
    """
    checks.split(split)
    images, rows = _read("handwritten_digits", "handwritten_digits.npz", "digits.csv")
    out = {}
    for name in SPLITS:
        idx = np.array([i for i, r in enumerate(rows) if r["split"] == name], dtype=np.int64)
        labels = np.array([int(rows[i]["label"]) for i in idx], dtype=np.int64)
        out[name] = HandwrittenDigits(images=images[idx], labels=labels)
    return out if split is None else out[split]


def compose_digit_strings(digits, n, seed=0, min_digits=3, max_digits=5, max_gap=2, width=None):
    """Line up handwritten digits into images of written numbers, with their captions.

    Each number has a length drawn uniformly from ``min_digits..max_digits``;
    each of its digits is a random image from ``digits`` (so a digit image can
    appear in several numbers, but never in two splits when each split is
    composed from its own :func:`load_handwritten_digits` part). The digits
    are placed left to right, 8 columns each, after a random margin of
    0..``max_gap`` blank columns at the start and between neighbours, so the
    position of the k-th digit varies from image to image.

    Args:
        digits: a :class:`HandwrittenDigits` (or any ``(images, labels)`` pair
            with images ``(m, 8, 8)``).
        n: how many numbers to make.
        seed: integer seed: the same seed and digits give the same numbers.
        min_digits, max_digits: length range of the numbers.
        max_gap: largest blank margin before a digit, in columns.
        width: image width in columns; default the widest possible number,
            ``max_digits * (8 + max_gap)``.

    Returns:
        A :class:`DigitStringImages` ``(images, texts, labels, lengths, starts)``.

    Example:
        >>> numbers = compose_digit_strings(load_handwritten_digits("test"), n=4, seed=1)
        >>> numbers.images.shape, numbers.texts[0]
        ((4, 8, 50), 'four three eight eight')
    """
    images, labels = np.asarray(digits[0]), np.asarray(digits[1])
    if (
        images.ndim != 3
        or images.shape[1:] != (8, 8)
        or len(images) != len(labels)
        or not len(images)
    ):
        raise ValueError(
            f"digits must be (images (m, 8, 8), labels (m,)) with m >= 1, got images of shape "
            f"{images.shape} and {len(labels)} labels; pass load_handwritten_digits(split)."
        )
    n, seed = checks.non_negative_int(n, "n"), checks.non_negative_int(seed, "seed")
    max_digits = checks.positive_int(max_digits, "max_digits")
    min_digits = checks.integer(
        min_digits, "min_digits", low=1, high=max_digits, about="(max_digits)"
    )
    max_gap = checks.non_negative_int(max_gap, "max_gap", about="(blank columns)")
    widest = max_digits * (8 + max_gap)
    width = checks.integer(
        widest if width is None else width,
        "width",
        low=widest,
        about=f"({max_digits} digits with gaps up to {max_gap} need {widest} columns)",
    )
    rng = np.random.default_rng(seed)
    out = np.zeros((n, 8, width), dtype=np.float32)
    out_labels = np.full((n, max_digits), -1, dtype=np.int64)
    starts = np.full((n, max_digits), -1, dtype=np.int64)
    lengths = rng.integers(min_digits, max_digits + 1, size=n)
    texts = []
    for i, k in enumerate(lengths):
        picks = rng.integers(0, len(images), size=k)
        gaps = rng.integers(0, max_gap + 1, size=k)
        column = 0
        for j, (pick, gap) in enumerate(zip(picks, gaps, strict=True)):
            column += gap
            out[i, :, column : column + 8] = images[pick] / 16.0
            starts[i, j] = column
            out_labels[i, j] = labels[pick]
            column += 8
        texts.append(" ".join(DIGIT_NAMES[d] for d in out_labels[i, :k]))
    return DigitStringImages(
        images=out, texts=texts, labels=out_labels, lengths=lengths.astype(np.int64), starts=starts
    )
