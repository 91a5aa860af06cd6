"""Decoding for encoder-decoder models: greedy search and beam search.

A trained decoder gives, for a prefix of output tokens, a probability for every
possible next token. Decoding turns that into whole output sequences:

- :func:`greedy_decode` takes the single most likely token at every step.
- :func:`beam_search` keeps the ``beam_width`` most likely prefixes at every
  step and returns the best complete sequence, so a first token that looks
  worse can still win when what follows it is much more likely.

Both work with any model through a *step function*, so the same code decodes a
translation model (notebook 10) and a captioning model (notebook 11)::

    log_probs, new_states = step_fn(tokens, states)

``tokens`` is an ``int32`` array ``(n,)`` with the previous token of each
sequence; ``states`` is an array, or a (nested) list, tuple or dict of arrays,
each with the ``n`` sequences on axis 0 (the decoder's recurrent state, and
anything the step needs that does not change, such as the encoder outputs for
attention); ``log_probs`` is ``(n, vocab_size)``. The decoders keep the states
on axis 0 in step with the sequences (beam search copies and reorders them).
Everything is NumPy in, NumPy out: the step function may call a Keras model.
"""

import numpy as np

from rnncourse import checks

__all__ = ["beam_search", "greedy_decode"]


def _map_states(fn, states):
    """Apply ``fn`` to every array in a (nested) list, tuple or dict of arrays."""
    if isinstance(states, dict):
        return {key: _map_states(fn, value) for key, value in states.items()}
    if isinstance(states, (list, tuple)):
        return type(states)(_map_states(fn, value) for value in states)
    return fn(np.asarray(states))


def _first_array(states):
    if isinstance(states, dict):
        states = list(states.values())
    if isinstance(states, (list, tuple)):
        for value in states:
            found = _first_array(value)
            if found is not None:
                return found
        return None
    return np.asarray(states)


def _batch_size(states):
    first = _first_array(states)
    if first is None or first.ndim == 0:
        raise ValueError(
            "states must be an array, or a list/tuple/dict of arrays, with the batch "
            f"on axis 0; got {type(states).__name__} with no such array. Pass at least "
            "the decoder's initial state, shaped (batch, units)."
        )
    return first.shape[0]


def _check_common(start_id, end_id, max_length, pad_id):
    """The arguments both decoders take, as ints: ``(start_id, end_id, max_length, pad_id)``."""
    ids = [
        checks.non_negative_int(value, name, about="(a token id)")
        for name, value in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id))
    ]
    max_length = checks.positive_int(
        max_length, "max_length", about="(the most tokens to generate, the end token included)"
    )
    return ids[0], ids[1], max_length, ids[2]


# A log-softmax computed in float32 can round a log-probability of 1 to just above 0.
_LOG_PROB_SLACK = 1e-4


