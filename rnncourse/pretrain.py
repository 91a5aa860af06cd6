"""Longer training than a notebook can afford, done once by a committed script.

``python -m rnncourse pretrain 06`` trains notebook 06's character model, a
GRU on the Shakespeare training plays, for several passes over all of them
(the notebook itself trains for two passes over a fifth of them, to stay
within a CPU minute). It writes two files into ``datasets/pretrained/``:

- ``char_gru_06.weights.h5``: the weights only, loaded into the architecture
  that :func:`build_char_model` makes in code (:func:`load_char_model`), so no
  code or configuration is read from the file, and any Keras 3 can read it;
  its SHA-256 is in ``datasets/MANIFEST.json``.
- ``char_gru_06.json``: the run's record: the configuration, the machine, the
  library versions, the seconds it took, and the validation cross-entropy
  after every pass.

The run is deterministic: it seeds everything with :func:`rnncourse.setup`,
and on one CPU machine a rerun gives the same weights, and the same weights
give the same bytes.

Run it from the repository root, then rewrite the manifest::

    python -m rnncourse pretrain 06
    python datasets/prepare/build.py --manifest
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from rnncourse import machine

__all__ = [
    "CHAR_GRU_06",
    "build_char_model",
    "load_char_model",
    "load_record",
    "main",
    "train_char_model",
]

#: The configuration of notebook 06's pretrained model. 551,177 parameters,
#: 2.2 MB of float32 weights.
CHAR_GRU_06 = {
    "embed_dim": 64,
    "units": 384,
    "seq_len": 100,
    "batch_size": 128,
    "epochs": 5,
    "learning_rate": 3e-3,
    "clipnorm": 1.0,
    "seed": 42,
}
_NAME = "char_gru_06"


def _char_data():
    from rnncourse import data

    text = data.load_shakespeare()
    vocab = data.Vocabulary.from_texts([text["train"]], level="char")
    train = vocab.encode(text["train"]).astype("int64")
    val = vocab.encode(text["validation"]).astype("int64")
    return vocab, train, val


def _windows(ids, seq_len, shift):
    """Consecutive non-overlapping windows of ``ids`` from ``shift`` on: inputs and next-character targets."""
    n = (len(ids) - 1 - shift) // seq_len
    starts = shift + np.arange(n) * seq_len
    pos = starts[:, None] + np.arange(seq_len)  # (n, seq_len)
    return ids[pos], ids[pos + 1]


def build_char_model(vocab_size, embed_dim, units):
    """Embedding -> GRU -> Dense logits, the layers of notebook 06 at a larger size."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32", name="chars"),
            layers.Embedding(vocab_size, embed_dim, name="embed"),
            layers.GRU(units, return_sequences=True, name="gru"),
            layers.Dense(vocab_size, name="logits"),
        ],
        name="char_gru_pretrained",
    )


def nats_per_char(model, ids, window=500, batch_size=50):
    """Validation cross-entropy of ``model`` over ``ids`` read in windows of ``window`` characters.

    Each window starts from a zero state, as in notebook 06; every character
    after the first of each window is scored once.
    """
    import keras

    x, y = _windows(ids, window, 0)
    logits = model.predict(x, batch_size=batch_size, verbose=0)
    log_probs = keras.ops.convert_to_numpy(keras.ops.log_softmax(logits, axis=-1))
    return float(-np.take_along_axis(log_probs, y[..., None], axis=-1).mean())


