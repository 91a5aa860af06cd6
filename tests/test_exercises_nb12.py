"""Exercises of notebook 12: right answers pass, wrong ones fail, and the expected
answers agree with what Keras, NumPy and the course's MinGRU compute."""

import math

import numpy as np
import pytest
from exercisetest import expected

from rnncourse import exercises
from rnncourse.exercises import nb12


def test_right_answers_pass(capsys):
    assert exercises.check("12.attention_scores", 4 * 1000 * 1000)
    assert exercises.check("12.mha_params", 4224)
    assert exercises.check("12.scan_rounds", 10)
    assert exercises.check("12.scan_rounds", 10.0)  # a float that equals the int is fine
    assert exercises.check("12.kv_cache_bytes", 2 * 12 * 768 * 4 * 2048)
    assert exercises.check("12.replica_batch", 64)
    assert capsys.readouterr().out.count("Correct") == 6


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("12.attention_scores", 4 * 1000),  # one score per token instead of per pair
        ("12.attention_scores", 1000 * 1000),  # the heads forgotten
        ("12.mha_params", 4096),  # the biases forgotten
        ("12.mha_params", 3168),  # the output projection forgotten
        ("12.scan_rounds", 1000),  # the steps of the loop, not the rounds of the scan
        ("12.scan_rounds", 9),  # floor(log2) instead of ceil(log2)
        ("12.kv_cache_bytes", 12 * 768 * 4 * 2048),  # keys only
        ("12.kv_cache_bytes", 2 * 768 * 4 * 2048),  # one layer only
        ("12.replica_batch", 256),  # the global batch
        ("12.replica_batch", None),  # not answered yet
    ],
)
def test_wrong_answers_fail(capsys, exercise_id, wrong):
    assert not exercises.check(exercise_id, wrong)
    out = capsys.readouterr().out
    assert ("Hint:" in out) if wrong is not None else ("Not answered yet" in out)


def test_attention_scores_agree_with_keras_multi_head_attention():
    import keras

    heads, tokens = 3, 7
    x = np.zeros((1, tokens, 4), "float32")  # (batch, time, features)
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=2)
    _, scores = layer(x, x, return_attention_scores=True)  # (1, heads, tokens, tokens)
    assert int(np.prod(scores.shape)) == nb12.attention_scores(heads, tokens)
    assert expected("12.attention_scores") == nb12.SCORES_HEADS * nb12.SCORES_TOKENS**2


@pytest.mark.parametrize(("heads", "key_dim", "features"), [(2, 16, 32), (4, 8, 20), (1, 3, 5)])
def test_mha_params_agree_with_keras(heads, key_dim, features):
    import keras

    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim)
    x = np.zeros((1, 3, features), "float32")  # (batch, time, features)
    layer(x, x)
    assert layer.count_params() == nb12.mha_params(heads, key_dim, features)


def test_mha_params_expected_answer_is_the_keras_count_for_the_exercise():
    import keras

    layer = keras.layers.MultiHeadAttention(num_heads=nb12.MHA_HEADS, key_dim=nb12.MHA_KEY_DIM)
    x = np.zeros((1, 2, nb12.MHA_FEATURES), "float32")
    layer(x, x)
    assert expected("12.mha_params") == layer.count_params()


def test_scan_rounds_is_the_ceiling_of_log2():
    for steps in range(2, 2049):
        rounds = nb12.scan_rounds(steps)
        assert rounds == math.ceil(math.log2(steps))
        assert 2**rounds >= steps > 2 ** (rounds - 1)  # enough doublings, and not one more
    assert nb12.scan_rounds(1) == 0  # one step needs no combining
    assert expected("12.scan_rounds") == 10


@pytest.mark.parametrize("steps", [5, 8, 9])
def test_the_doubling_scan_needs_exactly_that_many_rounds(steps):
    """With one round fewer than scan_rounds(steps), the doubling scan is still wrong
    at the last step: the count is the real one, not an upper bound."""
    a = np.full(steps, 0.5)  # h_t = a_t h_{t-1} + b_t
    b = np.arange(1.0, steps + 1)
    h, hs = 0.0, []
    for t in range(steps):
        h = a[t] * h + b[t]
        hs.append(h)

    def doubling_scan(rounds):
        aa, bb, offset = a.copy(), b.copy(), 1
        for _ in range(rounds):
            a_prev = np.concatenate([np.ones(offset), aa[:-offset]])
            b_prev = np.concatenate([np.zeros(offset), bb[:-offset]])
            aa, bb, offset = aa * a_prev, aa * b_prev + bb, offset * 2
        return bb

    rounds = nb12.scan_rounds(steps)
    assert np.allclose(doubling_scan(rounds), hs)
    assert not np.allclose(doubling_scan(rounds - 1), hs)


def test_mingru_parallel_scan_matches_the_loop_at_the_exercise_length():
    import keras

    from rnncourse.layers import MinGRU

    x = np.random.default_rng(0).normal(size=(1, nb12.SCAN_STEPS, 2)).astype("float32")
    parallel = MinGRU(3, return_sequences=True)
    sequential = MinGRU(3, return_sequences=True, mode="sequential")
    h_parallel = keras.ops.convert_to_numpy(parallel(x))
    sequential.build(x.shape)
    sequential.set_weights(parallel.get_weights())
    assert np.allclose(h_parallel, keras.ops.convert_to_numpy(sequential(x)), atol=1e-5)


def test_kv_cache_bytes_agree_with_numpy_arrays():
    layers_, width, tokens = 3, 8, 5
    cache = np.zeros((layers_, 2, tokens, width), dtype="float32")  # (layers, key/value, tokens, width)
    assert cache.nbytes == nb12.kv_cache_bytes(layers_, width, 4, tokens)
    assert expected("12.kv_cache_bytes") == 150_994_944


def test_replica_batch_splits_the_global_batch_evenly(monkeypatch):
    assert expected("12.replica_batch") * nb12.REPLICAS == nb12.GLOBAL_BATCH
    monkeypatch.setattr(nb12, "GLOBAL_BATCH", 250)
    with pytest.raises(ValueError, match="GLOBAL_BATCH=250"):
        expected("12.replica_batch")
