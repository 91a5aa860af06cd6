"""Text and translation data sets, and the helpers to turn text into numbers.

Every loader reads files the course ships in ``datasets/`` (checked against
``datasets/MANIFEST.json`` first by :func:`rnncourse.data.data_path`) and
returns fixed, deterministic train/validation/test splits; none of them
touches the network. Each data set's ``DATASHEET.md`` says where it comes
from, how it was made and what its limits are.

Loaders:

- :func:`load_shakespeare`: the plays as one string per split (split by play).
- :func:`load_shakespeare_plays`: the same text, one record per play.
- :func:`load_reviews`: film-review snippets labelled positive (1) or negative (0).
- :func:`load_number_translation`: numbers 0..9999 in English and German words.
- :func:`load_sentence_pairs`: short German-English example sentences.

Helpers:

- :class:`Vocabulary`: token <-> id maps with reserved pad/unknown/start/end
  ids, built from training text at character or word level.
- :func:`split_words`: the word tokenizer :class:`Vocabulary` uses.
- :func:`pad_sequences`: pad id sequences to one length and return the mask.
"""

import collections
import csv
import gzip
import re
from typing import NamedTuple

import numpy as np

from rnncourse import checks
from rnncourse.checks import SPLITS
from rnncourse.data._store import data_path

__all__ = [
    "SPLITS",
    "LabelledTexts",
    "NumberPairs",
    "SentencePairs",
    "Vocabulary",
    "load_number_translation",
    "load_reviews",
    "load_sentence_pairs",
    "load_shakespeare",
    "load_shakespeare_plays",
    "pad_sequences",
    "split_words",
]


class LabelledTexts(NamedTuple):
    """Texts with one integer label each (unpacks as ``texts, labels = ...``).

    Attributes:
        texts: list of ``str``.
        labels: ``np.ndarray`` of ``int64``, shape ``(len(texts),)``.
    """

    texts: list
    labels: np.ndarray


class NumberPairs(NamedTuple):
    """Numbers written out in English and German words, aligned by position.

    Attributes:
        numbers: ``np.ndarray`` of ``int64``, shape ``(n,)``.
        english: list of ``str``, e.g. ``"three hundred and forty-two"``.
        german: list of ``str``, e.g. ``"dreihundertzweiundvierzig"``.
        german_tokens: list of ``str``, the German cut into number words,
            space-separated: ``"drei hundert zwei und vierzig"``.
        english_tokens: list of ``str``, the English split on spaces and
            hyphens, commas dropped: ``"three hundred and forty two"``.
    """

    numbers: np.ndarray
    english: list
    german: list
    german_tokens: list
    english_tokens: list


class SentencePairs(NamedTuple):
    """German sentences and their English translations (``de, en = ...``).

    Attributes:
        de: list of ``str``.
        en: list of ``str``, ``en[i]`` translates ``de[i]``.
    """

    de: list
    en: list


# --------------------------------------------------------------------------
# Reading the shipped files
# --------------------------------------------------------------------------


def _read_csv(relpath):
    """Rows of a shipped CSV file as dicts of strings (after the hash check)."""
    path = data_path(relpath)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _by_split(rows):
    out = {name: [] for name in SPLITS}
    for row in rows:
        out[row["split"]].append(row)
    return out


def _select(result, split):
    return result if split is None else result[split]


# --------------------------------------------------------------------------
# Shakespeare
# --------------------------------------------------------------------------


def load_shakespeare_plays():
    """Return the 38 plays of Shakespeare, one record per play.

    The text of each play is its speeches, each the speaker's name, a colon,
    a newline, the spoken lines and a blank line (stage directions removed)::

        HAMLET:
        To be, or not to be: that is the question:

    Returns:
        A list of 38 dicts in file order (by genre, then name), each with keys
        ``"play"`` (identifier, e.g. ``"hamlet"``), ``"title"``
        (``"Hamlet"``), ``"genre"`` (``"tragedies"``, ``"comedies"``,
        ``"histories"``, ``"problems"``, ``"roman"`` or ``"romances"``),
        ``"split"`` (``"train"``, ``"validation"`` or ``"test"``) and
        ``"text"`` (``str``).

    Example:
        >>> plays = load_shakespeare_plays()
        >>> [p["title"] for p in plays if p["split"] == "test"]
        ['Twelfth Night', 'Henry V', "A Winter's Tale", 'Macbeth']
    """
    rows = _read_csv("shakespeare/plays.csv")
    with gzip.open(data_path("shakespeare/shakespeare.txt.gz"), "rb") as fh:
        text = fh.read().decode("ascii")
    plays, end = [], 0
    for row in rows:
        start, length = int(row["start"]), int(row["length"])
        if start != end:
            raise ValueError(
                f"shakespeare/plays.csv: play {row['play']!r} starts at {start}, expected {end}."
            )
        end = start + length
        plays.append(
            {
                "play": row["play"],
                "title": row["title"],
                "genre": row["genre"],
                "split": row["split"],
                "text": text[start:end],
            }
        )
    if end != len(text):
        raise ValueError(
            f"shakespeare/plays.csv covers {end} characters; the text has {len(text)}."
        )
    return plays


