"""Tests for rnncourse.encoder_decoder: the step function agrees with the whole model."""

import doctest

import keras
import numpy as np
import pytest
from keras import layers, ops

from rnncourse import data, encoder_decoder
from rnncourse.encoder_decoder import drop_words, exact_match, make_step, teacher_forcing, train
from rnncourse.layers import BahdanauAttention
from rnncourse.seq2seq import greedy_decode

VOCAB = data.Vocabulary.from_texts(["a b c", "b c d", "d e"], level="word", whitespace=True)
UNITS, EMBED, SRC_VOCAB = 8, 4, 7


def build(attention, embed="embed"):
    """A GRU encoder-decoder named as in notebooks 10 and 11."""
    keras.utils.set_random_seed(0)
    src = keras.Input((None,), dtype="int32")
    dec_in = keras.Input((None,), dtype="int32")
    enc_out, enc_state = layers.GRU(UNITS, return_sequences=True, return_state=True)(
        layers.Embedding(SRC_VOCAB, EMBED, mask_zero=True)(src)
    )
    emb = layers.Embedding(len(VOCAB), EMBED, mask_zero=True, name=embed)(dec_in)
    out, _ = layers.GRU(UNITS, return_sequences=True, return_state=True, name="decoder")(
        emb, initial_state=enc_state
    )
    if attention:
        context, _ = BahdanauAttention(UNITS, name="attention")(out, enc_out)
        out = layers.Dense(UNITS, activation="tanh", name="combine")(
            layers.Concatenate()([out, context])
        )
    logits = layers.Dense(len(VOCAB), name="logits")(out)
    return keras.Model([src, dec_in], [logits, enc_out, enc_state])


def test_teacher_forcing_shifts_by_one_and_weights_real_targets():
    dec_in, dec_out, weights = teacher_forcing(["a b c", "d zzz"], VOCAB, 4)
    assert dec_in.shape == dec_out.shape == weights.shape == (2, 4)
    assert dec_in.dtype == dec_out.dtype == np.int32 and weights.dtype == np.float32
    np.testing.assert_array_equal(
        dec_in[:, 1:], dec_out[:, :-1]
    )  # the target of step t is the input of t + 1
    assert [VOCAB.id_to_token(t) for t in dec_out[0]] == ["a", "b", "c", "<end>"]
    assert dec_in[0, 0] == dec_in[1, 0] == VOCAB.start_id
    assert dec_out[1].tolist() == [VOCAB.token_to_id("d"), VOCAB.unk_id, VOCAB.end_id, 0]
    assert weights.tolist() == [[1, 1, 1, 1], [1, 0, 1, 0]]  # no weight on <unk> or padding


def test_teacher_forcing_cuts_long_texts():
    dec_in, dec_out, weights = teacher_forcing(["a b c d e"], VOCAB, 2)
    assert dec_in.shape == (1, 2) and weights.sum() == 2


def test_drop_words():
    dec_in = np.array([[2, 4, 5, 6, 3, 0], [2, 7, 1, 3, 0, 0]])
    before = dec_in.copy()
    np.testing.assert_array_equal(drop_words(dec_in, 0.0, np.random.default_rng(0)), dec_in)
    dropped = drop_words(dec_in, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(dropped, np.where(dec_in >= 4, 1, dec_in))  # reserved ids stay
    np.testing.assert_array_equal(dec_in, before)  # the input is not modified
    big = np.full((200, 50), 9)
    share = (drop_words(big, 0.3, np.random.default_rng(1)) == 1).mean()
    assert abs(share - 0.3) < 0.02
    with pytest.raises(ValueError, match="rate"):
        drop_words(dec_in, 1.5, np.random.default_rng(0))


def test_exact_match():
    assert exact_match(["a", "b c", ""], ["a", "b", ""]).tolist() == [True, False, True]
    assert exact_match([], []).dtype == bool
    with pytest.raises(ValueError):
        exact_match(["a"], ["a", "b"])


@pytest.mark.parametrize(
    "attention,masked,embed",
    [(True, True, "tgt_embed"), (True, False, "embed"), (False, True, "tgt_embed")],
)
def test_step_matches_the_teacher_forced_model(attention, masked, embed):
    """Feeding the model's own greedy output back in, the whole model and the step agree."""
    full = build(attention, embed=embed)
    src = np.array([[3, 4, 5, 0], [6, 2, 0, 0]], dtype="int32")  # (2, Ts), padded
    if not masked:
        src = src[:, :2]  # no padding: the step needs no mask
    _, enc_out, enc_state = (
        ops.convert_to_numpy(t) for t in full([src, np.zeros((2, 1), "int32")])
    )
    states = [enc_state, enc_out, src != 0] if masked else [enc_state, enc_out]
    step = make_step(full, VOCAB.unk_id, embed=embed)
    seqs, scores = greedy_decode(
        step, states, start_id=VOCAB.start_id, end_id=VOCAB.end_id, max_length=5
    )
    assert seqs.shape[0] == 2 and VOCAB.unk_id not in seqs
    # teacher-forced log-probabilities of the same outputs from the whole model
    dec_in = np.concatenate([np.full((2, 1), VOCAB.start_id), seqs[:, :-1]], axis=1).astype("int32")
    logits = ops.convert_to_numpy(full([src, dec_in])[0])  # (2, T, V)
    logits[..., VOCAB.unk_id] = -1e9
    log_probs = ops.convert_to_numpy(ops.log_softmax(logits))  # (2, T, V)
    picked = np.take_along_axis(log_probs, seqs[..., None], axis=-1)[..., 0]  # (2, T)
    real = (
        np.cumsum(seqs == VOCAB.end_id, axis=1) - (seqs == VOCAB.end_id) == 0
    )  # up to and with <end>
    np.testing.assert_allclose(scores, (picked * real).sum(axis=1), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(
        seqs[real], log_probs.argmax(-1)[real]
    )  # greedy = the model's argmax


def test_train_fits_and_prints(capsys):
    keras.utils.set_random_seed(0)
    src = keras.Input((None,), dtype="int32")
    dec_in = keras.Input((None,), dtype="int32")
    _, state = layers.GRU(UNITS, return_state=True)(layers.Embedding(SRC_VOCAB, EMBED)(src))
    out = layers.GRU(UNITS, return_sequences=True, name="decoder")(
        layers.Embedding(len(VOCAB), EMBED, name="embed")(dec_in), initial_state=state
    )
    model = keras.Model([src, dec_in], layers.Dense(len(VOCAB), name="logits")(out), name="tiny")
    model.compile(
        "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), weighted_metrics=[]
    )
    texts = ["a b c", "b c d", "d e"] * 4
    arrays = (np.arange(12).reshape(12, 1) % SRC_VOCAB, *teacher_forcing(texts, VOCAB, 4))
    history = train(model, arrays, 2, 4, word_dropout=0.5, seed=1)
    assert len(history.history["loss"]) == 2
    assert capsys.readouterr().out.startswith("tiny: 2 epochs in ")


def test_docstring_examples():
    result = doctest.testmod(encoder_decoder, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
