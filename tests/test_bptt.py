"""Tests for rnncourse.bptt: hand-written BPTT against tf.GradientTape (float64)
and central differences, truncated BPTT against stop_gradient graphs, and the
per-step gradient norms of Keras models."""

import keras
import numpy as np
import pytest

from rnncourse import bptt

BATCH, TIME, FEATURES, UNITS = 2, 7, 3, 4


def make_params(seed=0, scale=0.6):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(BATCH, TIME, FEATURES)),
        "h0": 0.5 * rng.normal(size=(BATCH, UNITS)),
        "Wx": scale * rng.normal(size=(FEATURES, UNITS)),
        "Wh": scale * rng.normal(size=(UNITS, UNITS)),
        "b": 0.1 * rng.normal(size=UNITS),
    }


def targets(seed=1):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, UNITS))


def loss_numpy(params, y):
    """L = 0.5 * sum over all steps of (h_t - y_t)**2; dL/dh = h - y."""
    h, _ = bptt.forward(**params)
    return 0.5 * np.sum((h - y) ** 2)


def tf_rnn(tf, p, stop_every=None, stop_at=None):
    """The same RNN in TensorFlow; stop_gradient on h after chunk ends / at one step."""
    h, hs = p["h0"], []
    for t in range(TIME):
        h = tf.tanh(p["x"][:, t] @ p["Wx"] + h @ p["Wh"] + p["b"])
        hs.append(h)
        if (stop_every and (t + 1) % stop_every == 0) or t == stop_at:
            h = tf.stop_gradient(h)
    return tf.stack(hs, axis=1)


@pytest.fixture
def tf():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("compares with tf.GradientTape: TensorFlow backend only")
    return pytest.importorskip("tensorflow")


def tape_gradients(tf, params, loss_of_params):
    variables = {k: tf.Variable(v, dtype=tf.float64) for k, v in params.items()}
    with tf.GradientTape() as tape:
        loss = loss_of_params(variables)
    grads = tape.gradient(loss, variables)
    return {k: (np.zeros_like(params[k]) if g is None else g.numpy()) for k, g in grads.items()}


def test_forward_matches_tensorflow(tf):
    params = make_params()
    h, _ = bptt.forward(**params)
    ref = tf_rnn(tf, {k: tf.constant(v) for k, v in params.items()}).numpy()
    np.testing.assert_allclose(h, ref, rtol=1e-12, atol=1e-12)


def test_backward_matches_gradient_tape(tf):
    params, y = make_params(), targets()
    h, cache = bptt.forward(**params)
    grads = bptt.backward(h - y, cache)
    ref = tape_gradients(tf, params, lambda p: 0.5 * tf.reduce_sum((tf_rnn(tf, p) - y) ** 2))
    for name in params:
        assert grads[name].dtype == np.float64 and grads[name].shape == params[name].shape
        assert bptt.relative_error(grads[name], ref[name]) <= 1e-6, name


def test_backward_passes_gradient_check():
    params, y = make_params(), targets()
    h, cache = bptt.forward(**params)
    largest, errors = bptt.gradient_check(
        lambda p: loss_numpy(p, y), params, bptt.backward(h - y, cache)
    )
    assert set(errors) == set(params)
    assert largest <= 1e-6, errors


def test_gradient_check_catches_a_wrong_gradient():
    params, y = make_params(), targets()
    h, cache = bptt.forward(**params)
    grads = bptt.backward(h - y, cache)
    grads["Wh"] = grads["Wh"] * 1.01  # 1% off
    largest, errors = bptt.gradient_check(lambda p: loss_numpy(p, y), params, grads)
    assert errors["Wh"] > 1e-3 and largest == errors["Wh"]
    assert errors["Wx"] <= 1e-6


@pytest.mark.parametrize("k", [1, 2, 3, TIME])
def test_chunk_truncation_equals_stop_gradient_every_k_steps(tf, k):
    params, y = make_params(2), targets(3)
    h, cache = bptt.forward(**params)
    grads = bptt.backward(h - y, cache, truncate=k)
    ref = tape_gradients(
        tf, params, lambda p: 0.5 * tf.reduce_sum((tf_rnn(tf, p, stop_every=k) - y) ** 2)
    )
    for name in params:
        assert bptt.relative_error(grads[name], ref[name]) <= 1e-6, name


@pytest.mark.parametrize("k", [1, 3])
def test_window_truncation_equals_one_stop_gradient_per_loss_term(tf, k):
    # Loss term s sees a graph where h_{s-k} is a constant (stop_gradient).
    params, y = make_params(4), targets(5)
    h, cache = bptt.forward(**params)
    grads = bptt.backward(h - y, cache, truncate=k, truncate_mode="window")
    ref = {name: np.zeros_like(value) for name, value in params.items()}
    for s in range(TIME):

        def loss_at_s(p, s=s):
            hs = tf_rnn(tf, p, stop_at=s - k)
            return 0.5 * tf.reduce_sum((hs[:, s] - y[:, s]) ** 2)

        for name, g in tape_gradients(tf, params, loss_at_s).items():
            ref[name] += g
    for name in params:
        assert bptt.relative_error(grads[name], ref[name]) <= 1e-6, name


def test_truncation_changes_gradients_and_full_length_does_not():
    params, y = make_params(), targets()
    h, cache = bptt.forward(**params)
    full = bptt.backward(h - y, cache)
    for mode in ("chunk", "window"):
        same = bptt.backward(h - y, cache, truncate=TIME, truncate_mode=mode)
        cut = bptt.backward(h - y, cache, truncate=2, truncate_mode=mode)
        np.testing.assert_allclose(same["Wh"], full["Wh"], rtol=1e-12)
        assert bptt.relative_error(cut["Wh"], full["Wh"]) > 1e-3
        # The last step's direct input gradient never crosses a boundary.
        np.testing.assert_allclose(cut["x"][:, -1], full["x"][:, -1], rtol=1e-12)


