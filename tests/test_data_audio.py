"""Tests for rnncourse.data.audio: the speech data sets and the NumPy audio helpers."""

import numpy as np
import pytest

from rnncourse.data import _store, audio

SPEECH_SETS = {
    "fsdd": None,  # no splits: whole speakers are held out (tests/test_data_fsdd.py)
    "spoken_digits": {"train": 680, "validation": 140, "test": 200},
    "japanese_vowels": {"train": 225, "validation": 45, "test": 370},
}
VOICES_PER_SPLIT = {"train": 68, "validation": 14, "test": 20}


@pytest.fixture(scope="module")
def digits():
    return audio.load_spoken_digits()


@pytest.fixture(scope="module")
def strings():
    """Digit strings composed from the synthetic voices, split by voice as the clips are."""
    return {
        split: audio.compose_spoken_strings(part, n=n, seed=i)
        for i, (split, part, n) in enumerate(
            (s, audio.load_spoken_digits(s), n) for s, n in (("train", 400), ("test", 120))
        )
    }


def _segment_means(features, frame_lengths, pieces):
    """Mean log-mel over ``pieces`` equal time slices of each clip: (n, pieces * n_mels)."""
    rows = []
    for f, n in zip(features, frame_lengths, strict=True):
        rows.append(np.concatenate([p.mean(axis=0) for p in np.array_split(f[:n], pieces)]))
    return np.array(rows)


