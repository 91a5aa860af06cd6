"""Coding exercises of notebook 10 (translation): additive attention over a padded source, then
length-normalised beam scores."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _softmax(scores, axis=-1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --------------------------------------------------------------------------- additive attention
def _attention_case(rng, batch, positions, query_dim, value_dim, units, lengths, same=False):
    values = rng.normal(size=(batch, positions, value_dim))  # (batch, Tv, value_dim)
    if same:
        values[:] = rng.normal(size=value_dim)  # every source vector the same
    return {
        "query": rng.normal(size=(batch, query_dim)),  # (batch, query_dim)
        "values": values,
        "values_mask": np.arange(positions) < np.array(lengths)[:, None],  # (batch, Tv)
        "W_q": rng.normal(0, 0.5, (query_dim, units)),  # (query_dim, units)
        "W_v": rng.normal(0, 0.5, (value_dim, units)),  # (value_dim, units)
        "b": rng.normal(0, 0.5, (units,)),  # (units,)
        "w": rng.normal(0, 1.0, (units,)),  # (units,)
    }


def _attention_cases(rng):
    return [
        (
            "batch 3, 5 source positions (one row with 2 padded, one with 1), 8 units",
            _attention_case(rng, 3, 5, 4, 6, 8, [5, 3, 4]),
        ),
        ("a single source position", _attention_case(rng, 2, 1, 3, 2, 5, [1, 1])),
        ("one sentence of 7 words, no padding", _attention_case(rng, 1, 7, 5, 3, 4, [7])),
        (
            "every source vector equal: the weights are even over the real positions",
            _attention_case(rng, 2, 4, 3, 3, 6, [4, 2], same=True),
        ),
        (
            "batch 2, 6 positions, one row with a single real word",
            _attention_case(rng, 2, 6, 2, 4, 3, [6, 1]),
        ),
    ]


def _scores(query, values, W_q, W_v, b, w, tanh=np.tanh):
    return tanh((query @ W_q)[:, None, :] + values @ W_v + b) @ w  # (batch, Tv)


def _attend(weights, values):
    return np.einsum("bt,btv->bv", weights, values), weights


def _attention_layer(query, values, values_mask, W_q, W_v, b, w):
    from rnncourse.layers import BahdanauAttention

    layer = BahdanauAttention(W_q.shape[1])
    layer.build(query.shape, values.shape)
    layer.set_weights([W_q, W_v, b, w])  # query_kernel, values_kernel, bias, score_vector
    return layer(query.astype("float32"), values.astype("float32"), values_mask=values_mask)


def _attention_loop(query, values, values_mask, W_q, W_v, b, w):
    batch, positions, value_dim = values.shape
    context, weights = np.zeros((batch, value_dim)), np.zeros((batch, positions))
    for i in range(batch):
        real = np.flatnonzero(values_mask[i])  # the positions that are words, not padding
        e = np.array([w @ np.tanh(query[i] @ W_q + values[i, j] @ W_v + b) for j in real])
        a = np.exp(e - e.max()) / np.exp(e - e.max()).sum()  # (real,)
        weights[i, real] = a
        context[i] = a @ values[i, real]
    return context, weights


def _not_masked(query, values, values_mask, W_q, W_v, b, w):
    return _attend(_softmax(_scores(query, values, W_q, W_v, b, w)), values)


def _zeroed_after_softmax(query, values, values_mask, W_q, W_v, b, w):
    weights = _softmax(_scores(query, values, W_q, W_v, b, w)) * values_mask
    return _attend(weights, values)


def _masked(scores, values_mask, axis=-1):
    return _softmax(np.where(values_mask, scores, -np.inf), axis=axis)


def _no_tanh(query, values, values_mask, W_q, W_v, b, w):
    scores = _scores(query, values, W_q, W_v, b, w, tanh=lambda s: s)
    return _attend(_masked(scores, values_mask), values)


def _no_bias(query, values, values_mask, W_q, W_v, b, w):
    scores = _scores(query, values, W_q, W_v, 0.0, w)
    return _attend(_masked(scores, values_mask), values)


def _softmax_over_batch(query, values, values_mask, W_q, W_v, b, w):
    scores = _scores(query, values, W_q, W_v, b, w)
    return _attend(_masked(scores, values_mask, axis=0), values)


def _plain_mean(query, values, values_mask, W_q, W_v, b, w):
    weights = _masked(_scores(query, values, W_q, W_v, b, w), values_mask)
    even = values_mask / values_mask.sum(axis=-1, keepdims=True)  # (batch, Tv)
    return np.einsum("bt,btv->bv", even, values), weights


@coding_exercise(
    "10.additive_attention",
    "Write additive_attention(query, values, values_mask, W_q, W_v, b, w): Bahdanau's score "
    "e_j = w . tanh(q W_q + v_j W_v + b) for every source position, a softmax over the real "
    "(unpadded) positions, and the context sum_j a_j v_j; return (context, weights).",
    cases=_attention_cases,
    hints=(
        "Three stages, as in section 4: a score per source position (a tiny one-layer net that "
        "sees the query and that position's value), weights that are positive and sum to 1 over "
        "the positions that are real words (padding must end with weight exactly 0, and the "
        "others must still sum to 1), then the weighted average of the values.",
        "query @ W_q is (batch, units): give it a position axis with [:, None, :] so it adds to "
        "values @ W_v (batch, Tv, units); np.tanh(...) @ w gives the scores (batch, Tv). Put "
        "-np.inf where values_mask is False (np.where) BEFORE the softmax over axis=-1 "
        "(subtract the row max first). Context: (weights[..., None] * values).sum(axis=1).",
    ),
    alternatives=(_attention_layer, _attention_loop),
    mistakes=(
        Mistake(
            "padding is not masked: the softmax gives weight to padded positions. Set their "
            "scores to -inf (np.where(values_mask, scores, -np.inf)) before the softmax.",
            _not_masked,
        ),
        Mistake(
            "the padded weights are set to 0 after the softmax, so the rest no longer sum to 1: "
            "mask the scores before the softmax instead (or divide by the new row sums).",
            _zeroed_after_softmax,
        ),
        Mistake(
            "the tanh is missing: the score is w . tanh(q W_q + v_j W_v + b), a one-layer net.",
            _no_tanh,
        ),
        Mistake(
            "the bias b is missing from inside the tanh: w . tanh(q W_q + v_j W_v + b).", _no_bias
        ),
        Mistake(
            "the softmax runs over the batch (axis 0): each example needs its own weights over "
            "its source positions, softmax over axis=-1.",
            _softmax_over_batch,
        ),
        Mistake(
            "the weights are right but the context is the plain mean of the real values: weight "
            "each value by its attention weight, sum_j a_j v_j.",
            _plain_mean,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def additive_attention(query, values, values_mask, W_q, W_v, b, w):
    """query (batch, qd), values (batch, Tv, vd), values_mask (batch, Tv) -> context (batch, vd), weights (batch, Tv)."""
    hidden = np.tanh((query @ W_q)[:, None, :] + values @ W_v + b)  # (batch, Tv, units)
    scores = hidden @ w  # (batch, Tv): e_j, one score per source position
    scores = np.where(values_mask, scores, -np.inf)  # (batch, Tv): padding can get no weight
    scores = scores - scores.max(axis=-1, keepdims=True)  # (batch, Tv): the largest is 0
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)  # (batch, Tv)
    context = (weights[..., None] * values).sum(axis=1)  # (batch, vd): sum_j a_j v_j
    return context, weights


# --------------------------------------------------------------------------- beam scores
def _beam_case(rng, lengths, steps, alpha, end_id=3, vocab=12):
    """Candidates whose first <end> is at position length - 1 (length None: no <end>)."""
    lengths = np.array(lengths, dtype=object)
    batch, k = lengths.shape
    tokens = rng.integers(end_id + 1, vocab, size=(batch, k, steps))  # (batch, k, steps)
    for i in range(batch):
        for j in range(k):
            if lengths[i, j] is not None:
                tokens[i, j, lengths[i, j] - 1] = end_id
                tokens[i, j, lengths[i, j] :] = 0  # padding after <end>
    log_probs = -rng.exponential(1.0, size=(batch, k, steps))  # (batch, k, steps), all < 0
    return {"log_probs": log_probs, "tokens": tokens, "end_id": end_id, "alpha": alpha}


def _beam_cases(rng):
    return [
        (
            "batch 2, 4 candidates of 2 to 6 tokens (one without <end>), alpha 0.7",
            _beam_case(rng, [[3, 5, 2, None], [4, 6, 2, 3]], 6, 0.7),
        ),
        (
            "alpha 0: the plain log-probability",
            _beam_case(rng, [[2, 5, 3], [4, 1, 2]], 5, 0.0),
        ),
        (
            "alpha 1, one candidate that is only <end>",
            _beam_case(rng, [[1, 3, 4]], 4, 1.0, end_id=2),
        ),
        (
            "no candidate ends in time: its length is every step",
            _beam_case(rng, [[None, None], [None, 2]], 3, 0.6),
        ),
        ("one candidate, alpha 1.5", _beam_case(rng, [[4]], 7, 1.5)),
    ]


def _lengths(tokens, end_id):
    is_end = tokens == end_id  # (batch, k, steps)
    return np.where(is_end.any(axis=-1), is_end.argmax(axis=-1) + 1, tokens.shape[-1])


def _sentence_sum(log_probs, length):
    keep = np.arange(log_probs.shape[-1]) < length[..., None]  # (batch, k, steps)
    return (log_probs * keep).sum(axis=-1)  # (batch, k)


def _ranked(scores):
    return scores, scores.argmax(axis=-1)


def _beam_loop(log_probs, tokens, end_id, alpha):
    batch, k, steps = tokens.shape
    scores = np.zeros((batch, k))
    for i in range(batch):
        for j in range(k):
            row = list(tokens[i, j])
            n = row.index(end_id) + 1 if end_id in row else steps  # tokens, <end> included
            scores[i, j] = sum(log_probs[i, j, :n]) / n**alpha
    return scores, np.argmax(scores, axis=1)


def _beam_from_padding(log_probs, tokens, end_id, alpha):
    real = tokens != 0  # (batch, k, steps): the sentence is every token that is not padding
    length = real.sum(axis=-1)  # (batch, k)
    return _ranked(np.sum(log_probs, axis=-1, where=real) / np.power(length, alpha))


def _sum_after_end(log_probs, tokens, end_id, alpha):
    return _ranked(log_probs.sum(axis=-1) / _lengths(tokens, end_id) ** alpha)


def _end_not_counted(log_probs, tokens, end_id, alpha):
    length = _lengths(tokens, end_id)
    return _ranked(_sentence_sum(log_probs, length) / (length - 1.0) ** alpha)


def _padding_counted(log_probs, tokens, end_id, alpha):
    length = _lengths(tokens, end_id)
    return _ranked(_sentence_sum(log_probs, length) / tokens.shape[-1] ** alpha)


def _alpha_ignored(log_probs, tokens, end_id, alpha):
    length = _lengths(tokens, end_id)
    return _ranked(_sentence_sum(log_probs, length) / length)


def _multiplied(log_probs, tokens, end_id, alpha):
    length = _lengths(tokens, end_id)
    return _ranked(_sentence_sum(log_probs, length) * length**alpha)


def _lowest_best(log_probs, tokens, end_id, alpha):
    length = _lengths(tokens, end_id)
    scores = _sentence_sum(log_probs, length) / length**alpha
    return scores, scores.argmin(axis=-1)


@coding_exercise(
    "10.beam_scores",
    "Write beam_scores(log_probs, tokens, end_id, alpha): the length-normalised score of each "
    "finished beam, (sum of its tokens' log-probabilities up to and including the first <end>) "
    "/ length**alpha, and the index of the best beam of each batch row.",
    cases=_beam_cases,
    hints=(
        "A beam's sentence stops at its first <end> (which counts: predicting it cost "
        "probability); whatever comes after is padding and must count neither in the sum nor in "
        "the length. A beam that never produced <end> is as long as all the steps. Then divide "
        "by length**alpha, and the best beam has the highest score.",
        "length: is_end = tokens == end_id; np.where(is_end.any(-1), is_end.argmax(-1) + 1, "
        "steps). keep = np.arange(steps) < length[..., None]; (log_probs * keep).sum(-1) / "
        "length**alpha; best = scores.argmax(axis=-1).",
    ),
    alternatives=(_beam_loop, _beam_from_padding),
    mistakes=(
        Mistake(
            "the log-probabilities after <end> are added too: a sentence stops at its first "
            "<end>; the steps after it are padding and must not count.",
            _sum_after_end,
        ),
        Mistake(
            "the length leaves out <end>: count the tokens up to and including the first <end> "
            "(the model paid probability for <end> too).",
            _end_not_counted,
        ),
        Mistake(
            "every beam is divided by the number of steps: use each beam's own length, up to its "
            "first <end>, not the padded length.",
            _padding_counted,
        ),
        Mistake(
            "alpha is ignored: divide by length**alpha (alpha = 0 is the plain log-probability, "
            "alpha = 1 the mean per token).",
            _alpha_ignored,
        ),
        Mistake(
            "the log-probability is multiplied by length**alpha: divide by it (the sum is "
            "negative, so multiplying favours short sentences even more).",
            _multiplied,
        ),
        Mistake(
            "the scores are right but best is the lowest: log-probabilities are negative and the "
            "best beam has the highest score (argmax).",
            _lowest_best,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def beam_scores(log_probs, tokens, end_id, alpha):
    """log_probs and tokens (batch, k, steps), end_id, alpha -> scores (batch, k), best (batch,)."""
    steps = tokens.shape[-1]
    is_end = tokens == end_id  # (batch, k, steps)
    length = np.where(is_end.any(axis=-1), is_end.argmax(axis=-1) + 1, steps)  # (batch, k)
    keep = np.arange(steps) < length[..., None]  # (batch, k, steps): the sentence, <end> included
    total = (log_probs * keep).sum(axis=-1)  # (batch, k): log-probability of each sentence
    scores = total / length**alpha  # (batch, k)
    return scores, scores.argmax(axis=-1)  # (batch, k), (batch,)
