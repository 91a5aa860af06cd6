"""Spoken digits from real and synthetic voices, and the NumPy audio helpers to use them.

Every loader checks its files against ``datasets/MANIFEST.json`` first (see
:func:`rnncourse.data.data_path`) and never touches the network.

Loaders:

- :func:`load_fsdd`: real recordings of the words "zero" ... "nine", the Free
  Spoken Digit Dataset (6 speakers x 10 digits x 50 takes, 8 kHz mono; Zohar
  Jackson et al., CC BY-SA 4.0; see ``datasets/fsdd/DATASHEET.md``), with the
  speaker table :func:`fsdd_speakers`. Hold whole speakers out to measure how
  a recogniser copes with a voice it never heard.
- :func:`load_spoken_digits`: the same words from 102 synthetic voices (eSpeak
  NG and flite; see ``datasets/spoken_digits/DATASHEET.md``), split by voice,
  with the voice table :func:`load_speech_voices`.
- :func:`compose_spoken_strings`: strings of 3 to 5 digits ("four two seven")
  built at load time from the clips of one speaker each, for CTC.
- :func:`load_japanese_vowels`: real speech, nine speakers, as frames of LPC
  cepstrum coefficients (Kudo, Toyama and Shimbo, 1999; CC BY 4.0).

Helpers (NumPy only, batched):

- :func:`pad_waveforms`: a list of clips to one zero-padded array plus lengths.
- :func:`log_mel`: log-mel spectrogram features, ``(batch, frames, n_mels)``,
  with the number of valid frames per clip.
- :func:`add_noise`: white noise at a chosen signal-to-noise ratio.
"""

import csv
from typing import NamedTuple

import numpy as np

from rnncourse import checks
from rnncourse.checks import SPLITS
from rnncourse.data._store import data_path, rebuild_command

__all__ = [
    "DIGIT_WORDS",
    "MAX_DIGITS",
    "SAMPLE_RATE",
    "SPLITS",
    "DigitStrings",
    "JapaneseVowels",
    "FSDD_SPEAKERS",
    "SpokenDigits",
    "add_noise",
    "compose_spoken_strings",
    "fsdd_speakers",
    "load_fsdd",
    "load_japanese_vowels",
    "load_speech_voices",
    "load_spoken_digits",
    "log_mel",
    "pad_waveforms",
]

#: Sample rate of every clip, in Hz.
SAMPLE_RATE = 8000
#: The spoken word for each label: ``DIGIT_WORDS[3] == "three"``.
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_CHUNK = 64  # clips per block inside log_mel
#: Longest string :func:`compose_spoken_strings` makes by default; ``labels`` are padded to it.
MAX_DIGITS = 5
#: The six speakers of :func:`load_fsdd`, in file order.
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
_MU = 255  # mu of the 8-bit mu-law code that datasets/fsdd/fsdd.npz stores


class SpokenDigits(NamedTuple):
    """Isolated spoken digits of one split (fields aligned by position).

    Attributes:
        waveforms: list of ``float32`` arrays, shape ``(length,)``, in [-1, 1]
            (peaks at 0.5); or, with ``padded=True``, one ``float32`` array
            ``(n, max_length)`` zero-padded at the end.
        lengths: ``int64`` array ``(n,)``, samples in each clip.
        labels: ``int64`` array ``(n,)``, the digit 0..9.
        words: list of ``str``, the spoken word (``"seven"``).
        voices: list of ``str``, who said it: the synthetic voice id
            (``"espeak-f3"``, ``"flite-slt"``) or the FSDD speaker (``"theo"``).
        sample_rate: ``int``, 8000.
    """

    waveforms: list
    lengths: np.ndarray
    labels: np.ndarray
    words: list
    voices: list
    sample_rate: int


