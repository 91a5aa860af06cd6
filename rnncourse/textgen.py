"""Turning a language model's scores into tokens: temperature, top-k, sampling.

A language model outputs *logits*, one score per token of the vocabulary, for
the next token. These helpers turn logits into probabilities and pick tokens
from them. They are plain NumPy, so they work with the output of any Keras
backend (convert with ``keras.ops.convert_to_numpy`` first), and they take a
batch of rows at once, each row with its own temperature if you like.

- :func:`softmax_with_temperature`: logits to probabilities, sharpened
  (``temperature < 1``) or flattened (``temperature > 1``), optionally keeping
  only the ``top_k`` most likely tokens.
- :func:`sample_next`: draw one token per row from those probabilities
  (``temperature=0`` is greedy: always the most likely token).
- :func:`top_k_tokens`: the ``k`` most likely tokens of each row and their
  probabilities, most likely first.
- :func:`sample_text`: continue a prompt with a language model, one sampled
  token at a time (the simple loop that re-reads the text at every step).
- :class:`KneserNey` and :class:`WittenBell`: the count baselines to beat,
  interpolated smoothed n-gram models over token ids that score held-out text.
"""

import numpy as np

from rnncourse import checks

__all__ = [
    "KneserNey",
    "WittenBell",
    "sample_next",
    "sample_text",
    "softmax_with_temperature",
    "top_k_tokens",
]