def _step(step_fn, tokens, states, n, from_logits, first=False, ids=None):
    """Run one step and check what the step function returned.

    On the ``first`` step, ``ids`` (``{"end_id": ..., "pad_id": ...}``) are
    checked against the vocabulary size, and an ``IndexError`` raised by
    ``step_fn`` is explained as a ``start_id`` outside the vocabulary.
    """
    try:
        result = step_fn(tokens, states)
    except IndexError as err:
        if not first:
            raise
        raise ValueError(
            f"step_fn failed on the first step, fed start_id={int(tokens[0])}: {err}. Is "
            "start_id inside the vocabulary (Vocabulary.start_id)?"
        ) from err
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ValueError(
            "step_fn must return a pair (log_probs, new_states), got "
            f"{type(result).__name__}. Return the new states even when they did not change."
        )
    scores, new_states = result
    scores = np.asarray(scores, dtype=np.float64)  # (n, vocab)
    if scores.ndim != 2 or scores.shape[0] != n:
        raise ValueError(
            f"step_fn must return log_probs shaped (n, vocab_size) = ({n}, vocab_size) for "
            f"{n} input tokens, got shape {scores.shape}. Drop the time axis of a decoder "
            "run on one step: log_probs[:, 0]."
        )
    bad = np.isnan(scores) | (scores == np.inf)
    if bad.any():
        row, token = np.argwhere(bad)[0]
        raise ValueError(
            f"step_fn returned {scores[row, token]} (row {row}, token {token}) among its "
            f"{'logits' if from_logits else 'log-probabilities'}: the model diverged, or its "
            "inputs hold NaN. -inf is fine (a token ruled out)."
        )
    probs = (
        not from_logits and (scores >= 0).all() and np.allclose(scores.sum(axis=1), 1, atol=1e-3)
    )
    if probs or (not from_logits and scores.max() > _LOG_PROB_SLACK):
        row, token = np.unravel_index(int(np.argmax(scores)), scores.shape)
        raise ValueError(
            f"step_fn must return log-probabilities (all <= 0), got {scores[row, token]:.4g} at "
            f"row {row}, token {token}"
            + (
                "; its rows sum to 1, so these are probabilities: take log of probabilities, "
                "return np.log(probs), new_states."
                if probs
                else "; logits? pass from_logits=True, or return a log-softmax of them."
            )
        )
    if first:
        for name, value in (ids or {}).items():
            if value >= scores.shape[1]:
                raise ValueError(
                    f"{name}={value} is not a token of the vocabulary: step_fn "
                    f"scores {scores.shape[1]} tokens (ids 0 to {scores.shape[1] - 1})."
                )
    if from_logits:
        scores = scores - scores.max(axis=1, keepdims=True)  # (n, vocab)
        scores = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))  # (n, vocab)
    return scores, new_states


_LENGTH_FORMS = ("power", "gnmt")


def _length_divisor(lengths, alpha, form):
    """What a beam's log-probability is divided by for ranking (1 when ``alpha`` is 0)."""
    lengths = np.maximum(lengths, 1.0)
    if form == "gnmt":
        return ((5.0 + lengths) / 6.0) ** alpha  # Wu et al. (2016)
    return lengths**alpha


def _top_k(values, k):
    """Column indices of the ``k`` largest values of each row, largest first.

    Equal values are ordered by index. ``argpartition`` first, so only ``k`` values
    per row are sorted (a beam over a large vocabulary has many candidates).
    """
    if k < values.shape[1]:
        part = np.argpartition(-values, k - 1, axis=1)[:, :k]  # (rows, k), unordered
    else:
        part = np.broadcast_to(np.arange(values.shape[1]), values.shape)
    picked = np.take_along_axis(values, part, axis=1)  # (rows, k)
    order = np.lexsort((part, -picked), axis=1)  # by value, then by index
    return np.take_along_axis(part, order, axis=1)


def greedy_decode(step_fn, states, *, start_id, end_id, max_length, pad_id=0, from_logits=False):
    """Decode by taking the most likely next token at every step.

    Args:
        step_fn: ``step_fn(tokens, states) -> (log_probs, new_states)``, see the
            module docstring.
        states: the initial states, an array or a (nested) list/tuple/dict of
            arrays with the batch on axis 0.
        start_id: the token fed at the first step (``Vocabulary.start_id``).
        end_id: the token that ends a sequence (``Vocabulary.end_id``).
        max_length: the most tokens to generate per sequence, end token included.
        pad_id: the token written after a sequence has ended. Default ``0``.
        from_logits: ``True`` when ``step_fn`` returns logits instead of
            log-probabilities (they are then log-softmaxed here).

    Returns:
        ``(sequences, scores)``: ``int32`` array ``(batch, max_length)`` with the
        generated tokens (the end token included where one was generated,
        ``pad_id`` after it), and ``float64`` array ``(batch,)``, the
        log-probability of each sequence (its tokens up to the end token).

    Example:
        >>> import numpy as np
        >>> table = np.log([[0.1, 0.9, 1e-9], [0.8, 0.2, 1e-9], [0.5, 0.5, 1e-9]])
        >>> step = lambda tokens, states: (table[tokens], states)  # row: previous token
        >>> seqs, scores = greedy_decode(step, np.zeros((1, 1)), start_id=0,
        ...                              end_id=2, max_length=3)  # token 2 never wins
        >>> seqs.tolist()  # 0 -> 1 -> 0 -> 1
        [[1, 0, 1]]
    """
    start_id, end_id, max_length, pad_id = _check_common(start_id, end_id, max_length, pad_id)
    batch = _batch_size(states)
    tokens = np.full((batch,), start_id, dtype=np.int32)  # (batch,)
    sequences = np.full((batch, max_length), pad_id, dtype=np.int32)  # (batch, max_length)
    scores = np.zeros((batch,), dtype=np.float64)  # (batch,)
    finished = np.zeros((batch,), dtype=bool)  # (batch,)
    for t in range(max_length):
        log_probs, states = _step(
            step_fn,
            tokens,
            states,
            batch,
            from_logits,
            first=t == 0,
            ids={"end_id": end_id, "pad_id": pad_id},
        )  # (batch, vocab)
        best = log_probs.argmax(axis=1).astype(np.int32)  # (batch,)
        best = np.where(finished, pad_id, best)  # (batch,)
        scores += np.where(finished, 0.0, log_probs[np.arange(batch), best])  # (batch,)
        sequences[:, t] = best
        finished |= best == end_id
        tokens = best
        if finished.all():
            break
    return sequences, scores


