"""Tests for rnncourse.seq2seq: greedy and beam search against exhaustive search."""

import itertools

import numpy as np
import pytest

from rnncourse.seq2seq import beam_search, greedy_decode

START, END, PAD = 0, 1, 0


def log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


class TinyRNN:
    """A random recurrent "decoder" whose next-token distribution depends on
    the whole prefix and on a per-sequence memory row (like encoder outputs)."""

    def __init__(self, vocab=5, units=6, batch=3, seed=0):
        rng = np.random.default_rng(seed)
        self.embed = rng.normal(size=(vocab, units))
        self.recur = rng.normal(size=(units, units))
        self.out = 2.0 * rng.normal(size=(units, vocab))
        self.memory = rng.normal(size=(batch, units))
        self.batch = batch

    def initial_states(self):
        return {"h": np.zeros((self.batch, self.memory.shape[1])), "memory": self.memory.copy()}

    def step(self, tokens, states):
        h = np.tanh(self.embed[tokens] + states["h"] @ self.recur + states["memory"])  # (n, units)
        return log_softmax(h @ self.out), {"h": h, "memory": states["memory"]}

    def sequence_log_prob(self, row, tokens):
        """Teacher-forced log-probability of one output sequence (stops after END)."""
        states = {"h": np.zeros((1, self.memory.shape[1])), "memory": self.memory[row : row + 1]}
        prev, total = START, 0.0
        for token in tokens:
            log_probs, states = self.step(np.array([prev]), states)
            total += log_probs[0, token]
            if token == END:
                break
            prev = token
        return total


def exhaustive_best(model, row, max_length, vocab, divisor=lambda length: 1.0):
    """The most likely sequence of at most max_length tokens, by brute force.

    With ``divisor``, the best by ``log_prob / divisor(length)``; the score
    returned is still the log-probability."""
    best, best_score, best_rank = None, -np.inf, -np.inf
    for length in range(1, max_length + 1):
        for body in itertools.product([t for t in range(vocab) if t != END], repeat=length - 1):
            for last in range(vocab):
                if length < max_length and last != END:
                    continue  # shorter than max_length only when it ends
                seq = list(body) + [last]
                score = model.sequence_log_prob(row, seq)
                if score / divisor(len(seq)) > best_rank:
                    best, best_score, best_rank = seq, score, score / divisor(len(seq))
    return best, best_score


def strip(seq):
    seq = list(seq)
    return seq[: seq.index(END) + 1] if END in seq else seq


def table_step(table):
    return lambda tokens, states: (np.log(table)[tokens], states)


def test_beam_search_finds_what_greedy_misses():
    table = np.array(
        [
            [1e-9, 1e-9, 0.6, 0.4],  # after START: token 2 looks best
            [1.0, 1e-9, 1e-9, 1e-9],
            [1e-9, 0.55, 0.45, 1e-9],  # after 2: the end is only 0.55 likely
            [1e-9, 1.0, 1e-9, 1e-9],  # after 3: the end is certain
        ]
    )
    kwargs = dict(start_id=START, end_id=END, max_length=3)
    greedy, greedy_score = greedy_decode(table_step(table), np.zeros((1, 1)), **kwargs)
    beam, beam_score = beam_search(table_step(table), np.zeros((1, 1)), beam_width=2, **kwargs)
    assert greedy.tolist() == [[2, 1, PAD]]
    assert beam.tolist() == [[3, 1, PAD]]
    np.testing.assert_allclose(np.exp(greedy_score), [0.6 * 0.55])
    np.testing.assert_allclose(np.exp(beam_score), [0.4])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_width_one_is_greedy(seed):
    model = TinyRNN(seed=seed)
    kwargs = dict(start_id=START, end_id=END, max_length=6)
    greedy, greedy_scores = greedy_decode(model.step, model.initial_states(), **kwargs)
    beam, beam_scores = beam_search(model.step, model.initial_states(), beam_width=1, **kwargs)
    np.testing.assert_array_equal(greedy, beam)
    np.testing.assert_allclose(greedy_scores, beam_scores)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_wide_beam_equals_exhaustive_search(seed):
    vocab, max_length = 4, 3
    model = TinyRNN(vocab=vocab, seed=seed)
    # A beam as wide as all prefixes of length max_length - 1 misses nothing.
    sequences, scores = beam_search(
        model.step,
        model.initial_states(),
        start_id=START,
        end_id=END,
        max_length=max_length,
        beam_width=vocab ** (max_length - 1),
    )
    for row in range(model.batch):
        best, best_score = exhaustive_best(model, row, max_length, vocab)
        assert strip(sequences[row]) == best
        np.testing.assert_allclose(scores[row], best_score)


