"""Tests for rnncourse.cells: equality with the built-in Keras cells, dropout,
errors, serialisation and gate traces. Backend-neutral (TensorFlow and JAX)."""

import itertools
import os

import keras
import numpy as np
import pytest
from kerastest import (
    assert_config_roundtrip,
    assert_saved_model_roundtrip,
    backend,
    max_abs_diff,
    randomize_weights,
    to_numpy,
)

from rnncourse import cells

BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 3
ATOL = 1e-5

# kind -> (our cell class, built-in layer class, extra cell arguments).
KINDS = {
    "simple": (cells.SimpleRNNCell, keras.layers.SimpleRNN, {}),
    "lstm": (cells.LSTMCell, keras.layers.LSTM, {}),
    "gru": (cells.GRUCell, keras.layers.GRU, {"reset_after": True}),
    "gru_reset_before": (cells.GRUCell, keras.layers.GRU, {"reset_after": False}),
}


def make_pair(kind, layer_kwargs=(), cell_kwargs=()):
    """Ours (RNN(cell)) and the built-in twin, built, sharing random weights."""
    cell_class, builtin_class, extra = KINDS[kind]
    cell_kwargs = {**extra, **dict(cell_kwargs)}
    layer_kwargs = dict(layer_kwargs)
    ours = keras.layers.RNN(cell_class(UNITS, **cell_kwargs), **layer_kwargs)
    theirs = builtin_class(UNITS, **cell_kwargs, **layer_kwargs)
    shape = (BATCH, TIME, FEATURES)
    ours.build(shape)
    theirs.build(shape)
    randomize_weights(theirs, seed=1)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH, TIME, FEATURES)).astype("float32")


def padding_mask():
    mask = np.ones((BATCH, TIME), dtype=bool)
    mask[1, -2:] = False  # right padding
    mask[2, :1] = False  # left padding
    return mask


FLAGS = ("seq", "state", "back", "mask", "stateful", "drop")
# Layer configurations: each row sets (return_sequences, return_state,
# go_backwards, masking, stateful, dropout at inference). The 12 middle rows
# are a strength-3 covering array: for ANY three of the six options, all 8
# on/off combinations appear (checked by test_grid_covers_every_triple); the
# all-off and all-on rows are added. RNNCOURSE_FULL_GRID=1 runs all 2**6 = 64.
COVERING_ROWS = [
    (0, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 1, 0),
    (0, 0, 1, 0, 1, 1),
    (0, 0, 1, 1, 0, 0),
    (0, 1, 0, 1, 0, 1),
    (0, 1, 0, 1, 1, 0),
    (0, 1, 1, 0, 0, 0),
    (1, 0, 0, 0, 0, 0),
    (1, 0, 0, 1, 1, 1),
    (1, 0, 1, 1, 0, 1),
    (1, 1, 0, 0, 1, 1),
    (1, 1, 1, 0, 0, 1),
    (1, 1, 1, 1, 1, 0),
    (1, 1, 1, 1, 1, 1),
]
if os.environ.get("RNNCOURSE_FULL_GRID") == "1":
    ROWS = list(itertools.product((0, 1), repeat=len(FLAGS)))
else:
    ROWS = COVERING_ROWS
GRID = [(kind, *map(bool, row)) for kind in KINDS for row in ROWS]
GRID_IDS = [
    "-".join([kind] + [name for name, on in zip(FLAGS, flags, strict=True) if on])
    for kind, *flags in GRID
]


def test_grid_covers_every_triple():
    for triple in itertools.combinations(range(len(FLAGS)), 3):
        seen = {tuple(row[i] for i in triple) for row in COVERING_ROWS}
        assert len(seen) == 8, f"options {[FLAGS[i] for i in triple]} miss a combination"