def _as_logits(logits):
    arr = np.asarray(logits, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(
            f"logits must have a last axis with one score per token, got shape {arr.shape}."
        )
    checks.finite_array(
        arr,
        "logits",
        allow_neg_inf=True,
        note="Check the model's output before sampling (NaN: did it diverge?); "
        "-inf is allowed, to rule a token out.",
    )
    if (arr.max(axis=-1) == -np.inf).any():
        raise ValueError("logits are -inf for every token of a row: nothing is left to pick.")
    return arr


def _check_top_k(top_k, vocab_size):
    if top_k is None:
        return None
    return min(checks.positive_int(top_k, "top_k", about="or None"), vocab_size)


def _temperatures(temperature, batch_shape):
    try:
        temp = np.asarray(temperature, dtype=np.float64)
    except (TypeError, ValueError):
        temp = np.array(np.nan)
    if np.isnan(temp).any() or (temp < 0).any():
        raise ValueError(f"temperature must be >= 0 (0 means greedy), got {temperature!r}.")
    try:
        return np.broadcast_to(temp, batch_shape)[..., None]  # (..., 1)
    except ValueError:
        raise ValueError(
            f"temperature must be one number or one per row of logits (shape {batch_shape}), "
            f"got shape {temp.shape}."
        ) from None


def softmax_with_temperature(logits, temperature=1.0, top_k=None):
    """Turn logits into probabilities at a given temperature.

    The probabilities are ``softmax(logits / temperature)``. A temperature
    below 1 sharpens the distribution (the likely tokens get likelier), above
    1 flattens it towards uniform, and exactly 0 puts all the probability on
    the most likely token (greedy decoding). With ``top_k``, only the ``k``
    highest logits of each row keep any probability (ties at the k-th value
    are all kept), which stops a high temperature from picking absurd tokens.

    Args:
        logits: array-like of shape ``(..., vocab)``, unnormalised scores.
        temperature: a number ``>= 0``, or an array of one per row (shape
            ``logits.shape[:-1]``).
        top_k: keep only the ``top_k`` most likely tokens per row; ``None``
            keeps all.

    Returns:
        ``np.ndarray`` of ``float64``, the shape of ``logits``, each row
        summing to 1.

    Raises:
        ValueError: ``logits`` has no token axis or contains NaN or ``+inf``
            (``-inf`` rules a token out), a temperature is negative, or
            ``top_k`` is not a positive integer.

    Example:
        >>> probs = softmax_with_temperature([2.0, 1.0, 0.0], temperature=1.0)
        >>> probs.round(3).tolist()
        [0.665, 0.245, 0.09]
        >>> softmax_with_temperature([2.0, 1.0, 0.0], temperature=0).tolist()
        [1.0, 0.0, 0.0]
        >>> softmax_with_temperature([2.0, 1.0, 0.0], top_k=2).round(3).tolist()
        [0.731, 0.269, 0.0]
    """
    arr = _as_logits(logits)  # (..., vocab)
    k = _check_top_k(top_k, arr.shape[-1])
    temp = _temperatures(temperature, arr.shape[:-1])  # (..., 1)
    if k is not None:
        kth = np.sort(arr, axis=-1)[..., -k][..., None]  # (..., 1): the k-th largest logit
        arr = np.where(arr >= kth, arr, -np.inf)
    greedy = temp == 0  # (..., 1)
    scaled = arr / np.where(greedy, 1.0, temp)  # (..., vocab)
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    probs = np.exp(scaled)
    probs /= probs.sum(axis=-1, keepdims=True)
    onehot = np.zeros_like(arr)
    np.put_along_axis(onehot, arr.argmax(axis=-1)[..., None], 1.0, axis=-1)
    return np.where(greedy, onehot, probs)


def sample_next(logits, temperature=1.0, top_k=None, rng=None):
    """Draw the next token of each row from logits at a temperature.

    Args:
        logits: array-like of shape ``(vocab,)`` or ``(batch, vocab)`` (any
            leading axes work).
        temperature: a number ``>= 0`` or one per row (``0`` is greedy).
        top_k: sample only among the ``top_k`` most likely tokens; ``None``
            for all.
        rng: a ``np.random.Generator``, an integer seed, or ``None`` for a
            fresh, unseeded generator.

    Returns:
        ``np.ndarray`` of ``int64`` token ids of shape ``logits.shape[:-1]``
        (a 0-d array for one row of logits).

    Raises:
        ValueError: as :func:`softmax_with_temperature`.

    Example:
        >>> logits = [[5.0, 0.0, 0.0], [0.0, 0.0, 5.0]]  # (batch=2, vocab=3)
        >>> sample_next(logits, temperature=0).tolist()  # greedy: the argmax of each row
        [0, 2]
        >>> ids = sample_next(logits, temperature=1.0, rng=0)  # ids.shape == (2,)
    """
    probs = softmax_with_temperature(logits, temperature, top_k)  # (..., vocab)
    gen = rng
    if not isinstance(rng, np.random.Generator):
        try:
            gen = np.random.default_rng(
                None if rng is None else checks.non_negative_int(rng, "rng")
            )
        except ValueError:
            raise ValueError(
                f"rng must be a numpy.random.Generator, a non-negative integer seed "
                f"or None, got rng={rng!r}."
            ) from None
    cdf = np.cumsum(probs, axis=-1)  # (..., vocab)
    u = gen.random(probs.shape[:-1] + (1,)) * cdf[..., -1:]  # (..., 1)
    ids = (cdf <= u).sum(axis=-1)  # (...,): the first index whose cdf passes u
    ids = np.minimum(ids, probs.shape[-1] - 1)
    # Never return a token of probability 0 (possible only through rounding at the edges).
    zero = np.take_along_axis(probs, ids[..., None], axis=-1)[..., 0] == 0
    if zero.any():
        ids = np.where(zero, probs.argmax(axis=-1), ids)
    return ids.astype(np.int64)


def top_k_tokens(probs, k):
    """Return the ``k`` most likely tokens of each row, most likely first.

    Args:
        probs: array-like of shape ``(..., vocab)`` (probabilities or logits:
            only the order matters for the ids).
        k: how many tokens to return, a positive integer (at most ``vocab``
            are returned).

    Returns:
        ``(ids, values)``: ``int64`` ids and the matching entries of
        ``probs``, both of shape ``(..., min(k, vocab))``. Ties keep the lower id first.

    Raises:
        ValueError: ``k`` is not a positive integer, or ``probs`` has no token axis.

    Example:
        >>> ids, p = top_k_tokens([0.1, 0.6, 0.3], k=2)
        >>> ids.tolist(), p.tolist()
        ([1, 2], [0.6, 0.3])
    """
    arr = checks.finite_array(probs, "probs", allow_neg_inf=True)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(
            f"probs must have a last axis with one value per token, got shape {arr.shape}."
        )
    k = min(checks.positive_int(k, "k"), arr.shape[-1])
    ids = np.argsort(-arr, axis=-1, kind="stable")[..., :k]  # (..., k)
    return ids.astype(np.int64), np.take_along_axis(arr, ids, axis=-1)


def sample_text(model, vocab, prompt, n_tokens, temperature=1.0, top_k=None, rng=None):
    """Continue ``prompt`` with ``n_tokens`` tokens sampled from a language model.

    The plainest generation loop: at every step the model reads the whole text
    so far (the prompt and the tokens sampled until now), the logits at the
    last position read give the distribution of the next token, one token is
    drawn with :func:`sample_next` and written after it. Reading everything
    again costs ``O(n^2)`` steps for ``n`` tokens, which does not matter for a
    short sample (a line printed after each training epoch, say); a recurrent
    model can instead step its cell and read each token once (notebook 06 does
    both). The reserved ids of ``vocab`` (padding, unknown, start, end) are
    never sampled.

    The text is kept in one array of its final length, padding (id 0) after
    the tokens written so far, so every call has the same shape and a Keras
    model's compiled ``predict_on_batch`` step is built once. This is exact
    for a *causal* model, whose output at position ``t`` depends only on the
    inputs up to ``t`` (a language model reading left to right), never for a
    bidirectional one.

    Args:
        model: a causal model from token ids of shape ``(1, time)``
            (``int32``) to logits of shape ``(1, time, vocab_size)``: a Keras
            model (its ``predict_on_batch`` is used), such as Embedding, a
            recurrent layer with ``return_sequences=True`` and Dense, or any
            callable returning such an array.
        vocab: a :class:`rnncourse.data.Vocabulary` (``encode``, ``decode``
            and ``RESERVED``), the one the model was trained with.
        prompt: the text to continue, a non-empty string.
        n_tokens: how many tokens to sample, a positive integer.
        temperature: as :func:`sample_next` (``0`` is greedy).
        top_k: as :func:`sample_next`.
        rng: a ``np.random.Generator``, an integer seed, or ``None``; with a
            seed the same model writes the same text.

    Returns:
        ``prompt`` followed by the decoded sampled tokens (a ``str``).

    Raises:
        ValueError: an empty ``prompt``, a bad ``n_tokens`` or ``rng``, or
            model output of the wrong shape (the message says what was
            received).

    Example:
        >>> from rnncourse import data
        >>> vocab = data.Vocabulary.from_texts(["ab"], level="char")
        >>> def always_b(ids):  # a stand-in model: logits favour "b" everywhere
        ...     logits = np.zeros(ids.shape + (len(vocab),))  # (1, time, vocab)
        ...     logits[..., vocab.encode("b")[0]] = 5.0
        ...     return logits
        >>> sample_text(always_b, vocab, "a", 3, temperature=0)
        'abbb'
    """
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty string, got prompt={prompt!r}.")
    n_tokens = checks.positive_int(n_tokens, "n_tokens")
    if not isinstance(rng, np.random.Generator):
        # one generator for the whole text, so the draws differ from step to step
        rng = np.random.default_rng(None if rng is None else checks.non_negative_int(rng, "rng"))
    prompt_ids = vocab.encode(prompt)
    n_prompt, total = len(prompt_ids), len(prompt_ids) + n_tokens
    text = np.zeros((1, total), dtype="int32")  # the text so far, then padding (id 0)
    text[0, :n_prompt] = prompt_ids
    predict = getattr(model, "predict_on_batch", model)  # a Keras model's compiled step
    for t in range(n_prompt, total):
        logits = predict(text)  # (1, total, vocab)
        if not isinstance(logits, np.ndarray):
            import keras  # only for a model that returns backend tensors

            logits = keras.ops.convert_to_numpy(logits)
        if logits.ndim != 3 or logits.shape[:2] != (1, total):
            raise ValueError(
                "model must map ids of shape (1, time) to logits of shape (1, time, vocab_size), "
                f"got logits of shape {logits.shape} for ids of shape (1, {total})."
            )
        nxt = np.array(logits[0, t - 1], dtype=np.float64)  # (vocab,): after the token at t - 1
        nxt[: len(vocab.RESERVED)] = -np.inf  # never padding, unknown, start or end
        text[0, t] = sample_next(nxt, temperature, top_k, rng)
    return prompt + vocab.decode(text[0, n_prompt:])


_ENCODE = "Count and score token ids, as Vocabulary.encode gives them."


def _ngram_codes(ids, n, vocab_size):
    """Every n-gram of ``ids`` as one integer ``c1 * V**(n-1) + ... + cn``, shape (len - n + 1,)."""
    m = len(ids) - n + 1
    codes = np.zeros(m, dtype=np.int64)
    for j in range(n):
        codes = codes * vocab_size + ids[j : j + m]
    return codes


def _count_codes(codes, n_codes):
    """The distinct values of ``codes`` (all in ``[0, n_codes)``), sorted, and how often each occurs."""
    if n_codes <= 2**22:  # a small range: count every possible code at once
        counts = np.bincount(codes, minlength=n_codes)
        present = np.flatnonzero(counts)
        return present.astype(np.int64), counts[present]
    if n_codes <= 2**32:  # sorting 32-bit values is faster
        codes = codes.astype(np.uint32)
    codes = np.sort(codes)
    starts = np.flatnonzero(np.diff(codes, prepend=codes[:1] + 1 if len(codes) else codes))
    return codes[starts].astype(np.int64), np.diff(np.append(starts, len(codes)))


def _lookup(keys, queries, *values):
    """Each of ``values`` at the positions of ``queries`` in the sorted ``keys``; 0 where absent."""
    if len(keys) == 0:
        return [np.zeros(len(queries), dtype=np.int64) for _ in values]
    i = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    found = keys[i] == queries
    return [np.where(found, v[i], 0) for v in values]


class KneserNey:
    """Interpolated Kneser-Ney n-gram model over integer token ids.

    The usual first baseline of a language model (Chen and Goodman, 1999). The
    probability of token ``c`` after a context of ``order - 1`` tokens mixes
    the discounted count of the whole n-gram with the model one order lower::

        p(c | ctx) = max(N(ctx c) - D, 0) / N(ctx)
                     + D * T(ctx) / N(ctx) * p(c | ctx without its first token)

    where ``N(ctx)`` sums ``N(ctx c)`` over ``c`` and ``T(ctx)`` counts the
    distinct tokens seen after ``ctx``. At the highest order ``N`` are plain
    counts; at the lower orders they are *continuation* counts, the number of
    distinct tokens seen just before the n-gram (so a token that only ever
    follows one context, like ``u`` after ``q``, gets little weight as a
    fallback). Below order 1 stands the uniform distribution over
    ``vocab_size`` ids, so no token gets probability 0; a context never seen
    in training falls back to the lower order alone. Each order's discount
    ``D = n1 / (n1 + 2 n2)`` is estimated from how many of its n-grams occur
    once (``n1``) and twice (``n2``) (Ney, Essen and Kneser, 1994), so nothing
    is tuned on held-out text.

    Args:
        ids: 1-D array-like of int token ids in ``[0, vocab_size)``, the
            training text.
        order: the n of the n-gram, a positive int (1 = unigram).
        vocab_size: number of possible ids.

    Raises:
        ValueError: a bad ``order`` or ``vocab_size``, ids out of range,
            fewer ids than ``order``, or ``vocab_size ** order`` too large to
            code an n-gram in 63 bits.

    Example:
        >>> ids = np.array([0, 1, 2, 0, 1, 2, 0, 1])  # a repetitive text over 3 ids
        >>> model = KneserNey(ids, order=2, vocab_size=3)
        >>> p = np.exp(model.log_prob([[0], [0], [0]], [0, 1, 2]))  # p(next | 0)
        >>> bool(np.isclose(p.sum(), 1.0)), int(p.argmax())  # a distribution; 1 follows 0
        (True, 1)
    """

    def __init__(self, ids, order, vocab_size):
        order = checks.positive_int(order, "order")
        vocab_size = checks.positive_int(vocab_size, "vocab_size")
        if vocab_size**order >= 2**62:
            raise ValueError(
                f"vocab_size ** order = {vocab_size}**{order} is too large to code n-grams as int64."
            )
        ids = checks.ids(ids, "ids", high=vocab_size, what="token ids", note=_ENCODE).reshape(-1)
        if len(ids) < order:
            raise ValueError(
                f"ids must hold at least order = {order} ids to count, got {len(ids)}."
            )
        self.order, self.vocab_size = order, vocab_size
        # counts[k - 1]: (sorted k-gram codes, how often each occurs), k = 1 .. order.
        self._counts = [
            _count_codes(_ngram_codes(ids, k, vocab_size), vocab_size**k)
            for k in range(1, order + 1)
        ]
        # continuation[k - 1]: (k-gram codes, distinct tokens seen before them), k < order.
        self._continuation = [
            _count_codes(self._counts[k][0] % vocab_size**k, vocab_size**k) for k in range(1, order)
        ]
        self._tables = {}

    def stored_counts(self, order=None):
        """How many numbers the model of ``order`` (default: all) keeps: one per
        distinct n-gram at its highest order, one per continuation count below."""
        order = self._check_order(order)
        return len(self._counts[order - 1][0]) + sum(
            len(g) for g, _ in self._continuation[: order - 1]
        )

    def log_prob(self, contexts, targets, order=None):
        """Natural log-probability of each target after its context.

        Args:
            contexts: int array-like ``(n, m)`` with ``m >= order - 1``: the
                ids before each target, the last column just before it (only
                the last ``order - 1`` columns are read). Ignored for order 1.
            targets: int array-like ``(n,)``, the ids to score.
            order: score with the model of this order, ``1 <= order <=
                self.order`` (default ``self.order``); it uses plain counts at
                its own highest order.

        Returns:
            ``np.ndarray`` of ``float64``, shape ``(n,)``, all finite.
        """
        order = self._check_order(order)
        v = self.vocab_size
        targets = checks.ids(targets, "targets", high=v, what="token ids", note=_ENCODE).reshape(-1)
        contexts = checks.ids(contexts, "contexts", high=v, what="token ids", note=_ENCODE)
        if contexts.size % max(len(targets), 1) or (
            contexts.ndim == 2 and len(contexts) != len(targets)
        ):
            raise ValueError(
                f"contexts must have one row per target, shape ({len(targets)}, m), "
                f"got shape {contexts.shape}."
            )
        contexts = contexts.reshape(len(targets), -1)  # (n, m)
        if order > 1 and contexts.shape[1] < order - 1:
            raise ValueError(
                f"contexts must hold order - 1 = {order - 1} ids per target for an order-{order} "
                f"model, got {contexts.shape[1]}."
            )
        p = np.full(len(targets), 1.0 / self.vocab_size)  # (n,): order 0, uniform
        for k in range(1, order + 1):
            grams, counts, ctx, totals, types, discount = self._table(k, top=k == order)
            context = np.zeros(len(targets), dtype=np.int64)  # (n,): the last k - 1 ids as one code
            for j in range(contexts.shape[1] - (k - 1), contexts.shape[1]):
                context = context * self.vocab_size + contexts[:, j]
            (count,) = _lookup(grams, context * self.vocab_size + targets, counts)  # (n,)
            total, distinct = _lookup(ctx, context, totals, types)  # (n,) each
            seen = total > 0
            p = np.where(seen, self._mix(count, np.maximum(total, 1), distinct, discount, p), p)
        return np.log(p)

    @staticmethod
    def _mix(count, total, distinct, discount, lower):
        """p(c | ctx) from the n-gram's count, the context's total and distinct
        continuations, the order's discount and the lower order's p(c | shorter ctx)."""
        return np.maximum(count - discount, 0) / total + discount * distinct / total * lower

    def _check_order(self, order):
        if order is None:
            return self.order
        return checks.integer(order, "order", low=1, high=self.order)

    def _table(self, k, top):
        """Counts of order k (plain at the top order, continuation below), per-context sums, D."""
        if (k, top) not in self._tables:
            grams, counts = self._counts[k - 1] if top else self._continuation[k - 1]
            n1, n2 = int((counts == 1).sum()), int((counts == 2).sum())
            discount = n1 / (n1 + 2 * n2) if n1 > 0 else 0.5  # no singletons: a middling discount
            context = grams // self.vocab_size  # sorted, because grams are
            ctx, start = np.unique(context, return_index=True)
            totals = np.add.reduceat(counts, start)  # N(ctx)
            types = np.diff(np.append(start, len(grams)))  # T(ctx)
            self._tables[k, top] = (grams, counts, ctx, totals, types, discount)
        return self._tables[k, top]


class WittenBell(KneserNey):
    """Interpolated Witten-Bell n-gram model over integer token ids.

    The other classic smoothing (Witten and Bell, 1991): trust a context's own
    counts in proportion to how often it was seen, and fall back to the
    shorter context in proportion to how many *different* tokens followed it::

        p(c | ctx) = (N(ctx c) + T(ctx) * p(c | ctx without its first token))
                     / (N(ctx) + T(ctx))

    with plain counts ``N`` at every order and ``T(ctx)`` the number of
    distinct tokens seen after ``ctx``. A context followed by many different
    tokens (``"the "``) leaves much room for the fallback; one always followed
    by the same token (``"q"``) leaves little. Same arguments, methods and
    errors as :class:`KneserNey`; it has no discount to estimate.

    Example:
        >>> ids = np.array([0, 1, 2, 0, 1, 2, 0, 1])
        >>> model = WittenBell(ids, order=2, vocab_size=3)
        >>> p = np.exp(model.log_prob([[0], [0], [0]], [0, 1, 2]))  # after 0: N = 3 (all 1s), T = 1
        >>> p1 = np.array([3 + 1, 3 + 1, 2 + 1]) / (8 + 3)  # unigram level: (N(c) + T * 1/3) / (N + T)
        >>> bool(np.allclose(p, (np.array([0, 3, 0]) + 1 * p1) / (3 + 1)))
        True
    """

    def __init__(self, ids, order, vocab_size):
        super().__init__(ids, order, vocab_size)
        self._continuation = []  # Witten-Bell uses plain counts at every order

    def stored_counts(self, order=None):
        """How many numbers the model of ``order`` (default: all) keeps: one per distinct n-gram up to it."""
        order = self._check_order(order)
        return sum(len(g) for g, _ in self._counts[:order])

    def _table(self, k, top):
        return super()._table(k, top=True)

    @staticmethod
    def _mix(count, total, distinct, discount, lower):
        return (count + distinct * lower) / (total + distinct)