def test_returned_scores_are_the_sequences_log_probs_best_first():
    model = TinyRNN(vocab=6, seed=4)
    sequences, scores = beam_search(
        model.step,
        model.initial_states(),
        start_id=START,
        end_id=END,
        max_length=5,
        beam_width=3,
        return_all=True,
    )
    assert sequences.shape == (model.batch, 3, 5) and scores.shape == (model.batch, 3)
    assert np.all(np.diff(scores, axis=1) <= 1e-12)
    for row in range(model.batch):
        for beam in range(3):
            expected = model.sequence_log_prob(row, strip(sequences[row, beam]))
            np.testing.assert_allclose(scores[row, beam], expected)
        greedy, greedy_score = greedy_decode(
            model.step,
            {k: v[row : row + 1] for k, v in model.initial_states().items()},
            start_id=START,
            end_id=END,
            max_length=5,
        )
        assert scores[row, 0] >= greedy_score[0] - 1e-12  # beam never does worse here
        np.testing.assert_allclose(greedy_score[0], model.sequence_log_prob(row, strip(greedy[0])))


def test_batch_elements_are_decoded_independently():
    model = TinyRNN(vocab=6, batch=4, seed=5)
    kwargs = dict(start_id=START, end_id=END, max_length=5, beam_width=3)
    together, _ = beam_search(model.step, model.initial_states(), **kwargs)
    for row in range(model.batch):
        alone_states = {k: v[row : row + 1] for k, v in model.initial_states().items()}
        alone, _ = beam_search(model.step, alone_states, **kwargs)
        np.testing.assert_array_equal(together[row], alone[0])


def test_tokens_after_the_end_are_padding():
    model = TinyRNN(vocab=5, seed=6)
    for decode in (greedy_decode, beam_search):
        sequences, _ = decode(
            model.step, model.initial_states(), start_id=START, end_id=END, max_length=8, pad_id=4
        )
        for seq in sequences.tolist():
            if END in seq:
                assert all(t == 4 for t in seq[seq.index(END) + 1 :])


# [END]: log 0.5 = -0.69 in one token; [2, 3, END]: log 0.36 = -1.02 in three
SHORT_OR_LONG = np.array(
    [
        [1e-9, 0.5, 0.5, 1e-9],  # START: end at once, or token 2
        [1.0, 1e-9, 1e-9, 1e-9],
        [1e-9, 0.2, 1e-9, 0.8],  # after 2: mostly 3
        [1e-9, 0.9, 0.1, 1e-9],  # after 3: end
    ]
)


def test_length_penalty_trades_total_for_per_token_probability():
    table = SHORT_OR_LONG
    kwargs = dict(start_id=START, end_id=END, max_length=4, beam_width=2)
    short, _ = beam_search(table_step(table), np.zeros((1, 1)), length_penalty=0.0, **kwargs)
    long, _ = beam_search(table_step(table), np.zeros((1, 1)), length_penalty=1.0, **kwargs)
    assert strip(short[0]) == [END]
    assert strip(long[0]) == [2, 3, END]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "form, alpha, divisor",
    [
        ("power", 1.0, lambda n: n),
        ("power", 0.5, lambda n: n**0.5),
        ("gnmt", 1.0, lambda n: (5 + n) / 6),
        ("gnmt", 0.6, lambda n: ((5 + n) / 6) ** 0.6),
    ],
)
def test_wide_beam_with_length_penalty_equals_exhaustive_search(seed, form, alpha, divisor):
    vocab, max_length = 4, 3
    model = TinyRNN(vocab=vocab, seed=seed)
    sequences, scores = beam_search(
        model.step,
        model.initial_states(),
        start_id=START,
        end_id=END,
        max_length=max_length,
        beam_width=vocab ** (max_length - 1),
        length_penalty=alpha,
        length_form=form,
    )
    for row in range(model.batch):
        best, best_score = exhaustive_best(model, row, max_length, vocab, divisor)
        assert strip(sequences[row]) == best
        np.testing.assert_allclose(
            scores[row], best_score
        )  # the score is still the log-probability


def test_gnmt_length_penalty_is_milder_than_dividing_by_the_length():
    table = SHORT_OR_LONG
    kwargs = dict(start_id=START, end_id=END, max_length=4, beam_width=2)

    def pick(alpha, form):
        seqs, _ = beam_search(
            table_step(table), np.zeros((1, 1)), length_penalty=alpha, length_form=form, **kwargs
        )
        return strip(seqs[0])

    assert pick(1.0, "power") == [2, 3, END]  # -1.02 / 3 > -0.69 / 1
    assert pick(1.0, "gnmt") == [END]  # -1.02 / (8/6) = -0.77 < -0.69
    assert pick(2.0, "gnmt") == [2, 3, END]  # -1.02 / (8/6)**2 = -0.57 > -0.69
    for form in ("power", "gnmt"):
        assert pick(0.0, form) == [END]  # alpha 0: the plain log-probability


