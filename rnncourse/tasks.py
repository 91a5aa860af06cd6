"""Synthetic long-range sequence tasks: the adding problem, recall and copy.

Each generator returns NumPy arrays ``(x, y)`` ready for ``model.fit`` and is
cheap enough to draw a fresh batch at every training step. The tasks isolate
one skill, carrying information across many time steps, so that they show
where a plain RNN's memory ends and a gated one (LSTM, GRU) keeps going:

- :func:`adding_problem`: sum the two marked numbers in a long sequence of
  random numbers (Hochreiter and Schmidhuber, 1997).
- :func:`recall_task`: name the symbol seen at one early position after
  ``length`` distracting steps ("I grew up in France ... I speak fluent ___").
- :func:`copy_task`: read a few symbols, wait ``delay`` blank steps, then
  write the symbols back in order (Hochreiter and Schmidhuber, 1997; Arjovsky
  et al., 2016).

:func:`adding_problem_baseline` gives the error of the best constant guess,
the figure a model has to beat to have learned anything.
"""

import numpy as np

from rnncourse import checks

__all__ = ["adding_problem", "adding_problem_baseline", "copy_task", "recall_task"]


def _rng(seed, fn):
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    return np.random.default_rng(
        checks.non_negative_int(
            seed, "seed", caller=fn, about="(or a numpy.random.Generator, or None)"
        )
    )


def adding_problem(n, length, *, span=None, low=-1.0, high=1.0, seed=None):
    """Draw ``n`` sequences of the adding problem.

    Each time step carries two features: a random number drawn uniformly from
    ``[low, high)`` and a marker that is 1 at exactly two steps and 0
    elsewhere. The target is the sum of the two marked numbers. Both marked
    steps lie in the first ``span`` steps, so the model has to carry them for
    at least ``length - span`` steps while the remaining numbers go by.
    Predicting the mean instead scores the MSE of
    :func:`adding_problem_baseline`.

    This follows experiment 4 of Hochreiter and Schmidhuber (1997) (numbers in
    ``[-1, 1]``), without their rescaling of the target.

    Args:
        n: number of sequences, int >= 1.
        length: time steps per sequence, int >= 2.
        span: the marked steps are drawn (without repetition) from steps
            ``0 .. span - 1``; default ``length // 2`` (at least 2).
        low, high: range of the random numbers. Default ``[-1, 1)``.
        seed: int, ``numpy.random.Generator`` or ``None``.

    Returns:
        ``(x, y)``: ``x`` float32 ``(n, length, 2)`` (number, marker),
        ``y`` float32 ``(n,)``.

    Example:
        >>> import numpy as np
        >>> from rnncourse import tasks
        >>> x, y = tasks.adding_problem(4, 10, seed=0)
        >>> x.shape, y.shape  # (n, time, features), (n,)
        ((4, 10, 2), (4,))
        >>> bool(np.allclose((x[..., 0] * x[..., 1]).sum(axis=1), y))  # the marked numbers
        True
    """
    fn = "adding_problem"
    n = checks.positive_int(n, "n", caller=fn)
    length = checks.integer(length, "length", low=2, caller=fn)
    if span is None:
        span = max(2, length // 2)
    span = checks.integer(
        span,
        "span",
        low=2,
        high=length,
        caller=fn,
        about=f"(the marked steps lie in the first span of length={length} steps)",
    )
    low, high = _range(fn, low, high)
    rng = _rng(seed, fn)
    values = rng.uniform(low, high, size=(n, length)).astype("float32")  # (n, time)
    first = rng.integers(0, span, size=n)  # (n,)
    second = rng.integers(0, span - 1, size=n)  # (n,)
    second = second + (second >= first)  # a different step than `first`
    markers = np.zeros((n, length), dtype="float32")  # (n, time)
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)  # (n, time, 2)
    y = values[rows, first] + values[rows, second]  # (n,)
    return x, y


def adding_problem_baseline(low=-1.0, high=1.0):
    """MSE of always predicting the mean target of :func:`adding_problem`.

    The target is the sum of two independent uniform numbers, so its variance
    is ``2 * (high - low)**2 / 12``; a model whose MSE stays near this value has
    learned nothing about the marked numbers.

    Example:
        >>> round(adding_problem_baseline(), 4)  # numbers in [-1, 1)
        0.6667
    """
    low, high = _range("adding_problem_baseline", low, high)
    return 2.0 * (high - low) ** 2 / 12.0


def _range(fn, low, high):
    low, high = checks.number(low, "low", caller=fn), checks.number(high, "high", caller=fn)
    if not low < high:
        raise ValueError(f"{fn} needs low < high, got low={low!r}, high={high!r}.")
    return low, high


