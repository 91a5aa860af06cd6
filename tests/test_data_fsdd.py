"""The Free Spoken Digit Dataset: its files, its loader, composed strings and the rebuild."""

import csv
import hashlib
import importlib.util
import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from rnncourse.data import _store, audio

ROOT = Path(__file__).resolve().parents[1]
FSDD_FILES = ("fsdd/fsdd.npz", "fsdd/clips.csv", "fsdd/speakers.csv")


def _prepare_module():
    spec = importlib.util.spec_from_file_location("fsdd_prepare", ROOT / "datasets/prepare/fsdd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _checkout():
    """An FSDD checkout on this machine: $FSDD_DIR, or ../shared/data/fsdd beside the repository."""
    for candidate in (
        os.environ.get("FSDD_DIR"),
        ROOT.parent / "shared/data/fsdd",
        Path("/work/shared/data/fsdd"),
    ):
        if candidate and (Path(candidate) / "recordings").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def fsdd():
    return audio.load_fsdd()


# --- contents ---------------------------------------------------------------------------------


def test_every_speaker_says_every_digit_fifty_times(fsdd):
    assert len(fsdd.waveforms) == len(fsdd.labels) == len(fsdd.voices) == len(fsdd.words) == 3000
    assert fsdd.sample_rate == 8000
    for speaker in audio.FSDD_SPEAKERS:
        labels = fsdd.labels[np.array(fsdd.voices) == speaker]
        assert np.bincount(labels, minlength=10).tolist() == [50] * 10
    assert [audio.DIGIT_WORDS[k] for k in fsdd.labels] == fsdd.words
    assert [len(w) for w in fsdd.waveforms] == fsdd.lengths.tolist()
    assert all(w.dtype == np.float32 and w.ndim == 1 for w in fsdd.waveforms)
    assert max(np.abs(w).max() for w in fsdd.waveforms) <= 1.0
    assert 0.14 * 8000 < fsdd.lengths.min() and fsdd.lengths.max() < 2.3 * 8000
    # file order: speaker, then digit, then take
    assert fsdd.voices[:500] == ["george"] * 500 and fsdd.labels[:50].tolist() == [0] * 50


def test_speaker_table_matches_the_clips(fsdd):
    table = audio.fsdd_speakers()
    assert [row["speaker"] for row in table] == list(audio.FSDD_SPEAKERS)
    assert {row["gender"] for row in table} == {"male"}
    assert sum(row["clips"] for row in table) == len(fsdd.waveforms)
    assert table[0]["accent"] == "GRC/Greek"


def test_choosing_speakers_keeps_file_order_and_padding_matches(fsdd):
    two = audio.load_fsdd(speakers=["theo", "george"])
    assert sorted(set(two.voices)) == ["george", "theo"] and two.voices[0] == "george"
    assert len(two.waveforms) == 1000
    padded = audio.load_fsdd(speakers="theo", padded=True)
    theo = [w for w, v in zip(fsdd.waveforms, fsdd.voices, strict=True) if v == "theo"]
    assert padded.waveforms.shape == (500, max(len(w) for w in theo))
    for row, clip, n in zip(padded.waveforms, theo, padded.lengths, strict=True):
        np.testing.assert_array_equal(row[:n], clip)
        assert not row[n:].any()


@pytest.mark.parametrize("bad", ["bob", ["theo", "Theo"], [], 3])
def test_unknown_speaker_is_named_with_the_choices(bad):
    with pytest.raises(ValueError, match="george.*yweweler|speaker"):
        audio.load_fsdd(speakers=bad)


def test_mu_law_decoding_inverts_the_prepare_scripts_coding():
    prepare = _prepare_module()
    table = audio._mu_law_table()
    assert table.dtype == np.float32 and table[0] == -1.0 and table[255] == 1.0
    assert (np.diff(table) > 0).all()  # one code, one level, in order
    x = np.linspace(-1, 1, 20001)
    decoded = table[prepare.mu_law_encode(x)]
    # mu-law's step grows with the level: under 3 % of the level, or 3e-4 near silence
    err = np.abs(decoded - x)
    assert (err <= np.maximum(0.03 * np.abs(x), 3e-4)).all()


def test_held_out_speaker_is_recognised_above_chance_by_nearest_centroid(fsdd):
    """Mean log-mel over thirds of each word, normalised per clip; centroids from five speakers."""

    def features(waves):
        feats, frames = audio.log_mel(waves, 8000, n_mels=20)
        rows = []
        for f, n in zip(feats, frames, strict=True):
            f = f[:n] - f[:n].mean(axis=0)  # cepstral-mean-style normalisation per clip
            rows.append(np.concatenate([p.mean(axis=0) for p in np.array_split(f, 3)]))
        return np.array(rows)

    voices = np.array(fsdd.voices)
    x = features(fsdd.waveforms)
    test = voices == "jackson"
    mu, sd = x[~test].mean(axis=0), x[~test].std(axis=0) + 1e-6
    z = (x - mu) / sd
    centroids = np.stack([z[~test & (fsdd.labels == c)].mean(axis=0) for c in range(10)])
    guess = np.argmin(((z[test][:, None] - centroids[None]) ** 2).sum(-1), axis=1)
    accuracy = (guess == fsdd.labels[test]).mean()
    assert accuracy > 0.4  # chance is 0.10


# --- composed strings -----------------------------------------------------------------------


def test_composed_strings_line_up_with_their_clips():
    theo = audio.load_fsdd(speakers="theo")
    strings = audio.compose_spoken_strings(theo, n=40, seed=3, max_pause_s=0.1, noise=0.0)
    assert strings.labels.shape == (40, audio.MAX_DIGITS)
    assert set(strings.voices) == {"theo"} and strings.sample_rate == 8000
    assert set(strings.label_lengths.tolist()) <= {3, 4, 5}
    clip_lengths = {}
    for w, k in zip(theo.waveforms, theo.labels, strict=True):
        clip_lengths.setdefault(int(k), set()).add(len(w))
    for wave_, row, k, d, text in zip(
        strings.waveforms,
        strings.labels,
        strings.label_lengths,
        strings.digits,
        strings.texts,
        strict=True,
    ):
        assert "".join(map(str, row[:k])) == d and (row[k:] == -1).all()
        assert text == " ".join(audio.DIGIT_WORDS[int(c)] for c in d)
        shortest = sum(min(clip_lengths[int(c)]) for c in d)
        longest = sum(max(clip_lengths[int(c)]) for c in d) + (k + 1) * 800
        assert shortest <= len(wave_) <= longest
    np.testing.assert_array_equal(strings.lengths, [len(w) for w in strings.waveforms])


def test_composed_strings_are_reproducible_and_use_each_speaker():
    two = audio.load_fsdd(speakers=["george", "lucas"])
    a = audio.compose_spoken_strings(two, n=30, seed=7)
    b = audio.compose_spoken_strings(two, n=30, seed=7)
    c = audio.compose_spoken_strings(two, n=30, seed=8)
    assert a.digits == b.digits and a.voices == b.voices
    for x, y in zip(a.waveforms, b.waveforms, strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.digits != c.digits
    assert set(a.voices) == {"george", "lucas"}
    # the pauses hold faint noise, never the exact zeros of padding
    assert all(np.count_nonzero(w == 0.0) < 0.01 * len(w) for w in a.waveforms)


def test_composing_refuses_bad_input():
    theo = audio.load_fsdd(speakers="theo")
    with pytest.raises(ValueError, match="SpokenDigits"):
        audio.compose_spoken_strings(theo.waveforms, n=3)
    partial = theo._replace(
        waveforms=theo.waveforms[:100], labels=theo.labels[:100], voices=theo.voices[:100]
    )
    with pytest.raises(ValueError, match=r"every digit.*theo.*\[2, 3, 4, 5, 6, 7, 8, 9\]"):
        audio.compose_spoken_strings(partial, n=3)
    with pytest.raises(ValueError, match="max_digits"):
        audio.compose_spoken_strings(theo, n=3, min_digits=4, max_digits=2)
    with pytest.raises(ValueError, match=r"n=\.\.\.\) must be a positive integer"):
        audio.compose_spoken_strings(theo, n=0)


# --- the files: integrity and rebuild ---------------------------------------------------------


@pytest.fixture()
def fsdd_copy(data_copy):
    return data_copy("fsdd")


def test_missing_file_names_it_the_hash_and_the_rebuild_command(fsdd_copy):
    (fsdd_copy / "fsdd" / "fsdd.npz").unlink()
    expected = _store.load_manifest(fsdd_copy)["fsdd/fsdd.npz"]["sha256"]
    with pytest.raises(_store.DataFileError) as err:
        audio.load_fsdd()
    message = str(err.value)
    assert "fsdd.npz" in message and "missing" in message and expected in message
    assert "FSDD_DIR=<path of an FSDD checkout> python datasets/prepare/build.py fsdd" in message


def test_corrupted_file_gives_both_hashes(fsdd_copy):
    path = fsdd_copy / "fsdd" / "fsdd.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    expected = _store.load_manifest(fsdd_copy)["fsdd/fsdd.npz"]["sha256"]
    with pytest.raises(_store.DataFileError) as err:
        audio.load_fsdd()
    message = str(err.value)
    assert expected in message and _store.file_sha256(path) in message


def test_files_that_disagree_are_refused(fsdd_copy, accept_edit):
    path = fsdd_copy / "fsdd" / "clips.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))  # one clip fewer in the table than in the audio
    accept_edit(fsdd_copy, "fsdd/clips.csv")
    with pytest.raises(ValueError, match="disagree.*FSDD_DIR=.*build.py fsdd"):
        audio.load_fsdd()


def _fake_checkout(root, speakers=("george",), takes=1, rate=8000):
    (root / "recordings").mkdir(parents=True)
    (root / "metadata.py").write_text(
        "metadata = {"
        + ", ".join(
            f"'{s}': {{'gender': 'male', 'accent': 'X', 'language': 'english'}}" for s in speakers
        )
        + "}\n"
    )
    rng = np.random.default_rng(0)
    for s in speakers:
        for d in range(10):
            for t in range(takes):
                with wave.open(str(root / "recordings" / f"{d}_{s}_{t}.wav"), "wb") as w:
                    w.setnchannels(1)
                    w.setsampwidth(2)
                    w.setframerate(rate)
                    w.writeframes((rng.standard_normal(400) * 3000).astype("<i2").tobytes())
    return root


def test_prepare_refuses_an_incomplete_or_foreign_checkout(tmp_path):
    prepare = _prepare_module()
    with pytest.raises(FileNotFoundError, match="recordings"):
        prepare.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    partial = _fake_checkout(tmp_path / "partial")
    with pytest.raises(ValueError, match="missing 2990"):
        prepare.main([str(partial), "--out", str(tmp_path / "out")])
    odd = tmp_path / "odd"
    shutil.copytree(partial, odd)
    (odd / "recordings" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="notes.txt"):
        prepare.main([str(odd), "--out", str(tmp_path / "out")])


def test_prepare_refuses_a_wav_of_the_wrong_rate(tmp_path):
    prepare = _prepare_module()
    path = _fake_checkout(tmp_path / "c", rate=16000) / "recordings" / "0_george_0.wav"
    with pytest.raises(ValueError, match="16000 Hz"):
        prepare.read_wav(path)


@pytest.mark.skipif(_checkout() is None, reason="no FSDD checkout: set $FSDD_DIR to one")
def test_rebuild_from_the_checkout_reproduces_the_shipped_files_byte_for_byte(tmp_path):
    prepare = _prepare_module()
    assert prepare.main([str(_checkout()), "--out", str(tmp_path)]) == 0
    manifest = _store.load_manifest(ROOT / "datasets")
    for relpath in FSDD_FILES:
        digest = hashlib.sha256((tmp_path / Path(relpath).name).read_bytes()).hexdigest()
        assert digest == manifest[relpath]["sha256"], relpath
    with open(tmp_path / "clips.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3000 and rows[0]["source"] == "0_george_0.wav"