def test_greedy_can_beat_a_narrow_beam():
    # Greedy keeps 2 then 4 (0.55 * 0.34 = 0.187; the second step is flat).
    # The two continuations 7 and 8 of token 3 (0.45 * 0.5 = 0.225 each) push
    # that prefix out of a beam of 2, and both then lose probability: their
    # best endings have 0.225 * 0.8 = 0.18. A beam of 3 keeps the greedy prefix.
    table = np.full((10, 10), 1e-9)
    table[START, [2, 3]] = 0.55, 0.45
    table[2, [4, 5, 6]] = 0.34, 0.33, 0.33
    table[[4, 5, 6, 9], END] = 1.0
    table[3, [7, 8]] = 0.5, 0.5
    table[[7, 8], 9] = 0.8
    table[[7, 8], END] = 0.2
    kwargs = dict(start_id=START, end_id=END, max_length=4)
    greedy, greedy_score = greedy_decode(table_step(table), np.zeros((1, 1)), **kwargs)
    assert strip(greedy[0]) == [2, 4, END]
    np.testing.assert_allclose(np.exp(greedy_score), [0.55 * 0.34])
    beam2, beam2_score = beam_search(table_step(table), np.zeros((1, 1)), beam_width=2, **kwargs)
    assert strip(beam2[0]) in ([3, 7, 9, END], [3, 8, 9, END])
    np.testing.assert_allclose(np.exp(beam2_score), [0.45 * 0.5 * 0.8])
    beam3, beam3_score = beam_search(table_step(table), np.zeros((1, 1)), beam_width=3, **kwargs)
    assert strip(beam3[0]) == [2, 4, END]


def test_from_logits_matches_log_probabilities():
    model = TinyRNN(seed=7)

    def logits_step(tokens, states):
        log_probs, states = model.step(tokens, states)
        return log_probs + 3.0, states  # shifted: logits, not log-probabilities

    kwargs = dict(start_id=START, end_id=END, max_length=5)
    for decode, extra in ((greedy_decode, {}), (beam_search, {"beam_width": 3})):
        a, a_scores = decode(model.step, model.initial_states(), **kwargs, **extra)
        b, b_scores = decode(
            logits_step, model.initial_states(), from_logits=True, **kwargs, **extra
        )
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a_scores, b_scores)


def test_works_with_a_keras_step_model():
    import keras

    keras.utils.set_random_seed(0)
    vocab, units, batch = 7, 5, 2
    cell = keras.layers.GRUCell(units)
    embed = keras.layers.Embedding(vocab, 4)
    head = keras.layers.Dense(vocab)

    def step(tokens, states):
        h, _ = cell(embed(tokens), states)  # (n, units)
        return keras.ops.log_softmax(head(h)), h

    init = np.random.default_rng(0).normal(size=(batch, units)).astype("float32")
    greedy, _ = greedy_decode(step, init, start_id=2, end_id=3, max_length=6)
    beam, _ = beam_search(step, init, start_id=2, end_id=3, max_length=6, beam_width=1)
    assert greedy.shape == (batch, 6) and greedy.dtype == np.int32
    np.testing.assert_array_equal(greedy, beam)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"beam_width": 0}, "beam_width"),
        ({"beam_width": 2.5}, "beam_width"),
        ({"max_length": 0}, "max_length"),
        ({"length_penalty": -1.0}, "length_penalty"),
        ({"length_form": "log"}, "length_form"),
        ({"end_id": -1}, "end_id"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    args = dict(start_id=START, end_id=END, max_length=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        beam_search(table_step(np.full((4, 4), 0.25)), np.zeros((1, 1)), **args)


def test_a_step_function_with_the_wrong_output_is_explained():
    bad_shape = lambda tokens, states: (np.zeros((len(tokens), 1, 4)), states)
    with pytest.raises(ValueError, match=r"log_probs\[:, 0\]"):
        greedy_decode(bad_shape, np.zeros((2, 3)), start_id=0, end_id=1, max_length=2)
    no_states = lambda tokens, states: np.zeros((len(tokens), 4))
    with pytest.raises(ValueError, match="new_states"):
        beam_search(no_states, np.zeros((2, 3)), start_id=0, end_id=1, max_length=2)
    with pytest.raises(ValueError, match="states"):
        greedy_decode(no_states, [], start_id=0, end_id=1, max_length=2)
