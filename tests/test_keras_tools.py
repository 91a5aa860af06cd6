"""The course's own versions of tools Keras has, checked against Keras.

Where a notebook keeps a from-scratch version because writing it is the
lesson, or because later cells need NumPy arrays, it must give what the Keras
tool a learner uses at work gives.
"""

import keras
import numpy as np
import pytest

from rnncourse import data, textgen


def keras_windows(array, input_width, horizon, stride, target_column=None):
    """``data.make_windows`` with ``keras.utils.timeseries_dataset_from_array`` (as notebook 08 shows)."""
    array = np.asarray(array)
    targets = array[input_width:] if target_column is None else array[input_width:, target_column]
    as_array = lambda ds: np.stack(list(ds.as_numpy_iterator()))  # noqa: E731
    inputs = keras.utils.timeseries_dataset_from_array(
        array[:-horizon], None, sequence_length=input_width, sequence_stride=stride, batch_size=None
    )
    following = keras.utils.timeseries_dataset_from_array(
        targets, None, sequence_length=horizon, sequence_stride=stride, batch_size=None
    )
    return as_array(inputs), as_array(following)


@pytest.mark.parametrize(
    "input_width,horizon,stride,target_column",
    [
        (4, 2, 2, 0),
        (7, 1, 1, 2),
        (5, 3, 4, None),
        (48, 48, 2, 0),
        (1, 1, 3, 1),
    ],
)
def test_make_windows_matches_timeseries_dataset_from_array(
    input_width, horizon, stride, target_column
):
    series = np.random.default_rng(0).normal(size=(203, 3)).astype("float32")  # (time, features)
    inputs, targets = data.make_windows(
        series, input_width, horizon, stride, target_column=target_column
    )
    keras_inputs, keras_targets = keras_windows(series, input_width, horizon, stride, target_column)
    np.testing.assert_array_equal(inputs, keras_inputs)  # (n, input_width, features)
    np.testing.assert_array_equal(targets, keras_targets)  # (n, horizon) or (n, horizon, features)


def test_make_windows_of_a_1d_series_matches_keras():
    series = np.arange(10.0)
    inputs, targets = data.make_windows(series, input_width=4, horizon=2, stride=2)
    keras_inputs, keras_targets = keras_windows(series, 4, 2, 2)
    np.testing.assert_array_equal(inputs[..., 0], keras_inputs)
    np.testing.assert_array_equal(targets, keras_targets)


@pytest.mark.parametrize("temperature", [0.2, 0.5, 1.0, 1.5, 4.0])
def test_softmax_with_temperature_matches_keras_softmax(temperature):
    logits = np.random.default_rng(1).normal(scale=3.0, size=(6, 11))  # (batch, vocab)
    expected = keras.ops.convert_to_numpy(
        keras.ops.softmax(logits / temperature)
    )  # what notebook 06 uses
    np.testing.assert_allclose(
        textgen.softmax_with_temperature(logits, temperature), expected, atol=1e-6
    )


def test_temperature_sampling_with_keras_random_categorical():
    """Notebook 06's sampler: keras.random.categorical(logits / T) draws from softmax(logits / T)."""
    logits = np.log(np.array([[0.6, 0.3, 0.1, 1e-12]]))  # (1, vocab)
    temperature = 0.5
    draws = keras.random.categorical(
        np.repeat(logits, 20_000, axis=0) / temperature, 1, seed=0
    )  # (20000, 1)
    freq = np.bincount(keras.ops.convert_to_numpy(draws)[:, 0], minlength=4) / 20_000
    expected = textgen.softmax_with_temperature(logits[0], temperature)  # [0.78, 0.20, 0.02, 0]
    np.testing.assert_allclose(freq, expected, atol=0.015)  # about 5 standard errors
    assert freq[3] == 0


def test_log_mel_matches_tf_signal():
    """data.log_mel is tf.signal.stft followed by the mel matrix, to float32 rounding (notebook 09 uses tf.signal)."""
    import tensorflow as tf

    rng = np.random.default_rng(2)
    clips = [rng.normal(size=n).astype("float32") for n in (8000, 5321, 1200)]
    features, frames = data.log_mel(clips, 8000, n_mels=40)  # (3, frames, 40), (3,)
    mel = tf.signal.linear_to_mel_weight_matrix(40, 129, 8000, 20.0, 4000.0)  # (129, 40)
    for clip, feats, n in zip(clips, features, frames, strict=True):
        power = (
            tf.abs(tf.signal.stft(clip, 200, 80, 256)) ** 2
        )  # (frames, 129), periodic Hann window
        expected = np.log(keras.ops.convert_to_numpy(power @ mel) + 1e-6)  # (frames, 40)
        assert n == len(expected)
        np.testing.assert_allclose(feats[:n], expected, atol=2e-3)
        assert not feats[n:].any()  # padding frames are exactly 0.0


@pytest.mark.parametrize("mode", ["parallel", "sequential"])
def test_mingru_matches_keras_associative_scan(mode):
    """MinGRU's hand-written scan (notebook 12's lesson) gives keras.ops.associative_scan's states."""
    from rnncourse.layers import MinGRU

    x = (
        np.random.default_rng(5).normal(size=(3, 37, 4)).astype("float32")
    )  # (batch, time, features)
    layer = MinGRU(6, return_sequences=True, mode=mode, bias_initializer="random_normal")
    h = keras.ops.convert_to_numpy(layer(x))  # (batch, time, units)
    kernel, bias = layer.get_weights()
    projected = x @ kernel + bias  # (batch, time, 2 * units)
    z, candidate = 1 / (1 + np.exp(-projected[..., :6])), projected[..., 6:]
    compose = lambda first, then: (first[0] * then[0], then[0] * first[1] + then[1])  # noqa: E731
    _, expected = keras.ops.associative_scan(compose, (1 - z, z * candidate), axis=1)
    np.testing.assert_allclose(h, keras.ops.convert_to_numpy(expected), atol=1e-5)
