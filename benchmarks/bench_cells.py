"""Time a training step of the course cells against their built-in Keras twins.

For each kind (LSTM, GRU, SimpleRNN) two models are built on the same data:
``keras.layers.RNN(rnncourse.cells.<Kind>Cell(units))`` and the built-in
``keras.layers.<Kind>(units)``, with the same initial weights. After one warm-up
epoch each (tracing), both are trained for ``--epochs`` epochs, alternately,
``--repeats`` times (taking turns at going first); the table shows the median
time per training step (one batch: forward, backward and Adam update), the
ratio ours / built-in of the medians, and of the fastest runs (the least
disturbed by other processes on a shared machine).
As both models start from the same weights and see the same batches in the
same order, their weights must still agree at the end: the last column is the
largest difference, a check that the timed models compute the same thing.

Run (not a test; the figures go into benchmarks/CELLS.md):

    TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/bench_cells.py
    KERAS_BACKEND=jax python benchmarks/bench_cells.py
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from rnncourse import cells  # noqa: E402
from rnncourse.machine import describe  # noqa: E402

KINDS = {
    "LSTM": (cells.LSTMCell, keras.layers.LSTM),
    "GRU": (cells.GRUCell, keras.layers.GRU),
    "SimpleRNN": (cells.SimpleRNNCell, keras.layers.SimpleRNN),
}


def machine():
    """One line describing the machine and the software."""
    here = describe(packages=())
    device = "CPU"
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        device = f"GPU x{len(gpus)}" if gpus else "CPU"
        versions = f"TensorFlow {tf.__version__}"
    elif keras.backend.backend() == "jax":
        import jax

        device = ", ".join(sorted({d.platform.upper() for d in jax.devices()}))
        versions = f"JAX {jax.__version__}"
    else:
        versions = keras.backend.backend()
    return (
        f"{here['cpu']}, {here['cores']} cores; {device}; Python {here['versions']['python']}, "
        f"Keras {keras.__version__} ({keras.backend.backend()}), {versions}, "
        f"NumPy {np.__version__}"
    )


def build(layer, args):
    model = keras.Sequential(
        [keras.Input((args.time, args.features)), layer, keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


def bench_kind(kind, args, x, y):
    cell_class, builtin_class = KINDS[kind]
    keras.utils.set_random_seed(0)
    ours = build(keras.layers.RNN(cell_class(args.units)), args)
    theirs = build(builtin_class(args.units), args)
    theirs.set_weights(ours.get_weights())
    steps = int(np.ceil(len(x) / args.batch))
    fit = dict(batch_size=args.batch, shuffle=False, verbose=0)
    times = {"ours": [], "theirs": []}
    pair = [("ours", ours), ("theirs", theirs)]
    for _, model in pair:
        model.fit(x, y, epochs=1, **fit)  # warm-up: tracing and compilation
    for repeat in range(args.repeats):
        # Alternate which model goes first, so neither always runs second.
        for name, model in pair if repeat % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            model.fit(x, y, epochs=args.epochs, **fit)
            times[name].append((time.perf_counter() - start) / (args.epochs * steps))
    diff = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True)
    )
    return {
        "ours": 1000 * statistics.median(times["ours"]),
        "theirs": 1000 * statistics.median(times["theirs"]),
        "ours_min": 1000 * min(times["ours"]),
        "theirs_min": 1000 * min(times["theirs"]),
        "diff": diff,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--time", type=int, default=50)
    parser.add_argument("--features", type=int, default=16)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1, help="timed epochs per repeat")
    parser.add_argument("--repeats", type=int, default=8)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, args.time, args.features)).astype("float32")
    y = rng.normal(size=(args.samples, 1)).astype("float32")

    print(f"machine: {machine()}")
    print(f"load average at start (1, 5, 15 min): {_load()}")
    print(
        f"data: {args.samples} sequences x {args.time} steps x {args.features} features, "
        f"batch {args.batch}, units {args.units}; median of {args.repeats} x "
        f"{args.epochs} epochs after 1 warm-up epoch"
    )
    print()
    print(
        "| cell | ours, median (ms/step) | built-in, median (ms/step) | ratio of medians "
        "| ratio of fastest runs | max abs weight diff |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for kind in args.kinds:
        r = bench_kind(kind, args, x, y)
        print(
            f"| {kind} | {r['ours']:.1f} | {r['theirs']:.1f} | {r['ours'] / r['theirs']:.2f}x "
            f"| {r['ours_min'] / r['theirs_min']:.2f}x | {r['diff']:.1e} |",
            flush=True,
        )
    print(f"load average at end (1, 5, 15 min): {_load()}")


def _load():
    try:
        return ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