@pytest.mark.parametrize(
    "kind,return_sequences,return_state,go_backwards,masking,stateful,dropout",
    GRID,
    ids=GRID_IDS,
)
def test_matches_builtin(
    kind, return_sequences, return_state, go_backwards, masking, stateful, dropout
):
    layer_kwargs = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "go_backwards": go_backwards,
        "stateful": stateful,
    }
    cell_kwargs = {"dropout": 0.3, "recurrent_dropout": 0.2, "seed": 3} if dropout else {}
    ours, theirs = make_pair(kind, layer_kwargs, cell_kwargs)
    mask = padding_mask() if masking else None
    # With stateful=True a second batch starts from the first one's state.
    for seed in (0, 1) if stateful else (0,):
        x = data(seed)
        expected = theirs(x, mask=mask, training=False)
        got = ours(x, mask=mask, training=False)
        if return_state:  # output, then the states: [h, c] for LSTM, [h] otherwise
            assert len(got) == len(expected) == (3 if kind == "lstm" else 2)
        else:
            assert not isinstance(got, (list, tuple))
        assert max_abs_diff(got, expected) <= ATOL


@pytest.mark.parametrize(
    "kind,cell_kwargs",
    [
        ("simple", {"dropout": 0.4, "recurrent_dropout": 0.3}),
        ("lstm", {"dropout": 0.4}),
        ("gru", {"dropout": 0.4}),
        ("gru_reset_before", {"dropout": 0.4}),
    ],
)
def test_training_dropout_matches_builtin(kind, cell_kwargs):
    # Where Keras draws one mask per tensor (as we do), the same seed gives the
    # same masks, so even the training-time outputs agree.
    ours, theirs = make_pair(kind, {"return_sequences": True}, {**cell_kwargs, "seed": 7})
    x = data()
    expected = to_numpy(theirs(x, training=True))
    got = to_numpy(ours(x, training=True))
    assert max_abs_diff(got, expected) <= ATOL
    assert max_abs_diff(got, ours(x, training=False)) > 1e-3  # dropout did act


@pytest.mark.parametrize("kind", ["simple", "lstm", "gru"])
def test_dropout_masks_are_drawn_per_sequence(kind):
    cell_class, _, extra = KINDS[kind]
    cell = cell_class(UNITS, dropout=0.5, recurrent_dropout=0.5, seed=0, **extra)
    layer = keras.layers.RNN(cell, return_sequences=True)
    x = data()
    first = to_numpy(layer(x, training=True))
    # keras.layers.RNN cleared the masks after the sequence ...
    assert cell._dropout_mask is None and cell._recurrent_dropout_mask is None
    # ... so the next batch gets new ones.
    assert max_abs_diff(first, layer(x, training=True)) > 1e-3
    # Same mask at every step: a constant input sequence with a zero recurrent
    # kernel gives the same output at every step.
    weights = layer.get_weights()
    weights[1] = np.zeros_like(weights[1])
    layer.set_weights(weights)
    x_const = np.repeat(data()[:, :1], TIME, axis=1)
    out = to_numpy(layer(x_const, training=True))
    if kind == "simple":  # h_t depends on x_t only
        assert np.allclose(out, out[:, :1], atol=1e-6)
    assert not np.allclose(out, to_numpy(layer(x_const, training=False)), atol=1e-3)


