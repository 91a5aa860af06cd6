"""Exercises of notebook 02: right answers pass, wrong ones fail, and the expected
answers agree with what Keras computes for the same numbers."""

import math

import numpy as np
import pytest
from exercisetest import expected

from rnncourse import exercises
from rnncourse.exercises import nb02


def test_right_answers_pass(capsys):
    assert exercises.check("02.log_loss", -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.3)) / 4)
    assert exercises.check("02.rmse", math.sqrt((0.25 + 0 + 2.25 + 1.0) / 4))
    assert exercises.check("02.sgd_step", 0.7)
    assert exercises.check("02.steps_per_epoch", 23)
    assert exercises.check("02.fit_running_mean", 0.42)
    assert capsys.readouterr().out.count("Correct") == 5


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("02.log_loss", 0.5),  # near, but not within 1e-3
        ("02.log_loss", -0.6),  # the sign forgotten
        ("02.rmse", 0.875),  # the MSE, not its root
        ("02.rmse", 0.75),  # the mean absolute error
        ("02.sgd_step", 2.3),  # stepped up the gradient instead of down
        ("02.steps_per_epoch", 22),  # rounded down
        ("02.fit_running_mean", 0.4),  # unweighted mean of the batch losses
    ],
)
def test_wrong_answers_fail_with_a_hint(capsys, exercise_id, wrong):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def test_log_loss_agrees_with_keras():
    import keras

    y = np.array(nb02.LOG_LOSS_LABELS, dtype="float64")[:, None]  # (4, 1)
    p = np.array(nb02.LOG_LOSS_PROBS, dtype="float64")[:, None]  # (4, 1)
    keras_value = float(keras.losses.BinaryCrossentropy()(y, p))
    assert math.isclose(expected("02.log_loss"), keras_value, rel_tol=1e-6)


def test_rmse_agrees_with_keras():
    import keras

    metric = keras.metrics.RootMeanSquaredError(dtype="float64")
    metric.update_state(np.array(nb02.RMSE_TRUE), np.array(nb02.RMSE_PRED))
    assert math.isclose(expected("02.rmse"), float(metric.result()), rel_tol=1e-9)


def test_sgd_step_agrees_with_keras_sgd_and_gradient_tape():
    import keras
    import tensorflow as tf

    w = keras.Variable(nb02.SGD_W, dtype="float64")
    with tf.GradientTape() as tape:
        loss = (w * nb02.SGD_X - nb02.SGD_Y) ** 2
    grad = tape.gradient(loss, w)
    keras.optimizers.SGD(learning_rate=nb02.SGD_LR).apply([grad], [w])
    assert math.isclose(expected("02.sgd_step"), float(w.numpy()), rel_tol=1e-6)  # Keras keeps the rate in float32


def test_steps_per_epoch_and_running_mean_agree_with_model_fit():
    import keras

    n, batch = nb02.EPOCH_SAMPLES, nb02.EPOCH_BATCH
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # lr 0: weights fixed
    batch_losses = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batch_losses.append(b))
    x = np.linspace(-1.0, 1.0, n, dtype="float32")[:, None]  # (n, 1)
    y = (x**2).astype("float32")  # (n, 1): a per-batch loss that differs between batches
    history = model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0, callbacks=[counter])
    assert len(batch_losses) == expected("02.steps_per_epoch")

    # The loss fit reports is the mean over batches weighted by their sizes.
    squared = (model.predict(x, verbose=0) - y) ** 2  # (n, 1)
    per_batch = [float(squared[i : i + batch].mean()) for i in range(0, n, batch)]
    sizes = [len(x[i : i + batch]) for i in range(0, n, batch)]
    weighted = sum(v * s for v, s in zip(per_batch, sizes, strict=True)) / n
    assert math.isclose(history.history["loss"][0], weighted, rel_tol=1e-5)
    assert not math.isclose(history.history["loss"][0], float(np.mean(per_batch)), rel_tol=1e-5)


def test_running_mean_agrees_with_keras_mean_metric():
    import keras

    mean = keras.metrics.Mean(dtype="float64")
    for loss, size in zip(nb02.RUNNING_LOSSES, nb02.RUNNING_SIZES, strict=True):
        mean.update_state(loss, sample_weight=size)
    assert math.isclose(expected("02.fit_running_mean"), float(mean.result()), rel_tol=1e-6)
