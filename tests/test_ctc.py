"""Tests of rnncourse.ctc, and of the Keras CTC conventions notebook 09 relies on."""

import itertools

import numpy as np
import pytest

from rnncourse.ctc import collapse, ctc_decode_lists, edit_distance, error_rate


def _reference_edit_distance(a, b):
    """Full dynamic-programming table, written independently of the module."""
    table = np.zeros((len(a) + 1, len(b) + 1), dtype=int)
    table[:, 0] = np.arange(len(a) + 1)
    table[0, :] = np.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i, j] = min(
                table[i - 1, j] + 1,
                table[i, j - 1] + 1,
                table[i - 1, j - 1] + (a[i - 1] != b[j - 1]),
            )
    return int(table[-1, -1])


# --- collapse -------------------------------------------------------------------------


def test_collapse_merges_repeats_then_drops_blanks():
    assert collapse([0, 5, 5, 0, 0, 3, 0, 3, 3]) == [5, 3, 3]
    assert collapse([3, 3, 3]) == [3]  # a repeat needs a blank between to count twice
    assert collapse([0, 0, 0]) == []
    assert collapse(np.array([1, 2, 2, 1])) == [1, 2, 1]


def test_collapse_with_another_blank_id():
    assert collapse([4, 1, 1, 4, 1], blank=4) == [1, 1]
    assert collapse([4, 1, 1, 4, 1], blank=0) == [4, 1, 4, 1]


def test_collapse_rejects_a_batch():
    with pytest.raises(ValueError, match="path must be 1-D"):
        collapse(np.zeros((2, 3), dtype=int))


# --- edit distance and error rate -----------------------------------------------------------


def test_edit_distance_known_cases():
    assert edit_distance("4271", "421") == 1
    assert edit_distance([4, 2, 7], [4, 9, 7, 7]) == 2
    assert edit_distance("", "123") == 3
    assert edit_distance("123", "") == 3
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("same", "same") == 0


def test_edit_distance_agrees_with_a_full_table_on_random_strings():
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = rng.integers(0, 4, size=rng.integers(0, 7)).tolist()
        b = rng.integers(0, 4, size=rng.integers(0, 7)).tolist()
        assert edit_distance(a, b) == _reference_edit_distance(a, b)
        assert edit_distance(a, b) == edit_distance(b, a)


def test_error_rate_is_edits_over_reference_length():
    assert error_rate(["427", "90"], ["421", "90"]) == pytest.approx(0.2)
    assert error_rate([[1, 2]], [[]]) == 1.0
    assert error_rate([[1]], [[2, 3, 4]]) == 3.0  # insertions can push it above 1


def test_error_rate_rejects_misaligned_or_empty_input():
    with pytest.raises(ValueError, match="2 references and 1 hypotheses"):
        error_rate(["1", "2"], ["1"])
    with pytest.raises(ValueError, match="all empty"):
        error_rate([""], ["1"])


# --- decoding with keras.ops.ctc_decode ------------------------------------------------------


def test_greedy_decoding_is_the_collapsed_best_path():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 9, 5)).astype("float32")  # (batch, time, classes)
    lengths = np.array([9, 7, 1, 0, 9, 4])
    decoded = ctc_decode_lists(logits, lengths)
    for row, n, out in zip(logits, lengths, decoded, strict=True):
        assert out == collapse(row[:n].argmax(-1))


def test_decoding_honours_another_blank_id():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(4, 8, 4)).astype("float32")
    lengths = np.full(4, 8)
    for strategy in ("greedy", "beam_search"):
        decoded = ctc_decode_lists(logits, lengths, strategy=strategy, blank=3)
        assert all(3 not in out for out in decoded)
    greedy = ctc_decode_lists(logits, lengths, blank=3)
    assert greedy == [collapse(row.argmax(-1), blank=3) for row in logits]


def test_beam_search_finds_the_likelier_label_sequence_that_greedy_misses():
    # Two frames, P(blank) = 0.6 and P(a) = 0.4 in each: the best single path is
    # "blank blank" (0.36) and spells nothing, but "a" has three paths (a_, _a, aa)
    # worth 0.24 + 0.24 + 0.16 = 0.64.
    logits = np.log(np.array([[[0.6, 0.4], [0.6, 0.4]]], dtype="float32"))
    assert ctc_decode_lists(logits, [2], strategy="greedy") == [[]]
    assert ctc_decode_lists(logits, [2], strategy="beam_search", beam_width=4) == [[1]]


def test_decode_rejects_bad_arguments():
    logits = np.zeros((2, 3, 4), dtype="float32")
    with pytest.raises(ValueError, match="strategy must be one of"):
        ctc_decode_lists(logits, [3, 3], strategy="beam")
    with pytest.raises(ValueError, match="beam_width"):
        ctc_decode_lists(logits, [3, 3], strategy="beam_search", beam_width=0)
    with pytest.raises(ValueError, match="logits must be"):
        ctc_decode_lists(logits[0], [3])
    with pytest.raises(ValueError, match="lengths must be 2 ints"):
        ctc_decode_lists(logits, [3, 4])
    with pytest.raises(ValueError, match="blank must be"):
        ctc_decode_lists(logits, [3, 3], blank=4)


# --- the Keras loss convention the notebook relies on -------------------------------------


def test_keras_ctc_loss_is_minus_log_of_the_summed_paths_with_blank_at_mask_index():
    from keras import ops

    rng = np.random.default_rng(3)
    steps, classes = 4, 3
    logits = rng.normal(size=(1, steps, classes)).astype("float32")
    probs = np.exp(logits[0]) / np.exp(logits[0]).sum(-1, keepdims=True)  # (time, classes)
    for blank, target in ((0, [1, 2]), (0, [1, 1]), (2, [0, 1])):
        total = sum(
            np.prod(probs[np.arange(steps), path])
            for path in itertools.product(range(classes), repeat=steps)
            if collapse(path, blank=blank) == target
        )
        padded = np.array([target + [blank]], dtype="int32")  # padding after the label length
        loss = ops.ctc_loss(
            padded, logits, np.array([len(target)]), np.array([steps]), mask_index=blank
        )
        np.testing.assert_allclose(ops.convert_to_numpy(loss)[0], -np.log(total), rtol=1e-5)