class DigitStrings(NamedTuple):
    """Spoken digit strings of one split (fields aligned by position).

    Attributes:
        waveforms: list of ``float32`` arrays ``(length,)`` in [-1, 1]; or, with
            ``padded=True``, one ``float32`` array ``(n, max_length)``.
        lengths: ``int64`` array ``(n,)``, samples in each clip.
        labels: ``int64`` array ``(n, max_digits)``: the digits, padded with -1
            after the last one. ``labels + 1`` gives CTC targets whose blank and
            padding are both 0 (``keras.ops.ctc_loss(..., mask_index=0)``).
        label_lengths: ``int64`` array ``(n,)``, digits in each string (3..5).
        digits: list of ``str``, e.g. ``"427"``.
        texts: list of ``str``, what was said, e.g. ``"four two seven"``.
        voices: list of ``str``, who said it (one speaker or voice per string).
        sample_rate: ``int``, 8000.
    """

    waveforms: list
    lengths: np.ndarray
    labels: np.ndarray
    label_lengths: np.ndarray
    digits: list
    texts: list
    voices: list
    sample_rate: int


class JapaneseVowels(NamedTuple):
    """Utterances of the vowel pair /ae/ by nine real speakers (fields aligned by position).

    Attributes:
        frames: list of ``float32`` arrays ``(length, 12)``, 12 LPC cepstrum
            coefficients per frame (frames of 25.6 ms every 6.4 ms); or, with
            ``padded=True``, one ``float32`` array ``(n, longest, 12)`` padded
            with zero frames at the end.
        lengths: ``int64`` array ``(n,)``, frames in each utterance (7..29).
        labels: ``int64`` array ``(n,)``, the speaker 0..8 (the source's 1..9 minus 1).
    """

    frames: list
    lengths: np.ndarray
    labels: np.ndarray


#: Number of speakers (classes) in :func:`load_japanese_vowels`.
N_SPEAKERS = 9
#: LPC cepstrum coefficients per frame in :func:`load_japanese_vowels`.
N_COEFFS = 12