def load_shakespeare(split=None):
    """Return the plays of Shakespeare as one string per split.

    The split is by whole play, fixed: 30 plays for training (3,845,906
    characters), 4 for validation (Much Ado About Nothing, Julius Caesar,
    Richard II, The Tempest; 445,521 characters) and 4 for testing (Twelfth
    Night, Henry V, A Winter's Tale, Macbeth; 490,580 characters). Each split
    is its plays' texts joined in file order (see :func:`load_shakespeare_plays`
    for the layout). The text is ASCII; the training split uses 69 distinct characters.

    Args:
        split: ``None`` (the default) for all three splits, or one of
            ``"train"``, ``"validation"``, ``"test"`` for just that string.

    Returns:
        ``{"train": str, "validation": str, "test": str}``, or one ``str``
        when ``split`` is given.

    Example:
        >>> text = load_shakespeare()
        >>> print(text["train"][:28])
        THESEUS:
        Now, fair Hippolyta
        >>> vocab = Vocabulary.from_texts([text["train"]], level="char")
        >>> vocab.encode(text["validation"]).shape  # (445521,)
        (445521,)
    """
    checks.split(split)
    parts = {name: [] for name in SPLITS}
    for play in load_shakespeare_plays():
        parts[play["split"]].append(play["text"])
    return _select({name: "".join(texts) for name, texts in parts.items()}, split)


# --------------------------------------------------------------------------
# Review sentiment
# --------------------------------------------------------------------------


def load_reviews(split=None):
    """Return short film-review snippets labelled positive (1) or negative (0).

    12,751 Rotten Tomatoes snippets ("fresh" is 1, "rotten" is 0), split by
    film so that no film has snippets in two splits: train 10,164 (58.9%
    positive, 398 films), validation 1,341 (54.5%), test 1,246 (52.3%).
    Within a split the snippets are ordered by film, so shuffle before
    training on mini-batches.

    Args:
        split: ``None`` (the default) for all three splits, or one of
            ``"train"``, ``"validation"``, ``"test"``.

    Returns:
        ``{"train": LabelledTexts, "validation": ..., "test": ...}`` (or one
        :class:`LabelledTexts` when ``split`` is given): each a named tuple
        ``(texts, labels)`` with ``texts`` a list of ``str`` and ``labels`` an
        ``int64`` array of 0/1, shape ``(len(texts),)``.

    Example:
        >>> texts, labels = load_reviews("train")
        >>> len(texts), labels.shape, labels.dtype.name
        (10164, (10164,), 'int64')
    """
    checks.split(split)
    groups = _by_split(_read_csv("reviews/reviews.csv"))
    result = {
        name: LabelledTexts(
            texts=[r["text"] for r in rows],
            labels=np.array([int(r["label"]) for r in rows], dtype=np.int64),
        )
        for name, rows in groups.items()
    }
    return _select(result, split)


# --------------------------------------------------------------------------
# Translation
# --------------------------------------------------------------------------