def test_step_contributions_sum_to_the_gradient():
    params, y = make_params(), targets()
    h, cache = bptt.forward(**params)
    for truncate in (None, 3):
        grads = bptt.backward(h - y, cache, truncate=truncate)
        parts = bptt.step_contributions(h - y, cache, truncate=truncate)
        assert parts["Wh"].shape == (TIME, UNITS, UNITS)
        assert parts["Wx"].shape == (TIME, FEATURES, UNITS) and parts["b"].shape == (TIME, UNITS)
        for name in ("Wx", "Wh", "b"):
            np.testing.assert_allclose(parts[name].sum(axis=0), grads[name], rtol=1e-10, atol=1e-12)


def test_total_hidden_gradient_vanishes_with_small_weights():
    params = make_params(scale=0.1)
    h, cache = bptt.forward(**params)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    norms = np.linalg.norm(bptt.backward(dh, cache)["h"], axis=-1).mean(axis=0)
    assert norms[-1] == pytest.approx(np.sqrt(UNITS))
    assert np.all(np.diff(norms) > 0) and norms[0] < 1e-4 * norms[-1]


def test_errors():
    params = make_params()
    with pytest.raises(ValueError, match=r"Wh must have shape \(4, 4\).*got Wh of shape \(4, 5\)"):
        bptt.forward(
            **{**params, "Wh": np.zeros((UNITS, UNITS + 1)), "Wx": np.zeros((FEATURES, UNITS))}
        )
    with pytest.raises(
        ValueError, match=r"x must be \(batch, time, features\), got shape \(7, 3\)"
    ):
        bptt.forward(**{**params, "x": params["x"][0]})
    h, cache = bptt.forward(**params)
    with pytest.raises(ValueError, match=r"dh must have the shape .*\(2, 7, 4\).*\(2, 4\)"):
        bptt.backward(h[:, -1], cache)
    with pytest.raises(ValueError, match=r"truncate=0"):
        bptt.backward(h, cache, truncate=0)
    with pytest.raises(ValueError, match=r"truncate_mode='sliding'"):
        bptt.backward(h, cache, truncate=2, truncate_mode="sliding")
    with pytest.raises(ValueError, match=r"no entry for \['b'\]"):
        bptt.gradient_check(lambda p: 0.0, params, {k: v for k, v in params.items() if k != "b"})


# -- step_gradient_norms on Keras models ---------------------------------------------
def simple_rnn_numpy_norms(layer, x, dh_last):
    Wx, Wh, b = (w.astype(np.float64) for w in layer.get_weights())
    h, cache = bptt.forward(x.astype(np.float64), np.zeros((len(x), Wh.shape[0])), Wx, Wh, b)
    dh = np.zeros_like(h)
    dh[:, -1] = dh_last(h[:, -1])
    return np.linalg.norm(bptt.backward(dh, cache)["h"], axis=-1).mean(axis=0)


def test_step_gradient_norms_of_a_layer_match_numpy_bptt():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, 12, FEATURES)).astype("float32")
    layer = keras.layers.SimpleRNN(UNITS)
    layer(x)
    norms = bptt.step_gradient_norms(layer, x)  # L = sum of the last state
    assert norms.shape == (12,)
    expected = simple_rnn_numpy_norms(layer, x, lambda h_last: np.ones_like(h_last))
    np.testing.assert_allclose(norms, expected, rtol=1e-4, atol=1e-7)


def test_step_gradient_norms_of_a_model_with_a_loss_match_numpy_bptt():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(BATCH, 9, FEATURES)).astype("float32")
    y = rng.normal(size=(BATCH, 1)).astype("float32")
    rnn = keras.layers.SimpleRNN(UNITS)
    dense = keras.layers.Dense(1)
    model = keras.Sequential([keras.Input((9, FEATURES)), rnn, dense])
    model.compile(loss="mse")
    w, c = (v.astype(np.float64) for v in dense.get_weights())

    def dh_last(h_last):  # per-sample mse: (h w + c - y)**2 -> 2 (pred - y) w^T
        return 2 * (h_last @ w + c - y) @ w.T

    norms = bptt.step_gradient_norms(model, x, y)
    np.testing.assert_allclose(norms, simple_rnn_numpy_norms(rnn, x, dh_last), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_step_gradient_norms_lstm_sequence_model(go_backwards):
    model = keras.Sequential(
        [
            keras.Input((10, FEATURES)),
            keras.layers.LSTM(UNITS, return_sequences=True, go_backwards=go_backwards),
            keras.layers.Dense(2),
        ]
    )
    x = np.random.default_rng(2).normal(size=(BATCH, 10, FEATURES)).astype("float32")
    norms = bptt.step_gradient_norms(model, x, np.zeros((BATCH, 10, 2), "float32"), loss="mse")
    assert norms.shape == (10,) and np.all(np.isfinite(norms)) and np.all(norms > 0)


def test_step_gradient_norms_errors():
    with pytest.raises(ValueError, match=r"no keras.layers.RNN layer.*\['Dense'\]"):
        bptt.step_gradient_norms(
            keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), np.zeros((1, 3))
        )
    with pytest.raises(TypeError, match="got Dense"):
        bptt.step_gradient_norms(keras.layers.Dense(2), np.zeros((1, 3)))
