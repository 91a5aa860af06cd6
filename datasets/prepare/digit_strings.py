"""Build ``datasets/digit_strings/``: spoken strings of 3 to 5 digits, for CTC.

The same 102 voices and the same voice split as ``spoken_digits`` (see
``_speech_common.py``): 68 train voices, 14 validation voices, 20 test
voices, no voice in two splits. Each voice reads ``STRINGS_PER_VOICE`` strings
such as "four two seven" (length uniform in 3..5, digits uniform), a little
faster than its isolated words, with a short random pause between words.

Writes (deterministic: a rerun gives the same bytes):

- ``digit_strings.npz``: ``audio`` int16 (all clips end to end, 8 kHz mono,
  peak at -6 dBFS) and ``offsets`` int64 (clip ``i`` is
  ``audio[offsets[i]:offsets[i+1]]``);
- ``clips.csv``: one row per clip in file order (train, validation, test;
  shuffled within each split): ``clip, split, voice, digits, text, n_digits,
  speed, pitch, gap_ms, n_samples`` (``digits`` is a string like ``"427"``);
- ``voices.csv``: the voice table (same as ``spoken_digits/voices.csv``).

Requirements (apt, Debian 12): espeak-ng 1.51+dfsg-10+deb12u2, flite 2.2-5.
Requirements (pip): numpy 2.4.6, scipy 1.17.1, soundfile 0.14.0 (libsndfile 1.2.2).

Run from the repository root: ``python datasets/prepare/build.py digit_strings``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _speech_common as common  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "digit_strings"
STRINGS_PER_VOICE = 6
MIN_DIGITS, MAX_DIGITS = 3, 5
SPEED_BOOST = 20  # strings are read this many words per minute faster than single words
SPEED_JITTER = 20
PITCH_JITTER = 10
MAX_GAP = 4  # espeak-ng -g, in units of 10 ms


def main():
    print(common.tool_versions())
    voices = common.build_voices()
    jobs, rows = [], []
    for voice in voices:
        rng = common.voice_rng(common.SEED, voice["voice"], "digit_strings")
        for _ in range(STRINGS_PER_VOICE):
            n = int(rng.integers(MIN_DIGITS, MAX_DIGITS + 1))
            digits = "".join(str(int(d)) for d in rng.integers(0, 10, size=n))
            text = " ".join(common.DIGIT_WORDS[int(d)] for d in digits)
            speed = (
                voice["base_speed"]
                + SPEED_BOOST
                + int(rng.integers(-SPEED_JITTER, SPEED_JITTER + 1))
            )
            pitch = voice["base_pitch"] + int(rng.integers(-PITCH_JITTER, PITCH_JITTER + 1))
            gap = int(rng.integers(0, MAX_GAP + 1))
            if voice["engine"] == "espeak-ng":
                pitch = min(max(pitch, 0), 99)
            else:
                pitch, gap = -1, 0  # flite: speed only
            jobs.append({"voice": voice, "text": text, "speed": speed, "pitch": pitch, "gap": gap})
            rows.append(
                {
                    "split": voice["split"],
                    "voice": voice["voice"],
                    "digits": digits,
                    "text": text,
                    "n_digits": n,
                    "speed": speed,
                    "pitch": pitch,
                    "gap_ms": 10 * gap,
                }
            )
    clips = common.synthesize_all(jobs)
    order = common.order_within_splits(rows, common.SEED)
    rows = [dict(rows[i], clip=k, n_samples=len(clips[i])) for k, i in enumerate(order)]
    audio, offsets = common.pack_clips([clips[i] for i in order])
    OUT.mkdir(exist_ok=True)
    common.write_npz(OUT / "digit_strings.npz", {"audio": audio, "offsets": offsets})
    common.write_csv(
        OUT / "clips.csv",
        rows,
        [
            "clip",
            "split",
            "voice",
            "digits",
            "text",
            "n_digits",
            "speed",
            "pitch",
            "gap_ms",
            "n_samples",
        ],
    )
    common.write_csv(OUT / "voices.csv", voices, common.VOICE_COLUMNS)
    for split in common.SPLITS:
        n = sum(r["split"] == split for r in rows)
        v = sum(x["split"] == split for x in voices)
        print(f"{split}: {n} clips from {v} voices")
    size = (OUT / "digit_strings.npz").stat().st_size
    print(
        f"{len(rows)} clips, {len(audio) / common.SAMPLE_RATE / 60:.1f} min of audio, "
        f"digit_strings.npz {size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
