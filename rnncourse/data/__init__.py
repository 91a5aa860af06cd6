"""The course's offline data sets: integrity checks and one loader per data set.

Every loader checks its files against ``datasets/MANIFEST.json`` before use and
never touches the network; downloads of larger public sets (TFDS) are opt-in,
in :mod:`rnncourse.data.tfds`.

Loaders: :func:`load_shakespeare`, :func:`load_reviews`,
:func:`load_number_translation`, :func:`load_sentence_pairs`,
:func:`load_series` (with :func:`list_series`). Helpers: :class:`Vocabulary`,
:func:`pad_sequences`, :func:`make_windows`. Integrity: :func:`verify`.
"""

from rnncourse.data._store import DataFileError, data_path, datasets_root, verify
from rnncourse.data.series import TimeSeries, list_series, load_series, make_windows
from rnncourse.data.text import (
    LabelledTexts,
    NumberPairs,
    SentencePairs,
    Vocabulary,
    load_number_translation,
    load_reviews,
    load_sentence_pairs,
    load_shakespeare,
    load_shakespeare_plays,
    pad_sequences,
    split_words,
)

__all__ = [
    "DataFileError",
    "LabelledTexts",
    "NumberPairs",
    "SentencePairs",
    "TimeSeries",
    "Vocabulary",
    "data_path",
    "datasets_root",
    "list_series",
    "load_number_translation",
    "load_reviews",
    "load_sentence_pairs",
    "load_series",
    "load_shakespeare",
    "load_shakespeare_plays",
    "make_windows",
    "pad_sequences",
    "split_words",
    "verify",
]
