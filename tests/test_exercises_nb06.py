"""Exercises of notebook 06: right answers pass, wrong ones fail, answers agree with Keras."""

import math

import numpy as np

from rnncourse import exercises, textgen


def test_right_answers_pass(capsys):
    assert exercises.check("06.uniform_nats", 4.2905)
    assert exercises.check("06.perplexity", 6.05)
    assert exercises.check("06.bits", 2.597)
    assert exercises.check("06.temperature", 0.8668)
    assert exercises.check("06.gru_params", 62208)
    assert exercises.check("06.ngram_table", 73**4)
    assert capsys.readouterr().out.count("Correct") == 6


def test_common_mistakes_fail(capsys):
    assert not exercises.check("06.uniform_nats", math.log2(73))  # bits, not nats
    assert not exercises.check("06.perplexity", 1.8)
    assert not exercises.check("06.bits", 1.8 * math.log(2))  # multiplied instead of divided
    assert not exercises.check("06.temperature", 0.665)  # the softmax at temperature 1
    assert not exercises.check("06.gru_params", 3 * 128 * (32 + 128 + 1))  # one bias per gate
    assert not exercises.check("06.ngram_table", 73**3)
    assert "Hint:" in capsys.readouterr().out
    assert not exercises.check("06.bits", None)


def test_answers_agree_with_keras_and_the_textgen_helpers():
    import keras

    gru = keras.layers.GRU(128)
    gru.build((None, None, 32))
    assert exercises.check("06.gru_params", gru.count_params())
    probs = textgen.softmax_with_temperature([2.0, 1.0, 0.0], temperature=0.5)
    assert exercises.check("06.temperature", probs[0])
    uniform = np.full(73, 1 / 73)
    assert exercises.check("06.uniform_nats", -np.log(uniform[0]))
    assert exercises.check("06.bits", 1.8 / np.log(2))