def test_fit_with_dropout_runs():
    # On JAX this fails if a seed update happens inside the scan (tracer leak).
    model = keras.Sequential(
        [
            keras.Input((TIME, FEATURES)),
            keras.layers.RNN(cells.LSTMCell(UNITS, dropout=0.2, recurrent_dropout=0.2, seed=1)),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.concatenate([data(0), data(1)])
    history = model.fit(x, np.ones((len(x), 1)), epochs=2, batch_size=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_cell_alone_and_symbolic():
    cell = cells.LSTMCell(UNITS)
    step = np.ones((BATCH, FEATURES), "float32")
    h, (h_state, c_state) = cell(step, cell.get_initial_state(BATCH))
    assert h.shape == (BATCH, UNITS) and c_state.shape == (BATCH, UNITS)
    assert max_abs_diff(h, h_state) == 0.0
    inputs = keras.Input((None, FEATURES))
    outputs = keras.layers.RNN(cells.GRUCell(UNITS), return_sequences=True)(inputs)
    assert tuple(outputs.shape) == (None, None, UNITS)
    assert keras.Model(inputs, outputs)(data()).shape == (BATCH, TIME, UNITS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_weights_and_parameter_count_match_builtin(kind):
    ours, theirs = make_pair(kind)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert ours.count_params() == theirs.count_params()


def test_unit_forget_bias():
    cell = cells.LSTMCell(UNITS)
    cell.build((None, FEATURES))
    bias = to_numpy(cell.bias)
    np.testing.assert_array_equal(bias[UNITS : 2 * UNITS], 1.0)
    np.testing.assert_array_equal(np.delete(bias, np.s_[UNITS : 2 * UNITS]), 0.0)
    cell = cells.LSTMCell(UNITS, unit_forget_bias=False)
    cell.build((None, FEATURES))
    np.testing.assert_array_equal(to_numpy(cell.bias), 0.0)


@pytest.mark.parametrize(
    "cell",
    [
        cells.SimpleRNNCell(UNITS, activation="relu", dropout=0.1, seed=2),
        cells.LSTMCell(UNITS, recurrent_activation="hard_sigmoid", unit_forget_bias=False),
        cells.GRUCell(UNITS, reset_after=False, kernel_regularizer=keras.regularizers.L2(0.01)),
    ],
    ids=["simple", "lstm", "gru"],
)
def test_config_roundtrip(cell):
    clone = assert_config_roundtrip(cell)
    assert clone.units == UNITS


def test_saved_model_roundtrip(tmp_path):
    inputs = keras.Input((TIME, FEATURES))
    x = keras.layers.RNN(cells.LSTMCell(UNITS), return_sequences=True)(inputs)
    x = keras.layers.RNN(cells.GRUCell(UNITS, reset_after=False), return_sequences=True)(x)
    x = keras.layers.RNN(cells.GRUCell(UNITS, dropout=0.1))(x)
    x = keras.layers.Reshape((1, UNITS))(x)
    outputs = keras.layers.RNN(cells.SimpleRNNCell(UNITS))(x)
    model = keras.Model(inputs, outputs)
    randomize_weights(model)
    loaded = assert_saved_model_roundtrip(model, data(), tmp_path / "cells.keras")
    kinds = [type(layer.cell).__name__ for layer in loaded.layers if hasattr(layer, "cell")]
    assert kinds == ["LSTMCell", "GRUCell", "GRUCell", "SimpleRNNCell"]
    assert type(loaded.layers[1].cell) is cells.LSTMCell


# -- errors -------------------------------------------------------------------
def test_error_on_missing_feature_axis():
    layer = keras.layers.RNN(cells.LSTMCell(UNITS))
    with pytest.raises(ValueError, match=r"\(batch, time, features\)") as info:
        layer(np.zeros((BATCH, TIME), "float32"))
    assert f"({BATCH},)" in str(info.value)  # the step shape it received
    assert "x[..., None]" in str(info.value)


def test_error_on_rank_4_input():
    layer = keras.layers.RNN(cells.GRUCell(UNITS))
    with pytest.raises(ValueError, match=r"received a step of shape \(2, 4, 3\) \(rank 3\)"):
        layer(np.zeros((2, TIME, 4, 3), "float32"))


def test_error_on_wrong_feature_size():
    layer = keras.layers.RNN(cells.SimpleRNNCell(UNITS))
    layer(data())
    with pytest.raises(ValueError) as info:
        layer(np.zeros((BATCH, TIME, FEATURES + 1), "float32"))
    message = str(info.value)
    assert f"(batch, time, {FEATURES})" in message
    assert f"({BATCH}, {FEATURES + 1})" in message


@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"units": 0}, r"units=0"),
        ({"units": 2.5}, r"units=2.5"),
        ({"units": 4, "dropout": 1.0}, r"dropout=1.0"),
        ({"units": 4, "recurrent_dropout": -0.1}, r"recurrent_dropout=-0.1"),
    ],
)
def test_error_on_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        cells.LSTMCell(**kwargs)


