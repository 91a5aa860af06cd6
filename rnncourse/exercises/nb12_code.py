"""Coding exercises of notebook 12 (trends): a parallel (Hillis-Steele) scan for the linear
recurrence of minGRU, then one head of causal self-attention."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


# --------------------------------------------------------------------------- parallel scan
def _scan_case(rng, batch, steps, units):
    return {
        "a": rng.uniform(0.05, 0.95, (batch, steps, units)),  # (batch, T, units): 1 - z_t
        "b": rng.normal(size=(batch, steps, units)),  # (batch, T, units): z_t * candidate_t
    }


def _scan_cases(rng):
    ones = _scan_case(rng, 2, 5, 2)
    ones["a"][:] = 1.0
    restart = _scan_case(rng, 2, 9, 3)
    restart["a"][:, 4] = 0.0
    return [
        ("batch 2, 6 steps (not a power of two: 3 rounds), 3 units", _scan_case(rng, 2, 6, 3)),
        ("a single step", _scan_case(rng, 3, 1, 2)),
        ("8 steps: exactly 3 rounds", _scan_case(rng, 2, 8, 4)),
        ("one sequence of 13 steps, one unit", _scan_case(rng, 1, 13, 1)),
        ("a = 1 everywhere: the running sums of b", ones),
        ("a = 0 at step 4: the state forgets everything before it", restart),
    ]


def _scan_loop(a, b):
    h = np.zeros_like(b[:, 0])  # (batch, units)
    states = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]  # (batch, units)
        states.append(h)
    return np.stack(states, axis=1)  # (batch, T, units)


def _scan_keras(a, b):
    import keras

    def compose(earlier, later):
        return earlier[0] * later[0], later[0] * earlier[1] + later[1]

    a, b = keras.ops.cast(a, "float32"), keras.ops.cast(b, "float32")  # as a learner's tensors
    if a.shape[1] == 1:
        # Keras 3.13's associative_scan recurses forever on a length-1 axis (the course's
        # floor; 3.15 is fine): one step is h_1 = b_1
        return b
    _, h = keras.ops.associative_scan(compose, (a, b), axis=1)  # (batch, T, units)
    return h


def _shifted(x, offset, fill):
    """x moved `offset` steps later along time; the first `offset` steps are `fill`."""
    head = np.full_like(x[:, :offset], fill)
    return np.concatenate([head, x[:, :-offset]], axis=1)


def _wrong_order(a, b):
    A, B = a, b
    offset = 1
    while offset < a.shape[1]:
        A_prev, B_prev = _shifted(A, offset, 1.0), _shifted(B, offset, 0.0)
        A, B = A_prev * A, A_prev * B + B_prev  # the earlier a multiplies the later b
        offset *= 2
    return B


def _rolled(a, b):
    A, B = a, b
    offset = 1
    while offset < a.shape[1]:
        A_prev, B_prev = np.roll(A, offset, axis=1), np.roll(B, offset, axis=1)
        A, B = A_prev * A, A * B_prev + B
        offset *= 2
    return B


def _round_short(a, b):
    A, B = a, b
    for r in range(int(np.log2(a.shape[1]))):  # floor: a round short unless T is a power of 2
        offset = 2**r
        A, B = _shifted(A, offset, 1.0) * A, A * _shifted(B, offset, 0.0) + B
    return B


def _a_not_updated(a, b):
    B = b
    offset = 1
    while offset < a.shape[1]:
        B = a * _shifted(B, offset, 0.0) + B  # the step's own a, never the composed product
        offset *= 2
    return B


def _exclusive(a, b):
    return _shifted(_scan_loop(a, b), 1, 0.0)  # h_0 .. h_{T-1} instead of h_1 .. h_T


def _a_ignored(a, b):
    return np.cumsum(b, axis=1)


@coding_exercise(
    "12.parallel_scan",
    "Write parallel_scan(a, b): every state of h_t = a_t * h_{t-1} + b_t from h_0 = 0, "
    "computed with the Hillis-Steele scan: ceil(log2 T) rounds, each composing every position "
    "with the one `offset` steps earlier (offset 1, 2, 4, ...), with no loop over time.",
    cases=_scan_cases,
    hints=(
        "Think of step t as the pair (a_t, b_t), a function h -> a_t h + b_t. Each round "
        "replaces the pair at every position t >= offset by 'the pair at t - offset, then the "
        "pair at t' (the composition rule of section 5); positions with nothing `offset` steps "
        "earlier stay as they are. After the rounds, the pair at t stands for steps 1..t, and "
        "applied to h_0 = 0 it gives b.",
        "A, B = a, b; offset = 1; while offset < T: shift A and B by offset along axis 1, filling "
        "the first offset steps with the identity pair (1, 0) (np.concatenate, not np.roll); "
        "then A, B = A_prev * A, A * B_prev + B (both from the old A); offset *= 2. Return B.",
    ),
    alternatives=(_scan_loop, _scan_keras),
    mistakes=(
        Mistake(
            "the composition is the wrong way round: (a1, b1) then (a2, b2) is (a1 a2, a2 b1 + "
            "b2): the LATER step's a multiplies the earlier b.",
            _wrong_order,
        ),
        Mistake(
            "np.roll wraps the last steps round to the front: the first `offset` positions have "
            "no earlier partner; compose them with the identity (1, 0), i.e. leave them as they are.",
            _rolled,
        ),
        Mistake(
            "one round short: the scan needs ceil(log2 T) rounds (while offset < T); "
            "int(np.log2(T)) rounds miss the start of the sequence when T is not a power of 2.",
            _round_short,
        ),
        Mistake(
            "A is never updated: after a round the pair at t stands for several steps, so its "
            "multiplier is the product A_{t-offset} * A_t; update A together with B.",
            _a_not_updated,
        ),
        Mistake(
            "the states are one step late: h_t already includes step t (a_t, b_t), so the first "
            "state is b_1, not 0; return h_1 .. h_T.",
            _exclusive,
        ),
        Mistake(
            "a is ignored: this is the running sum of b; the state decays by a_t at every step.",
            _a_ignored,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def parallel_scan(a, b):
    """a, b (batch, T, units) -> h (batch, T, units), h_t = a_t * h_{t-1} + b_t from h_0 = 0."""
    A, B = a, b  # (batch, T, units) each: position t holds the pair (a_t, b_t)
    offset = 1
    while offset < a.shape[1]:  # ceil(log2 T) rounds
        ones, zeros = np.ones_like(A[:, :offset]), np.zeros_like(B[:, :offset])  # the identity
        A_prev = np.concatenate([ones, A[:, :-offset]], axis=1)  # (batch, T, units): t - offset
        B_prev = np.concatenate([zeros, B[:, :-offset]], axis=1)  # (batch, T, units)
        A, B = A_prev * A, A * B_prev + B  # (A_prev, B_prev) then (A, B), at every t at once
        offset *= 2
    return B  # (batch, T, units): applied to h_0 = 0, the pair at t gives h_t


# --------------------------------------------------------------------------- causal attention
def _attention_case(rng, batch, steps, features, key_dim, same=False):
    x = rng.normal(size=(batch, steps, features))  # (batch, T, features)
    if same:
        x[:] = rng.normal(size=features)  # every token the same
    return {
        "x": x,
        "W_q": rng.normal(0, 0.7, (features, key_dim)),  # (features, d_k)
        "W_k": rng.normal(0, 0.7, (features, key_dim)),  # (features, d_k)
        "W_v": rng.normal(0, 0.7, (features, key_dim)),  # (features, d_k)
    }


def _attention_cases(rng):
    return [
        ("batch 2, 5 tokens, 6 features, d_k 4", _attention_case(rng, 2, 5, 6, 4)),
        ("a single token: it can only see itself", _attention_case(rng, 2, 1, 3, 2)),
        ("one sequence of 7 tokens, d_k 1", _attention_case(rng, 1, 7, 4, 1)),
        (
            "every token the same: token t spreads its weight evenly over t + 1 tokens",
            _attention_case(rng, 2, 4, 3, 3, same=True),
        ),
        ("batch 3, 4 tokens, 3 features, d_k 8", _attention_case(rng, 3, 4, 3, 8)),
    ]


def _softmax(scores, axis=-1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _project(x, W_q, W_k, W_v):
    return x @ W_q, x @ W_k, x @ W_v


def _future(steps):
    return np.triu(np.ones((steps, steps), dtype=bool), k=1)  # (T, T): True where s > t


def _attend(scores, v, hide=None, axis=-1):
    if hide is not None:
        scores = np.where(hide, -np.inf, scores)
    weights = _softmax(scores, axis=axis)
    return weights @ v, weights


def _attention_mha(x, W_q, W_k, W_v):
    import keras

    key_dim = W_q.shape[1]
    mha = keras.layers.MultiHeadAttention(1, key_dim, use_bias=False, output_shape=key_dim)
    x = x.astype("float32")
    mha(x, x)  # builds the weights
    mha.set_weights([W_q[:, None], W_k[:, None], W_v[:, None], np.eye(key_dim)[None]])
    out, weights = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    return out, keras.ops.convert_to_numpy(weights)[:, 0]  # (batch, T, d_k), (batch, T, T)


def _attention_loop(x, W_q, W_k, W_v):
    batch, steps, _ = x.shape
    key_dim = W_q.shape[1]
    out, weights = np.zeros((batch, steps, key_dim)), np.zeros((batch, steps, steps))
    for t in range(steps):
        q = x[:, t] @ W_q  # (batch, d_k): token t asks
        k, v = x[:, : t + 1] @ W_k, x[:, : t + 1] @ W_v  # (batch, t + 1, d_k): tokens 0..t answer
        s = np.einsum("bk,bsk->bs", q, k) / np.sqrt(key_dim)  # (batch, t + 1)
        a = np.exp(s - s.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        weights[:, t, : t + 1] = a
        out[:, t] = np.einsum("bs,bsk->bk", a, v)
    return out, weights


def _no_mask(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    return _attend(q @ k.transpose(0, 2, 1) / np.sqrt(k.shape[-1]), v)


def _mask_reversed(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    past = _future(x.shape[1]).T  # True where s < t: hides the past instead of the future
    return _attend(q @ k.transpose(0, 2, 1) / np.sqrt(k.shape[-1]), v, past)


def _not_scaled(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    return _attend(q @ k.transpose(0, 2, 1), v, _future(x.shape[1]))


def _scaled_by_dk(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    return _attend(q @ k.transpose(0, 2, 1) / k.shape[-1], v, _future(x.shape[1]))


def _softmax_over_queries(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(k.shape[-1])
    return _attend(scores, v, _future(x.shape[1]), axis=-2)


def _zeroed_after_softmax(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    weights = _softmax(q @ k.transpose(0, 2, 1) / np.sqrt(k.shape[-1])) * ~_future(x.shape[1])
    return weights @ v, weights


def _keys_asking(x, W_q, W_k, W_v):
    q, k, v = _project(x, W_q, W_k, W_v)
    scores = k @ q.transpose(0, 2, 1) / np.sqrt(k.shape[-1])  # scores[t, s] = k_t . q_s
    return _attend(scores, v, _future(x.shape[1]))


@coding_exercise(
    "12.causal_attention",
    "Write causal_attention(x, W_q, W_k, W_v): one head of causal self-attention, "
    "softmax(Q K^T / sqrt(d_k)) V with Q = x W_q, K = x W_k, V = x W_v, where token t may look "
    "only at tokens 0..t; return (output, weights).",
    cases=_attention_cases,
    hints=(
        "Section 1's self-attention, with one rule added: a token may not look at tokens that "
        "come after it (when generating, they do not exist yet). Hide them before the softmax, "
        "so that each token's weights over the tokens it may see still sum to 1.",
        "q, k, v = x @ W_q, x @ W_k, x @ W_v; scores = q @ k.transpose(0, 2, 1) / "
        "np.sqrt(d_k), shape (batch, T, T) with row t = query t; set the entries above the "
        "diagonal (np.triu(np.ones((T, T), bool), k=1)) to -np.inf with np.where; softmax over "
        "axis=-1; return weights @ v, weights.",
    ),
    alternatives=(_attention_mha, _attention_loop),
    mistakes=(
        Mistake(
            "there is no causal mask: token t also sees the tokens after it. Set the scores "
            "above the diagonal (s > t) to -inf before the softmax.",
            _no_mask,
        ),
        Mistake(
            "the mask is the wrong way round: token t may see tokens s <= t (the past), so hide "
            "s > t, above the diagonal (np.triu(..., k=1)), not below it.",
            _mask_reversed,
        ),
        Mistake(
            "the scores are not scaled: divide q . k by sqrt(d_k), or wide keys push the "
            "softmax to all-or-nothing weights.",
            _not_scaled,
        ),
        Mistake(
            "the scores are divided by d_k: divide by its square root, np.sqrt(d_k).",
            _scaled_by_dk,
        ),
        Mistake(
            "the softmax runs over the queries (axis -2): each query's weights over the keys it "
            "may see must sum to 1, softmax over axis=-1.",
            _softmax_over_queries,
        ),
        Mistake(
            "the future's weights are set to 0 after the softmax, so each row no longer sums to "
            "1: set the scores to -inf before the softmax instead.",
            _zeroed_after_softmax,
        ),
        Mistake(
            "queries and keys are swapped: scores[t, s] = q_t . k_s, so q @ k.transpose(0, 2, 1), "
            "not k @ q.transpose(0, 2, 1).",
            _keys_asking,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def causal_attention(x, W_q, W_k, W_v):
    """x (batch, T, features), W_* (features, d_k) -> output (batch, T, d_k), weights (batch, T, T)."""
    q, k, v = x @ W_q, x @ W_k, x @ W_v  # (batch, T, d_k) each
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(k.shape[-1])  # (batch, T, T): query t, key s
    steps = x.shape[1]
    future = np.triu(np.ones((steps, steps), dtype=bool), k=1)  # (T, T): True where s > t
    scores = np.where(future, -np.inf, scores)  # (batch, T, T): the future gets no weight
    scores = scores - scores.max(axis=-1, keepdims=True)  # the largest of each row is 0
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)  # (batch, T, T)
    return weights @ v, weights  # (batch, T, d_k), (batch, T, T)
