"""Exercises of notebook 04: right answers pass, wrong ones fail, and the expected
answers agree with Keras (clipping, GRU gating, gradient norms) and with sampled data."""

import math

import numpy as np
import pytest
from exercisetest import expected

from rnncourse import exercises, tasks


def test_right_answers_pass(capsys):
    assert exercises.check("04.vanish_factor", 0.9**50)
    assert exercises.check("04.steps_to_vanish", 31)  # 0.8**30 = 1.2e-3, 0.8**31 = 9.9e-4
    assert exercises.check("04.clipnorm", 0.6)
    assert exercises.check("04.clipvalue_norm", math.sqrt(2))
    assert exercises.check("04.global_clipnorm", 3 / 13)
    assert exercises.check("04.adding_baseline", 1 / 6)
    assert exercises.check("04.gru_memory", (1 / (1 + math.exp(-3))) ** 40)
    assert capsys.readouterr().out.count("Correct") == 7


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("04.vanish_factor", 0.9**49),  # one step short
        ("04.steps_to_vanish", 30),  # 0.8**30 is still above 1e-3
        ("04.clipnorm", 3.0),  # not clipped
        ("04.clipvalue_norm", 1.0),  # the clipnorm answer
        ("04.global_clipnorm", 0.6),  # clipnorm: the first variable clipped on its own
        ("04.adding_baseline", 1 / 12),  # the variance of one number
        ("04.gru_memory", 0.5**40),  # bias 0
    ],
)
def test_wrong_answers_fail_with_a_hint(exercise_id, wrong, capsys):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def test_the_steps_answer_is_the_first_step_below_the_threshold():
    k = expected("04.steps_to_vanish")
    assert 0.8**k < 1e-3 <= 0.8 ** (k - 1)
    assert k == math.ceil(math.log(1e-3) / math.log(0.8))


def _clipped_by_keras(**clip):
    import keras

    variable = keras.Variable(np.zeros(2, dtype="float32"))
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip)
    optimizer.apply([keras.ops.convert_to_tensor(np.array([3.0, 4.0], dtype="float32"))], [variable])
    return -keras.ops.convert_to_numpy(variable)  # SGD with lr 1 subtracts the clipped gradient


def test_clipping_answers_agree_with_keras_optimizers():
    by_norm = _clipped_by_keras(clipnorm=1.0)
    assert by_norm[0] == pytest.approx(expected("04.clipnorm"), rel=1e-6)
    by_value = _clipped_by_keras(clipvalue=1.0)
    assert np.linalg.norm(by_value) == pytest.approx(expected("04.clipvalue_norm"), rel=1e-6)


def test_global_clipnorm_answer_agrees_with_a_keras_optimizer():
    import keras

    first = keras.Variable(np.zeros(2, dtype="float32"))
    second = keras.Variable(np.zeros(1, dtype="float32"))
    optimizer = keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    grads = [np.array([3.0, 4.0], dtype="float32"), np.array([12.0], dtype="float32")]
    optimizer.apply([keras.ops.convert_to_tensor(g) for g in grads], [first, second])
    clipped = -keras.ops.convert_to_numpy(first)  # SGD with lr 1 subtracts the clipped gradient
    assert clipped[0] == pytest.approx(expected("04.global_clipnorm"), rel=1e-6)
    assert clipped[0] != pytest.approx(expected("04.clipnorm"))  # clipnorm would differ


def test_gru_memory_agrees_with_a_keras_gru():
    import keras

    units, steps = 3, 40
    gru = keras.layers.GRU(units)
    gru.build((None, steps, 1))
    kernel, recurrent, bias = gru.get_weights()  # bias: (2, 3 * units), gates [z | r | h]
    bias = np.zeros_like(bias)
    bias[0, :units] = 3.0  # update gate z = sigmoid(3); the candidate is tanh(0) = 0
    gru.set_weights([np.zeros_like(kernel), np.zeros_like(recurrent), bias])
    h0 = np.ones((1, units), dtype="float32")
    h = keras.ops.convert_to_numpy(gru(np.zeros((1, steps, 1), "float32"), initial_state=[h0]))
    np.testing.assert_allclose(h, expected("04.gru_memory"), rtol=1e-3)


def test_vanish_factor_agrees_with_a_linear_keras_rnn():
    import keras

    from rnncourse import bptt

    steps = 51  # the gradient travels 50 steps back from the last state
    model = keras.Sequential([
        keras.Input((steps, 1)),
        keras.layers.SimpleRNN(8, activation="linear",
                               recurrent_initializer=keras.initializers.Orthogonal(gain=0.9, seed=0)),
        keras.layers.Dense(1),
    ])
    x = np.random.default_rng(0).normal(size=(2, steps, 1)).astype("float32")
    norms = bptt.step_gradient_norms(model, x)
    assert norms[0] / norms[-1] == pytest.approx(expected("04.vanish_factor"), rel=1e-3)


def test_adding_baseline_agrees_with_sampled_targets():
    _, y = tasks.adding_problem(100_000, 4, low=0.0, high=1.0, seed=0)
    assert np.mean((y - y.mean()) ** 2) == pytest.approx(expected("04.adding_baseline"), rel=0.02)