def load_number_translation(split=None):
    """Return the numbers 0..9999 written out in English and in German.

    German says the units before the tens ("zweiundvierzig", two-and-forty),
    so a model translating English to German has to reorder: a clear case for
    attention. Splits are by number and fixed: 8,000 train, 1,000 validation,
    1,000 test numbers; a held-out number never occurs in training, but every
    word does. The longest phrase has 7 tokens in either language.

    Args:
        split: ``None`` (the default) for all three splits, or one of
            ``"train"``, ``"validation"``, ``"test"``.

    Returns:
        ``{"train": NumberPairs, "validation": ..., "test": ...}`` (or one
        :class:`NumberPairs` when ``split`` is given), each a named tuple
        ``(numbers, english, german, german_tokens, english_tokens)``: an
        ``int64`` array and four aligned lists of ``str``, sorted by number.

    Example:
        >>> test = load_number_translation("test")
        >>> i = list(test.numbers).index(1234)
        >>> test.english[i], test.german_tokens[i]
        ('one thousand, two hundred and thirty-four', 'ein tausend zwei hundert vier und dreißig')
    """
    checks.split(split)
    groups = _by_split(_read_csv("number_translation/numbers.csv"))
    result = {
        name: NumberPairs(
            numbers=np.array([int(r["number"]) for r in rows], dtype=np.int64),
            english=[r["english"] for r in rows],
            german=[r["german"] for r in rows],
            german_tokens=[r["german_tokens"] for r in rows],
            english_tokens=[r["english_tokens"] for r in rows],
        )
        for name, rows in groups.items()
    }
    return _select(result, split)


def load_sentence_pairs(split=None, max_words=None):
    """Return short German sentences with their English translations.

    15,128 example sentence pairs from the Ding German-English dictionary
    (Debian ``trans-de-en``), each side 1 to 15 words (German at least 3).
    Fixed splits, about 80/10/10: train 12,037, validation 1,509, test 1,582.
    Pairs sharing a sentence on either side are always in the same split, so
    no German or English sentence appears in two splits. Within a split the
    pairs are sorted by the German sentence, so shuffle before training.

    Args:
        split: ``None`` (the default) for all three splits, or one of
            ``"train"``, ``"validation"``, ``"test"``.
        max_words: keep only pairs with at most this many words (split on
            white space) on both sides, e.g. ``8`` for a quick CPU run;
            ``None`` keeps all.

    Returns:
        ``{"train": SentencePairs, "validation": ..., "test": ...}`` (or one
        :class:`SentencePairs` when ``split`` is given), each a named tuple
        ``(de, en)`` of two aligned lists of ``str``.

    Example:
        >>> de, en = load_sentence_pairs("train", max_words=6)
        >>> len(de) == len(en)
        True
    """
    checks.split(split)
    if max_words is not None:
        max_words = checks.positive_int(max_words, "max_words", about="or None (all pairs)")
    groups = _by_split(_read_csv("sentence_pairs/pairs.csv"))
    result = {}
    for name, rows in groups.items():
        if max_words is not None:
            rows = [
                r
                for r in rows
                if len(r["de"].split()) <= max_words and len(r["en"].split()) <= max_words
            ]
        result[name] = SentencePairs(de=[r["de"] for r in rows], en=[r["en"] for r in rows])
    return _select(result, split)


# --------------------------------------------------------------------------
# Vocabulary and padding
# --------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


