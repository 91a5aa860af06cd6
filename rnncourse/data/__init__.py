"""The course's offline data sets: integrity checks and one loader per data set.

Every loader checks its files against ``datasets/MANIFEST.json`` before use and
never touches the network; downloads of larger public sets (TFDS) are opt-in,
in :mod:`rnncourse.data.tfds`.

Loaders: :func:`load_shakespeare`, :func:`load_reviews`,
:func:`load_number_translation`, :func:`load_sentence_pairs`,
:func:`load_series` (with :func:`list_series`), :func:`load_spoken_digits`,
:func:`load_fsdd` (with :func:`fsdd_speakers` and
:func:`compose_spoken_strings`), :func:`load_japanese_vowels`,
:func:`load_shapes_captions`,
:func:`load_emoji_captions`, :func:`load_handwritten_digits` (with
:func:`compose_digit_strings`). Helpers: :class:`Vocabulary`,
:func:`pad_sequences`, :func:`make_windows`, :func:`log_mel`,
:func:`add_noise`. Integrity: :func:`verify`.
"""

from rnncourse.data._store import DataFileError, data_path, datasets_root, verify
from rnncourse.data.audio import (
    FSDD_SPEAKERS,
    DigitStrings,
    JapaneseVowels,
    SpokenDigits,
    add_noise,
    compose_spoken_strings,
    fsdd_speakers,
    load_fsdd,
    load_japanese_vowels,
    load_speech_voices,
    load_spoken_digits,
    log_mel,
    pad_waveforms,
)
from rnncourse.data.images import (
    CaptionedEmoji,
    CaptionedShapes,
    DigitStringImages,
    HandwrittenDigits,
    compose_digit_strings,
    load_emoji_captions,
    load_handwritten_digits,
    load_shapes_captions,
)
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
    "CaptionedEmoji",
    "CaptionedShapes",
    "DataFileError",
    "DigitStringImages",
    "DigitStrings",
    "HandwrittenDigits",
    "JapaneseVowels",
    "SpokenDigits",
    "add_noise",
    "FSDD_SPEAKERS",
    "compose_digit_strings",
    "compose_spoken_strings",
    "fsdd_speakers",
    "load_fsdd",
    "load_japanese_vowels",
    "load_emoji_captions",
    "load_handwritten_digits",
    "load_shapes_captions",
    "load_speech_voices",
    "load_spoken_digits",
    "log_mel",
    "pad_waveforms",
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
