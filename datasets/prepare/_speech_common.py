"""The synthetic voices of the ``spoken_digits`` data set and the code that makes them speak.

Not a data set itself (``build.py`` skips names that start with ``_``). It once
served a second set, ``digit_strings`` (removed: notebook 09 composes digit
strings from real FSDD clips at load time), hence the separate module.

What a "voice" is here: one eSpeak NG voice variant (a timbre: formants, pitch
range, breathiness; ``espeak-ng -v en-us+f3``) with a fixed accent, base speed
and base pitch drawn once per voice, or one flite voice. Variants that sound
exactly the same (identical samples for a probe sentence) are merged, and
variants of one family (``klatt``, ``klatt2``, ...; ``m1`` ... ``m8``) are kept in
one split, so no timbre is heard in two splits.

Requirements (apt, Debian 12): espeak-ng 1.51+dfsg-10+deb12u2, flite 2.2-5.
Requirements (pip): numpy 2.4.6, scipy 1.17.1, soundfile 0.14.0.
"""

import io
import re
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf
from _files import write_csv, write_npz  # noqa: F401  (re-exported for the speech scripts)
from scipy.signal import resample_poly

SAMPLE_RATE = 8000
SEED = 20240913
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SPLITS = ("train", "validation", "test")
#: Test and validation sizes, in voices (the rest train).
N_TEST_VOICES = 20
N_VALIDATION_VOICES = 14
#: Larger variant families (m1..m8, f1..f5, klatt*, robosoft*, iven*) always train.
MAX_HELDOUT_FAMILY = 3
#: eSpeak NG English accents whose audio differs (``en-gb`` resolves to an absent
#: MBROLA voice and ``en-us-nyc`` sounded like ``en-us`` for the digits).
ESPEAK_ACCENTS = (
    "en",
    "en-us",
    "en-gb-scotland",
    "en-gb-x-rp",
    "en-gb-x-gbclan",
    "en-gb-x-gbcwmd",
    "en-029",
)
#: flite voices (``kal16`` is the same speaker as ``kal``; ``awb_time`` only says times),
#: placed by hand so that each split has at least one.
FLITE_SPLITS = {"slt": "train", "rms": "train", "awb": "validation", "kal": "test"}
#: Variant families that the trailing-digit rule does not catch.
FAMILY_ALIASES = {"anikarobot": "anika", "anxiousandy": "andy", "whisperf": "whisper"}
#: Probe spectra closer than this (about 0.4 of the median nearest-neighbour
#: distance, 3.8) mark two variants as look-alikes that must share a split.
ACOUSTIC_LINK = 1.5
PROBE = "zero one two three four five six seven eight nine"
PEAK = 0.5  # every clip is scaled so its largest sample is half of full scale (-6 dBFS)
MARGIN_S = 0.02  # silence kept before and after the speech after trimming
WORKERS = 2