def _read_csv(relpath):
    with open(data_path(relpath), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _read_clips(name):
    """Return (list of float32 clips, rows of clips.csv) for one speech data set."""
    path = data_path(f"{name}/{name}.npz")
    rows = _read_csv(f"{name}/clips.csv")
    with np.load(path, allow_pickle=False) as npz:
        audio, offsets = npz["audio"], npz["offsets"]
    if len(offsets) != len(rows) + 1:
        raise ValueError(
            f"{name}: {len(rows)} rows in clips.csv but {len(offsets) - 1} clips "
            f"in the .npz; rebuild with `python datasets/prepare/build.py {name}`."
        )
    scaled = audio.astype(np.float32) / np.float32(32768.0)
    clips = [scaled[offsets[i] : offsets[i + 1]] for i in range(len(rows))]
    return clips, rows


def _splits(name, padded):
    """Yield ``(split, rows, waveforms, lengths)`` of one speech data set, split by split."""
    clips, rows = _read_clips(name)
    for split in SPLITS:
        idx = [i for i, r in enumerate(rows) if r["split"] == split]
        waves = [clips[i] for i in idx]
        lengths = np.array([len(w) for w in waves], dtype=np.int64)
        if padded:
            waves, lengths = pad_waveforms(waves)
        yield split, [rows[i] for i in idx], waves, lengths


def pad_waveforms(waveforms, max_length=None):
    """Stack clips of different lengths into one zero-padded array.

    Args:
        waveforms: list of 1-D arrays (or a 2-D array, returned as ``float32``).
        max_length: width of the result; longer clips are cut. Default: the
            longest clip.

    Returns:
        ``(padded, lengths)``: ``float32`` array ``(n, max_length)`` with zeros
        after each clip, and ``int64`` array ``(n,)`` of lengths (after cutting).

    Example:
        >>> x, n = pad_waveforms([np.ones(3), np.ones(5)])
        >>> x.shape, n.tolist()
        ((2, 5), [3, 5])
    """
    if isinstance(waveforms, np.ndarray) and waveforms.ndim == 2:
        waveforms = list(waveforms)
    clips = [np.asarray(w, dtype=np.float32) for w in waveforms]
    if not clips:
        raise ValueError("waveforms is empty; pass at least one clip.")
    if any(c.ndim != 1 for c in clips):
        shapes = sorted({c.shape for c in clips if c.ndim != 1})
        raise ValueError(
            f"waveforms must be 1-D clips, got clips of shape {', '.join(map(str, shapes))}."
        )
    longest = max((len(c) for c in clips), default=0)
    max_length = checks.positive_int(longest if max_length is None else max_length, "max_length")
    padded = np.zeros((len(clips), max_length), dtype=np.float32)  # (n, max_length)
    lengths = np.zeros(len(clips), dtype=np.int64)
    for i, clip in enumerate(clips):
        n = min(len(clip), max_length)
        padded[i, :n] = clip[:n]
        lengths[i] = n
    return padded, lengths


def load_speech_voices():
    """Return the table of the 102 synthetic voices and the split each is in.

    A voice is one eSpeak NG variant with a fixed accent, base speed and base
    pitch, or one flite voice. Voices of one family (``m1`` ... ``m8``) share a
    split, and no voice is in two splits: 68 train, 14 validation, 20 test.

    Returns:
        A list of dicts sorted by ``"voice"``, with keys ``"voice"`` (id, as in
        the loaders' ``voices``), ``"engine"`` (``"espeak-ng"`` or
        ``"flite"``), ``"name"`` (variant or flite voice), ``"family"``,
        ``"accent"`` (eSpeak NG language, e.g. ``"en-gb-scotland"``;
        ``"flite"`` for flite), ``"base_speed"`` (words per minute, ``int``),
        ``"base_pitch"`` (eSpeak NG pitch 0..99, -1 for flite) and ``"split"``.

    Example:
        >>> voices = load_speech_voices()
        >>> sum(v["split"] == "test" for v in voices)
        20
    """
    rows = _read_csv("spoken_digits/voices.csv")
    for row in rows:
        row["base_speed"] = int(row["base_speed"])
        row["base_pitch"] = int(row["base_pitch"])
    return rows


def load_spoken_digits(split=None, padded=False):
    """Return isolated spoken digits ("zero" ... "nine") split by voice.

    1,020 clips: each of 102 synthetic voices says each digit once, at a speed
    and pitch jittered around the voice's own; 8 kHz mono, silence trimmed to
    20 ms each side, 0.17 to 0.75 s long (6.7 minutes in all). Fixed splits by voice: train 680
    clips (68 voices), validation 140 (14 voices), test 200 (20 voices). Within
    a split the clips are in a fixed shuffled order.

    Args:
        split: ``"train"``, ``"validation"``, ``"test"`` or ``None`` for all three.
        padded: return each split's waveforms as one zero-padded ``float32``
            array ``(n, longest clip in that split)`` instead of a list.

    Returns:
        ``{"train": SpokenDigits, "validation": ..., "test": ...}`` (or one
        :class:`SpokenDigits` when ``split`` is given): named tuples
        ``(waveforms, lengths, labels, words, voices, sample_rate)``.

    Example:
        >>> train = load_spoken_digits("train")
        >>> len(train.waveforms), train.labels[:3].tolist(), train.sample_rate
        (680, [3, 9, 4], 8000)
    """
    checks.split(split)
    out = {}
    for name, rows, waves, lengths in _splits("spoken_digits", padded):
        out[name] = SpokenDigits(
            waveforms=waves,
            lengths=lengths,
            labels=np.array([int(r["label"]) for r in rows], dtype=np.int64),
            words=[r["word"] for r in rows],
            voices=[r["voice"] for r in rows],
            sample_rate=SAMPLE_RATE,
        )
    return out if split is None else out[split]


def _mu_law_table():
    """float32 sample value of each 8-bit mu-law code 0..255 (the inverse of the prepare script)."""
    y = np.arange(256, dtype=np.float64) / _MU * 2.0 - 1.0  # in [-1, 1]
    return (np.sign(y) * np.expm1(np.abs(y) * np.log1p(_MU)) / _MU).astype(np.float32)


def fsdd_speakers():
    """Return the table of the six FSDD speakers, as the dataset's ``metadata.py`` describes them.

    Returns:
        A list of dicts in :data:`FSDD_SPEAKERS` order, with keys ``"speaker"``,
        ``"gender"``, ``"accent"`` (country/accent, e.g. ``"DEU/German"``),
        ``"language"`` and ``"clips"`` (``int``, 500 each).

    Example:
        >>> [(s["speaker"], s["accent"]) for s in fsdd_speakers()][:2]
        [('george', 'GRC/Greek'), ('jackson', 'USA/neutral')]
    """
    rows = _read_csv("fsdd/speakers.csv")
    for row in rows:
        row["clips"] = int(row["clips"])
    if tuple(r["speaker"] for r in rows) != FSDD_SPEAKERS:
        raise ValueError(
            "fsdd/speakers.csv does not list the six FSDD speakers in order; "
            f"rebuild with `{rebuild_command('fsdd')}`."
        )
    return rows


def _fsdd_speaker_list(speakers):
    if speakers is None:
        return list(FSDD_SPEAKERS)
    if isinstance(speakers, str):
        speakers = [speakers]
    try:
        speakers = list(speakers)
    except TypeError:
        raise ValueError(
            f"speakers must be a speaker name or a list of them, got {speakers!r}."
        ) from None
    unknown = [s for s in speakers if s not in FSDD_SPEAKERS]
    if unknown or not speakers:
        problem = f"unknown FSDD speaker(s) {unknown!r}" if unknown else "speakers is empty"
        raise ValueError(f"{problem}; choose from {list(FSDD_SPEAKERS)}.")
    return [s for s in FSDD_SPEAKERS if s in speakers]


def load_fsdd(speakers=None, padded=False):
    """Return the Free Spoken Digit Dataset: real people saying "zero" ... "nine".

    3,000 recordings, 21.9 minutes in all: six male speakers (accents: Greek,
    US, German, Belgian French, US, German) each say each digit 50 times; 8 kHz
    mono, trimmed to near-minimal silence, 0.14 to 2.28 s long. Recorded by
    Zohar Jackson and other contributors (github.com/Jakobovski/free-spoken-digit-dataset,
    v1.0.9), licensed CC BY-SA 4.0; the course stores it as 8-bit mu-law (about
    38 dB signal to quantisation noise). There is no fixed split: hold a whole
    speaker out (``load_fsdd(speakers=[...])``) to test on a voice the model
    never heard. Clips come in file order: by speaker, then digit, then take.

    Args:
        speakers: ``None`` for all six, or a name or list of names from
            :data:`FSDD_SPEAKERS` (returned in that order, whatever the order given).
        padded: return the waveforms as one zero-padded ``float32`` array
            ``(n, longest clip)`` instead of a list.

    Returns:
        A :class:`SpokenDigits` ``(waveforms, lengths, labels, words, voices,
        sample_rate)``; ``voices`` holds each clip's speaker name. Samples are
        float32 in [-1, 1] at the recording's own level (not normalised).

    Raises:
        ValueError: an unknown speaker name; files that disagree with each other.
        DataFileError: a missing or changed data file (with the rebuild command).

    Example:
        >>> theo = load_fsdd(speakers="theo")
        >>> len(theo.waveforms), theo.labels[:3].tolist(), theo.voices[0], theo.sample_rate
        (500, [0, 0, 0], 'theo', 8000)
    """
    chosen = _fsdd_speaker_list(speakers)
    rows = _read_csv("fsdd/clips.csv")
    with np.load(data_path("fsdd/fsdd.npz"), allow_pickle=False) as npz:
        codes, offsets = npz["audio"], npz["offsets"]
    n_samples = np.array([int(r["n_samples"]) for r in rows], dtype=np.int64)
    if (
        codes.dtype != np.uint8
        or len(offsets) != len(rows) + 1
        or not np.array_equal(np.diff(offsets), n_samples)
    ):
        raise ValueError(
            "fsdd: clips.csv and fsdd.npz disagree on the clips; rebuild with "
            f"`{rebuild_command('fsdd')}`."
        )
    table = _mu_law_table()
    idx = [i for i, r in enumerate(rows) if r["speaker"] in chosen]
    waves = [table[codes[offsets[i] : offsets[i + 1]]] for i in idx]
    lengths = n_samples[idx]
    if padded:
        waves, lengths = pad_waveforms(waves)
    labels = np.array([int(rows[i]["label"]) for i in idx], dtype=np.int64)
    return SpokenDigits(
        waveforms=waves,
        lengths=lengths,
        labels=labels,
        words=[DIGIT_WORDS[k] for k in labels],
        voices=[rows[i]["speaker"] for i in idx],
        sample_rate=SAMPLE_RATE,
    )


def compose_spoken_strings(
    digits, n, seed=0, min_digits=3, max_digits=MAX_DIGITS, max_pause_s=0.25, noise=1e-3
):
    """Build spoken digit strings for CTC from isolated clips, one speaker per string.

    For each string: pick a speaker (uniformly among those in ``digits``), a
    length in ``min_digits..max_digits`` and digits uniformly at random, then
    join a random clip of that speaker saying each digit, with a pause of 0 to
    ``max_pause_s`` seconds before, between and after the clips. Pauses hold
    faint white noise (standard deviation ``noise``), so silence is not
    exactly zero, which padding is. Nothing is stored: the same arguments give
    the same strings.

    Args:
        digits: a :class:`SpokenDigits` (e.g. ``load_fsdd(speakers=[...])`` or a
            split of ``load_spoken_digits()``) in which every speaker says
            every digit 0..9 at least once.
        n: number of strings.
        seed: integer seed of every random choice.
        min_digits, max_digits: shortest and longest string.
        max_pause_s: longest pause, in seconds.
        noise: standard deviation of the noise in the pauses (0 for silence).

    Returns:
        A :class:`DigitStrings` ``(waveforms, lengths, labels, label_lengths,
        digits, texts, voices, sample_rate)``; ``labels`` is ``int64``
        ``(n, max_digits)`` padded with -1; ``voices`` names each string's speaker.

    Example:
        >>> strings = compose_spoken_strings(load_fsdd(speakers="theo"), n=2, seed=1)
        >>> strings.digits[0], strings.texts[0], strings.voices[0]
        ('5790', 'five seven nine zero', 'theo')
    """
    if not isinstance(digits, SpokenDigits):
        raise ValueError(
            f"digits must be a SpokenDigits (from data.load_fsdd or data.load_spoken_digits), "
            f"got {type(digits).__name__}."
        )
    if isinstance(digits.waveforms, np.ndarray):
        clips = [w[:k] for w, k in zip(digits.waveforms, digits.lengths, strict=True)]
    else:
        clips = list(digits.waveforms)
    n = checks.positive_int(n, "n", caller="compose_spoken_strings")
    seed = checks.non_negative_int(seed, "seed", caller="compose_spoken_strings")
    min_digits = checks.positive_int(min_digits, "min_digits", caller="compose_spoken_strings")
    max_digits = checks.integer(
        max_digits,
        "max_digits",
        low=min_digits,
        caller="compose_spoken_strings",
        about="(min_digits)",
    )
    max_pause_s = checks.number(max_pause_s, "max_pause_s", low=0)
    noise = checks.number(noise, "noise", low=0)
    speakers = sorted(set(digits.voices))
    by_speaker = {}
    for i, (voice, label) in enumerate(zip(digits.voices, digits.labels, strict=True)):
        by_speaker.setdefault(voice, {}).setdefault(int(label), []).append(i)
    lacking = {v: sorted(set(range(10)) - set(d)) for v, d in by_speaker.items()}
    lacking = {v: m for v, m in lacking.items() if m}
    if lacking:
        raise ValueError(
            f"every speaker must say every digit 0..9; missing: {lacking}. Pass whole speakers."
        )
    rate = int(digits.sample_rate)
    longest_pause = int(max_pause_s * rate)
    rng = np.random.default_rng(seed)

    def pause():  # (samples,) faint noise, 0 to max_pause_s long
        return (rng.standard_normal(int(rng.integers(0, longest_pause + 1))) * noise).astype(
            np.float32
        )

    waves, texts, strings, voices = [], [], [], []
    labels = np.full((n, max_digits), -1, dtype=np.int64)  # (n, max_digits)
    lengths_lab = np.zeros(n, dtype=np.int64)
    for j in range(n):
        voice = speakers[rng.integers(len(speakers))]
        k = int(rng.integers(min_digits, max_digits + 1))
        seq = rng.integers(0, 10, size=k)
        parts = []
        for d in seq:
            parts.append(pause())
            choices = by_speaker[voice][int(d)]
            parts.append(np.asarray(clips[choices[rng.integers(len(choices))]], dtype=np.float32))
        parts.append(pause())
        waves.append(np.concatenate(parts))
        labels[j, :k] = seq
        lengths_lab[j] = k
        strings.append("".join(str(d) for d in seq))
        texts.append(" ".join(DIGIT_WORDS[d] for d in seq))
        voices.append(voice)
    return DigitStrings(
        waveforms=waves,
        lengths=np.array([len(w) for w in waves], dtype=np.int64),
        labels=labels,
        label_lengths=lengths_lab,
        digits=strings,
        texts=texts,
        voices=voices,
        sample_rate=rate,
    )


def load_japanese_vowels(split=None, padded=False):
    """Return real speech for speaker recognition: who of nine men said "ae"?

    640 utterances of the Japanese vowels /a/ and /e/ said in succession by
    nine male speakers (Kudo, Toyama and Shimbo, 1999, via the UCI Machine
    Learning Repository, CC BY 4.0), each a sequence of 7 to 29 frames of 12
    LPC cepstrum coefficients. Splits: train 225 (25 per speaker), validation
    45 (5 per speaker), test 370 (the source's test set, recorded at another
    time; 24 to 88 per speaker). See ``datasets/japanese_vowels/DATASHEET.md``.

    Args:
        split: ``"train"``, ``"validation"``, ``"test"`` or ``None`` for all three.
        padded: return each split's frames as one zero-padded ``float32``
            array ``(n, longest utterance in that split, 12)`` instead of a list;
            real frames are never all zero, so ``keras.layers.Masking(0.0)``
            finds the padding.

    Returns:
        ``{"train": JapaneseVowels, "validation": ..., "test": ...}`` (or one
        :class:`JapaneseVowels` when ``split`` is given): named tuples
        ``(frames, lengths, labels)``.

    Example:
        >>> train = load_japanese_vowels("train")
        >>> len(train.frames), train.frames[0].shape, train.labels[:3].tolist()
        (225, (20, 12), [0, 0, 0])
    """
    checks.split(split)
    name = "japanese_vowels"
    rows = _read_csv(f"{name}/utterances.csv")
    with np.load(data_path(f"{name}/{name}.npz"), allow_pickle=False) as npz:
        frames, offsets = npz["frames"], npz["offsets"]
    lengths_csv = np.array([int(r["length"]) for r in rows], dtype=np.int64)
    if len(offsets) != len(rows) + 1 or not np.array_equal(np.diff(offsets), lengths_csv):
        raise ValueError(
            f"{name}: utterances.csv and {name}.npz disagree on the utterances; "
            f"rebuild with `python datasets/prepare/build.py {name}`."
        )
    out = {}
    for part in SPLITS:
        idx = [i for i, r in enumerate(rows) if r["split"] == part]
        seqs = [frames[offsets[i] : offsets[i + 1]] for i in idx]
        lengths = lengths_csv[idx]
        if padded:
            batch = np.zeros((len(seqs), int(lengths.max()), N_COEFFS), dtype=np.float32)
            for j, seq in enumerate(seqs):
                batch[j, : len(seq)] = seq
            seqs = batch
        labels = np.array([int(rows[i]["speaker"]) - 1 for i in idx], dtype=np.int64)
        out[part] = JapaneseVowels(frames=seqs, lengths=lengths, labels=labels)
    return out if split is None else out[split]


_NAN_NOTE = "Clean or drop those clips first (a NaN sample makes every feature of its frames NaN)."


def _as_batch(waveforms, lengths, arg="waveforms"):
    """Return (padded float64 (batch, samples), lengths int64 (batch,))."""
    if isinstance(waveforms, np.ndarray) and waveforms.ndim == 2:
        batch = waveforms.astype(np.float64)
        if lengths is None:
            lengths = np.full(len(batch), batch.shape[1], dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        if (
            lengths.shape != (len(batch),)
            or (lengths < 0).any()
            or (lengths > batch.shape[1]).any()
        ):
            raise ValueError(
                f"lengths must be {len(batch)} ints in [0, {batch.shape[1]}], got {lengths!r}."
            )
        return checks.finite_array(batch, arg, note=_NAN_NOTE), lengths
    if isinstance(waveforms, np.ndarray) and waveforms.ndim == 1 and waveforms.dtype != object:
        raise ValueError(
            f"{arg} must be a batch: a list of 1-D clips or a 2-D array "
            f"(batch, samples); got one 1-D array of shape {waveforms.shape}. "
            f"Wrap it in a list: [{arg}]."
        )
    if lengths is not None:
        raise ValueError(
            f"lengths is only for a 2-D padded {arg} array; a list gives its own lengths."
        )
    padded, lengths = pad_waveforms(waveforms)
    return checks.finite_array(padded, arg, note=_NAN_NOTE), lengths


def _hz_to_mel(hz):
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)  # HTK mel scale


def _mel_filterbank(n_mels, fft_length, sample_rate, fmin, fmax):
    """Triangular filters ``(fft_length // 2 + 1, n_mels)`` on the HTK mel scale."""
    freqs = np.linspace(0.0, sample_rate / 2.0, fft_length // 2 + 1)
    edges = np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2)  # mel band edges
    mel = _hz_to_mel(freqs)[:, None]  # (bins, 1)
    lower, centre, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (mel - lower) / (centre - lower)
    falling = (upper - mel) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))  # (bins, n_mels)


