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
"""

import numbers

import numpy as np

__all__ = ["sample_next", "softmax_with_temperature", "top_k_tokens"]


def _as_logits(logits):
    arr = np.asarray(logits, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(
            f"logits must have a last axis with one score per token, got shape {arr.shape}."
        )
    if np.isnan(arr).any():
        raise ValueError("logits contain NaN; check the model's output before sampling.")
    return arr


def _check_top_k(top_k, vocab_size):
    if top_k is None:
        return None
    if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer or None, got {top_k!r}.")
    return min(int(top_k), vocab_size)


def _temperatures(temperature, batch_shape):
    temp = np.asarray(temperature, dtype=np.float64)
    if np.isnan(temp).any() or (temp < 0).any():
        raise ValueError(
            f"temperature must be >= 0 (0 means greedy), got {temperature!r}."
        )
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
        ValueError: ``logits`` has no token axis or contains NaN, a
            temperature is negative, or ``top_k`` is not a positive integer.

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
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
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
    arr = np.asarray(probs, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"probs must have a last axis with one value per token, got shape {arr.shape}.")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    k = min(int(k), arr.shape[-1])
    ids = np.argsort(-arr, axis=-1, kind="stable")[..., :k]  # (..., k)
    return ids.astype(np.int64), np.take_along_axis(arr, ids, axis=-1)
