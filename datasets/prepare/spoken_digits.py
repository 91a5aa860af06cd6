"""Build ``datasets/spoken_digits/``: isolated spoken digits from synthetic voices.

Each of 102 voices (eSpeak NG variants with a fixed accent, base speed and base
pitch, plus four flite voices; see ``_speech_common.py``) says each word
"zero" ... "nine" ``REPEATS`` times, each time at a speed and pitch jittered
around the voice's own. Whole voices are held out: 20 voices only in the test
split, 14 others only in validation, the remaining 68 in train.

Writes (deterministic: a rerun gives the same bytes):

- ``spoken_digits.npz``: ``audio`` int16 (all clips end to end, 8 kHz mono,
  peak at -6 dBFS) and ``offsets`` int64 (clip ``i`` is
  ``audio[offsets[i]:offsets[i+1]]``);
- ``clips.csv``: one row per clip in file order (train, validation, test;
  shuffled within each split): ``clip, split, voice, label, word, speed, pitch,
  n_samples``;
- ``voices.csv``: one row per voice: ``voice, engine, name, family, accent,
  base_speed, base_pitch, split``.

Requirements (apt, Debian 12): espeak-ng 1.51+dfsg-10+deb12u2, flite 2.2-5.
Requirements (pip): numpy 2.4.6, scipy 1.17.1, soundfile 0.14.0 (libsndfile 1.2.2).

Run from the repository root: ``python datasets/prepare/build.py spoken_digits``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _speech_common as common  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "spoken_digits"
REPEATS = 1
SPEED_JITTER = 20  # words per minute, either side of the voice's base speed
PITCH_JITTER = 10  # espeak-ng pitch units, either side of the voice's base pitch


def main():
    print(common.tool_versions())
    voices = common.build_voices()
    jobs, rows = [], []
    for voice in voices:
        rng = common.voice_rng(common.SEED, voice["voice"], "spoken_digits")
        for _ in range(REPEATS):
            for label, word in enumerate(common.DIGIT_WORDS):
                speed = voice["base_speed"] + int(rng.integers(-SPEED_JITTER, SPEED_JITTER + 1))
                pitch = voice["base_pitch"] + int(rng.integers(-PITCH_JITTER, PITCH_JITTER + 1))
                pitch = min(max(pitch, 0), 99) if voice["engine"] == "espeak-ng" else -1
                jobs.append({"voice": voice, "text": word, "speed": speed, "pitch": pitch})
                rows.append(
                    {
                        "split": voice["split"],
                        "voice": voice["voice"],
                        "label": label,
                        "word": word,
                        "speed": speed,
                        "pitch": pitch,
                    }
                )
    clips = common.synthesize_all(jobs)
    order = common.order_within_splits(rows, common.SEED)
    rows = [dict(rows[i], clip=k, n_samples=len(clips[i])) for k, i in enumerate(order)]
    audio, offsets = common.pack_clips([clips[i] for i in order])
    OUT.mkdir(exist_ok=True)
    common.write_npz(OUT / "spoken_digits.npz", {"audio": audio, "offsets": offsets})
    common.write_csv(
        OUT / "clips.csv",
        rows,
        ["clip", "split", "voice", "label", "word", "speed", "pitch", "n_samples"],
    )
    common.write_csv(OUT / "voices.csv", voices, common.VOICE_COLUMNS)
    for split in common.SPLITS:
        n = sum(r["split"] == split for r in rows)
        v = sum(x["split"] == split for x in voices)
        print(f"{split}: {n} clips from {v} voices")
    size = (OUT / "spoken_digits.npz").stat().st_size
    print(
        f"{len(rows)} clips, {len(audio) / common.SAMPLE_RATE / 60:.1f} min of audio, "
        f"spoken_digits.npz {size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