def beam_search(
    step_fn,
    states,
    *,
    start_id,
    end_id,
    max_length,
    beam_width=4,
    length_penalty=0.0,
    length_form="power",
    pad_id=0,
    from_logits=False,
    return_all=False,
):
    """Decode by keeping the ``beam_width`` most likely prefixes at every step.

    At each step every kept prefix ("beam") is extended by every token of the
    vocabulary; of these ``beam_width * vocab_size`` candidates the
    ``beam_width`` best survive. A beam that has produced ``end_id`` is
    finished: it keeps its score and only pads from then on. All the sequences
    of the batch are searched together (the step function sees
    ``batch * beam_width`` rows).

    Candidates are ranked by ``log_prob / lp(length)``, where ``length``
    counts the tokens generated so far (the end token included) and
    ``length_penalty`` is the exponent ``alpha`` of ``lp``:

    - ``length_form="power"``: ``lp = length ** alpha``. ``alpha=0`` ranks by
      the plain log-probability (which favours short outputs, since every token
      costs probability); ``alpha=1`` ranks by the average log-probability per
      token.
    - ``length_form="gnmt"``: ``lp = ((5 + length) / 6) ** alpha``, the length
      penalty of Google's GNMT (Wu et al., 2016), milder on short outputs; they
      used ``alpha`` between 0.6 and 1.

    Either form with ``alpha=0`` is the plain log-probability.

    Args:
        step_fn: ``step_fn(tokens, states) -> (log_probs, new_states)``, see the
            module docstring.
        states: the initial states, an array or a (nested) list/tuple/dict of
            arrays with the batch on axis 0.
        start_id: the token fed at the first step.
        end_id: the token that ends a sequence.
        max_length: the most tokens to generate per sequence, end token included.
        beam_width: positive int, how many prefixes to keep. ``1`` is greedy
            decoding. Default ``4``.
        length_penalty: float ``>= 0``, the exponent ``alpha`` above.
            Default ``0.0`` (no length normalisation).
        length_form: ``"power"`` or ``"gnmt"``, see above. Default ``"power"``.
        pad_id: the token written after a sequence has ended. Default ``0``.
        from_logits: ``True`` when ``step_fn`` returns logits.
        return_all: also return every beam, not only the best.

    Returns:
        ``(sequences, scores)``: the best sequence of each batch element,
        ``int32`` ``(batch, max_length)`` (end token included, ``pad_id``
        after it), and its log-probability ``(batch,)``. With
        ``return_all=True``: ``(batch, beam_width, max_length)`` and
        ``(batch, beam_width)``, best first.

    Example:
        >>> import numpy as np
        >>> # Token 1 looks best first (0.6 against 0.4 for token 2), but after it
        >>> # the end token 3 has only 0.55; after token 2 the end is certain.
        >>> table = np.log(np.array([
        ...     [1e-9, 0.6, 0.4, 1e-9],  # after the start token 0
        ...     [1e-9, 1e-9, 0.45, 0.55],  # after token 1
        ...     [1e-9, 1e-9, 1e-9, 1.0],  # after token 2
        ...     [1.0, 1e-9, 1e-9, 1e-9],  # after the end token 3
        ... ]))
        >>> step = lambda tokens, states: (table[tokens], states)
        >>> beam, _ = beam_search(step, np.zeros((1, 1)), start_id=0, end_id=3,
        ...                       max_length=3, beam_width=2)
        >>> greedy, _ = greedy_decode(step, np.zeros((1, 1)), start_id=0,
        ...                           end_id=3, max_length=3)
        >>> greedy.tolist(), beam.tolist()  # 0.6 * 0.55 = 0.33 < 0.4 * 1.0
        ([[1, 3, 0]], [[2, 3, 0]])
    """
    start_id, end_id, max_length, pad_id = _check_common(start_id, end_id, max_length, pad_id)
    k = checks.positive_int(beam_width, "beam_width")
    length_penalty = checks.number(length_penalty, "length_penalty", low=0)
    checks.choice(length_form, "length_form", _LENGTH_FORMS)
    batch = _batch_size(states)
    states = _map_states(lambda x: np.repeat(x, k, axis=0), states)  # (batch * k, ...)
    tokens = np.full((batch * k,), start_id, dtype=np.int32)  # (batch * k,)
    sequences = np.full((batch, k, max_length), pad_id, dtype=np.int32)  # (batch, k, max_length)
    scores = np.full((batch, k), -np.inf)  # (batch, k): log-probability of each beam
    scores[:, 0] = 0.0  # all beams start equal: expand only the first one at step 0
    lengths = np.zeros((batch, k))  # (batch, k): tokens so far, end token included
    finished = np.zeros((batch, k), dtype=bool)  # (batch, k)
    rows = np.arange(batch)[:, None]  # (batch, 1)
    for t in range(max_length):
        log_probs, states = _step(
            step_fn,
            tokens,
            states,
            batch * k,
            from_logits,
            first=t == 0,
            ids={"end_id": end_id, "pad_id": pad_id},
        )  # (batch * k, vocab)
        vocab = log_probs.shape[1]
        log_probs = log_probs.reshape(batch, k, vocab)  # (batch, k, vocab)
        # A finished beam may only continue with padding, at no cost.
        pad_only = np.full((vocab,), -np.inf)
        pad_only[pad_id] = 0.0
        log_probs = np.where(finished[..., None], pad_only, log_probs)  # (batch, k, vocab)
        candidates = scores[..., None] + log_probs  # (batch, k, vocab)
        new_lengths = lengths + ~finished  # (batch, k)
        rank = candidates  # (batch, k, vocab)
        if length_penalty:
            rank = candidates / _length_divisor(new_lengths, length_penalty, length_form)[..., None]
        best = _top_k(rank.reshape(batch, k * vocab), k)  # (batch, k)
        parent, token = best // vocab, (best % vocab).astype(np.int32)  # (batch, k) each
        scores = candidates.reshape(batch, k * vocab)[rows, best]  # (batch, k)
        sequences = sequences[rows, parent]  # (batch, k, max_length)
        sequences[:, :, t] = token
        lengths = new_lengths[rows, parent]  # (batch, k)
        finished = finished[rows, parent] | (token == end_id)  # (batch, k)
        flat_parent = (rows * k + parent).reshape(-1)  # (batch * k,)
        states = _map_states(lambda x, index=flat_parent: x[index], states)  # (batch * k, ...)
        tokens = token.reshape(-1)  # (batch * k,)
        if finished.all():
            break
    final = scores / _length_divisor(lengths, length_penalty, length_form)  # (batch, k)
    order = np.argsort(-final, axis=1, kind="stable")  # (batch, k)
    sequences, scores = sequences[rows, order], scores[rows, order]
    if return_all:
        return sequences, scores
    return sequences[:, 0], scores[:, 0]