def run(cmd, **kwargs):
    """Run a command, return its stdout bytes; fail loudly with its stderr."""
    proc = subprocess.run(cmd, capture_output=True, check=False, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return proc.stdout


def tool_versions():
    """Versions of the tools and libraries that shape the bytes (printed by the scripts)."""
    espeak = run(["espeak-ng", "--version"]).decode().split("Data at")[0].strip()
    proc = subprocess.run(["flite", "--version"], capture_output=True, check=False)  # exits 1
    flite = next(line for line in proc.stdout.decode().splitlines() if "version" in line).strip()
    return {
        "espeak-ng": espeak,
        "flite": flite,
        "numpy": np.__version__,
        "scipy": __import__("scipy").__version__,
        "soundfile": sf.__version__,
        "libsndfile": sf.__libsndfile_version__,
    }


def espeak_data_dir():
    text = run(["espeak-ng", "--version"]).decode()
    match = re.search(r"Data at:\s*(\S+)", text)
    if not match:
        raise RuntimeError(f"cannot find the espeak-ng data folder in {text!r}")
    return Path(match.group(1))


def espeak_variants():
    """Sorted names of the eSpeak NG voice variants (``voices/!v``), without odd names."""
    folder = espeak_data_dir() / "voices" / "!v"
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    return [n for n in names if re.fullmatch(r"[A-Za-z0-9_]+", n)]  # "Mr serious" has a space


def family_of(variant):
    """Name family: ``"klatt3"`` -> ``"klatt"``, ``"anikaRobot"`` -> ``"anika"``."""
    base = re.sub(r"\d+$", "", variant.lower())
    return FAMILY_ALIASES.get(base, base)


def timbre_signature(variant):
    """The ``formant`` and ``klatt`` lines of a variant's voice file (its vocal tract), or None."""
    if variant == "default":
        return None
    text = (espeak_data_dir() / "voices" / "!v" / variant).read_text(
        encoding="utf-8", errors="replace"
    )
    lines = (" ".join(line.split("//")[0].split()) for line in text.splitlines())
    keep = sorted(line for line in lines if line.split(" ")[0] in ("formant", "klatt"))
    return "|".join(keep) or None


def probe_features(clip):
    """Mean and spread of a 32-band log power spectrum over a clip (for voice similarity)."""
    x = clip.astype(np.float64) / 32768.0
    n = (len(x) - 256) // 80 + 1
    frames = np.stack([x[i * 80 : i * 80 + 256] for i in range(n)]) * np.hanning(256)
    logpow = np.log(np.abs(np.fft.rfft(frames)) ** 2 + 1e-8)  # (frames, 129)
    bands = np.stack([b.mean(axis=1) for b in np.array_split(logpow, 32, axis=1)], axis=1)
    return np.concatenate([bands.mean(axis=0), bands.std(axis=0)])


def voice_groups(aliases):
    """Join variants into groups that must share a split; return {variant: group name}.

    ``aliases`` maps each kept variant to all the variant names that sound
    exactly like it (itself included); the rules below apply to every alias.
    Two variants are joined when any of these holds (and groups are closed under
    joining): the same name family (caleb, an exact copy of klatt6, joins klatt2); the same ``formant``/``klatt`` lines in their
    voice files (e.g. michel, miguel, Diogo, Henrique, Hugo); or probe spectra
    closer than ``ACOUSTIC_LINK`` (e.g. adam and caleb, croak and grandpa).
    """
    variants = sorted(aliases)
    parent = {v: v for v in variants}

    def find(v):
        while parent[v] != v:
            v = parent[v]
        return v

    def join(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_family, by_timbre = {}, {}
    for v in variants:
        for alias in aliases[v]:
            join(v, by_family.setdefault(family_of(alias), v))
            sig = timbre_signature(alias)
            if sig is not None:
                join(v, by_timbre.setdefault(sig, v))
    feats = np.stack([probe_features(to_clip(espeak_raw("en-us", v, PROBE))) for v in variants])
    dist = np.sqrt(((feats[:, None] - feats[None]) ** 2).sum(-1))
    for i, j in zip(*np.nonzero(dist < ACOUSTIC_LINK), strict=True):
        join(variants[i], variants[j])
    return {v: find(v).lower() for v in variants}


def decode_wav(data):
    samples, rate = sf.read(io.BytesIO(data), dtype="float64")
    if samples.ndim != 1:
        raise RuntimeError(f"expected mono audio, got shape {samples.shape}")
    return samples, rate


def espeak_raw(accent, variant, text, speed=175, pitch=50, gap=0):
    voice = accent if variant == "default" else f"{accent}+{variant}"
    cmd = [
        "espeak-ng",
        "-v",
        voice,
        "-s",
        str(speed),
        "-p",
        str(pitch),
        "-g",
        str(gap),
        "--stdout",
        text,
    ]
    return run(cmd)


def flite_raw(name, text, stretch=1.0):
    # flite writes to a file name; /dev/stdout keeps it in memory.
    cmd = [
        "flite",
        "-voice",
        name,
        "--setf",
        f"duration_stretch={stretch:.3f}",
        "-t",
        text,
        "-o",
        "/dev/stdout",
    ]
    return run(cmd)


def to_clip(data):
    """Decode a WAV, resample to SAMPLE_RATE, trim silence, scale to PEAK, return int16."""
    x, rate = decode_wav(data)
    if rate != SAMPLE_RATE:
        g = np.gcd(int(rate), SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, int(rate) // g)
    hop = SAMPLE_RATE // 100  # 10 ms frames
    n = len(x) // hop
    if n == 0:
        raise RuntimeError("synthesiser returned no audio")
    energy = (x[: n * hop].reshape(n, hop) ** 2).mean(axis=1)
    active = np.nonzero(energy > energy.max() * 1e-4)[0]  # within 40 dB of the loudest frame
    margin = int(MARGIN_S * SAMPLE_RATE)
    start = max(active[0] * hop - margin, 0)
    stop = min((active[-1] + 1) * hop + margin, len(x))
    x = x[start:stop]
    x = x * (PEAK / np.abs(x).max())
    return np.round(x * 32767).astype(np.int16)


def build_voices(seed=SEED):
    """The voice table: one dict per voice, sorted by id, with its split and base settings."""
    # Variants that produce identical samples are one voice (caleb == klatt == klatt6,
    # fast == the default voice): keep the first name of each.
    same = {}
    for variant in ["default", *espeak_variants()]:
        audio = espeak_raw("en-us", variant, PROBE)
        same.setdefault((zlib.crc32(audio[44:]), len(audio)), []).append(variant)
    aliases = {names[0]: names for names in same.values()}
    variants = sorted(aliases)
    group = voice_groups(aliases)
    voices = []
    for variant in variants:
        rng = np.random.default_rng([seed, zlib.crc32(variant.encode())])
        voices.append(
            {
                "voice": f"espeak-{variant}",
                "engine": "espeak-ng",
                "name": variant,
                "family": group[variant],
                "accent": ESPEAK_ACCENTS[int(rng.integers(len(ESPEAK_ACCENTS)))],
                "base_speed": int(rng.integers(150, 211)),  # words per minute
                "base_pitch": int(rng.integers(25, 76)),  # espeak-ng -p, 0..99
            }
        )
    for name in sorted(FLITE_SPLITS):
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        voices.append(
            {
                "voice": f"flite-{name}",
                "engine": "flite",
                "name": name,
                "family": f"flite-{name}",
                "accent": "flite",
                "base_speed": int(rng.integers(150, 211)),
                "base_pitch": -1,
            }
        )
    # Whole families go to one split: shuffle the eSpeak families, fill test then validation
    # from the families of at most MAX_HELDOUT_FAMILY voices (so that eight robosoft
    # variants cannot make up half of the test voices); the rest train.
    families = sorted({v["family"] for v in voices if v["engine"] == "espeak-ng"})
    order = np.random.default_rng(seed).permutation(len(families))
    size = {f: sum(v["family"] == f for v in voices) for f in families}
    want = {"test": N_TEST_VOICES - 1, "validation": N_VALIDATION_VOICES - 1}  # flite adds one each
    have = {"test": 0, "validation": 0}
    split_of = {}
    for i in order:
        fam = families[i]
        for split in ("test", "validation"):
            if size[fam] <= MAX_HELDOUT_FAMILY and have[split] + size[fam] <= want[split]:
                split_of[fam] = split
                have[split] += size[fam]
                break
        else:
            split_of[fam] = "train"
    for v in voices:
        v["split"] = FLITE_SPLITS[v["name"]] if v["engine"] == "flite" else split_of[v["family"]]
    return sorted(voices, key=lambda v: v["voice"])


def synthesize(voice, text, speed, pitch, gap=0):
    """Speak ``text`` in ``voice`` at ``speed`` words/minute and ``pitch``; int16 at 8 kHz."""
    if voice["engine"] == "flite":
        return to_clip(flite_raw(voice["name"], text, stretch=175.0 / speed))
    return to_clip(espeak_raw(voice["accent"], voice["name"], text, speed, pitch, gap))


def synthesize_all(jobs):
    """Run ``synthesize(**job)`` for every job (two at a time); results in job order."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda job: synthesize(**job), jobs))


def voice_rng(seed, voice_id, salt):
    return np.random.default_rng([seed, zlib.crc32(voice_id.encode()), zlib.crc32(salt.encode())])


def order_within_splits(rows, seed):
    """Return row indices: train, then validation, then test; shuffled (seeded) inside each."""
    rng = np.random.default_rng(seed)
    out = []
    for split in SPLITS:
        idx = [i for i, r in enumerate(rows) if r["split"] == split]
        out.extend(idx[j] for j in rng.permutation(len(idx)))
    return out


def pack_clips(clips):
    """Concatenate int16 clips; return (audio, offsets) with ``clip i = audio[off[i]:off[i+1]]``."""
    offsets = np.zeros(len(clips) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(c) for c in clips])
    return np.concatenate(clips).astype(np.int16), offsets


VOICE_COLUMNS = ["voice", "engine", "name", "family", "accent", "base_speed", "base_pitch", "split"]
