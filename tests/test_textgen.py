"""Tests of rnncourse.textgen: temperature, top-k, sampling."""

import numpy as np
import pytest

from rnncourse import textgen


def test_temperature_one_is_the_softmax():
    logits = np.array([[1.0, -2.0, 0.5, 3.0]])  # (1, 4)
    expected = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(textgen.softmax_with_temperature(logits), expected, rtol=1e-12)


def test_temperature_agrees_with_keras_softmax():
    import keras

    logits = np.random.default_rng(0).normal(size=(3, 7))  # (3, 7)
    for t in (0.3, 1.0, 2.5):
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits / t, axis=-1))
        np.testing.assert_allclose(textgen.softmax_with_temperature(logits, t), expected, atol=1e-6)


def test_low_temperature_sharpens_high_flattens():
    logits = np.array([2.0, 1.0, 0.0])
    cold = textgen.softmax_with_temperature(logits, 0.5)
    warm = textgen.softmax_with_temperature(logits, 1.0)
    hot = textgen.softmax_with_temperature(logits, 5.0)
    assert cold[0] > warm[0] > hot[0] > 1 / 3
    assert np.ptp(hot) < np.ptp(warm) < np.ptp(cold)


def test_zero_temperature_is_greedy_and_rows_can_differ():
    logits = np.array([[0.0, 3.0, 1.0], [5.0, 0.0, 1.0]])  # (2, 3)
    probs = textgen.softmax_with_temperature(logits, temperature=[0.0, 1.0])
    np.testing.assert_array_equal(probs[0], [0.0, 1.0, 0.0])
    np.testing.assert_allclose(probs[1], np.exp(logits[1]) / np.exp(logits[1]).sum())
    np.testing.assert_array_equal(textgen.sample_next(logits, temperature=0), [1, 0])


def test_top_k_keeps_only_the_k_largest():
    logits = np.array([0.1, 2.0, -1.0, 1.5, 0.0])
    probs = textgen.softmax_with_temperature(logits, top_k=2)
    assert np.count_nonzero(probs) == 2 and probs[1] > probs[3] > 0
    np.testing.assert_allclose(probs.sum(), 1.0)
    ids = textgen.sample_next(np.tile(logits, (500, 1)), top_k=2, rng=0)  # (500,)
    assert set(ids.tolist()) == {1, 3}


def test_sampling_follows_the_probabilities():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    with np.errstate(divide="ignore"):
        logits = np.tile(np.log(p), (20_000, 1))  # (20000, 4), -inf for the last token
    ids = textgen.sample_next(logits, rng=np.random.default_rng(1))
    assert ids.shape == (20_000,) and ids.dtype == np.int64
    freq = np.bincount(ids, minlength=4) / len(ids)
    np.testing.assert_allclose(freq, p, atol=0.015)
    assert freq[3] == 0  # a token of probability 0 is never drawn


def test_sampling_is_reproducible_with_a_seed_and_handles_one_row():
    logits = np.random.default_rng(2).normal(size=(6, 10))
    a = textgen.sample_next(logits, rng=7)
    b = textgen.sample_next(logits, rng=7)
    np.testing.assert_array_equal(a, b)
    one = textgen.sample_next(logits[0], temperature=0)
    assert one.shape == () and int(one) == int(np.argmax(logits[0]))


def test_top_k_tokens_sorted_with_stable_ties():
    ids, values = textgen.top_k_tokens([[0.2, 0.5, 0.2, 0.1]], k=3)
    assert ids.tolist() == [[1, 0, 2]]
    np.testing.assert_allclose(values, [[0.5, 0.2, 0.2]])
    ids, _ = textgen.top_k_tokens([0.3, 0.7], k=10)  # k larger than the vocabulary
    assert ids.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": -1.0}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"top_k": 2.5}, "top_k"),
        ({"temperature": [1.0, 2.0, 3.0]}, "one per row"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        textgen.softmax_with_temperature(np.zeros((2, 4)), **kwargs)


def test_bad_logits_are_rejected():
    with pytest.raises(ValueError, match="NaN"):
        textgen.sample_next([0.0, np.nan])
    with pytest.raises(ValueError, match="shape"):
        textgen.softmax_with_temperature(3.0)
    with pytest.raises(ValueError, match="k must be"):
        textgen.top_k_tokens([0.1, 0.9], k=0)