def split_words(text, lower=False):
    """Split text into words and punctuation marks.

    Args:
        text: a ``str``.
        lower: lower-case the text first.

    Returns:
        A list of ``str``: runs of letters/digits (with inner apostrophes, so
        ``"don't"`` stays one word) and single punctuation marks.

    Example:
        >>> split_words("Don't panic, it's fine!")
        ["Don't", 'panic', ',', "it's", 'fine', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    return _WORD.findall(text.lower() if lower else text)


class Vocabulary:
    """Maps tokens (characters or words) to integer ids and back.

    Ids ``0..3`` are reserved: ``0`` padding (``"<pad>"``), ``1`` unknown
    (``"<unk>"``, any token not in the vocabulary), ``2`` start
    (``"<start>"``) and ``3`` end (``"<end>"``) of a sequence. The other
    tokens follow, most frequent first (ties in sorted order), so the ids are
    the same on every run. Build it from the training split only.

    Args:
        tokens: the vocabulary's tokens (without the reserved ones), in id order.
        level: ``"char"`` (a text is a sequence of characters) or ``"word"``
            (a text is split with :func:`split_words`, or on white space when
            ``whitespace=True``).
        lower: lower-case texts before splitting them.
        whitespace: split words on white space only (for pre-tokenised text
            such as ``german_tokens``).

    Example:
        >>> vocab = Vocabulary.from_texts(["to be or not to be"], level="word")
        >>> len(vocab)  # 4 reserved + 4 words
        8
        >>> ids = vocab.encode("to be or not", add_start=True, add_end=True)
        >>> ids.tolist()  # "be" and "to" (2 each) got ids 4 and 5
        [2, 5, 4, 7, 6, 3]
        >>> vocab.decode(ids)
        'to be or not'
        >>> vocab.encode("to be a king").tolist()  # unknown words map to 1
        [5, 4, 1, 1]
    """

    PAD, UNK, START, END = "<pad>", "<unk>", "<start>", "<end>"
    RESERVED = (PAD, UNK, START, END)
    pad_id, unk_id, start_id, end_id = 0, 1, 2, 3

    def __init__(self, tokens, level="char", lower=False, whitespace=False):
        checks.choice(level, "level", ("char", "word"))
        tokens = list(tokens)
        reserved = [t for t in tokens if t in self.RESERVED]
        if reserved:
            raise ValueError(
                f"tokens must not contain the reserved tokens {self.RESERVED}; found {reserved}."
            )
        if len(set(tokens)) != len(tokens):
            dupes = sorted({t for t in tokens if tokens.count(t) > 1})
            raise ValueError(f"tokens must be unique; repeated: {dupes[:10]}.")
        self.level = level
        self.lower = bool(lower)
        self.whitespace = bool(whitespace)
        self.tokens = list(self.RESERVED) + tokens
        self._index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def from_texts(
        cls, texts, level="char", min_count=1, max_size=None, lower=False, whitespace=False
    ):
        """Build a vocabulary from (training) texts.

        Args:
            texts: an iterable of ``str`` (e.g. ``[text["train"]]`` or a list of reviews).
            level: ``"char"`` or ``"word"``.
            min_count: keep tokens seen at least this many times.
            max_size: keep at most this many tokens in all, reserved ones
                included (the most frequent win); ``None`` for no limit.
            lower: lower-case first.
            whitespace: split words on white space only.

        Returns:
            A :class:`Vocabulary`.
        """
        if isinstance(texts, str):
            raise TypeError("texts must be an iterable of str, not one str; wrap it: [text].")
        checks.positive_int(min_count, "min_count")
        if max_size is not None:
            max_size = checks.integer(
                max_size,
                "max_size",
                low=len(cls.RESERVED) + 1,
                about="(the reserved tokens count) or None",
            )
        probe = cls([], level=level, lower=lower, whitespace=whitespace)
        counts = collections.Counter()
        for text in texts:
            counts.update(probe.tokenize(text))
        for token in cls.RESERVED:
            counts.pop(token, None)
        ranked = sorted(
            (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            ranked = ranked[: max_size - len(cls.RESERVED)]
        return cls(ranked, level=level, lower=lower, whitespace=whitespace)

    def __len__(self):
        return len(self.tokens)

    def __contains__(self, token):
        return token in self._index

    def __repr__(self):
        return f"Vocabulary(level={self.level!r}, size={len(self)})"

    def tokenize(self, text):
        """Split one text into this vocabulary's tokens (characters or words)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}.")
        if self.level == "char":
            return list(text.lower() if self.lower else text)
        if self.whitespace:
            return (text.lower() if self.lower else text).split()
        return split_words(text, lower=self.lower)

    def token_to_id(self, token):
        """The id of one token (``unk_id`` when it is not in the vocabulary)."""
        if not isinstance(token, str):
            raise TypeError(
                f"token must be a str, got {token!r}; ids turn back into tokens "
                "with id_to_token(index)."
            )
        return self._index.get(token, self.unk_id)

    def id_to_token(self, index):
        """The token of one id."""
        return self.tokens[checks.integer(index, "index", low=0, high=len(self.tokens) - 1)]

    def encode(self, text, add_start=False, add_end=False):
        """Turn one text into an array of ids.

        Args:
            text: a ``str``, or a list of tokens already split.
            add_start: put ``start_id`` first.
            add_end: put ``end_id`` last.

        Returns:
            ``np.ndarray`` of ``int32``, shape ``(n_tokens (+1 +1),)``.
        """
        if isinstance(text, (list, tuple)):
            tokens = text
            wrong = [t for t in tokens if not isinstance(t, str)]
            if wrong:
                raise TypeError(
                    "text must be a str or a list of str tokens, got a list holding "
                    f"{type(wrong[0]).__name__} {wrong[0]!r}. "
                    + (
                        "Encode one text at a time: [vocab.encode(t) for t in texts]."
                        if isinstance(wrong[0], (list, tuple))
                        else "Ids are encoded already: decode(ids) turns them back into text."
                    )
                )
        else:
            tokens = self.tokenize(text)
        get, unk = self._index.get, self.unk_id
        ids = [get(t, unk) for t in tokens]
        if add_start:
            ids.insert(0, self.start_id)
        if add_end:
            ids.append(self.end_id)
        return np.array(ids, dtype=np.int32)

    def decode(self, ids, skip_reserved=True, stop_at_end=True):
        """Turn ids back into text.

        Args:
            ids: a sequence (list or 1-D array) of integer ids; for a model's
                probabilities ``(time, vocab)``, take ``probs.argmax(-1)`` first.
            skip_reserved: leave out pad, start and end tokens (unknown ones
                are kept as ``"<unk>"``).
            stop_at_end: stop at the first ``end_id`` (what a decoder emits
                when it has finished).

        Returns:
            A ``str``: characters joined directly, words joined by one space.
        """
        arr = checks.ids(
            ids,
            "ids",
            high=len(self.tokens),
            what="token ids",
            note="take probs.argmax(-1) first: decode reads token ids.",
        )
        if arr.ndim != 1:
            raise ValueError(
                f"ids must be one sequence of ids (1-D), got shape {arr.shape}. Decode a batch "
                "row by row: [vocab.decode(row) for row in ids]"
                + ("; for probabilities take probs.argmax(-1) first." if arr.ndim == 2 else ".")
            )
        out = []
        for i in arr.tolist():
            if stop_at_end and i == self.end_id:
                break
            if skip_reserved and i in (self.pad_id, self.start_id, self.end_id):
                continue
            out.append(self.id_to_token(i))
        return ("" if self.level == "char" else " ").join(out)