# -- gate traces and from_keras ------------------------------------------------
def test_trace_gates_lstm_is_consistent():
    ours, _ = make_pair("lstm", {"return_sequences": True})
    x = data()
    trace = cells.trace_gates(ours, x)
    assert sorted(trace) == ["candidate", "cell", "forget", "hidden", "input", "output"]
    for value in trace.values():
        assert value.shape == (BATCH, TIME, UNITS) and isinstance(value, np.ndarray)
    for gate in ("input", "forget", "output"):
        assert np.all((trace[gate] > 0) & (trace[gate] < 1))
    c_prev = np.concatenate([np.zeros((BATCH, 1, UNITS)), trace["cell"][:, :-1]], axis=1)
    np.testing.assert_allclose(
        trace["cell"],
        trace["forget"] * c_prev + trace["input"] * trace["candidate"],
        atol=1e-6,
    )
    np.testing.assert_allclose(trace["hidden"], to_numpy(ours(x)), atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
def test_trace_gates_of_builtin_gru(reset_after):
    layer = keras.layers.GRU(UNITS, reset_after=reset_after, return_sequences=True)
    x = data()
    layer(x)
    randomize_weights(layer)
    trace = cells.trace_gates(layer, x)
    assert sorted(trace) == ["candidate", "hidden", "reset", "update"]
    np.testing.assert_allclose(trace["hidden"], to_numpy(layer(x)), atol=1e-6)
    h_prev = np.concatenate([np.zeros((BATCH, 1, UNITS)), trace["hidden"][:, :-1]], axis=1)
    z = trace["update"]
    np.testing.assert_allclose(
        trace["hidden"], z * h_prev + (1 - z) * trace["candidate"], atol=1e-6
    )


def test_trace_gates_go_backwards_is_in_input_order():
    layer = keras.layers.SimpleRNN(UNITS, go_backwards=True, return_sequences=True)
    x = data()
    outputs = to_numpy(layer(x))  # Keras: in processing order (from the end)
    trace = cells.trace_gates(layer, x)
    np.testing.assert_allclose(trace["hidden"], outputs[:, ::-1], atol=1e-6)


def test_trace_gates_errors():
    with pytest.raises(ValueError, match=r"\(batch, time, features\).*\(5, 4\).*x\[None\]"):
        cells.trace_gates(cells.LSTMCell(UNITS), np.zeros((TIME, FEATURES)))
    with pytest.raises(TypeError, match="got Dense"):
        cells.trace_gates(keras.layers.Dense(3), data())
    with pytest.raises(ValueError, match="not built"):
        cells.from_keras(keras.layers.LSTMCell(3))


def test_from_keras_copies_config_and_weights():
    layer = keras.layers.LSTM(UNITS, recurrent_activation="hard_sigmoid", use_bias=False)
    layer(data())
    twin = cells.from_keras(layer)
    assert isinstance(twin, cells.LSTMCell)
    assert twin.use_bias is False and twin.bias is None
    assert twin.get_config()["recurrent_activation"] == "hard_sigmoid"
    for a, b in zip(twin.get_weights(), layer.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(backend() != "tensorflow", reason="tf.function graph mode is TensorFlow's")
def test_in_tf_function_graph():
    import tensorflow as tf

    ours, theirs = make_pair("gru", {"return_sequences": True}, {"dropout": 0.2, "seed": 5})
    x = data()
    assert max_abs_diff(tf.function(ours)(x), tf.function(theirs)(x)) <= ATOL
    run = tf.function(lambda v: ours(v, training=True))
    assert max_abs_diff(run(x), theirs(x, training=True)) <= ATOL


def test_bidirectional_matches_builtin():
    ours = keras.layers.Bidirectional(
        keras.layers.RNN(cells.LSTMCell(UNITS), return_sequences=True)
    )
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True))
    x = data()
    theirs(x)
    ours(x)
    randomize_weights(theirs)
    ours.set_weights(theirs.get_weights())
    assert type(ours.backward_layer.cell) is cells.LSTMCell
    assert max_abs_diff(ours(x, mask=padding_mask()), theirs(x, mask=padding_mask())) <= ATOL