def _nearest_centroid(x_train, y_train, x_test, classes=10):
    mu, sd = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
    a, b = (x_train - mu) / sd, (x_test - mu) / sd
    centroids = np.stack([a[y_train == c].mean(axis=0) for c in range(classes)])
    return np.argmin(((b[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)


# --- the files and their checks -------------------------------------------------------


def test_loaders_check_every_file_they_read(monkeypatch):
    seen = []

    def spy(relpath):
        seen.append(relpath)
        return _store.data_path(relpath)

    monkeypatch.setattr(audio, "data_path", spy)
    audio.load_spoken_digits()
    audio.load_fsdd()
    audio.fsdd_speakers()
    audio.load_speech_voices()
    audio.load_japanese_vowels()
    manifest = _store.load_manifest()
    expected = {p for p in manifest if p.split("/")[0] in SPEECH_SETS}
    assert set(seen) == expected
    assert "spoken_digits/spoken_digits.npz" in seen and "fsdd/fsdd.npz" in seen


@pytest.fixture()
def speech_copy(data_copy):
    """A private copy of the manifest and the speech folders, used through $RNNCOURSE_DATA."""
    return data_copy(*SPEECH_SETS)


def test_missing_file_names_it_and_the_rebuild_command(speech_copy):
    (speech_copy / "spoken_digits" / "spoken_digits.npz").unlink()
    expected = _store.load_manifest(speech_copy)["spoken_digits/spoken_digits.npz"]["sha256"]
    with pytest.raises(_store.DataFileError) as err:
        audio.load_spoken_digits()
    message = str(err.value)
    assert "spoken_digits.npz" in message and "missing" in message
    assert expected in message
    assert "python datasets/prepare/build.py spoken_digits" in message


def test_corrupted_file_gives_both_hashes(speech_copy):
    path = speech_copy / "spoken_digits" / "spoken_digits.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    path.write_bytes(bytes(data))
    expected = _store.load_manifest(speech_copy)["spoken_digits/spoken_digits.npz"]["sha256"]
    actual = _store.file_sha256(path)
    with pytest.raises(_store.DataFileError) as err:
        audio.load_spoken_digits()
    message = str(err.value)
    assert str(path) in message
    assert expected in message and actual in message and expected != actual
    assert "python datasets/prepare/build.py spoken_digits" in message


def test_bad_split_is_named():
    with pytest.raises(ValueError, match="'dev'"):
        audio.load_spoken_digits("dev")
    with pytest.raises(ValueError, match="'dev'"):
        audio.load_japanese_vowels("dev")


# --- contents, splits, voices --------------------------------------------------------------


def test_spoken_digits_splits(digits):
    assert tuple(digits) == audio.SPLITS
    for split, n in SPEECH_SETS["spoken_digits"].items():
        part = digits[split]
        assert len(part.waveforms) == len(part.labels) == len(part.voices) == len(part.words) == n
        assert part.sample_rate == audio.SAMPLE_RATE == 8000
        assert part.labels.dtype == np.int64 and part.lengths.dtype == np.int64
        # every voice says every digit once
        assert np.bincount(part.labels, minlength=10).tolist() == [n // 10] * 10
        assert [audio.DIGIT_WORDS[k] for k in part.labels] == part.words
        assert [len(w) for w in part.waveforms] == part.lengths.tolist()
        assert all(w.dtype == np.float32 and w.ndim == 1 for w in part.waveforms)
        peaks = np.array([np.abs(w).max() for w in part.waveforms])
        np.testing.assert_allclose(peaks, 0.5, atol=1e-3)  # each clip scaled to -6 dBFS
        assert 0.1 * 8000 < part.lengths.min() and part.lengths.max() < 1.0 * 8000


def test_composed_strings_of_synthetic_voices(strings):
    for split, n in (("train", 400), ("test", 120)):
        part = strings[split]
        assert len(part.waveforms) == len(part.digits) == len(part.texts) == n
        assert part.labels.shape == (n, audio.MAX_DIGITS)
        assert set(part.label_lengths.tolist()) == {3, 4, 5}
        for row, k, d, text in zip(
            part.labels, part.label_lengths, part.digits, part.texts, strict=True
        ):
            assert "".join(map(str, row[:k])) == d
            assert (row[k:] == -1).all()
            assert text == " ".join(audio.DIGIT_WORDS[int(c)] for c in d)
        # longer strings take longer to say
        mean_len = [part.lengths[part.label_lengths == k].mean() for k in (3, 4, 5)]
        assert mean_len[0] < mean_len[1] < mean_len[2]


def test_no_voice_in_two_splits(digits, strings):
    table = audio.load_speech_voices()
    split_of = {v["voice"]: v["split"] for v in table}
    assert len(table) == 102 and len(split_of) == 102
    for split, n in VOICES_PER_SPLIT.items():
        assert sum(v["split"] == split for v in table) == n
    # look-alike groups ("family") never straddle splits either
    family_splits = {}
    for v in table:
        family_splits.setdefault(v["family"], set()).add(v["split"])
    assert all(len(s) == 1 for s in family_splits.values())
    voices = {split: set(digits[split].voices) for split in audio.SPLITS}
    assert not voices["train"] & voices["validation"]
    assert not voices["train"] & voices["test"]
    assert not voices["validation"] & voices["test"]
    for split in audio.SPLITS:
        assert len(voices[split]) == VOICES_PER_SPLIT[split]
        assert all(split_of[v] == split for v in voices[split])
    # strings composed from a split's clips keep that split's voices
    assert set(strings["test"].voices) <= voices["test"]
    assert set(strings["train"].voices) <= voices["train"]


def test_loading_is_deterministic(digits):
    again = audio.load_spoken_digits("test")
    assert again.voices == digits["test"].voices
    np.testing.assert_array_equal(again.labels, digits["test"].labels)
    for a, b in zip(again.waveforms, digits["test"].waveforms, strict=True):
        np.testing.assert_array_equal(a, b)
    # the documented first training examples
    train = digits["train"]
    assert train.labels[:3].tolist() == [3, 9, 4]


def test_padded_matches_list(digits):
    padded = audio.load_spoken_digits("validation", padded=True)
    part = digits["validation"]
    assert padded.waveforms.shape == (140, part.lengths.max())
    np.testing.assert_array_equal(padded.lengths, part.lengths)
    for row, clip, n in zip(padded.waveforms, part.waveforms, part.lengths, strict=True):
        np.testing.assert_array_equal(row[:n], clip)
        assert not row[n:].any()


# --- helpers ---------------------------------------------------------------------------------


def test_pad_waveforms():
    x, n = audio.pad_waveforms([np.ones(3), np.arange(5.0)])
    assert x.shape == (2, 5) and x.dtype == np.float32
    assert n.tolist() == [3, 5]
    np.testing.assert_array_equal(x[0], [1, 1, 1, 0, 0])
    x, n = audio.pad_waveforms([np.ones(3), np.arange(5.0)], max_length=4)
    assert x.shape == (2, 4) and n.tolist() == [3, 4]
    with pytest.raises(ValueError, match="max_length"):
        audio.pad_waveforms([np.ones(3)], max_length=0)
    with pytest.raises(ValueError, match="empty"):
        audio.pad_waveforms([])
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        audio.pad_waveforms([np.ones(3), np.ones((2, 2))])


def test_log_mel_shapes_and_padding():
    rng = np.random.default_rng(0)
    clips = [rng.standard_normal(n).astype(np.float32) for n in (8000, 4000, 150)]
    feats, frames = audio.log_mel(clips, 8000, n_mels=32)
    # 25 ms frames every 10 ms: 1 + (n - 200) // 80; a clip shorter than a frame gives 1
    assert frames.tolist() == [98, 48, 1]
    assert feats.shape == (3, 98, 32) and feats.dtype == np.float32
    assert (feats[1, 48:] == 0).all() and (feats[2, 1:] == 0).all()
    assert np.isfinite(feats).all() and (feats[0] != 0).all()
    # a padded 2-D batch with lengths gives the same numbers as the list
    padded, lengths = audio.pad_waveforms(clips)
    again, frames2 = audio.log_mel(padded, 8000, n_mels=32, lengths=lengths)
    np.testing.assert_array_equal(frames2, frames)
    np.testing.assert_allclose(again, feats, rtol=1e-5, atol=1e-5)
    # frames do not depend on the other clips in the batch
    alone, _ = audio.log_mel(clips[1:2], 8000, n_mels=32)
    np.testing.assert_allclose(alone[0], feats[1, :48], rtol=1e-5, atol=1e-5)


def test_log_mel_pure_tone_peaks_in_the_right_band():
    sr, n_mels = 8000, 40
    t = np.arange(sr) / sr
    centres_mel = np.linspace(audio._hz_to_mel(20.0), audio._hz_to_mel(4000.0), n_mels + 2)[1:-1]
    for hz in (300.0, 1000.0, 2500.0):
        tone = (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
        feats, _ = audio.log_mel([tone, 0.1 * tone], sr, n_mels=n_mels)
        band = int(np.argmax(feats[0].mean(axis=0)))
        assert band == int(np.argmin(np.abs(centres_mel - audio._hz_to_mel(hz))))
        # 20 dB quieter is log(100) lower in the peak band
        drop = feats[0, :, band].mean() - feats[1, :, band].mean()
        assert drop == pytest.approx(np.log(100.0), abs=0.01)


def test_log_mel_matches_tf_signal():
    """The same features as TensorFlow's STFT and mel matrix (HTK scale, periodic Hann)."""
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).standard_normal((3, 4000)).astype(np.float32)
    ours, frames = audio.log_mel(x, 8000, n_mels=40)
    stft = tf.signal.stft(x, frame_length=200, frame_step=80, fft_length=256)  # (3, 48, 129)
    weights = tf.signal.linear_to_mel_weight_matrix(40, 129, 8000, 20.0, 4000.0)  # (129, 40)
    reference = np.log((tf.abs(stft) ** 2).numpy() @ weights.numpy() + 1e-6)  # (3, 48, 40)
    assert ours.shape == reference.shape and frames.tolist() == [48, 48, 48]
    np.testing.assert_allclose(ours, reference, atol=1e-3)


def test_log_mel_errors_name_the_argument():
    with pytest.raises(ValueError, match="sample_rate"):
        audio.log_mel([np.zeros(400)], 8000.5)
    with pytest.raises(ValueError, match="fft_length"):
        audio.log_mel([np.zeros(400)], 8000, fft_length=100)
    with pytest.raises(ValueError, match="list"):
        audio.log_mel(np.zeros(400), 8000)
    with pytest.raises(ValueError, match="fmax"):
        audio.log_mel([np.zeros(400)], 8000, fmax=6000)


def test_add_noise_hits_the_snr_and_keeps_padding():
    clips = [np.sin(np.arange(n) / 3.0).astype(np.float32) for n in (16000, 8000)]
    for snr in (0.0, 10.0, 20.0):
        noisy = audio.add_noise(clips, snr, seed=3)
        for clean, dirty in zip(clips, noisy, strict=True):
            assert dirty.shape == clean.shape and dirty.dtype == np.float32
            measured = 10 * np.log10((clean**2).mean() / ((dirty - clean) ** 2).mean())
            assert measured == pytest.approx(snr, abs=0.3)
    first = audio.add_noise(clips, 5, seed=7)
    second = audio.add_noise(clips, 5, seed=7)
    other = audio.add_noise(clips, 5, seed=8)
    np.testing.assert_array_equal(first[0], second[0])
    assert not np.array_equal(first[0], other[0])
    padded, lengths = audio.pad_waveforms(clips)
    noisy = audio.add_noise(padded, 10, seed=0, lengths=lengths)
    assert noisy.shape == padded.shape and not noisy[1, 8000:].any()
    np.testing.assert_array_equal(audio.add_noise(clips, float("inf"))[1], clips[1])
    with pytest.raises(ValueError, match="snr_db"):
        audio.add_noise(clips, "loud")
    with pytest.raises(ValueError, match="seed"):
        audio.add_noise(clips, 10, seed=1.5)


# --- a small model learns from the data ---------------------------------------------------


def test_nearest_centroid_recognises_digits_of_new_voices(digits):
    """Mean log-mel over thirds of each word; class centroids from train voices only."""
    train, test = digits["train"], digits["test"]
    x_train = _segment_means(*audio.log_mel(train.waveforms, 8000), pieces=3)
    x_test = _segment_means(*audio.log_mel(test.waveforms, 8000), pieces=3)
    accuracy = (_nearest_centroid(x_train, train.labels, x_test) == test.labels).mean()
    assert accuracy > 0.6  # measured 0.81; chance is 0.10
    shuffled = np.random.default_rng(0).permutation(train.labels)
    control = (_nearest_centroid(x_train, shuffled, x_test) == test.labels).mean()
    assert control < 0.3  # labels that do not match the audio teach nothing


def test_digit_strings_labels_line_up_with_the_audio(strings):
    """Cut each string into equal slices, one per digit, and classify each slice."""

    def slices(part):
        feats, frames = audio.log_mel(part.waveforms, 8000)
        x, y = [], []
        for f, n, labels, k in zip(feats, frames, part.labels, part.label_lengths, strict=True):
            for j in range(k):
                piece = f[int(n * j / k) : int(n * (j + 1) / k)]
                x.append(np.concatenate([p.mean(axis=0) for p in np.array_split(piece, 3)]))
                y.append(labels[j])
        return np.array(x), np.array(y)

    x_train, y_train = slices(strings["train"])
    x_test, y_test = slices(strings["test"])
    accuracy = (_nearest_centroid(x_train, y_train, x_test) == y_test).mean()
    majority = np.bincount(y_train).max() / len(y_train)
    assert accuracy > 0.4 > 2 * majority  # measured 0.46 against a majority rate of 0.12


# --- Japanese vowels: real speakers --------------------------------------------------------


@pytest.fixture(scope="module")
def vowels():
    return audio.load_japanese_vowels()


def test_japanese_vowels_splits_and_counts(vowels):
    per_speaker_test = [31, 35, 88, 44, 29, 24, 40, 50, 29]  # the UCI description's test blocks
    for split, n in SPEECH_SETS["japanese_vowels"].items():
        part = vowels[split]
        assert len(part.frames) == len(part.lengths) == len(part.labels) == n
        assert all(
            f.shape == (k, audio.N_COEFFS) and f.dtype == np.float32
            for f, k in zip(part.frames, part.lengths, strict=True)
        )
        assert part.lengths.min() >= 7 and part.lengths.max() <= 29
    assert np.bincount(vowels["train"].labels).tolist() == [25] * audio.N_SPEAKERS
    assert np.bincount(vowels["validation"].labels).tolist() == [5] * audio.N_SPEAKERS
    assert np.bincount(vowels["test"].labels).tolist() == per_speaker_test
    frames = {split: int(part.lengths.sum()) for split, part in vowels.items()}
    assert frames["train"] + frames["validation"] == 4274 and frames["test"] == 5687
    # The source's first utterance (speaker 1) starts with these coefficients.
    np.testing.assert_allclose(
        vowels["train"].frames[0][0, :3], [1.860936, -0.207383, 0.261557], rtol=1e-6
    )


def test_japanese_vowels_padded_matches_list_and_masks_cleanly(vowels):
    padded = audio.load_japanese_vowels("test", padded=True)
    assert padded.frames.shape == (370, 29, audio.N_COEFFS)
    for row, seq, n in zip(
        padded.frames, vowels["test"].frames, vowels["test"].lengths, strict=True
    ):
        np.testing.assert_array_equal(row[:n], seq)
        assert not row[n:].any()
        assert (
            np.abs(seq).sum(axis=1) > 0
        ).all()  # no real frame looks like padding to Masking(0.0)


def test_japanese_vowels_disagreeing_files_are_refused(speech_copy, accept_edit):
    path = speech_copy / "japanese_vowels" / "utterances.csv"
    text = path.read_text().replace("0,train,1,20,train,0", "0,train,1,21,train,0", 1)
    path.write_text(text)
    with pytest.raises(_store.DataFileError, match="utterances.csv"):
        audio.load_japanese_vowels()  # the checksum catches the edit first
    accept_edit(speech_copy, "japanese_vowels/utterances.csv")
    with pytest.raises(ValueError, match="disagree.*build.py japanese_vowels"):
        audio.load_japanese_vowels()


def test_speakers_are_recognisable_from_mean_frames(vowels):
    """Order-free baseline: the mean frame of each utterance, nearest class centroid."""

    def means(part):
        return np.stack([f.mean(axis=0) for f in part.frames])

    predicted = _nearest_centroid(
        means(vowels["train"]),
        vowels["train"].labels,
        means(vowels["test"]),
        classes=audio.N_SPEAKERS,
    )
    accuracy = (predicted == vowels["test"].labels).mean()
    shuffled = np.random.default_rng(0).permutation(vowels["train"].labels)
    control = (
        _nearest_centroid(
            means(vowels["train"]), shuffled, means(vowels["test"]), classes=audio.N_SPEAKERS
        )
        == vowels["test"].labels
    ).mean()
    assert accuracy > 0.7 and control < 0.3, (accuracy, control)
