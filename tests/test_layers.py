"""Tests for rnncourse.layers: attention against NumPy references, masks,
minGRU's parallel scan against its loop, errors and serialisation."""

import keras
import numpy as np
import pytest
from kerastest import (
    assert_config_roundtrip,
    assert_saved_model_roundtrip,
    max_abs_diff,
    randomize_weights,
    to_numpy,
)

from rnncourse.layers import BahdanauAttention, LuongAttention, MinGRU

BATCH, TQ, TV, DQ, DV = 2, 3, 6, 5, 4


def arrays(seed=0):
    rng = np.random.default_rng(seed)
    query = rng.normal(size=(BATCH, TQ, DQ)).astype("float32")
    values = rng.normal(size=(BATCH, TV, DV)).astype("float32")
    return query, values


def values_mask():
    mask = np.ones((BATCH, TV), dtype=bool)
    mask[0, -2:] = False
    mask[1, -4:] = False
    return mask


def softmax(scores, mask=None):
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def bahdanau_reference(layer, query, values, mask=None):
    Wq, Wv, b, w = (w.astype(np.float64) for w in layer.get_weights())
    hidden = (query @ Wq)[:, :, None, :] + (values @ Wv)[:, None, :, :] + b
    weights = softmax(np.tanh(hidden) @ w, mask)  # (batch, Tq, Tv)
    return weights @ values, weights


# -- attention ---------------------------------------------------------------
@pytest.mark.parametrize("masked", [False, True])
def test_bahdanau_matches_numpy(masked):
    query, values = arrays()
    layer = BahdanauAttention(7)
    layer(query, values)
    randomize_weights(layer)
    mask = values_mask() if masked else None
    context, weights = layer(query, values, values_mask=mask)
    ref_context, ref_weights = bahdanau_reference(layer, query, values, mask)
    assert context.shape == (BATCH, TQ, DV) and weights.shape == (BATCH, TQ, TV)
    np.testing.assert_allclose(to_numpy(weights), ref_weights, atol=1e-5)
    np.testing.assert_allclose(to_numpy(context), ref_context, atol=1e-5)
    np.testing.assert_allclose(to_numpy(weights).sum(-1), 1.0, atol=1e-5)
    if masked:
        assert np.all(
            to_numpy(weights)[~np.broadcast_to(values_mask()[:, None], weights.shape)] == 0
        )


def test_single_query_equals_first_row_of_a_query_sequence():
    query, values = arrays()
    for layer in (BahdanauAttention(4), LuongAttention("general"), LuongAttention("dot")):
        is_dot = isinstance(layer, LuongAttention) and layer.score == "dot"
        q = query[..., :DV] if is_dot else query
        context_seq, weights_seq = layer(q, values)
        context, weights = layer(q[:, 0], values)
        assert context.shape == (BATCH, DV) and weights.shape == (BATCH, TV)
        assert max_abs_diff(context, to_numpy(context_seq)[:, 0]) <= 1e-6
        assert max_abs_diff(weights, to_numpy(weights_seq)[:, 0]) <= 1e-6


@pytest.mark.parametrize("score", ["dot", "general"])
@pytest.mark.parametrize("scale", [False, True])
def test_luong_matches_numpy(score, scale):
    query, values = arrays(1)
    if score == "dot":
        query = query[..., :DV]
    layer = LuongAttention(score, scale=scale)
    context, weights = layer(query, values, values_mask=values_mask())
    q = query.astype(np.float64)
    if score == "general":
        q = q @ layer.get_weights()[0]
    scores = q @ values.transpose(0, 2, 1)
    if scale:
        scores = scores / np.sqrt(DV)
    ref_weights = softmax(scores, values_mask())
    np.testing.assert_allclose(to_numpy(weights), ref_weights, atol=1e-5)
    np.testing.assert_allclose(to_numpy(context), ref_weights @ values, atol=1e-5)


def test_keras_mask_on_values_is_used():
    # Padding id 0 with Embedding(mask_zero=True): the mask reaches values_mask.
    ids = keras.Input((TV,), dtype="int32")
    query = keras.Input((DV,))
    values = keras.layers.Embedding(10, DV, mask_zero=True)(ids)
    context, weights = LuongAttention("dot")(query, values)
    model = keras.Model([query, ids], [context, weights])
    token_ids = np.array([[3, 4, 5, 0, 0, 0], [7, 0, 0, 0, 0, 0]])
    _, got = model.predict([np.ones((BATCH, DV), "float32"), token_ids], verbose=0)
    assert np.all(got[token_ids == 0] == 0)
    np.testing.assert_allclose(got.sum(-1), 1.0, atol=1e-5)


