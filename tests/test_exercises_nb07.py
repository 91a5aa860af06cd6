"""Exercises of notebook 07: right answers pass, wrong ones fail, answers agree with Keras."""

import numpy as np

from rnncourse import data, exercises


def test_right_answers_pass(capsys):
    assert exercises.check("07.majority", 0.5233)
    assert exercises.check("07.embedding_params", 640_000)
    assert exercises.check("07.bilstm_params", 24_832)
    assert exercises.check("07.bilstm_shape", (16, 64))
    assert exercises.check("07.bow_params", 10_001)
    assert capsys.readouterr().out.count("Correct") == 5


def test_common_mistakes_fail(capsys):
    assert not exercises.check("07.majority", 0.589)  # the training split's share
    assert not exercises.check("07.majority", 0.477)  # the minority class
    assert not exercises.check("07.embedding_params", 640_064)  # an invented bias
    assert not exercises.check("07.bilstm_params", 12_416)  # one direction only
    assert not exercises.check("07.bilstm_shape", (16, 32))
    assert not exercises.check("07.bilstm_shape", (16, 40, 64))  # return_sequences=True
    assert not exercises.check("07.bow_params", 10_000)
    assert "Hint:" in capsys.readouterr().out
    assert not exercises.check("07.bow_params", None)


def test_majority_answer_comes_from_the_data():
    reviews = data.load_reviews()
    test_labels = reviews["test"].labels
    assert np.bincount(reviews["train"].labels).argmax() == 1
    assert exercises.check("07.majority", test_labels.mean())
    assert not exercises.check("07.majority", 1 - test_labels.mean())


def test_answers_agree_with_keras():
    import keras

    embed = keras.layers.Embedding(10_000, 64)
    bilstm = keras.layers.Bidirectional(keras.layers.LSTM(32))
    ids = keras.ops.zeros((16, 40), dtype="int32")
    out = bilstm(embed(ids))
    assert exercises.check("07.embedding_params", embed.count_params())
    assert exercises.check("07.bilstm_params", bilstm.count_params())
    assert exercises.check("07.bilstm_shape", tuple(out.shape))
    dense = keras.layers.Dense(1, activation="sigmoid")
    dense.build((None, 10_000))
    assert exercises.check("07.bow_params", dense.count_params())
