"""Exercises of notebook 10: right answers pass, wrong ones fail, answers agree with the libraries."""

import math

import numpy as np

from rnncourse import exercises


def test_right_answers_pass(capsys):
    assert exercises.check("10.bahdanau_params", 64 * 16 + 32 * 16 + 16 + 16)
    assert exercises.check("10.luong_params", 2048)
    assert exercises.check("10.beam_candidates", 144)
    assert exercises.check("10.brevity_penalty", math.exp(-0.25))
    assert capsys.readouterr().out.count("Correct") == 4


def test_wrong_answers_fail_with_a_hint(capsys):
    assert not exercises.check("10.bahdanau_params", 64 * 16 + 32 * 16)  # forgot b and w
    assert not exercises.check("10.luong_params", 2048 + 32)  # no bias in the general score
    assert not exercises.check("10.beam_candidates", 36)
    assert not exercises.check("10.brevity_penalty", math.exp(1 - 8 / 10))  # r and c swapped
    assert not exercises.check("10.brevity_penalty", None)
    out = capsys.readouterr().out
    assert out.count("Hint:") == 4 and "Not answered yet" in out


def test_attention_answers_agree_with_the_layers():
    from rnncourse.layers import BahdanauAttention, LuongAttention

    query = np.zeros((2, 3, 64), "float32")  # (batch, Tq, 64)
    values = np.zeros((2, 5, 32), "float32")  # (batch, Tv, 32)
    bahdanau = BahdanauAttention(16)
    bahdanau(query, values)
    luong = LuongAttention(score="general")
    luong(query, values)
    assert exercises.check("10.bahdanau_params", bahdanau.count_params())
    assert exercises.check("10.luong_params", luong.count_params())


def test_brevity_penalty_agrees_with_sacrebleu():
    import sacrebleu

    reference = "a b c d e f g h i j"  # 10 tokens
    candidate = "a b c d e f g h"  # 8 tokens
    score = sacrebleu.sentence_bleu(candidate, [reference])
    assert (score.sys_len, score.ref_len) == (8, 10)
    assert exercises.check("10.brevity_penalty", score.bp)


def test_beam_candidates_agree_with_beam_search():
    from rnncourse.seq2seq import beam_search

    seen = []
    vocab, width = 36, 4

    def step(tokens, states):
        seen.append(len(tokens))
        return np.full((len(tokens), vocab), -np.log(vocab)), states

    beam_search(step, np.zeros((1, 1)), start_id=2, end_id=3, max_length=3, beam_width=width)
    assert exercises.check("10.beam_candidates", seen[1] * vocab)