def log_mel(
    waveforms,
    sample_rate,
    n_mels=40,
    frame_length=None,
    frame_step=None,
    fft_length=None,
    lengths=None,
    fmin=20.0,
    fmax=None,
    log_floor=1e-6,
):
    """Log-mel spectrogram of a batch of clips, in NumPy.

    Each clip is cut into frames of ``frame_length`` samples every
    ``frame_step`` samples (no padding at the start; a trailing partial frame
    is dropped; a clip shorter than one frame gives one zero-padded frame),
    windowed with a periodic Hann window, turned into a power spectrum with an
    FFT of ``fft_length`` points, pooled by ``n_mels`` triangular filters
    evenly spaced on the HTK mel scale between ``fmin`` and ``fmax``, and
    logged: ``log(mel_power + log_floor)``. These are the numbers, to float32
    rounding, of ``tf.signal.stft`` followed by
    ``tf.signal.linear_to_mel_weight_matrix``. Frames past the end of a clip
    are exactly 0.0 in every band, so ``keras.layers.Masking(mask_value=0.0)``
    can skip them; ``np.arange(frames) < frame_lengths[:, None]`` is the mask.

    Args:
        waveforms: a list of 1-D clips (any lengths), or a 2-D array
            ``(batch, samples)`` of clips zero-padded at the end.
        sample_rate: in Hz (8000 for the course's speech).
        n_mels: number of mel bands.
        frame_length: samples per frame; default 25 ms (200 at 8 kHz).
        frame_step: samples between frame starts; default 10 ms (80 at 8 kHz).
        fft_length: FFT size; default the next power of two >= ``frame_length``.
        lengths: with a 2-D ``waveforms``, the valid samples of each row
            (default: all of them).
        fmin: lowest edge of the filter bank, in Hz.
        fmax: highest edge, in Hz; default ``sample_rate / 2``.
        log_floor: added before the log, so silence gives ``log(log_floor)``.

    Returns:
        ``(features, frame_lengths)``: ``float32`` array ``(batch, frames,
        n_mels)`` with ``frames`` that of the longest clip, and ``int64`` array
        ``(batch,)`` with each clip's number of valid frames.

    Example:
        >>> train = load_spoken_digits("train")
        >>> feats, n = log_mel(train.waveforms[:8], train.sample_rate)
        >>> feats.shape[0], feats.shape[2]  # (batch, frames, n_mels)
        (8, 40)
    """
    sample_rate = checks.positive_int(sample_rate, "sample_rate", about="(Hz)")
    if frame_length is None:
        frame_length = int(round(0.025 * sample_rate))
    if frame_step is None:
        frame_step = int(round(0.010 * sample_rate))
    n_mels = checks.positive_int(n_mels, "n_mels")
    frame_length = checks.positive_int(frame_length, "frame_length")
    frame_step = checks.positive_int(frame_step, "frame_step")
    if fft_length is None:
        fft_length = 1 << int(np.ceil(np.log2(frame_length)))
    fft_length = checks.integer(fft_length, "fft_length", low=frame_length, about="(frame_length)")
    fmin = checks.number(fmin, "fmin")
    fmax = sample_rate / 2.0 if fmax is None else checks.number(fmax, "fmax")
    log_floor = checks.number(log_floor, "log_floor", low=0, low_open=True)
    if not 0.0 <= fmin < fmax <= sample_rate / 2.0:
        raise ValueError(
            f"need 0 <= fmin < fmax <= sample_rate / 2 = {sample_rate / 2}, "
            f"got fmin={fmin!r}, fmax={fmax!r}."
        )
    batch, lengths = _as_batch(waveforms, lengths)  # (batch, samples), (batch,)
    frame_lengths = 1 + np.maximum(lengths - frame_length, 0) // frame_step  # (batch,)
    frames = int(frame_lengths.max()) if len(batch) else 0
    width = (frames - 1) * frame_step + frame_length
    if batch.shape[1] < width:
        batch = np.pad(batch, ((0, 0), (0, width - batch.shape[1])))
    # Zero every sample past a clip's end, so padding never leaks into a frame.
    batch = np.where(np.arange(batch.shape[1])[None, :] < lengths[:, None], batch, 0.0)
    starts = np.arange(frames) * frame_step  # (frames,)
    index = starts[:, None] + np.arange(frame_length)[None, :]  # (frames, frame_length)
    window = 0.5 - 0.5 * np.cos(
        2.0 * np.pi * np.arange(frame_length) / frame_length
    )  # periodic Hann
    filters = _mel_filterbank(n_mels, fft_length, sample_rate, fmin, fmax)  # (bins, n_mels)
    features = np.zeros((len(batch), frames, n_mels), dtype=np.float32)
    for lo in range(0, len(batch), _CHUNK):  # chunks bound the memory of the framed copy
        framed = batch[lo : lo + _CHUNK, index] * window  # (chunk, frames, frame_length)
        power = np.abs(np.fft.rfft(framed, n=fft_length, axis=-1)) ** 2  # (chunk, frames, bins)
        features[lo : lo + _CHUNK] = np.log(power @ filters + log_floor)  # (chunk, frames, n_mels)
    valid = np.arange(frames)[None, :] < frame_lengths[:, None]  # (batch, frames)
    features[~valid] = 0.0
    return features, frame_lengths.astype(np.int64)


