"""Leave-one-speaker-out on the Free Spoken Digit Dataset, all six folds (notebook 09).

Notebook 09 trains its digit recognisers on five real speakers of the Free
Spoken Digit Dataset (FSDD; Zohar Jackson et al., CC BY-SA 4.0) and tests them
on the sixth, for one stated fold. This script runs every fold with the
notebook's features, baselines and models, so that the notebook's fold can be
read against the others:

- chance (1 in 10);
- 1-NN on clip summaries (each third's mean and each feature's spread over the
  clip, standardised with training statistics), the notebook's nearest-neighbour
  baseline;
- logistic regression on the same summaries (L2 penalty 0.1; the notebook picks
  it on a validation speaker, which picks 0.1 in its fold);
- the notebook's bidirectional GRU trained on the five real speakers, and the
  same model trained on them plus the 102 synthetic voices of
  ``data.load_spoken_digits`` (1,020 clips), over several seeds.

It writes a table of per-speaker accuracies to ``benchmarks/SPEECH_FOLDS.md``.
The features are computed with ``data.log_mel`` (NumPy), the same numbers to
float32 rounding as the notebook's ``tf.signal`` pipeline. Run it from the
repository root (8 minutes for 6 folds x 2 seeds on a 2-core CPU shared with
other work)::

    python benchmarks/speech_folds.py                # 6 folds x 2 seeds
    python benchmarks/speech_folds.py --seeds 1 --speakers theo lucas
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from rnncourse import data  # noqa: E402
from rnncourse.baselines import LogisticRegression, nearest_neighbour  # noqa: E402
from rnncourse.machine import describe, summary_line, versions_line  # noqa: E402

# The notebook's configuration (notebooks/09_speech.ipynb, its configuration cell).
SAMPLE_RATE = 8000
FRAME_LENGTH, FRAME_STEP, FFT_LENGTH, N_MELS = 200, 80, 256, 40
MAX_SECONDS = 1.0  # each clip is cut to its first second
WORD_STACK = 4
WORD_UNITS = 48
WORD_EPOCHS = 3
WORD_NOISE = 0.5
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
L2 = 0.1
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "SPEECH_FOLDS.md")


def speech_features(waveforms, stack, stats=None, n_steps=None):
    """log-mel -> subtract each clip's mean -> standardise -> stack frames (the notebook's)."""
    feats, n_frames = data.log_mel(
        waveforms, SAMPLE_RATE, N_MELS, FRAME_LENGTH, FRAME_STEP, FFT_LENGTH
    )  # (n, frames, n_mels), (n,)
    valid = (np.arange(feats.shape[1])[None, :] < n_frames[:, None])[..., None]
    clip_mean = feats.sum(axis=1) / n_frames[:, None]  # (n, n_mels)
    feats = np.where(valid, feats - clip_mean[:, None], 0.0)
    if stats is None:
        real = feats[valid[..., 0]]
        stats = real.mean(axis=0), real.std(axis=0)
    feats = np.where(valid, (feats - stats[0]) / stats[1], 0.0).astype("float32")
    n, frames, width = feats.shape
    steps_max = -(-frames // stack)
    padded = np.zeros((n, steps_max * stack, width), dtype="float32")
    padded[:, :frames] = feats
    x, steps = padded.reshape(n, steps_max, stack * width), -(-n_frames // stack)
    if n_steps is not None:
        x = np.pad(x, ((0, 0), (0, n_steps - x.shape[1]), (0, 0)))
    return x, steps, stats


def clip_summary(x, steps):
    """Each third's mean and each feature's standard deviation over the clip: (n, 4 * features)."""
    rows = []
    for f, n in zip(x, steps, strict=True):
        parts = np.array_split(f[: max(n, 3)], 3)
        rows.append(np.concatenate([p.mean(axis=0) for p in parts] + [f[:n].std(axis=0)]))
    return np.stack(rows)


def build_word_model(n_inputs, seed):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, n_inputs))
    h = layers.Masking(mask_value=0.0)(inputs)
    h = layers.GaussianNoise(WORD_NOISE)(h)
    h = layers.Bidirectional(layers.GRU(WORD_UNITS))(h)
    h = layers.Dropout(0.3)(h)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(h))
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy"
    )
    return model


def cut(waveforms):
    return [w[: int(MAX_SECONDS * SAMPLE_RATE)] for w in waveforms]


def run_fold(held_out, seeds, synthetic):
    train = data.load_fsdd(speakers=[s for s in data.FSDD_SPEAKERS if s != held_out])
    test = data.load_fsdd(speakers=[held_out])
    x_train, steps_train, stats = speech_features(cut(train.waveforms), WORD_STACK)
    width = x_train.shape[1]
    x_test, steps_test, _ = speech_features(cut(test.waveforms), WORD_STACK, stats, width)
    y_train, y_test = train.labels, test.labels
    summary_train = clip_summary(x_train, steps_train)
    mu, sd = summary_train.mean(axis=0), summary_train.std(axis=0) + 1e-6
    s_train = (summary_train - mu) / sd
    s_test = (clip_summary(x_test, steps_test) - mu) / sd
    row = {
        "1-NN": float((nearest_neighbour(s_train, y_train, s_test) == y_test).mean()),
        "logistic regression": float(
            (
                LogisticRegression(l2=L2, max_iter=100).fit(s_train, y_train).predict(s_test)
                == y_test
            ).mean()
        ),
    }
    # the synthetic voices, features with the real training statistics, cut to the same width
    x_syn, _, _ = speech_features(cut(synthetic.waveforms), WORD_STACK, stats)
    x_syn = np.pad(x_syn[:, :width], ((0, 0), (0, max(0, width - x_syn.shape[1])), (0, 0)))
    x_both = np.concatenate([x_train, x_syn])
    y_both = np.concatenate([y_train, synthetic.labels])
    for name, (x, y) in {
        "BiGRU": (x_train, y_train),
        "BiGRU + synthetic": (x_both, y_both),
    }.items():
        accs = []
        for seed in seeds:
            model = build_word_model(x.shape[-1], seed)
            model.fit(x, y, epochs=WORD_EPOCHS, batch_size=BATCH_SIZE, verbose=0)
            accs.append(float((model.predict(x_test, verbose=0).argmax(axis=1) == y_test).mean()))
        row[name] = accs
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds per model (default 2)")
    parser.add_argument("--speakers", nargs="*", default=list(data.FSDD_SPEAKERS))
    parser.add_argument("--out", default=OUT, help="the Markdown table to write")
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    parts = data.load_spoken_digits()
    synthetic = data.SpokenDigits(
        [w for part in parts.values() for w in part.waveforms],
        np.concatenate([part.lengths for part in parts.values()]),
        np.concatenate([part.labels for part in parts.values()]),
        [w for part in parts.values() for w in part.words],
        [v for part in parts.values() for v in part.voices],
        SAMPLE_RATE,
    )
    start = time.time()
    rows = {}
    for speaker in args.speakers:
        rows[speaker] = run_fold(speaker, seeds, synthetic)
        r = rows[speaker]
        print(
            f"{speaker:<9} 1-NN {r['1-NN']:.3f} | LR {r['logistic regression']:.3f} | "
            f"BiGRU {np.round(r['BiGRU'], 3)} | + synthetic {np.round(r['BiGRU + synthetic'], 3)} "
            f"({time.time() - start:.0f} s)",
            flush=True,
        )
    write_table(rows, seeds, time.time() - start, args.out)


def write_table(rows, seeds, seconds, out):
    machine = describe()

    def cell(accs):
        return f"{np.mean(accs):.3f} ({min(accs):.3f}-{max(accs):.3f})"

    lines = [
        "# Leave-one-speaker-out on FSDD (notebook 09)",
        "",
        "Written by `python benchmarks/speech_folds.py`; do not edit by hand. Each row trains on",
        "five speakers of the Free Spoken Digit Dataset (Zohar Jackson et al., CC BY-SA 4.0) and",
        "tests on the sixth (500 clips: 10 digits x 50 takes). Accuracy on the held-out speaker;",
        f"the BiGRU columns give the mean over {len(seeds)} seed(s) {seeds} and, in brackets, the",
        "lowest and highest. '+ synthetic' adds the 1,020 clips of the 102 synthetic voices of",
        "`data.load_spoken_digits` to the training set. Chance is 0.100.",
        "",
        "| held-out speaker | 1-NN | logistic regression | BiGRU | BiGRU + synthetic | synthetic helps by |",
        "|---|---|---|---|---|---|",
    ]
    for speaker, r in rows.items():
        gain = np.mean(r["BiGRU + synthetic"]) - np.mean(r["BiGRU"])
        lines.append(
            f"| {speaker} | {r['1-NN']:.3f} | {r['logistic regression']:.3f} | {cell(r['BiGRU'])} "
            f"| {cell(r['BiGRU + synthetic'])} | {gain:+.3f} |"
        )
    means = {
        k: np.mean([np.mean(r[k]) for r in rows.values()])
        for k in ("1-NN", "logistic regression", "BiGRU", "BiGRU + synthetic")
    }
    lines.append(
        f"| **mean** | {means['1-NN']:.3f} | {means['logistic regression']:.3f} | "
        f"{means['BiGRU']:.3f} | {means['BiGRU + synthetic']:.3f} | "
        f"{means['BiGRU + synthetic'] - means['BiGRU']:+.3f} |"
    )
    lines += [
        "",
        f"Run: {seconds / 60:.1f} min on {summary_line(machine)}; {versions_line(machine)}; "
        f"backend {keras.backend.backend()}.",
        "",
    ]
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
