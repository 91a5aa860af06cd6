"""Census of a learner's mistakes: which bad inputs fail clearly, obscurely or silently.

Each row of the table below calls one function or layer that the notebooks
use from ``rnncourse`` the way a learner gets it wrong: a wrong rank or shape,
probabilities where log-probabilities are due, floats where ids are due, NaN
from a diverged model, a state or mask of the wrong size, a misspelt option.
Each is classified:

- clear: an exception whose message names the argument (or one of the names
  the row accepts for it), not a TensorFlow kernel error;
- obscure: an exception whose message does not name it, or a TensorFlow
  kernel error (``InvalidArgumentError`` and friends);
- silent: the call returned, so a wrong answer went on.

A second table holds *valid* calls whose numbers are NumPy scalars
(``np.int64`` from a grid, ``np.float32`` from a model): each must be accepted.

Run it from the repository root (not a test; it takes a minute)::

    python benchmarks/bad_inputs.py            # counts, then every silent and obscure case
    python benchmarks/bad_inputs.py --all      # every case with its message
"""

import argparse
import contextlib
import io
import os
import re
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import rnncourse  # noqa: E402
from rnncourse import (  # noqa: E402
    baselines,
    bptt,
    cells,
    ctc,
    data,
    exercises,
    forecast,
    layers,
    plotting,
    seq2seq,
    tasks,
    textgen,
)

BAD = []  # (function, what, thunk, names the message may use for the argument)
VALID = []  # (function, what, thunk)


def bad(function, what, thunk, *names):
    BAD.append((function, what, thunk, names))


def valid(function, what, thunk):
    VALID.append((function, what, thunk))


f32 = np.float32
rng = np.random.default_rng(0)
NAN, INF = float("nan"), float("inf")


def randn(*shape):
    return rng.normal(size=shape).astype("float32")


# -- session and outcomes ------------------------------------------------------
setup = rnncourse.setup
bad("setup", "seed=-1", lambda: setup(seed=-1, verbose=False), "seed")
bad("setup", "seed=1.5", lambda: setup(seed=1.5, verbose=False), "seed")
bad("setup", "seed='42'", lambda: setup(seed="42", verbose=False), "seed")
bad("setup", "seed=True", lambda: setup(seed=True, verbose=False), "seed")
valid("setup", "seed=np.int64(42)", lambda: setup(seed=np.int64(42), verbose=False))

co = rnncourse.check_outcome
bad("check_outcome", "value=inf", lambda: co("acc", INF, bound=0.9), "value")
bad("check_outcome", "value=nan", lambda: co("acc", NAN, bound=0.9), "value")
bad("check_outcome", "value=True (a comparison)", lambda: co("acc", True, bound=0.9), "value")
bad(
    "check_outcome",
    "value=np.True_ (a NumPy comparison)",
    lambda: co("acc", np.float64(0.95) > 0.9, bound=0.9),
    "value",
)
bad(
    "check_outcome",
    "value='0.93' (a formatted string)",
    lambda: co("acc", "0.93", bound=0.9),
    "value",
)
bad("check_outcome", "value=None", lambda: co("acc", None, bound=0.9), "value")
bad(
    "check_outcome",
    "value=array of two",
    lambda: co("acc", np.array([0.9, 0.95]), bound=0.9),
    "value",
)
bad("check_outcome", "bound=inf", lambda: co("loss", 0.3, bound=INF, goal="min"), "bound")
bad("check_outcome", "bound=nan", lambda: co("acc", 0.93, bound=NAN), "bound")
bad("check_outcome", "bound=True", lambda: co("acc", 0.93, bound=True), "bound")
bad("check_outcome", "goal='maximise'", lambda: co("acc", 0.93, bound=0.9, goal="maximise"), "goal")
bad("check_outcome", "goal='higher'", lambda: co("acc", 0.93, bound=0.9, goal="higher"), "goal")
bad("check_outcome", "baseline=nan", lambda: co("acc", 0.93, bound=0.9, baseline=NAN), "baseline")
bad(
    "check_outcome",
    "baseline=np.False_",
    lambda: co("acc", 0.93, bound=0.9, baseline=np.False_),
    "baseline",
)
bad(
    "check_outcome",
    "margin without baseline",
    lambda: co("acc", 0.93, bound=0.9, margin=0.1),
    "margin",
)
bad(
    "check_outcome",
    "margin=inf",
    lambda: co("acc", 0.93, bound=0.9, baseline=0.5, margin=INF),
    "margin",
)
valid("check_outcome", "value=np.float32(0.93)", lambda: co("acc", f32(0.93), bound=0.9))
valid(
    "check_outcome",
    "value=np.int64(5), bound=np.int64(3)",
    lambda: co("n", np.int64(5), bound=np.int64(3)),
)
valid(
    "check_outcome",
    "baseline, margin np.float64",
    lambda: co("acc", 0.93, bound=0.9, baseline=np.float64(0.5), margin=np.float32(0.1)),
)

bad(
    "exercises.check",
    "misspelt id",
    lambda: exercises.check("01.rnn_param", 3),
    "exercise_id",
    "exercise",
)
bad("exercises.check", "id as an int", lambda: exercises.check(1, 3), "exercise_id", "exercise")

# -- plotting -------------------------------------------------------------------
hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
bad(
    "plotting.plot_histories",
    "a list of histories",
    lambda: plotting.plot_histories([hist]),
    "histories",
)
bad(
    "plotting.plot_histories",
    "one history, not a dict of them",
    lambda: plotting.plot_histories(keras.callbacks.History()),
    "histories",
)
bad("plotting.plot_histories", "an empty dict", lambda: plotting.plot_histories({}), "histories")
bad(
    "plotting.plot_histories",
    "misspelt metric",
    lambda: plotting.plot_histories({"rnn": hist}, metric="val_los"),
    "metric",
)
bad(
    "plotting.plot_histories",
    "metric 'accuracy' not recorded",
    lambda: plotting.plot_histories({"rnn": hist}, metric="accuracy"),
    "metric",
)
bad(
    "plotting.plot_attention",
    "weights transposed",
    lambda: plotting.plot_attention(np.ones((3, 2)), ["a", "b", "c"], ["x", "y"]),
    "weights",
)
bad(
    "plotting.plot_attention",
    "weights of a batch (3-D)",
    lambda: plotting.plot_attention(np.ones((1, 2, 3)), ["a", "b", "c"], ["x", "y"]),
    "weights",
)
bad(
    "plotting.plot_attention",
    "weights with NaN",
    lambda: plotting.plot_attention(np.full((2, 3), NAN), ["a", "b", "c"], ["x", "y"]),
    "weights",
)
bad(
    "plotting.plot_attention",
    "target_tokens=None",
    lambda: plotting.plot_attention(np.ones((2, 3)), ["a", "b", "c"], None),
    "target_tokens",
)
bad("plotting.draw_unrolled_rnn", "steps=0", lambda: plotting.draw_unrolled_rnn(0), "steps")
bad("plotting.draw_unrolled_rnn", "steps=20", lambda: plotting.draw_unrolled_rnn(20), "steps")
bad("plotting.draw_unrolled_rnn", "steps=2.5", lambda: plotting.draw_unrolled_rnn(2.5), "steps")
valid(
    "plotting.draw_unrolled_rnn",
    "steps=np.int64(4)",
    lambda: plotting.draw_unrolled_rnn(np.int64(4)),
)

