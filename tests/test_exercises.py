import pytest

from rnncourse import exercises


def test_right_answers_pass(capsys):
    assert exercises.check("01.rnn_params", 64 * (10 + 64 + 1))
    assert exercises.check("01.rnn_params_long", 4800)
    assert exercises.check("01.mlp_params", 201 * 64)
    assert exercises.check("01.shape_many_to_many", (32, 15, 8))
    assert capsys.readouterr().out.count("Correct") == 4


def test_answers_agree_with_keras():
    import keras

    layer = keras.layers.SimpleRNN(64)
    layer.build((None, 20, 10))
    assert exercises.check("01.rnn_params", layer.count_params())
    dense = keras.layers.Dense(64)
    dense.build((None, 200))
    assert exercises.check("01.mlp_params", dense.count_params())
    out = keras.layers.SimpleRNN(8, return_sequences=True)(keras.ops.zeros((32, 15, 4)))
    assert exercises.check("01.shape_many_to_many", tuple(out.shape))


def test_wrong_and_missing_answers_give_feedback_not_errors(capsys):
    assert not exercises.check("01.rnn_params", 4000)
    assert "Hint:" in capsys.readouterr().out
    assert not exercises.check("01.rnn_params", None)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.check("01.shape_many_to_many", "a shape")


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="01.rnn_params"):
        exercises.check("99.nope", 1)


def test_every_exercise_has_a_question_and_a_hint():
    for exercise_id, ex in exercises.EXERCISES.items():
        assert exercises.describe(exercise_id).endswith("?") or "Answer" in ex.question
        assert ex.hint
