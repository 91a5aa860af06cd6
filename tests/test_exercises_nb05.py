"""Exercises of notebook 05: right answers pass, wrong ones fail, and the expected
answers agree with Keras's own parameter counts, output shapes and convolutions."""

import numpy as np
import pytest
from exercisetest import expected

from rnncourse import exercises


def _count(layer_list, features):
    import keras

    return keras.Sequential([keras.Input((None, features))] + layer_list).count_params()


def test_right_answers_pass(capsys):
    assert exercises.check("05.lstm_params", 4 * 64 * (10 + 64 + 1))
    assert exercises.check("05.gru_params", 3 * 64 * (10 + 64 + 2))
    assert exercises.check("05.bidirectional_params", 2 * 4 * 32 * (8 + 32 + 1))
    assert exercises.check("05.stacked_params", 3 * 16 * (4 + 16 + 2) + 3 * 16 * (16 + 16 + 2))
    assert exercises.check("05.bidirectional_shape", (8, 20, 32))
    assert exercises.check("05.receptive_field", 13)
    assert capsys.readouterr().out.count("Correct") == 6


@pytest.mark.parametrize(
    ("exercise_id", "wrong"),
    [
        ("05.lstm_params", 64 * (10 + 64 + 1)),  # a SimpleRNN's count
        ("05.gru_params", 3 * 64 * (10 + 64 + 1)),  # reset_after=False
        ("05.bidirectional_params", 4 * 32 * (8 + 32 + 1)),  # one direction only
        ("05.stacked_params", 2 * 3 * 16 * (4 + 16 + 2)),  # second layer on 4 features
        ("05.bidirectional_shape", (8, 20, 16)),  # forgot the concatenation
        ("05.receptive_field", 15),  # 3 * 5
    ],
)
def test_wrong_answers_fail_with_a_hint(exercise_id, wrong, capsys):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def test_parameter_answers_agree_with_keras():
    from keras import layers

    assert expected("05.lstm_params") == _count([layers.LSTM(64)], 10)
    assert expected("05.gru_params") == _count([layers.GRU(64)], 10)
    assert expected("05.bidirectional_params") == _count([layers.Bidirectional(layers.LSTM(32))], 8)
    stacked = [layers.GRU(16, return_sequences=True), layers.GRU(16)]
    assert expected("05.stacked_params") == _count(stacked, 4)


def test_shape_answer_agrees_with_keras():
    import keras
    from keras import layers

    out = layers.Bidirectional(layers.GRU(16, return_sequences=True))(keras.ops.zeros((8, 20, 5)))
    assert exercises.check("05.bidirectional_shape", tuple(out.shape))


def test_receptive_field_agrees_with_stacked_convolutions():
    import keras
    from keras import layers

    # A delta at the centre of an all-zero input spreads exactly over the receptive field
    # of three stacked kernel-5 convolutions whose weights are all ones.
    model = keras.Sequential([keras.Input((41, 1))] + [
        layers.Conv1D(1, 5, padding="same", use_bias=False, kernel_initializer="ones")
        for _ in range(3)
    ])
    x = np.zeros((1, 41, 1), dtype="float32")
    x[0, 20, 0] = 1.0
    reached = keras.ops.convert_to_numpy(model(x))[0, :, 0] != 0
    assert int(reached.sum()) == expected("05.receptive_field")