# -- bptt -----------------------------------------------------------------------
X, H0 = rng.normal(size=(2, 5, 3)), np.zeros((2, 4))
WX, WH, B = rng.normal(size=(3, 4)), 0.5 * rng.normal(size=(4, 4)), np.zeros(4)
H, CACHE = bptt.forward(X, H0, WX, WH, B)
DH = np.ones_like(H)
bad("bptt.forward", "x of rank 2", lambda: bptt.forward(X[:, 0], H0, WX, WH, B), "x")
bad(
    "bptt.forward",
    "h0 of the wrong size",
    lambda: bptt.forward(X, np.zeros((2, 5)), WX, WH, B),
    "h0",
)
bad("bptt.forward", "Wx transposed", lambda: bptt.forward(X, H0, WX.T, WH, B), "Wx")
bad("bptt.forward", "b of shape (1, units)", lambda: bptt.forward(X, H0, WX, WH, B[None]), "b")
bad("bptt.forward", "Wh not square", lambda: bptt.forward(X, H0, WX, np.zeros((4, 5)), B), "Wh")
bad("bptt.forward", "x with NaN", lambda: bptt.forward(np.where(X > 1, NAN, X), H0, WX, WH, B), "x")
bad("bptt.forward", "Wh with inf", lambda: bptt.forward(X, H0, WX, np.full((4, 4), INF), B), "Wh")
bad("bptt.backward", "dh of the wrong shape", lambda: bptt.backward(DH[:, -1], CACHE), "dh")
bad("bptt.backward", "cache is h, not the cache", lambda: bptt.backward(DH, H), "cache")
bad("bptt.backward", "truncate=0", lambda: bptt.backward(DH, CACHE, truncate=0), "truncate")
bad("bptt.backward", "truncate=2.5", lambda: bptt.backward(DH, CACHE, truncate=2.5), "truncate")
bad(
    "bptt.backward",
    "truncate_mode='windows'",
    lambda: bptt.backward(DH, CACHE, truncate=2, truncate_mode="windows"),
    "truncate_mode",
)
bad("bptt.backward", "dh with NaN", lambda: bptt.backward(np.full_like(DH, NAN), CACHE), "dh")
valid(
    "bptt.backward", "truncate=np.int64(3)", lambda: bptt.backward(DH, CACHE, truncate=np.int64(3))
)
bad(
    "bptt.step_contributions",
    "dh of the wrong shape",
    lambda: bptt.step_contributions(DH[0], CACHE),
    "dh",
)
bad(
    "bptt.step_contributions",
    "truncate=-1",
    lambda: bptt.step_contributions(DH, CACHE, truncate=-1),
    "truncate",
)
bad(
    "bptt.relative_error",
    "shapes differ",
    lambda: bptt.relative_error(np.ones(3), np.ones(4)),
    "a",
    "b",
)
bad(
    "bptt.relative_error",
    "a with NaN",
    lambda: bptt.relative_error(np.array([NAN, 1.0]), np.ones(2)),
    "a",
)
PARAMS = {"x": X, "h0": H0, "Wx": WX, "Wh": WH, "b": B}
GRADS = bptt.backward(H, CACHE)


def _loss(p):
    h, _ = bptt.forward(**p)
    return 0.5 * np.sum(h**2)


bad("bptt.gradient_check", "eps=0", lambda: bptt.gradient_check(_loss, PARAMS, GRADS, eps=0), "eps")
bad(
    "bptt.gradient_check",
    "eps=-1e-6",
    lambda: bptt.gradient_check(_loss, PARAMS, GRADS, eps=-1e-6),
    "eps",
)
bad(
    "bptt.gradient_check",
    "f returns an array",
    lambda: bptt.gradient_check(lambda p: bptt.forward(**p)[0], PARAMS, GRADS),
    "f",
)
bad(
    "bptt.gradient_check",
    "f returns NaN",
    lambda: bptt.gradient_check(lambda p: NAN, PARAMS, GRADS),
    "f",
)
bad(
    "bptt.gradient_check",
    "params a list",
    lambda: bptt.gradient_check(_loss, list(PARAMS.values()), GRADS),
    "params",
)
bad(
    "bptt.gradient_check",
    "grads missing an entry",
    lambda: bptt.gradient_check(_loss, PARAMS, {"x": GRADS["x"]}),
    "grads",
)
bad(
    "bptt.gradient_check",
    "a gradient of the wrong shape",
    lambda: bptt.gradient_check(_loss, PARAMS, {**GRADS, "Wh": GRADS["Wh"].T[:3]}),
    "grads",
)
bad(
    "bptt.gradient_check",
    "grads a tuple",
    lambda: bptt.gradient_check(_loss, PARAMS, tuple(GRADS.values())),
    "grads",
)


def _seq_model():
    return keras.Sequential([keras.Input((6, 2)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)])


bad(
    "bptt.step_gradient_norms",
    "a model without an RNN",
    lambda: bptt.step_gradient_norms(
        keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]), np.ones((2, 3), "float32")
    ),
    "model_or_layer",
    "model",
)
bad(
    "bptt.step_gradient_norms",
    "a Dense layer",
    lambda: bptt.step_gradient_norms(keras.layers.Dense(2), np.ones((2, 3), "float32")),
    "model_or_layer",
    "model",
)
bad(
    "bptt.step_gradient_norms",
    "x of rank 2",
    lambda: bptt.step_gradient_norms(_seq_model(), np.ones((2, 6), "float32")),
    "x",
)
bad(
    "bptt.step_gradient_norms",
    "x with the wrong features",
    lambda: bptt.step_gradient_norms(_seq_model(), np.ones((2, 6, 3), "float32")),
    "x",
)
bad(
    "bptt.step_gradient_norms",
    "y of the wrong length",
    lambda: bptt.step_gradient_norms(
        _seq_model(), np.ones((2, 6, 2), "float32"), y=np.ones((3, 1), "float32")
    ),
    "y",
)
bad(
    "bptt.step_gradient_norms",
    "misspelt loss",
    lambda: bptt.step_gradient_norms(
        _seq_model(), np.ones((2, 6, 2), "float32"), y=np.ones((2, 1), "float32"), loss="mse2"
    ),
    "loss",
)

# -- cells ------------------------------------------------------------------------
for kind in ("SimpleRNNCell", "LSTMCell", "GRUCell"):
    cls = getattr(cells, kind)
    bad(f"cells.{kind}", "units=0", lambda cls=cls: cls(0), "units")
    bad(f"cells.{kind}", "units=2.5", lambda cls=cls: cls(2.5), "units")
    bad(f"cells.{kind}", "units='8'", lambda cls=cls: cls("8"), "units")
    bad(f"cells.{kind}", "dropout=1.0", lambda cls=cls: cls(4, dropout=1.0), "dropout")
    bad(
        f"cells.{kind}",
        "recurrent_dropout=-0.1",
        lambda cls=cls: cls(4, recurrent_dropout=-0.1),
        "recurrent_dropout",
    )
    bad(f"cells.{kind}", "dropout=None", lambda cls=cls: cls(4, dropout=None), "dropout")
    bad(
        f"cells.{kind}",
        "dropout='0.1' (a string)",
        lambda cls=cls: cls(4, dropout="0.1"),
        "dropout",
    )
    bad(
        f"cells.{kind}",
        "sequences of rank 2",
        lambda cls=cls: keras.layers.RNN(cls(4))(np.ones((2, 5), "float32")),
        "inputs",
        "sequences",
    )
    valid(
        f"cells.{kind}",
        "units=np.int64(8), dropout=np.float32(0.1)",
        lambda cls=cls: cls(np.int64(8), dropout=f32(0.1)),
    )


def _built(cell, features=3):
    cell.build((None, features))
    return cell