def recall_task(n, length, n_symbols=4, *, position=0, one_hot=True, seed=None):
    """Random symbol sequences whose label is the symbol at ``position``.

    Every step shows a random symbol; only the one at ``position`` matters and
    every later step is a distraction, like the words between *France* and
    *fluent ___*. Chance accuracy is ``1 / n_symbols``.

    Args:
        n: number of sequences, int >= 1.
        length: time steps per sequence, int >= 1.
        n_symbols: alphabet size, int >= 2. Default 4.
        position: the step whose symbol is the label; negative values count
            from the end as in Python. Default 0, the first step.
        one_hot: return ``x`` one-hot, float32 ``(n, length, n_symbols)``;
            with ``False``, int32 symbol ids ``(n, length)`` (for an
            ``Embedding``).
        seed: int, ``numpy.random.Generator`` or ``None``.

    Returns:
        ``(x, y)``: the sequences and int32 labels ``(n,)``.

    Example:
        >>> from rnncourse import tasks
        >>> x, y = tasks.recall_task(3, 8, n_symbols=5, seed=0)
        >>> x.shape  # (n, time, n_symbols)
        (3, 8, 5)
        >>> bool((x[:, 0].argmax(-1) == y).all())
        True
    """
    fn = "recall_task"
    n = checks.positive_int(n, "n", caller=fn)
    length = checks.positive_int(length, "length", caller=fn)
    n_symbols = checks.integer(n_symbols, "n_symbols", low=2, caller=fn)
    position = checks.integer(
        position,
        "position",
        low=-length,
        high=length - 1,
        caller=fn,
        about=f"(a step of length={length}, negative from the end)",
    )
    rng = _rng(seed, fn)
    symbols = rng.integers(0, n_symbols, size=(n, length)).astype("int32")  # (n, time)
    y = symbols[:, position].copy()  # (n,)
    if not one_hot:
        return symbols, y
    x = np.eye(n_symbols, dtype="float32")[symbols]  # (n, time, n_symbols)
    return x, y


def copy_task(n, n_copy=5, delay=20, n_symbols=8, *, seed=None):
    """The copy (memory) task: read symbols, wait, write them back in order.

    A sequence has ``n_copy + delay + n_copy`` steps and ``n_symbols + 2``
    token ids: ``1 .. n_symbols`` are symbols, ``0`` is the blank and
    ``n_symbols + 1`` the *go* signal. The input shows ``n_copy`` random
    symbols, then ``delay - 1`` blanks, then *go*, then ``n_copy`` blanks; the
    target is blank everywhere except the last ``n_copy`` steps, which repeat
    the symbols. A model that never remembers scores about
    ``n_copy * log(n_symbols) / (2 * n_copy + delay)`` cross-entropy per step
    (Arjovsky, Shah and Bengio, 2016).

    Args:
        n: number of sequences, int >= 1.
        n_copy: symbols to remember, int >= 1. Default 5.
        delay: steps from the last symbol to the *go* signal, int >= 1. Default 20.
        n_symbols: alphabet size, int >= 1. Default 8.
        seed: int, ``numpy.random.Generator`` or ``None``.

    Returns:
        ``(x, y)``: int32 token ids, both ``(n, 2 * n_copy + delay)``. Use
        ``np.eye(n_symbols + 2)[x]`` for one-hot inputs.

    Example:
        >>> from rnncourse import tasks
        >>> x, y = tasks.copy_task(1, n_copy=3, delay=4, n_symbols=5, seed=0)
        >>> x.shape  # (n, 3 + 4 + 3)
        (1, 10)
        >>> bool((y[0, -3:] == x[0, :3]).all()), int(x[0, 6])  # copied; go = n_symbols + 1
        (True, 6)
    """
    fn = "copy_task"
    n, n_copy, delay, n_symbols = (
        checks.positive_int(value, name, caller=fn)
        for name, value in (
            ("n", n),
            ("n_copy", n_copy),
            ("delay", delay),
            ("n_symbols", n_symbols),
        )
    )
    rng = _rng(seed, fn)
    steps = 2 * n_copy + delay
    symbols = rng.integers(1, n_symbols + 1, size=(n, n_copy)).astype("int32")  # (n, n_copy)
    x = np.zeros((n, steps), dtype="int32")  # (n, time)
    y = np.zeros((n, steps), dtype="int32")  # (n, time)
    x[:, :n_copy] = symbols
    x[:, n_copy + delay - 1] = n_symbols + 1  # the go signal
    y[:, -n_copy:] = symbols
    return x, y