def train_char_model(config=None, *, train_chars=None, log=print):
    """Train the character GRU; return ``(model, record)``.

    Args:
        config: a dict like :data:`CHAR_GRU_06` (the default).
        train_chars: use only the first this many training characters (for a
            quick test of the script); ``None`` for all of them.
        log: called with one line of progress after every pass.
    """
    import rnncourse

    config = dict(CHAR_GRU_06 if config is None else config)
    versions = rnncourse.setup(seed=config["seed"], verbose=False)  # before Keras is imported
    import keras

    vocab, train, val = _char_data()
    if train_chars is not None:
        train, val = train[:train_chars], val[: max(train_chars // 4, 1001)]
    model = build_char_model(len(vocab), config["embed_dim"], config["units"])
    steps = config["epochs"] * (((len(train) - 1) // config["seq_len"]) // config["batch_size"] + 1)
    schedule = keras.optimizers.schedules.CosineDecay(config["learning_rate"], decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=config["clipnorm"]),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(config["seed"])
    history, start = [], time.time()
    for epoch in range(1, config["epochs"] + 1):
        x, y = _windows(train, config["seq_len"], int(rng.integers(config["seq_len"])))
        order = rng.permutation(
            len(x)
        )  # shuffled here, so the run does not depend on Keras's shuffling
        fit = model.fit(
            x[order], y[order], batch_size=config["batch_size"], epochs=1, shuffle=False, verbose=0
        )
        val_nats = nats_per_char(model, val)
        history.append(
            {
                "epoch": epoch,
                "train_nats": round(float(fit.history["loss"][-1]), 4),
                "validation_nats": round(val_nats, 4),
                "seconds": round(time.time() - start, 1),
            }
        )
        log(
            f"pass {epoch}/{config['epochs']}: training {history[-1]['train_nats']:.4f}, "
            f"validation {val_nats:.4f} nats/char, {history[-1]['seconds']:.0f} s"
        )
    here = machine.describe()
    record = {
        "command": "python -m rnncourse pretrain 06",
        "config": config,
        "train_characters": int(len(train)),
        "validation_characters": int(len(val)),
        "vocab_size": len(vocab),
        "parameters": int(model.count_params()),
        "history": history,
        "seconds": round(time.time() - start, 1),
        # the keys of the shipped record (06 prints them), filled from the course's one machine probe
        "machine": {
            "platform": here["platform"],
            "processor": here["cpu"],
            "cpus": here["cores"],
            "device": versions["device"],
        },
        "versions": {k: versions[k] for k in ("python", "tensorflow", "keras", "numpy", "backend")},
    }
    return model, record


def _pretrained_path(suffix):
    from rnncourse.data import data_path

    return data_path(f"pretrained/{_NAME}{suffix}")


def load_char_model():
    """Notebook 06's pretrained character GRU: the architecture built in code, the
    weights read from a file checked against the manifest (no code is loaded).

    Raises:
        rnncourse.data.DataFileError: the file is missing or differs from the
            manifest (the message says how to restore or rebuild it).
    """
    record = load_record()
    cfg = record["config"]
    model = build_char_model(record["vocab_size"], cfg["embed_dim"], cfg["units"])
    model.load_weights(_pretrained_path(".weights.h5"))
    return model


def load_record():
    """The pretraining run's record (configuration, machine, seconds, validation history) as a dict."""
    return json.loads(_pretrained_path(".json").read_text())


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse pretrain",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("notebook", choices=["06"], help="which notebook's model to pretrain")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write into (default: datasets/pretrained of this checkout)",
    )
    parser.add_argument("--epochs", type=int, default=None, help="passes over the text (default 5)")
    parser.add_argument(
        "--train-chars",
        type=int,
        default=None,
        help="train on only the first this many characters (a quick check)",
    )
    args = parser.parse_args(argv)
    config = dict(CHAR_GRU_06)
    if args.epochs is not None:
        if args.epochs < 1:
            parser.error(f"--epochs must be a positive integer, got {args.epochs}")
        config["epochs"] = args.epochs
    if args.out is None:
        from rnncourse.data import datasets_root

        args.out = datasets_root() / "pretrained"
    args.out.mkdir(parents=True, exist_ok=True)
    model, record = train_char_model(
        config, train_chars=args.train_chars, log=lambda line: print(line, flush=True)
    )
    model.save_weights(args.out / f"{_NAME}.weights.h5")
    (args.out / f"{_NAME}.json").write_text(json.dumps(record, indent=1) + "\n")
    print(
        f"wrote {args.out / (_NAME + '.weights.h5')} ({(args.out / (_NAME + '.weights.h5')).stat().st_size:,} bytes) "
        f"and its record, after {record['seconds']:.0f} s on {record['machine']['platform']}"
    )
    print("now rewrite the manifest: python datasets/prepare/build.py --manifest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