bad(
    "cells.LSTMCell",
    "activation='relux'",
    lambda: cells.LSTMCell(4, activation="relux"),
    "activation",
)
bad(
    "cells.LSTMCell",
    "features differ from the build",
    lambda: keras.layers.RNN(_built(cells.LSTMCell(4)))(np.ones((2, 5, 2), "float32")),
    "inputs",
    "sequences",
)
bad(
    "cells.LSTMCell",
    "RNN initial_state [h] without c",
    lambda: keras.layers.RNN(cells.LSTMCell(4))(
        np.ones((2, 5, 3), "float32"), initial_state=[np.zeros((2, 4), "float32")]
    ),
    "initial_state",
)
bad(
    "cells.LSTMCell",
    "RNN initial_state of the wrong units",
    lambda: keras.layers.RNN(cells.LSTMCell(4))(
        np.ones((2, 5, 3), "float32"), initial_state=[np.zeros((2, 5), "float32")] * 2
    ),
    "initial_state",
    "states",
)
bad(
    "cells.GRUCell",
    "RNN initial_state of the wrong units",
    lambda: keras.layers.RNN(cells.GRUCell(4))(
        np.ones((2, 5, 3), "float32"), initial_state=[np.zeros((2, 5), "float32")]
    ),
    "initial_state",
    "states",
)
bad(
    "cells.GRUCell",
    "RNN mask of the wrong length",
    lambda: keras.layers.RNN(cells.GRUCell(4))(
        np.ones((2, 5, 3), "float32"), mask=np.ones((2, 4), bool)
    ),
    "mask",
)
bad(
    "cells.SimpleRNNCell",
    "cell called with a state of the wrong units",
    lambda: _built(cells.SimpleRNNCell(4))(
        np.ones((2, 3), "float32"), [np.zeros((2, 5), "float32")]
    ),
    "states",
)
bad(
    "cells.GRUCell",
    "cell called with a state of the wrong batch",
    lambda: _built(cells.GRUCell(4))(np.ones((2, 3), "float32"), [np.zeros((3, 4), "float32")]),
    "states",
)
bad(
    "cells.LSTMCell",
    "cell called with [h] only",
    lambda: _built(cells.LSTMCell(4))(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")]),
    "states",
)
bad(
    "cells.LSTMCell",
    "cell called with one array as states",
    lambda: _built(cells.LSTMCell(4))(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32")),
    "states",
)
bad(
    "cells.LSTMCell",
    "cell state c of the wrong units",
    lambda: _built(cells.LSTMCell(4))(
        np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32"), np.zeros((2, 6), "float32")]
    ),
    "states",
)

XT = randn(2, 7, 3)
bad("cells.trace_gates", "x of rank 2", lambda: cells.trace_gates(cells.GRUCell(4), XT[0]), "x")
bad(
    "cells.trace_gates",
    "GRU initial_state one array",
    lambda: cells.trace_gates(cells.GRUCell(4), XT, initial_state=np.ones((2, 4))),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "LSTM initial_state one array",
    lambda: cells.trace_gates(cells.LSTMCell(4), XT, initial_state=np.ones((2, 4))),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "LSTM initial_state [h] only",
    lambda: cells.trace_gates(cells.LSTMCell(4), XT, initial_state=[np.ones((2, 4))]),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "initial_state of the wrong units",
    lambda: cells.trace_gates(cells.GRUCell(4), XT, initial_state=[np.ones((2, 5))]),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "initial_state of the wrong batch",
    lambda: cells.trace_gates(cells.GRUCell(4), XT, initial_state=[np.ones((1, 4))]),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "initial_state 1-D",
    lambda: cells.trace_gates(cells.SimpleRNNCell(4), XT, initial_state=[np.ones(4)]),
    "initial_state",
)
bad(
    "cells.trace_gates",
    "cell a Dense layer",
    lambda: cells.trace_gates(keras.layers.Dense(3), XT),
    "cell",
)
bad(
    "cells.trace_gates",
    "x with the wrong features",
    lambda: cells.trace_gates(_built(cells.GRUCell(4), 5), XT),
    "x",
    "inputs",
    "steps",
)
bad(
    "cells.trace_gates",
    "x with NaN",
    lambda: cells.trace_gates(cells.GRUCell(4), np.full((2, 7, 3), NAN)),
    "x",
)
bad(
    "cells.trace_gates",
    "an unbuilt keras LSTM",
    lambda: cells.trace_gates(keras.layers.LSTM(4), XT),
    "cell",
)
bad("cells.from_keras", "a Dense layer", lambda: cells.from_keras(keras.layers.Dense(3)), "cell")
bad("cells.from_keras", "an unbuilt GRU", lambda: cells.from_keras(keras.layers.GRU(3)), "cell")

# -- attention layers and MinGRU ---------------------------------------------------
Q2, Q3, V3 = randn(2, 5), randn(2, 4, 5), randn(2, 7, 6)


def _bahdanau():
    att = layers.BahdanauAttention(8)
    att(Q2, V3)
    return att


def _luong(score="general"):
    att = layers.LuongAttention(score=score)
    att(randn(2, 6), V3) if score == "dot" else att(Q2, V3)
    return att


bad("layers.BahdanauAttention", "units=0", lambda: layers.BahdanauAttention(0), "units")
bad("layers.BahdanauAttention", "units=2.5", lambda: layers.BahdanauAttention(2.5), "units")
bad(
    "layers.BahdanauAttention",
    "query of rank 4",
    lambda: layers.BahdanauAttention(8)(randn(2, 3, 4, 5), V3),
    "query",
)
bad(
    "layers.BahdanauAttention",
    "values of rank 2",
    lambda: layers.BahdanauAttention(8)(Q2, randn(2, 6)),
    "values",
)
bad(
    "layers.BahdanauAttention",
    "query dim differs from the build",
    lambda: _bahdanau()(randn(2, 4), V3),
    "query",
)
bad(
    "layers.BahdanauAttention",
    "values dim differs from the build",
    lambda: _bahdanau()(Q2, randn(2, 7, 5)),
    "values",
)
bad(
    "layers.BahdanauAttention",
    "query rank 4 after the build",
    lambda: _bahdanau()(randn(2, 3, 4, 5), V3),
    "query",
)
bad(
    "layers.BahdanauAttention",
    "values_mask of the wrong length",
    lambda: _bahdanau()(Q2, V3, values_mask=np.ones((2, 6), bool)),
    "values_mask",
)
bad(
    "layers.BahdanauAttention",
    "values_mask of the wrong batch",
    lambda: _bahdanau()(Q2, V3, values_mask=np.ones((3, 7), bool)),
    "values_mask",
)
bad(
    "layers.BahdanauAttention",
    "values_mask of rank 3",
    lambda: _bahdanau()(Q2, V3, values_mask=np.ones((2, 7, 1), bool)),
    "values_mask",
)
bad(
    "layers.BahdanauAttention",
    "query batch 1, values batch 2",
    lambda: _bahdanau()(randn(1, 5), V3),
    "query",
    "values",
)
bad(
    "layers.BahdanauAttention",
    "query and values batches differ",
    lambda: _bahdanau()(randn(3, 5), V3),
    "query",
    "values",
)
bad(
    "layers.BahdanauAttention",
    "symbolic: query dim differs from the build",
    lambda: _bahdanau()(keras.Input((4,)), keras.Input((7, 6))),
    "query",
)
valid(
    "layers.BahdanauAttention",
    "units=np.int64(8)",
    lambda: layers.BahdanauAttention(np.int64(8))(Q2, V3),
)
bad(
    "layers.LuongAttention",
    "score='concat'",
    lambda: layers.LuongAttention(score="concat"),
    "score",
)
bad("layers.LuongAttention", "score='Dot'", lambda: layers.LuongAttention(score="Dot"), "score")
bad(
    "layers.LuongAttention",
    "dot with different dims",
    lambda: layers.LuongAttention(score="dot")(Q2, V3),
    "query",
    "values",
)
bad(
    "layers.LuongAttention",
    "values of rank 2",
    lambda: layers.LuongAttention()(Q2, randn(2, 6)),
    "values",
)
bad(
    "layers.LuongAttention",
    "general: query dim differs from the build",
    lambda: _luong()(randn(2, 4), V3),
    "query",
)
bad(
    "layers.LuongAttention",
    "general: values dim differs from the build",
    lambda: _luong()(Q2, randn(2, 7, 4)),
    "values",
)
bad(
    "layers.LuongAttention",
    "dot: query dim differs after the build",
    lambda: _luong("dot")(randn(2, 5), V3),
    "query",
)
bad(
    "layers.LuongAttention",
    "values_mask of the wrong length",
    lambda: _luong()(Q2, V3, values_mask=np.ones((2, 8), bool)),
    "values_mask",
)
bad(
    "layers.LuongAttention",
    "query and values batches differ",
    lambda: _luong()(randn(3, 4, 5), V3),
    "query",
    "values",
)
bad(
    "layers.LuongAttention",
    "symbolic: values dim differs",
    lambda: _luong()(keras.Input((5,)), keras.Input((7, 4))),
    "values",
)

XM = randn(2, 9, 3)


def _mingru(**kwargs):
    layer = layers.MinGRU(4, **kwargs)
    layer(XM)
    return layer


bad("layers.MinGRU", "units=0", lambda: layers.MinGRU(0), "units")
bad("layers.MinGRU", "units='4'", lambda: layers.MinGRU("4"), "units")
bad("layers.MinGRU", "mode='parallel_scan'", lambda: layers.MinGRU(4, mode="parallel_scan"), "mode")
bad("layers.MinGRU", "inputs of rank 2", lambda: layers.MinGRU(4)(XM[:, :, 0]), "inputs")
bad("layers.MinGRU", "features differ from the build", lambda: _mingru()(randn(2, 9, 5)), "inputs")
bad(
    "layers.MinGRU",
    "initial_state of the wrong units",
    lambda: _mingru()(XM, initial_state=np.zeros((2, 5), "float32")),
    "initial_state",
)
bad(
    "layers.MinGRU",
    "initial_state 1-D",
    lambda: _mingru()(XM, initial_state=np.zeros(4, "float32")),
    "initial_state",
)
bad(
    "layers.MinGRU",
    "initial_state of the wrong batch",
    lambda: _mingru()(XM, initial_state=np.zeros((1, 4), "float32")),
    "initial_state",
)
bad(
    "layers.MinGRU",
    "initial_state a list [h]",
    lambda: _mingru()(XM, initial_state=[np.zeros((2, 5), "float32")]),
    "initial_state",
)
bad(
    "layers.MinGRU",
    "sequential: initial_state of the wrong units",
    lambda: _mingru(mode="sequential")(XM, initial_state=np.zeros((2, 3), "float32")),
    "initial_state",
)
bad(
    "layers.MinGRU",
    "mask of the wrong length",
    lambda: _mingru()(XM, mask=np.ones((2, 8), bool)),
    "mask",
)
bad(
    "layers.MinGRU",
    "mask of the wrong batch",
    lambda: _mingru()(XM, mask=np.ones((3, 9), bool)),
    "mask",
)
bad("layers.MinGRU", "mask of rank 3", lambda: _mingru()(XM, mask=np.ones((2, 9, 1), bool)), "mask")
bad(
    "layers.MinGRU",
    "symbolic: features differ from the build",
    lambda: _mingru()(keras.Input((None, 5))),
    "inputs",
)
valid("layers.MinGRU", "units=np.int64(4)", lambda: layers.MinGRU(np.int64(4))(XM))

# -- tasks -----------------------------------------------------------------------
bad("tasks.adding_problem", "n=0", lambda: tasks.adding_problem(0, 10), "n")
bad("tasks.adding_problem", "n=2.5", lambda: tasks.adding_problem(2.5, 10), "n")
bad("tasks.adding_problem", "length=1", lambda: tasks.adding_problem(4, 1), "length")
bad("tasks.adding_problem", "span=1", lambda: tasks.adding_problem(4, 10, span=1), "span")
bad("tasks.adding_problem", "span > length", lambda: tasks.adding_problem(4, 10, span=20), "span")
bad(
    "tasks.adding_problem",
    "low >= high",
    lambda: tasks.adding_problem(4, 10, low=1.0, high=-1.0),
    "low",
    "high",
)
bad("tasks.adding_problem", "seed=-1", lambda: tasks.adding_problem(4, 10, seed=-1), "seed")
bad("tasks.adding_problem", "seed=1.5", lambda: tasks.adding_problem(4, 10, seed=1.5), "seed")
bad("tasks.adding_problem", "low=nan", lambda: tasks.adding_problem(4, 10, low=NAN), "low")
valid(
    "tasks.adding_problem",
    "n, length, seed np.int64",
    lambda: tasks.adding_problem(np.int64(4), np.int64(10), seed=np.int64(0)),
)
bad(
    "tasks.adding_problem_baseline",
    "low == high",
    lambda: tasks.adding_problem_baseline(1.0, 1.0),
    "low",
    "high",
)
bad("tasks.adding_problem_baseline", "low='a'", lambda: tasks.adding_problem_baseline("a"), "low")
bad(
    "tasks.adding_problem_baseline",
    "high=inf",
    lambda: tasks.adding_problem_baseline(0.0, INF),
    "high",
)
valid(
    "tasks.adding_problem_baseline",
    "np.float32 bounds",
    lambda: tasks.adding_problem_baseline(f32(-1), f32(1)),
)
bad("tasks.recall_task", "n_symbols=1", lambda: tasks.recall_task(4, 8, n_symbols=1), "n_symbols")
bad("tasks.recall_task", "position=length", lambda: tasks.recall_task(4, 8, position=8), "position")
bad("tasks.recall_task", "position=1.5", lambda: tasks.recall_task(4, 8, position=1.5), "position")
bad("tasks.recall_task", "n=0", lambda: tasks.recall_task(0, 8), "n")
valid(
    "tasks.recall_task",
    "position=np.int64(-1)",
    lambda: tasks.recall_task(4, 8, position=np.int64(-1)),
)
bad("tasks.copy_task", "n_copy=0", lambda: tasks.copy_task(4, n_copy=0), "n_copy")
bad("tasks.copy_task", "delay=0", lambda: tasks.copy_task(4, delay=0), "delay")
bad("tasks.copy_task", "n_symbols=0", lambda: tasks.copy_task(4, n_symbols=0), "n_symbols")
bad("tasks.copy_task", "seed='x'", lambda: tasks.copy_task(4, seed="x"), "seed")
valid("tasks.copy_task", "n_copy=np.int64(3)", lambda: tasks.copy_task(4, n_copy=np.int64(3)))

# -- data: loaders ------------------------------------------------------------------
for loader, split in (
    ("load_shakespeare", "valid"),
    ("load_shakespeare", "Train"),
    ("load_reviews", "dev"),
    ("load_number_translation", "training"),
    ("load_sentence_pairs", "val"),
    ("load_spoken_digits", "eval"),
    ("load_japanese_vowels", "dev"),
    ("load_shapes_captions", "tst"),
    ("load_handwritten_digits", "valid"),
    ("load_emoji_captions", "testing"),
):
    bad(
        f"data.{loader}",
        f"split={split!r}",
        lambda loader=loader, split=split: getattr(data, loader)(split),
        "split",
    )
bad("data.load_fsdd", "speakers='bob'", lambda: data.load_fsdd(speakers="bob"), "bob")
bad("data.load_fsdd", "speakers=[]", lambda: data.load_fsdd(speakers=[]), "speakers")
bad(
    "data.compose_spoken_strings",
    "digits=a list of clips",
    lambda: data.compose_spoken_strings([np.zeros(8)], n=2),
    "SpokenDigits",
)
bad(
    "data.compose_spoken_strings",
    "n=0",
    lambda: data.compose_spoken_strings(data.load_fsdd(speakers="theo"), n=0),
    "n=",
)
bad(
    "data.compose_spoken_strings",
    "a speaker who lacks digits",
    lambda: data.compose_spoken_strings(
        data.load_fsdd(speakers="theo")._replace(
            waveforms=[np.zeros(8)], labels=np.array([0]), voices=["theo"]
        ),
        n=2,
    ),
    "every digit",
)
bad(
    "data.load_sentence_pairs",
    "max_words=0",
    lambda: data.load_sentence_pairs("train", max_words=0),
    "max_words",
)
bad(
    "data.load_sentence_pairs",
    "max_words=6.5",
    lambda: data.load_sentence_pairs("train", max_words=6.5),
    "max_words",
)
valid(
    "data.load_sentence_pairs",
    "max_words=np.int64(6)",
    lambda: data.load_sentence_pairs("train", max_words=np.int64(6)),
)
bad("data.load_series", "name='electric'", lambda: data.load_series("electric"), "name")
bad("data.load_series", "name='Electricity'", lambda: data.load_series("Electricity"), "name")
SERIES = data.load_series("electricity")
bad("data.TimeSeries.split", "name='val'", lambda: SERIES.split("val"), "name")
bad("data.TimeSeries.arrays", "a misspelt column", lambda: SERIES.arrays(["demand"]), "columns")
bad(
    "data.TimeSeries.normalise",
    "values with the wrong last axis",
    lambda: SERIES.normalise(np.ones((5, 2))),
    "values",
)
bad(
    "data.TimeSeries.denormalise",
    "a misspelt column",
    lambda: SERIES.denormalise(np.ones(5), "demand"),
    "columns",
)

# -- data: windows, vocabulary, padding -------------------------------------------------
S = np.arange(40.0)
bad("data.make_windows", "input_width=0", lambda: data.make_windows(S, 0), "input_width")
bad("data.make_windows", "horizon=0", lambda: data.make_windows(S, 4, horizon=0), "horizon")
bad("data.make_windows", "stride=0", lambda: data.make_windows(S, 4, stride=0), "stride")
bad("data.make_windows", "input_width=2.5", lambda: data.make_windows(S, 2.5), "input_width")
bad(
    "data.make_windows",
    "array of rank 3",
    lambda: data.make_windows(np.ones((10, 2, 2)), 3),
    "array",
)
bad(
    "data.make_windows",
    "target_column=5 of 2",
    lambda: data.make_windows(np.ones((10, 2)), 3, target_column=5),
    "target_column",
)
bad(
    "data.make_windows",
    "target_column=1.0",
    lambda: data.make_windows(np.ones((10, 2)), 3, target_column=1.0),
    "target_column",
)
bad(
    "data.make_windows",
    "a series too short",
    lambda: data.make_windows(S[:4], 4, horizon=2),
    "array",
    "input_width",
)
valid(
    "data.make_windows",
    "input_width, horizon np.int64",
    lambda: data.make_windows(
        S, np.int64(4), horizon=np.int64(2), stride=np.int64(1), target_column=np.int64(0)
    ),
)

VOCAB = data.Vocabulary.from_texts(["to be or not to be"], level="word")
PROBS = np.full((3, len(VOCAB)), 1.0 / len(VOCAB))
bad("data.Vocabulary", "level='chars'", lambda: data.Vocabulary(["a"], level="chars"), "level")
bad("data.Vocabulary", "a reserved token", lambda: data.Vocabulary(["<pad>", "a"]), "tokens")
bad(
    "data.Vocabulary.from_texts",
    "one string, not a list",
    lambda: data.Vocabulary.from_texts("to be or not"),
    "texts",
)
bad(
    "data.Vocabulary.from_texts",
    "min_count=0",
    lambda: data.Vocabulary.from_texts(["ab"], min_count=0),
    "min_count",
)
bad(
    "data.Vocabulary.from_texts",
    "max_size=3",
    lambda: data.Vocabulary.from_texts(["ab"], max_size=3),
    "max_size",
)
bad(
    "data.Vocabulary.from_texts",
    "level='words'",
    lambda: data.Vocabulary.from_texts(["ab"], level="words"),
    "level",
)
valid(
    "data.Vocabulary.from_texts",
    "min_count=np.int64(1), max_size=np.int64(50)",
    lambda: data.Vocabulary.from_texts(["ab"], min_count=np.int64(1), max_size=np.int64(50)),
)
bad(
    "data.Vocabulary.encode",
    "ids passed as text: [5, 6, 7]",
    lambda: VOCAB.encode([5, 6, 7]),
    "text",
)
bad(
    "data.Vocabulary.encode",
    "an id array passed as text",
    lambda: VOCAB.encode(np.array([5, 6, 7])),
    "text",
)
bad("data.Vocabulary.encode", "text=None", lambda: VOCAB.encode(None), "text")
bad(
    "data.Vocabulary.encode",
    "a list of texts",
    lambda: VOCAB.encode([["to", "be"], ["or"]]),
    "text",
)
bad("data.Vocabulary.decode", "a probability matrix", lambda: VOCAB.decode(PROBS), "ids")
bad("data.Vocabulary.decode", "one row of probabilities", lambda: VOCAB.decode(PROBS[0]), "ids")
bad(
    "data.Vocabulary.decode",
    "a batch of id rows (2-D)",
    lambda: VOCAB.decode(np.array([[5, 4], [6, 7]])),
    "ids",
)
bad("data.Vocabulary.decode", "an id out of range", lambda: VOCAB.decode([5, 99]), "ids")
bad("data.Vocabulary.decode", "a negative id", lambda: VOCAB.decode([5, -1]), "ids")
bad("data.Vocabulary.decode", "a string", lambda: VOCAB.decode("to be"), "ids")
valid(
    "data.Vocabulary.decode",
    "ids as np.int64 scalars",
    lambda: VOCAB.decode([np.int64(5), np.int64(4)]),
)
bad("data.Vocabulary.id_to_token", "index=2.7", lambda: VOCAB.id_to_token(2.7), "index")
bad("data.Vocabulary.id_to_token", "index=-1", lambda: VOCAB.id_to_token(-1), "index")
bad("data.Vocabulary.id_to_token", "index='5'", lambda: VOCAB.id_to_token("5"), "index")
valid("data.Vocabulary.id_to_token", "index=np.int64(5)", lambda: VOCAB.id_to_token(np.int64(5)))
bad("data.Vocabulary.token_to_id", "an id, not a token", lambda: VOCAB.token_to_id(5), "token")
bad("data.Vocabulary.tokenize", "text=5", lambda: VOCAB.tokenize(5), "text")
bad(
    "data.pad_sequences",
    "padding='end'",
    lambda: data.pad_sequences([[1, 2]], padding="end"),
    "padding",
)
bad(
    "data.pad_sequences",
    "truncating='start'",
    lambda: data.pad_sequences([[1, 2]], truncating="start"),
    "truncating",
)
bad("data.pad_sequences", "maxlen=-1", lambda: data.pad_sequences([[1, 2]], maxlen=-1), "maxlen")
bad("data.pad_sequences", "maxlen=2.5", lambda: data.pad_sequences([[1, 2]], maxlen=2.5), "maxlen")
bad("data.pad_sequences", "one string", lambda: data.pad_sequences("abc"), "sequences")
bad(
    "data.pad_sequences",
    "probabilities into int32",
    lambda: data.pad_sequences([[0.2, 0.9], [0.7]]),
    "sequences",
)
bad(
    "data.pad_sequences",
    "padding='Post'",
    lambda: data.pad_sequences([[1, 2]], padding="Post"),
    "padding",
)
valid(
    "data.pad_sequences",
    "maxlen=np.int64(4)",
    lambda: data.pad_sequences([[1, 2]], maxlen=np.int64(4)),
)

# -- data: audio and images -----------------------------------------------------------
CLIP = np.sin(np.arange(4000) / 5.0).astype("float32")
bad("data.log_mel", "one clip, not a batch", lambda: data.log_mel(CLIP, 8000), "waveforms")
bad("data.log_mel", "sample_rate=8000.0", lambda: data.log_mel([CLIP], 8000.0), "sample_rate")
bad("data.log_mel", "n_mels=0", lambda: data.log_mel([CLIP], 8000, n_mels=0), "n_mels")
bad(
    "data.log_mel",
    "frame_length=0",
    lambda: data.log_mel([CLIP], 8000, frame_length=0),
    "frame_length",
)
bad(
    "data.log_mel",
    "fft_length below frame_length",
    lambda: data.log_mel([CLIP], 8000, fft_length=100),
    "fft_length",
)
bad(
    "data.log_mel",
    "fmax above sample_rate / 2",
    lambda: data.log_mel([CLIP], 8000, fmax=6000.0),
    "fmax",
)
bad(
    "data.log_mel",
    "lengths of the wrong size",
    lambda: data.log_mel(np.stack([CLIP, CLIP]), 8000, lengths=[4000]),
    "lengths",
)
bad("data.log_mel", "clips of rank 2", lambda: data.log_mel([np.ones((10, 2))], 8000), "waveforms")
bad(
    "data.log_mel",
    "a clip with NaN",
    lambda: data.log_mel([np.where(CLIP > 0.99, NAN, CLIP)], 8000),
    "waveforms",
)
bad("data.log_mel", "n_mels=40.0", lambda: data.log_mel([CLIP], 8000, n_mels=40.0), "n_mels")
valid(
    "data.log_mel",
    "sample_rate, n_mels np.int64",
    lambda: data.log_mel([CLIP], np.int64(8000), n_mels=np.int64(20)),
)
bad("data.add_noise", "snr_db='loud'", lambda: data.add_noise([CLIP], "loud"), "snr_db")
bad("data.add_noise", "snr_db=nan", lambda: data.add_noise([CLIP], NAN), "snr_db")
bad("data.add_noise", "snr_db=-inf", lambda: data.add_noise([CLIP], -INF), "snr_db")
bad("data.add_noise", "seed=1.5", lambda: data.add_noise([CLIP], 10, seed=1.5), "seed")
bad("data.add_noise", "one clip, not a batch", lambda: data.add_noise(CLIP, 10), "waveforms")
valid(
    "data.add_noise",
    "snr_db=np.float32(10), seed=np.int64(1)",
    lambda: data.add_noise([CLIP], f32(10), seed=np.int64(1)),
)
DIGITS = data.HandwrittenDigits(images=np.zeros((5, 8, 8), "uint8"), labels=np.arange(5))
bad(
    "data.compose_digit_strings",
    "images of the wrong size",
    lambda: data.compose_digit_strings((np.zeros((5, 28, 28)), np.arange(5)), 3),
    "digits",
)
bad("data.compose_digit_strings", "n=-1", lambda: data.compose_digit_strings(DIGITS, -1), "n")
bad("data.compose_digit_strings", "n=2.5", lambda: data.compose_digit_strings(DIGITS, 2.5), "n")
bad(
    "data.compose_digit_strings",
    "min_digits=0",
    lambda: data.compose_digit_strings(DIGITS, 3, min_digits=0),
    "min_digits",
)
bad(
    "data.compose_digit_strings",
    "min_digits=2.5",
    lambda: data.compose_digit_strings(DIGITS, 3, min_digits=2.5),
    "min_digits",
)
bad(
    "data.compose_digit_strings",
    "max_gap=-1",
    lambda: data.compose_digit_strings(DIGITS, 3, max_gap=-1),
    "max_gap",
)
bad(
    "data.compose_digit_strings",
    "width too narrow",
    lambda: data.compose_digit_strings(DIGITS, 3, width=10),
    "width",
)
valid(
    "data.compose_digit_strings",
    "n, seed np.int64",
    lambda: data.compose_digit_strings(
        DIGITS, np.int64(3), seed=np.int64(1), max_digits=np.int64(4)
    ),
)

# -- baselines ---------------------------------------------------------------------
DAYS = [0, 0, 1, 1, 1, 0, 0, 0, 1, 1]
bad("baselines.MarkovTable", "order=-1", lambda: baselines.MarkovTable(DAYS, order=-1), "order")
bad("baselines.MarkovTable", "order=1.5", lambda: baselines.MarkovTable(DAYS, order=1.5), "order")
bad(
    "baselines.MarkovTable",
    "n_states=0",
    lambda: baselines.MarkovTable(DAYS, 1, n_states=0),
    "n_states",
)
bad("baselines.MarkovTable", "alpha=0", lambda: baselines.MarkovTable(DAYS, 1, alpha=0), "alpha")
bad(
    "baselines.MarkovTable",
    "states as floats",
    lambda: baselines.MarkovTable(np.array(DAYS, float), 1),
    "sequence",
)
bad(
    "baselines.MarkovTable",
    "a state out of range",
    lambda: baselines.MarkovTable(DAYS + [2], 1),
    "sequence",
)
bad(
    "baselines.MarkovTable.proba",
    "history too short",
    lambda: baselines.MarkovTable(DAYS, 2).proba([[1]]),
    "history",
)
bad(
    "baselines.MarkovTable.proba",
    "history as floats",
    lambda: baselines.MarkovTable(DAYS, 1).proba([[0.7]]),
    "history",
)
bad(
    "baselines.MarkovTable.proba",
    "history 1-D",
    lambda: baselines.MarkovTable(DAYS, 1).proba([1, 0]),
    "history",
)
valid(
    "baselines.MarkovTable",
    "order, n_states np.int64",
    lambda: baselines.MarkovTable(DAYS, np.int64(2), n_states=np.int64(2), alpha=f32(1)),
)
bad(
    "baselines.bag_of_ngrams",
    "texts as strings",
    lambda: baselines.bag_of_ngrams(["a good film"]),
    "texts",
)
bad(
    "baselines.bag_of_ngrams", "n_max=0", lambda: baselines.bag_of_ngrams([["a"]], n_max=0), "n_max"
)
bad(
    "baselines.bag_of_ngrams",
    "min_count=0",
    lambda: baselines.bag_of_ngrams([["a"]], min_count=0),
    "min_count",
)
valid(
    "baselines.bag_of_ngrams",
    "n_max=np.int64(2)",
    lambda: baselines.bag_of_ngrams([["a", "b"]], n_max=np.int64(2), min_count=np.int64(1)),
)
XL, YL = rng.normal(size=(20, 3)), np.arange(20) % 2
LR = baselines.LogisticRegression()
bad("baselines.LogisticRegression", "l2=0", lambda: baselines.LogisticRegression(l2=0), "l2")
bad("baselines.LogisticRegression", "l2=-1", lambda: baselines.LogisticRegression(l2=-1), "l2")
bad(
    "baselines.LogisticRegression",
    "max_iter=0",
    lambda: baselines.LogisticRegression(max_iter=0),
    "max_iter",
)
bad("baselines.LogisticRegression", "tol=-1", lambda: baselines.LogisticRegression(tol=-1), "tol")
bad("baselines.LogisticRegression.fit", "x 1-D", lambda: LR.fit(XL[:, 0], YL), "x")
bad("baselines.LogisticRegression.fit", "y as floats", lambda: LR.fit(XL, YL.astype(float)), "y")
bad("baselines.LogisticRegression.fit", "y one-hot", lambda: LR.fit(XL, np.eye(2)[YL]), "y")
bad("baselines.LogisticRegression.fit", "y of the wrong length", lambda: LR.fit(XL, YL[:5]), "y")
bad(
    "baselines.LogisticRegression.fit", "x with NaN", lambda: LR.fit(np.full((20, 3), NAN), YL), "x"
)
bad(
    "baselines.LogisticRegression.fit",
    "a negative label",
    lambda: LR.fit(XL, YL - 1),
    "y",
    "labels",
)
bad(
    "baselines.LogisticRegression.predict",
    "before fit",
    lambda: baselines.LogisticRegression().predict(XL),
    "fit",
)
bad(
    "baselines.LogisticRegression.predict",
    "x with the wrong features",
    lambda: baselines.LogisticRegression(max_iter=5).fit(XL, YL).predict(XL[:, :2]),
    "x",
)
valid(
    "baselines.LogisticRegression",
    "l2=np.float32, max_iter=np.int64",
    lambda: baselines.LogisticRegression(l2=f32(0.01), max_iter=np.int64(5), tol=f32(1e-4)).fit(
        XL, YL
    ),
)
bad(
    "baselines.nearest_neighbour",
    "query of the wrong features",
    lambda: baselines.nearest_neighbour(XL, YL, XL[:, :2]),
    "query_x",
)
bad(
    "baselines.nearest_neighbour",
    "train_y of the wrong length",
    lambda: baselines.nearest_neighbour(XL, YL[:3], XL),
    "train_y",
)
bad(
    "baselines.nearest_neighbour",
    "query with NaN",
    lambda: baselines.nearest_neighbour(XL, YL, np.full((2, 3), NAN)),
    "query_x",
)
bad(
    "baselines.nearest_neighbour",
    "batch_size=0",
    lambda: baselines.nearest_neighbour(XL, YL, XL, batch_size=0),
    "batch_size",
)
valid(
    "baselines.nearest_neighbour",
    "batch_size=np.int64(8)",
    lambda: baselines.nearest_neighbour(XL, YL, XL, batch_size=np.int64(8)),
)

# -- textgen -------------------------------------------------------------------------
Z = np.array([[2.0, 1.0, 0.0], [0.0, 0.5, 1.0]])
smt = textgen.softmax_with_temperature
bad(
    "textgen.softmax_with_temperature",
    "temperature=-1",
    lambda: smt(Z, temperature=-1),
    "temperature",
)
bad(
    "textgen.softmax_with_temperature",
    "temperature=nan",
    lambda: smt(Z, temperature=NAN),
    "temperature",
)
bad(
    "textgen.softmax_with_temperature",
    "temperature of the wrong shape",
    lambda: smt(Z, temperature=[1.0, 2.0, 3.0]),
    "temperature",
)
bad("textgen.softmax_with_temperature", "top_k=0", lambda: smt(Z, top_k=0), "top_k")
bad("textgen.softmax_with_temperature", "top_k=2.5", lambda: smt(Z, top_k=2.5), "top_k")
bad("textgen.softmax_with_temperature", "logits with NaN", lambda: smt(np.full(3, NAN)), "logits")
bad(
    "textgen.softmax_with_temperature",
    "logits with +inf",
    lambda: smt(np.array([INF, 1.0, 0.0])),
    "logits",
)
bad("textgen.softmax_with_temperature", "a scalar logit", lambda: smt(2.0), "logits")
bad(
    "textgen.softmax_with_temperature",
    "temperature='hot'",
    lambda: smt(Z, temperature="hot"),
    "temperature",
)
valid(
    "textgen.softmax_with_temperature",
    "temperature=np.float32, top_k=np.int64",
    lambda: smt(Z, temperature=f32(0.5), top_k=np.int64(2)),
)
bad("textgen.sample_next", "rng='seed'", lambda: textgen.sample_next(Z, rng="seed"), "rng")
bad(
    "textgen.sample_next",
    "temperature=-0.5",
    lambda: textgen.sample_next(Z, temperature=-0.5),
    "temperature",
)
bad(
    "textgen.sample_next",
    "logits all -inf",
    lambda: textgen.sample_next(np.full(3, -INF)),
    "logits",
)
bad(
    "textgen.sample_next",
    "logits with NaN",
    lambda: textgen.sample_next(np.array([NAN, 0.0, 1.0])),
    "logits",
)
valid("textgen.sample_next", "rng=np.int64(0)", lambda: textgen.sample_next(Z, rng=np.int64(0)))
bad("textgen.top_k_tokens", "k=0", lambda: textgen.top_k_tokens([0.1, 0.9], 0), "k")
bad("textgen.top_k_tokens", "k=1.5", lambda: textgen.top_k_tokens([0.1, 0.9], 1.5), "k")
bad("textgen.top_k_tokens", "a scalar", lambda: textgen.top_k_tokens(0.5, 1), "probs")
bad(
    "textgen.top_k_tokens",
    "probs with NaN",
    lambda: textgen.top_k_tokens([NAN, 0.2, 0.1], 2),
    "probs",
)
valid(
    "textgen.top_k_tokens",
    "k=np.int64(2)",
    lambda: textgen.top_k_tokens([0.1, 0.6, 0.3], np.int64(2)),
)
IDS = np.array([0, 1, 2, 0, 1, 2, 0, 1])
for model in ("KneserNey", "WittenBell"):
    cls = getattr(textgen, model)
    bad(f"textgen.{model}", "order=0", lambda cls=cls: cls(IDS, order=0, vocab_size=3), "order")
    bad(
        f"textgen.{model}",
        "vocab_size=0",
        lambda cls=cls: cls(IDS, order=2, vocab_size=0),
        "vocab_size",
    )
    bad(
        f"textgen.{model}",
        "an id out of range",
        lambda cls=cls: cls(IDS, order=2, vocab_size=2),
        "ids",
    )
    bad(
        f"textgen.{model}",
        "ids as floats",
        lambda cls=cls: cls(IDS * 0.4, order=2, vocab_size=3),
        "ids",
    )
    bad(
        f"textgen.{model}",
        "fewer ids than order",
        lambda cls=cls: cls(IDS[:2], order=3, vocab_size=3),
        "ids",
        "order",
    )
    valid(
        f"textgen.{model}",
        "order, vocab_size np.int64",
        lambda cls=cls: cls(IDS, order=np.int64(2), vocab_size=np.int64(3)),
    )
KN = textgen.KneserNey(IDS, order=3, vocab_size=3)
bad(
    "textgen.KneserNey.log_prob",
    "contexts too short",
    lambda: KN.log_prob([[0], [1]], [1, 2]),
    "contexts",
)
bad(
    "textgen.KneserNey.log_prob",
    "a target out of range",
    lambda: KN.log_prob([[0, 1], [1, 2]], [1, 5]),
    "targets",
)
bad(
    "textgen.KneserNey.log_prob",
    "targets as floats",
    lambda: KN.log_prob([[0, 1], [1, 2]], [0.5, 1.7]),
    "targets",
)
bad(
    "textgen.KneserNey.log_prob",
    "a context id out of range",
    lambda: KN.log_prob([[0, 7], [1, 2]], [1, 2]),
    "contexts",
)
bad(
    "textgen.KneserNey.log_prob",
    "contexts and targets of different lengths",
    lambda: KN.log_prob([[0, 1], [1, 2], [2, 0]], [1, 2]),
    "contexts",
    "targets",
)
bad(
    "textgen.KneserNey.log_prob",
    "order above the model's",
    lambda: KN.log_prob([[0, 1]], [1], order=5),
    "order",
)
valid(
    "textgen.KneserNey.log_prob",
    "order=np.int64(2)",
    lambda: KN.log_prob([[0, 1]], [1], order=np.int64(2)),
)

# -- forecast ---------------------------------------------------------------------------
W2 = np.arange(24.0).reshape(4, 6)
bad(
    "forecast.persistence_forecast",
    "horizon=0",
    lambda: forecast.persistence_forecast(W2, 0),
    "horizon",
)
bad(
    "forecast.persistence_forecast",
    "horizon=1.5",
    lambda: forecast.persistence_forecast(W2, 1.5),
    "horizon",
)
bad(
    "forecast.persistence_forecast",
    "inputs 1-D",
    lambda: forecast.persistence_forecast(W2[0], 1),
    "inputs",
)
bad(
    "forecast.persistence_forecast",
    "inputs of rank 4",
    lambda: forecast.persistence_forecast(np.ones((2, 3, 4, 5)), 1),
    "inputs",
)
bad(
    "forecast.persistence_forecast",
    "column=3 of 1",
    lambda: forecast.persistence_forecast(W2[..., None], 1, column=3),
    "column",
)
bad(
    "forecast.persistence_forecast",
    "column=1 for 2-D inputs",
    lambda: forecast.persistence_forecast(W2, 1, column=1),
    "column",
)
valid(
    "forecast.persistence_forecast",
    "horizon, column np.int64",
    lambda: forecast.persistence_forecast(W2[..., None], np.int64(2), column=np.int64(0)),
)
bad(
    "forecast.seasonal_naive_forecast",
    "season=0",
    lambda: forecast.seasonal_naive_forecast(W2, 0, 1),
    "season",
)
bad(
    "forecast.seasonal_naive_forecast",
    "window shorter than the season",
    lambda: forecast.seasonal_naive_forecast(W2, 48, 1),
    "season",
    "input_width",
)
bad(
    "forecast.seasonal_naive_forecast",
    "horizon=-2",
    lambda: forecast.seasonal_naive_forecast(W2, 2, -2),
    "horizon",
)
valid(
    "forecast.seasonal_naive_forecast",
    "season, horizon np.int64",
    lambda: forecast.seasonal_naive_forecast(W2, np.int64(2), np.int64(3)),
)
bad("forecast.LinearForecaster", "l2=-1", lambda: forecast.LinearForecaster(l2=-1), "l2")
bad("forecast.LinearForecaster", "l2='1'", lambda: forecast.LinearForecaster(l2="1"), "l2")
bad("forecast.LinearForecaster", "l2=nan", lambda: forecast.LinearForecaster(l2=NAN), "l2")
bad(
    "forecast.LinearForecaster.fit",
    "targets of the wrong n",
    lambda: forecast.LinearForecaster().fit(W2, np.ones(3)),
    "targets",
)
bad(
    "forecast.LinearForecaster.fit",
    "inputs 1-D",
    lambda: forecast.LinearForecaster().fit(W2[0], np.ones(6)),
    "inputs",
)
bad(
    "forecast.LinearForecaster.fit",
    "inputs with NaN",
    lambda: forecast.LinearForecaster().fit(np.full((4, 6), NAN), np.ones(4)),
    "inputs",
)
bad(
    "forecast.LinearForecaster.fit",
    "targets with NaN",
    lambda: forecast.LinearForecaster().fit(W2, np.full(4, NAN)),
    "targets",
)
bad(
    "forecast.LinearForecaster.predict",
    "before fit",
    lambda: forecast.LinearForecaster().predict(W2),
    "fit",
)
bad(
    "forecast.LinearForecaster.predict",
    "windows of another width",
    lambda: forecast.LinearForecaster().fit(W2, np.ones(4)).predict(W2[:, :3]),
    "inputs",
)
valid(
    "forecast.LinearForecaster",
    "l2=np.int64(1)",
    lambda: forecast.LinearForecaster(l2=np.int64(1)).fit(W2, np.ones(4)),
)
valid(
    "forecast.LinearForecaster",
    "l2=np.float32(0.5)",
    lambda: forecast.LinearForecaster(l2=f32(0.5)).fit(W2, np.ones(4)),
)
for metric in ("mae", "rmse"):
    fn = getattr(forecast, metric)
    bad(
        f"forecast.{metric}",
        "(n, 1) against (n,)",
        lambda fn=fn: fn(np.ones((4, 1)), np.ones(4)),
        "y_true",
        "y_pred",
    )
    bad(f"forecast.{metric}", "empty", lambda fn=fn: fn([], []), "y_true", "y_pred")
    bad(
        f"forecast.{metric}",
        "y_pred with NaN",
        lambda fn=fn: fn(np.ones(4), np.full(4, NAN)),
        "y_pred",
    )
    bad(
        f"forecast.{metric}",
        "y_true with inf",
        lambda fn=fn: fn(np.full(4, INF), np.ones(4)),
        "y_true",
    )
bad("forecast.mase", "history 2-D", lambda: forecast.mase([1.0], [1.0], np.ones((3, 2))), "history")
bad(
    "forecast.mase", "season=0", lambda: forecast.mase([1.0], [1.0], [1.0, 2.0], season=0), "season"
)
bad(
    "forecast.mase",
    "constant history",
    lambda: forecast.mase([1.0], [1.0], [2.0, 2.0, 2.0]),
    "history",
)
bad(
    "forecast.mase",
    "history with NaN",
    lambda: forecast.mase([1.0], [1.0], [1.0, NAN, 2.0]),
    "history",
)
valid(
    "forecast.mase",
    "season=np.int64(1)",
    lambda: forecast.mase([3.0], [3.5], [1.0, 2.0, 3.0], season=np.int64(1)),
)

# -- ctc -----------------------------------------------------------------------------
LOGITS = np.log(np.array([[[0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]] * 2, "float32"))
bad("ctc.collapse", "path 2-D (logits)", lambda: ctc.collapse(LOGITS[0]), "path")
bad(
    "ctc.collapse",
    "path of floats (one row of probabilities)",
    lambda: ctc.collapse(np.exp(LOGITS[0, 0])),
    "path",
)
valid("ctc.collapse", "blank=np.int64(0)", lambda: ctc.collapse([0, 1, 1, 2], blank=np.int64(0)))
cdl = ctc.ctc_decode_lists
bad(
    "ctc.ctc_decode_lists",
    "strategy='beam'",
    lambda: cdl(LOGITS, [3, 3], strategy="beam"),
    "strategy",
)
bad(
    "ctc.ctc_decode_lists",
    "beam_width=0",
    lambda: cdl(LOGITS, [3, 3], strategy="beam_search", beam_width=0),
    "beam_width",
)
bad(
    "ctc.ctc_decode_lists",
    "beam_width=2.5",
    lambda: cdl(LOGITS, [3, 3], strategy="beam_search", beam_width=2.5),
    "beam_width",
)
bad("ctc.ctc_decode_lists", "logits 2-D", lambda: cdl(LOGITS[0], [3]), "logits")
bad("ctc.ctc_decode_lists", "lengths of the wrong size", lambda: cdl(LOGITS, [3]), "lengths")
bad("ctc.ctc_decode_lists", "lengths above time", lambda: cdl(LOGITS, [3, 4]), "lengths")
bad("ctc.ctc_decode_lists", "lengths as floats", lambda: cdl(LOGITS, [2.5, 3.0]), "lengths")
bad("ctc.ctc_decode_lists", "blank=3 of 3 classes", lambda: cdl(LOGITS, [3, 3], blank=3), "blank")
bad(
    "ctc.ctc_decode_lists",
    "logits with NaN",
    lambda: cdl(np.full_like(LOGITS, NAN), [3, 3]),
    "logits",
)
bad(
    "ctc.ctc_decode_lists",
    "logits with NaN, beam search",
    lambda: cdl(np.full_like(LOGITS, NAN), [3, 3], strategy="beam_search"),
    "logits",
)
bad(
    "ctc.ctc_decode_lists",
    "logits with +inf",
    lambda: cdl(np.where(LOGITS > -0.3, INF, LOGITS), [3, 3]),
    "logits",
)
bad(
    "ctc.ctc_decode_lists",
    "softmax probabilities, beam search",
    lambda: cdl(np.exp(LOGITS), [3, 3], strategy="beam_search"),
    "logits",
)
valid(
    "ctc.ctc_decode_lists",
    "beam_width, blank, lengths np.int64",
    lambda: cdl(
        LOGITS, np.array([3, 2]), strategy="beam_search", beam_width=np.int64(4), blank=np.int64(0)
    ),
)
bad(
    "ctc.error_rate",
    "str references, int hypotheses",
    lambda: ctc.error_rate(["427"], [[4, 2, 7]]),
    "references",
    "hypotheses",
)
bad(
    "ctc.error_rate",
    "int references, str hypotheses",
    lambda: ctc.error_rate([[4, 2, 7]], ["427"]),
    "references",
    "hypotheses",
)
bad(
    "ctc.error_rate",
    "different counts",
    lambda: ctc.error_rate(["42"], ["42", "7"]),
    "references",
    "hypotheses",
)
bad("ctc.error_rate", "references all empty", lambda: ctc.error_rate([""], ["4"]), "references")
bad("ctc.error_rate", "references as numbers", lambda: ctc.error_rate([427], [427]), "references")
bad("ctc.error_rate", "hypotheses=None", lambda: ctc.error_rate(["427"], None), "hypotheses")
bad(
    "ctc.edit_distance",
    "str against a list of ints",
    lambda: ctc.edit_distance("427", [4, 2, 7]),
    "reference",
    "hypothesis",
)
bad("ctc.edit_distance", "ints, not sequences", lambda: ctc.edit_distance(427, 421), "reference")
valid(
    "ctc.error_rate",
    "hypotheses of np.int64 ids",
    lambda: ctc.error_rate([[4, 2, 7]], [list(np.array([4, 2, 7]))]),
)

# -- seq2seq ---------------------------------------------------------------------------------
TABLE = np.log(
    np.array(
        [
            [1e-9, 0.6, 0.4, 1e-9],
            [1e-9, 1e-9, 0.45, 0.55],
            [1e-9, 1e-9, 1e-9, 1.0],
            [1.0, 1e-9, 1e-9, 1e-9],
        ]
    )
)


def step(tokens, states):
    return TABLE[tokens], states


def probs_step(tokens, states):  # forgot the log
    return np.exp(TABLE[tokens]), states


S0 = np.zeros((1, 1))
ARGS = dict(start_id=0, end_id=3, max_length=3)
for name in ("greedy_decode", "beam_search"):
    dec = getattr(seq2seq, name)
    bad(
        f"seq2seq.{name}",
        "step_fn returns probabilities",
        lambda dec=dec: dec(probs_step, S0, **ARGS),
        "step_fn",
    )
    bad(
        f"seq2seq.{name}",
        "step_fn returns NaN",
        lambda dec=dec: dec(lambda t, s: (np.full((len(t), 4), NAN), s), S0, **ARGS),
        "step_fn",
    )
    bad(
        f"seq2seq.{name}",
        "step_fn returns log_probs only",
        lambda dec=dec: dec(lambda t, s: TABLE[t], S0, **ARGS),
        "step_fn",
    )
    bad(
        f"seq2seq.{name}",
        "step_fn keeps the time axis",
        lambda dec=dec: dec(lambda t, s: (TABLE[t][:, None], s), S0, **ARGS),
        "step_fn",
    )
    bad(
        f"seq2seq.{name}",
        "start_id=-1",
        lambda dec=dec: dec(step, S0, start_id=-1, end_id=3, max_length=3),
        "start_id",
    )
    bad(
        f"seq2seq.{name}",
        "end_id=3.0",
        lambda dec=dec: dec(step, S0, start_id=0, end_id=3.0, max_length=3),
        "end_id",
    )
    bad(
        f"seq2seq.{name}",
        "max_length=0",
        lambda dec=dec: dec(step, S0, start_id=0, end_id=3, max_length=0),
        "max_length",
    )
    bad(f"seq2seq.{name}", "states=[]", lambda dec=dec: dec(step, [], **ARGS), "states")
    bad(
        f"seq2seq.{name}",
        "start_id beyond the vocabulary",
        lambda dec=dec: dec(step, S0, start_id=9, end_id=3, max_length=3),
        "start_id",
    )
    valid(
        f"seq2seq.{name}",
        "ids and max_length np.int64",
        lambda dec=dec: dec(
            step, S0, start_id=np.int64(0), end_id=np.int64(3), max_length=np.int64(3)
        ),
    )
bad(
    "seq2seq.beam_search",
    "beam_width=0",
    lambda: seq2seq.beam_search(step, S0, beam_width=0, **ARGS),
    "beam_width",
)
bad(
    "seq2seq.beam_search",
    "beam_width=1.5",
    lambda: seq2seq.beam_search(step, S0, beam_width=1.5, **ARGS),
    "beam_width",
)
bad(
    "seq2seq.beam_search",
    "length_penalty=-1",
    lambda: seq2seq.beam_search(step, S0, length_penalty=-1, **ARGS),
    "length_penalty",
)
bad(
    "seq2seq.beam_search",
    "length_penalty='0.6'",
    lambda: seq2seq.beam_search(step, S0, length_penalty="0.6", **ARGS),
    "length_penalty",
)
bad(
    "seq2seq.beam_search",
    "length_form='google'",
    lambda: seq2seq.beam_search(step, S0, length_form="google", **ARGS),
    "length_form",
)
valid(
    "seq2seq.beam_search",
    "beam_width=np.int64(2), length_penalty=np.float32(0.6)",
    lambda: seq2seq.beam_search(step, S0, beam_width=np.int64(2), length_penalty=f32(0.6), **ARGS),
)


# -- the census ------------------------------------------------------------------------
TF_KERNEL = ("tensorflow", "jaxlib", "jax")


def _names_argument(message, names):
    return any(re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", message) for n in names)


def run(thunk):
    """Call ``thunk``; return (exception or None, seconds)."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            thunk()
    except Exception as err:  # noqa: BLE001 - the census classifies whatever comes
        return err, time.perf_counter() - start
    finally:
        plt.close("all")
    return None, time.perf_counter() - start


def classify(err, names):
    if err is None:
        return "silent"
    if type(err).__module__.split(".")[0] in TF_KERNEL:
        return "obscure"
    # Keras appends "Arguments received by Layer.call(): inputs=..., states=..." to
    # any error inside a layer: that names every argument, so it does not count.
    message = str(err).split("Arguments received by")[0]
    return "clear" if _names_argument(message, names) else "obscure"


def _one_line(err, width=150):
    text = " ".join(
        re.sub(r"\x1b\[[0-9;]*m", "", f"{type(err).__name__}: {err}").split()
    )  # no bold
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--all", action="store_true", help="list every case, not only silent and obscure"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = []
    for function, what, thunk, names in BAD:
        err, _ = run(thunk)
        results.append((function, what, names, err, classify(err, names)))
    accepted = []
    for function, what, thunk in VALID:
        err, _ = run(thunk)
        accepted.append((function, what, err))
    seconds = time.perf_counter() - start

    functions = {r[0] for r in results} | {a[0] for a in accepted}
    counts = {kind: sum(r[4] == kind for r in results) for kind in ("clear", "obscure", "silent")}
    n_ok = sum(a[2] is None for a in accepted)
    print(
        f"Bad-input census: {len(results)} bad inputs and {len(accepted)} valid NumPy-scalar calls "
        f"against {len(functions)} functions and layers ({seconds:.0f} s)\n"
    )
    print("| outcome | count | share |")
    print("|---|---:|---:|")
    for kind in ("clear", "obscure", "silent"):
        print(f"| {kind} | {counts[kind]} | {counts[kind] / len(results):.0%} |")
    print(f"\nValid calls with NumPy scalars: {n_ok} accepted, {len(accepted) - n_ok} rejected.\n")
    modules = sorted({r[0].split(".")[0] for r in results})
    print("| module | clear | obscure | silent |")
    print("|---|---:|---:|---:|")
    for module in modules:
        rows = [r for r in results if r[0].split(".")[0] == module]
        print(
            f"| {module} | "
            + " | ".join(str(sum(r[4] == k for r in rows)) for k in ("clear", "obscure", "silent"))
            + " |"
        )
    for kind in ("silent", "obscure") + (("clear",) if args.all else ()):
        rows = [r for r in results if r[4] == kind]
        print(f"\n{kind.upper()} ({len(rows)}):")
        for function, what, names, err, _ in rows:
            detail = "returned" if err is None else _one_line(err)
            print(f"  {function}: {what} [names: {', '.join(names)}] -> {detail}")
    rejected = [a for a in accepted if a[2] is not None]
    print(f"\nVALID NUMPY SCALARS REJECTED ({len(rejected)}):")
    for function, what, err in rejected:
        print(f"  {function}: {what} -> {_one_line(err)}")
    if args.all:
        print(f"\nVALID NUMPY SCALARS ACCEPTED ({n_ok}):")
        for function, what, err in accepted:
            if err is None:
                print(f"  {function}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
