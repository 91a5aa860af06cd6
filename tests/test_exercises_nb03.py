"""Exercises of notebook 03: right answers pass, wrong ones fail, and the expected
answers agree with TensorFlow's autodiff and with Keras."""

import math

import numpy as np
import pytest
from exercisetest import expected

from rnncourse import exercises
from rnncourse.exercises import nb03


def test_right_answers_pass(capsys):
    # h_3 = w^2 + 2w + 3, so dL/dw = 2w + 2 = 3 at w = 0.5.
    assert exercises.check("03.linear_rnn_grad", 3.0)
    # h_2 = 2.5, h_3 = 4.25: the truncated gradient is h_3 + w h_2 = 5.5.
    assert exercises.check("03.truncated_grad", 5.5)
    assert exercises.check("03.activation_bytes", 32_768_000)
    assert exercises.check("03.stateful_updates", 200)
    assert capsys.readouterr().out.count("Correct") == 4


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("03.linear_rnn_grad", 2.5),  # only the last step's term
        ("03.truncated_grad", 5.75),  # the full BPTT gradient
        ("03.truncated_grad", 4.25),  # truncated after one step
        ("03.activation_bytes", 8_192_000),  # forgot the bytes per number
        ("03.stateful_updates", 1),  # one update per sequence: full BPTT
    ],
)
def test_wrong_answers_fail_with_a_hint(capsys, exercise_id, wrong):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def _tape_gradient(x, w, chunk=None):
    """dh_T/dw of the linear RNN by tf.GradientTape, with stop_gradient at chunk starts."""
    import tensorflow as tf

    w = tf.Variable(w, dtype=tf.float64)
    with tf.GradientTape() as tape:
        h = tf.constant(0.0, dtype=tf.float64)
        for t, x_t in enumerate(x):
            if chunk is not None and t % chunk == 0:
                h = tf.stop_gradient(h)  # a new chunk starts from a constant state
            h = w * h + x_t
    return float(tape.gradient(h, w))


@pytest.mark.parametrize("chunk", [None, 1, 2, 3, 5])
def test_linear_rnn_grad_agrees_with_gradient_tape(chunk):
    x = (0.3, -1.0, 2.0, 0.5, 1.5, -0.7)
    assert math.isclose(nb03.linear_rnn_grad(x, 0.8, chunk), _tape_gradient(x, 0.8, chunk), rel_tol=1e-12)


def test_truncation_changes_the_gradient():
    x = nb03.TRUNC_X
    full, truncated = nb03.linear_rnn_grad(x, 0.5), nb03.linear_rnn_grad(x, 0.5, chunk=2)
    assert not math.isclose(full, truncated, rel_tol=1e-3)
    assert math.isclose(nb03.linear_rnn_grad(x, 0.5, chunk=len(x)), full, rel_tol=1e-12)


def test_exercise_answers_agree_with_gradient_tape():
    assert math.isclose(expected("03.linear_rnn_grad"), _tape_gradient(nb03.GRAD_X, nb03.GRAD_W), rel_tol=1e-12)
    assert math.isclose(
        expected("03.truncated_grad"),
        _tape_gradient(nb03.TRUNC_X, nb03.TRUNC_W, nb03.TRUNC_CHUNK),
        rel_tol=1e-12,
    )


def test_activation_bytes_agree_with_keras_output_shape():
    import keras

    layer = keras.layers.SimpleRNN(nb03.MEM_UNITS, return_sequences=True)
    shape = layer.compute_output_shape((nb03.MEM_BATCH, nb03.MEM_STEPS, 10))  # the stored states
    itemsize = np.dtype(layer.compute_dtype).itemsize
    assert itemsize == nb03.MEM_BYTES_PER_NUMBER
    assert expected("03.activation_bytes") == math.prod(shape) * itemsize


def test_stateful_updates_agree_with_a_stateful_keras_fit():
    import keras

    chunk = 50
    steps = 1_000  # a short stream, same chunking rule as the exercise
    stream = np.linspace(-1.0, 1.0, steps, dtype="float32").reshape(steps // chunk, chunk, 1)
    model = keras.Sequential([
        keras.Input(batch_shape=(1, chunk, 1)),
        keras.layers.SimpleRNN(2, stateful=True, return_sequences=True),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    updates = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: updates.append(b))
    model.fit(stream, stream, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[counter])
    assert len(updates) == math.ceil(steps / chunk)
    assert expected("03.stateful_updates") == math.ceil(nb03.STREAM_STEPS / nb03.STREAM_CHUNK) == 200