def test_attention_errors():
    query, values = arrays()
    with pytest.raises(
        ValueError,
        match=r"query of shape \(2, 3, 5\) and values of shape \(2, 6, 4\).*score='general'",
    ):
        LuongAttention("dot")(query, values)
    with pytest.raises(ValueError, match=r"score='concat'"):
        LuongAttention("concat")
    with pytest.raises(
        ValueError, match=r"values shaped \(batch, value_time, value_dim\).*\(2, 4\)"
    ):
        BahdanauAttention(3)(query, values[:, 0])
    with pytest.raises(ValueError, match=r"units=0"):
        BahdanauAttention(0)


def test_attention_config_and_saving(tmp_path):
    assert_config_roundtrip(BahdanauAttention(5, use_bias=False))
    assert_config_roundtrip(LuongAttention("dot", scale=True))
    query_in, values_in = keras.Input((TQ, DQ)), keras.Input((TV, DV))
    context_a, weights_a = BahdanauAttention(5)(query_in, values_in)
    context_l, weights_l = LuongAttention()(query_in, values_in)
    model = keras.Model([query_in, values_in], [context_a, weights_a, context_l, weights_l])
    randomize_weights(model)
    assert_saved_model_roundtrip(model, list(arrays()), tmp_path / "attention.keras")


# -- minGRU --------------------------------------------------------------------
def mingru_reference(layer, x, h0=None, mask=None):
    """h_t = (1 - z_t) h_{t-1} + z_t h~_t in float64, one step at a time."""
    kernel, bias = (w.astype(np.float64) for w in layer.get_weights())
    units = layer.units
    projected = x @ kernel + bias
    z = 1 / (1 + np.exp(-projected[..., :units]))
    candidate = projected[..., units:]
    h = np.zeros((x.shape[0], units)) if h0 is None else h0.astype(np.float64)
    out = []
    for t in range(x.shape[1]):
        new = (1 - z[:, t]) * h + z[:, t] * candidate[:, t]
        h = new if mask is None else np.where(mask[:, t, None], new, h)
        out.append(h)
    return np.stack(out, axis=1)


def test_mingru_parallel_equals_sequential_and_reference():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, 33, 4)).astype("float32")
    h0 = rng.normal(size=(BATCH, 5)).astype("float32")
    mask = np.ones((BATCH, 33), dtype=bool)
    mask[1, 20:] = False
    mask[0, 3] = False
    parallel = MinGRU(5, mode="parallel", return_sequences=True, return_state=True)
    sequential = MinGRU(5, mode="sequential", return_sequences=True, return_state=True)
    parallel(x)
    sequential(x)
    randomize_weights(parallel)
    sequential.set_weights(parallel.get_weights())
    for kwargs in ({}, {"initial_state": h0}, {"mask": mask}, {"initial_state": h0, "mask": mask}):
        out_p, state_p = parallel(x, **kwargs)
        out_s, state_s = sequential(x, **kwargs)
        assert out_p.shape == (BATCH, 33, 5) and state_p.shape == (BATCH, 5)
        assert max_abs_diff(out_p, out_s) <= 1e-5
        ref = mingru_reference(parallel, x, kwargs.get("initial_state"), kwargs.get("mask"))
        assert max_abs_diff(out_p, ref) <= 1e-5
        assert max_abs_diff(state_p, ref[:, -1]) <= 1e-5


def test_mingru_masking_in_a_model(tmp_path):
    keras.utils.set_random_seed(3)  # the check below must not hinge on unseeded weights
    ids = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(12, 4, mask_zero=True)(ids)
    x = MinGRU(6, return_sequences=True)(x)
    outputs = MinGRU(3, mode="sequential")(x)
    model = keras.Model(ids, outputs)
    token_ids = np.array([[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 0, 0, 0, 0, 0]])
    padded = model.predict(token_ids, verbose=0)
    cut = model.predict(np.array([[1, 2, 3]]), verbose=0)
    assert padded.shape == (2, 3)
    # The padding changes nothing: same as the sequence cut where it ends.
    np.testing.assert_allclose(padded[1], cut[0], atol=1e-6)
    # ...while the five more real steps of the first sequence do change it (the
    # outputs are small, ~1e-3, so compare against their own scale).
    assert np.abs(padded[0] - cut[0]).max() > 1e-2 * np.abs(cut[0]).max()
    assert_saved_model_roundtrip(model, token_ids, tmp_path / "mingru.keras")


def test_mingru_errors_and_config():
    with pytest.raises(ValueError, match=r"mode='scan'"):
        MinGRU(4, mode="scan")
    with pytest.raises(ValueError, match=r"\(batch, time, features\).*\(2, 5\)"):
        MinGRU(4)(np.zeros((2, 5), "float32"))
    layer = MinGRU(4)
    layer(np.zeros((2, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"\(batch, time, 3\).*\(2, 5, 2\)"):
        layer(np.zeros((2, 5, 2), "float32"))
    clone = assert_config_roundtrip(MinGRU(4, mode="sequential", return_state=True))
    assert clone.mode == "sequential"