def add_noise(waveforms, snr_db, seed=0, lengths=None):
    """Add white Gaussian noise at a given signal-to-noise ratio, per clip.

    The noise power of each clip is its own signal power (mean square over its
    valid samples) divided by ``10 ** (snr_db / 10)``; padding stays zero.
    Used to draw accuracy-against-noise curves for a trained recogniser.

    Args:
        waveforms: a list of 1-D clips, or a 2-D padded array ``(batch, samples)``.
        snr_db: signal-to-noise ratio in decibels (a number; ``float("inf")``
            adds no noise). 20 dB is faint hiss, 0 dB noise as loud as speech.
        seed: integer seed of the noise: the same seed and the same batch give
            the same noise (the draw covers the batch padded to its longest clip).
        lengths: with a 2-D ``waveforms``, the valid samples of each row.

    Returns:
        The noisy clips as ``float32``, in the form given: a list of 1-D arrays,
        or a 2-D array of the same shape. Values are not clipped to [-1, 1].

    Example:
        >>> noisy = add_noise([np.sin(np.arange(8000) / 5.0)], snr_db=10, seed=0)
        >>> len(noisy), noisy[0].dtype
        (1, dtype('float32'))
    """
    try:
        snr_db = float(snr_db)
    except (TypeError, ValueError):
        raise ValueError(f"snr_db must be a number (decibels), got {snr_db!r}.") from None
    if np.isnan(snr_db) or snr_db == -np.inf:
        raise ValueError(f"snr_db must be a finite number of decibels or inf, got {snr_db!r}.")
    seed = checks.non_negative_int(seed, "seed")
    as_list = not (isinstance(waveforms, np.ndarray) and waveforms.ndim == 2)
    batch, lengths = _as_batch(waveforms, lengths)  # (batch, samples), (batch,)
    valid = np.arange(batch.shape[1])[None, :] < lengths[:, None]  # (batch, samples)
    power = (batch**2 * valid).sum(axis=1) / np.maximum(lengths, 1)  # (batch,)
    scale = np.sqrt(power / 10.0 ** (snr_db / 10.0))  # (batch,) noise standard deviation
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(batch.shape) * scale[:, None] * valid  # (batch, samples)
    noisy = (batch + noise).astype(np.float32)
    if as_list:
        return [noisy[i, : lengths[i]] for i in range(len(noisy))]
    return noisy
