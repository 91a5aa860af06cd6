"""Build ``datasets/fsdd/``: the Free Spoken Digit Dataset, real voices, as 8-bit mu-law.

FSDD (Zohar Jackson and contributors; CC BY-SA 4.0) holds 3,000 recordings: 6 speakers x 10 digits x
50 takes, 8 kHz mono 16-bit WAV, trimmed to near-minimal silence. This script
reads a checkout of it (github.com/Jakobovski/free-spoken-digit-dataset, commit
26eb9aaf76e81b692f806f9140c2d2777410d7a1, tag v1.0.9's recordings) and writes:

- ``fsdd.npz``: ``audio`` uint8, every clip end to end, mu-law coded (mu = 255,
  code 0..255; see :func:`mu_law_encode`), and ``offsets`` int64: clip ``i`` is
  ``audio[offsets[i]:offsets[i+1]]``. 8-bit mu-law halves the size of the
  16-bit source and keeps about 38 dB of signal-to-quantisation-noise ratio,
  more than the recordings' own background noise.
- ``clips.csv``: one row per clip in file order (speaker, then digit, then
  take): ``clip, speaker, label, take, n_samples, source`` (``source`` is the
  upstream file name).
- ``speakers.csv``: one row per speaker from the checkout's ``metadata.py``:
  ``speaker, gender, accent, language, clips``.

Deterministic: the bytes depend only on the recordings (no randomness; fixed
order, fixed zip member names and dates). Needs only Python's ``wave`` module
and NumPy.

Usage, from the repository root (the checkout's path as the argument, or in
``$FSDD_DIR``; a rerun over the same checkout rewrites the same bytes)::

    python datasets/prepare/fsdd.py /path/to/free-spoken-digit-dataset
    FSDD_DIR=/path/to/free-spoken-digit-dataset python datasets/prepare/build.py fsdd
"""

import argparse
import ast
import hashlib
import io
import os
import re
import sys
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _files import write_csv, write_npz  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fsdd"
SAMPLE_RATE = 8000
MU = 255
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
TAKES = 50
NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")
#: SHA-256 over the sorted "name sha256" lines of the 3,000 recordings at the
#: commit above; a different checkout is refused unless --any-version is given.
SOURCE_FINGERPRINT = "dbd573d7cafe79c4b49f65718115e1304e24e067fa39eff18a660dc6cb9c360f"


def mu_law_encode(x):
    """Code float samples in [-1, 1] as uint8 mu-law (mu = 255): 0 is -1, 255 is +1."""
    x = np.clip(np.asarray(x, dtype=np.float64), -1.0, 1.0)
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)  # in [-1, 1]
    return np.floor((y + 1.0) / 2.0 * MU + 0.5).astype(np.uint8)


def read_wav(path, data=None):
    """Return the int16 samples of a mono 8 kHz 16-bit WAV file, or raise naming the file.

    ``data``: the file's bytes when they were read already (so each file is read once).
    """
    with wave.open(io.BytesIO(data) if data is not None else str(path), "rb") as wav:
        shape = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
        if shape != (SAMPLE_RATE, 1, 2):
            raise ValueError(
                f"{path}: expected 8000 Hz, mono, 16-bit, found {shape[0]} Hz, "
                f"{shape[1]} channel(s), {8 * shape[2]}-bit. Use an unmodified FSDD checkout."
            )
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def read_metadata(checkout):
    """Speaker metadata from the checkout's ``metadata.py``, read as a literal (not executed)."""
    text = (checkout / "metadata.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "metadata":
            return ast.literal_eval(node.value)
    raise ValueError(f"{checkout / 'metadata.py'} has no `metadata = {{...}}` dictionary.")


def source_files(checkout):
    """The recordings as ``[(digit, speaker, take, path)]`` sorted by speaker, digit, take."""
    folder = checkout / "recordings"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} not found: pass the root of an FSDD checkout (it holds recordings/ "
            "and metadata.py), e.g. a clone of github.com/Jakobovski/free-spoken-digit-dataset."
        )
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match is None:
            raise ValueError(
                f"{path}: not an FSDD recording name ({{digit}}_{{speaker}}_{{take}}.wav)."
            )
        digit, speaker, take = int(match[1]), match[2], int(match[3])
        found.append((speaker, digit, take, path))
    expected = {(s, d, t) for s in SPEAKERS for d in range(10) for t in range(TAKES)}
    have = {(s, d, t) for s, d, t, _ in found}
    if have != expected:
        missing, extra = sorted(expected - have), sorted(have - expected)
        raise ValueError(
            f"{folder}: expected the 3,000 recordings of {len(SPEAKERS)} speakers x 10 digits x "
            f"{TAKES} takes; missing {len(missing)} (first {missing[:3]}), unexpected "
            f"{len(extra)} (first {extra[:3]})."
        )
    return [(d, s, t, p) for s, d, t, p in sorted(found)]


def fingerprint(blobs):
    """SHA-256 over the sorted "name sha256" lines of ``{file name: bytes}``."""
    digest = hashlib.sha256()
    for name in sorted(blobs):
        digest.update(f"{name} {hashlib.sha256(blobs[name]).hexdigest()}\n".encode())
    return digest.hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", nargs="?", default=os.environ.get("FSDD_DIR"))
    parser.add_argument(
        "--out", type=Path, default=OUT, help="output folder (default datasets/fsdd)"
    )
    parser.add_argument(
        "--any-version", action="store_true", help="accept a checkout other than the pinned one"
    )
    args = parser.parse_args(argv)
    if not args.checkout:
        parser.error(
            "give the path of an FSDD checkout as the argument or in $FSDD_DIR "
            "(e.g. FSDD_DIR=../shared/data/fsdd)."
        )
    checkout = Path(args.checkout)
    files = source_files(checkout)
    blobs = {path.name: path.read_bytes() for _, _, _, path in files}
    got = fingerprint(blobs)
    if got != SOURCE_FINGERPRINT and not args.any_version:
        raise SystemExit(
            f"{checkout}: the recordings' fingerprint is {got}, not the pinned "
            f"{SOURCE_FINGERPRINT}; the shipped files would change. Use the pinned commit, "
            "or pass --any-version to build from this checkout anyway."
        )
    metadata = read_metadata(checkout)
    clips, rows = [], []
    for digit, speaker, take, path in files:
        samples = read_wav(path, blobs[path.name])
        clips.append(mu_law_encode(samples / 32768.0))
        rows.append(
            {
                "clip": len(rows),
                "speaker": speaker,
                "label": digit,
                "take": take,
                "n_samples": len(samples),
                "source": path.name,
            }
        )
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])]).astype(np.int64)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_npz(out / "fsdd.npz", {"audio": np.concatenate(clips), "offsets": offsets})
    write_csv(out / "clips.csv", rows, ["clip", "speaker", "label", "take", "n_samples", "source"])
    speakers = [
        {
            "speaker": s,
            "gender": metadata[s]["gender"],
            "accent": metadata[s]["accent"],
            "language": metadata[s]["language"],
            "clips": sum(r["speaker"] == s for r in rows),
        }
        for s in SPEAKERS
    ]
    write_csv(out / "speakers.csv", speakers, ["speaker", "gender", "accent", "language", "clips"])
    size = (out / "fsdd.npz").stat().st_size
    print(
        f"{len(rows)} clips from {len(SPEAKERS)} speakers, {offsets[-1] / SAMPLE_RATE / 60:.1f} min "
        f"of audio, fsdd.npz {size / 1e6:.2f} MB; source fingerprint {got}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