def pad_sequences(
    sequences, maxlen=None, padding="post", truncating="post", value=0, dtype="int32"
):
    """Pad (or cut) sequences of ids to one length and return the mask.

    Like ``keras.utils.pad_sequences``, but padding at the end by default
    (what masked and cuDNN recurrent layers expect) and also returning the
    mask of real tokens.

    Args:
        sequences: a list of 1-D sequences (lists or arrays) of numbers.
        maxlen: the output length; ``None`` for the longest sequence.
        padding: ``"post"`` (pad at the end) or ``"pre"`` (at the start).
        truncating: ``"post"`` (cut the end) or ``"pre"`` (cut the start) of
            sequences longer than ``maxlen``.
        value: the padding value (``Vocabulary.pad_id`` is 0).
        dtype: the dtype of the padded array.

    Returns:
        ``(padded, mask)``: ``padded`` of shape ``(len(sequences), maxlen)``
        and ``dtype``; ``mask``, a ``bool`` array of the same shape, ``True``
        where ``padded`` holds a real element.

    Example:
        >>> padded, mask = pad_sequences([[5, 6, 7], [8]])
        >>> padded.tolist(), mask.sum(axis=1).tolist()
        ([[5, 6, 7], [8, 0, 0]], [3, 1])
    """
    checks.choice(padding, "padding", ("post", "pre"))
    checks.choice(truncating, "truncating", ("post", "pre"))
    if isinstance(sequences, str) or not hasattr(sequences, "__len__"):
        raise TypeError(f"sequences must be a list of sequences, got {type(sequences).__name__}.")
    seqs = [np.asarray(s).reshape(-1) for s in sequences]
    if np.dtype(dtype).kind in "iu":
        for i, s in enumerate(seqs):
            if s.dtype.kind == "f" and (np.mod(s, 1) != 0).any():
                raise ValueError(
                    f"sequences[{i}] holds fractions such as {s[np.mod(s, 1) != 0][0]:.3g}, which "
                    f"dtype={np.dtype(dtype).name} would cut to whole numbers: take probs.argmax(-1) "
                    "first for ids, or pass dtype='float32' to pad real values."
                )
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    else:
        maxlen = checks.non_negative_int(maxlen, "maxlen", about="or None (the longest)")
    padded = np.full((len(seqs), maxlen), value, dtype=dtype)  # (batch, maxlen)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)  # (batch, maxlen)
    for i, s in enumerate(seqs):
        if len(s) > maxlen:
            s = s[:maxlen] if truncating == "post" else s[len(s) - maxlen :]
        n = len(s)
        if n == 0:
            continue
        if padding == "post":
            padded[i, :n], mask[i, :n] = s, True
        else:
            padded[i, maxlen - n :], mask[i, maxlen - n :] = s, True
    return padded, mask
