"""Argument checks shared by the course's functions and layers.

A learner's mistake should stop with a message that names the argument, shows
what was received, says what was expected and, where it helps, how to fix it;
never with a kernel error from deep inside TensorFlow, and never with a quiet
wrong answer. Every check here raises ``ValueError`` with such a message, or
returns the value converted (a Python ``int`` or ``float``, a NumPy array), so
a caller writes::

    units = checks.positive_int(units, "units", caller="MinGRU")

- :func:`integer`, :func:`positive_int`, :func:`non_negative_int`: integers
  as ``numbers.Integral`` (so ``np.int64`` from a grid is accepted; ``True``
  and ``2.0`` are not).
- :func:`number`: one real number, finite unless told otherwise, in a range
  (``np.float32`` is accepted; a bool, a string or an array is not).
- :func:`finite_array`: an array with no NaN or infinity.
- :func:`ids`: an array of integer ids (floats are refused, with the fix).
- :func:`shape`: a shape, against one written in the caller's terms, such as
  ``("batch", "time", 8)``; works on the static shapes of symbolic tensors.
- :func:`choice`: one of a few options, listed in the message.
- :data:`SPLITS` and :func:`split`: the data sets' split names.

The checks are cheap (Python comparisons, one pass over an array at most), so
they can sit on hot paths.
"""

import numbers

import numpy as np

__all__ = [
    "SPLITS",
    "choice",
    "finite_array",
    "ids",
    "integer",
    "non_negative_int",
    "number",
    "positive_int",
    "shape",
    "split",
]

#: The split names every loader returns, in order.
SPLITS = ("train", "validation", "test")


def _subject(name, caller):
    return f"{caller}({name}=...)" if caller else name


def _tail(note):
    return f" {note}" if note else ""


def _is_bool(value):
    return isinstance(value, (bool, np.bool_)) or "bool" in str(getattr(value, "dtype", ""))


def integer(value, name, *, low=None, high=None, caller=None, about="", note=""):
    """Return ``value`` as an ``int``, or raise unless it is an integer in ``[low, high]``.

    Args:
        value: the argument received.
        name: its name, as the caller's signature spells it.
        low, high: inclusive bounds; ``None`` for none.
        caller: the function or layer, to name in the message (optional).
        about: words after the expectation, e.g. ``"(the size of the state)"``.
        note: a sentence appended to the message (a fix, a hint).

    Example:
        >>> integer(np.int64(8), "units", low=1)
        8
        >>> integer(2.0, "units", low=1, caller="MinGRU")
        Traceback (most recent call last):
        ...
        ValueError: MinGRU(units=...) must be a positive integer, got units=2.0.
    """
    if (
        not isinstance(value, numbers.Integral)
        or _is_bool(value)
        or not ((low is None or value >= low) and (high is None or value <= high))
    ):
        if low is not None and high is not None:
            what = f"an integer from {low} to {high}"
        elif low == 1:
            what = "a positive integer"
        elif low == 0:
            what = "a non-negative integer"
        elif low is not None:
            what = f"an integer >= {low}"
        elif high is not None:
            what = f"an integer <= {high}"
        else:
            what = "an integer"
        raise ValueError(
            f"{_subject(name, caller)} must be {what}{_tail(about)}, "
            f"got {name}={value!r}.{_tail(note)}"
        )
    return int(value)


def positive_int(value, name, **kwargs):
    """:func:`integer` with ``low=1``.

    Example:
        >>> positive_int(0, "horizon")
        Traceback (most recent call last):
        ...
        ValueError: horizon must be a positive integer, got horizon=0.
    """
    return integer(value, name, low=1, **kwargs)


def non_negative_int(value, name, **kwargs):
    """:func:`integer` with ``low=0``."""
    return integer(value, name, low=0, **kwargs)


def number(
    value,
    name,
    *,
    low=None,
    high=None,
    low_open=False,
    high_open=False,
    finite=True,
    caller=None,
    about="",
    note="",
):
    """Return ``value`` as a ``float``, or raise unless it is one real number in range.

    A bool (also NumPy's ``np.True_``, what ``acc > 0.9`` gives), a string,
    ``None`` and an array of several numbers are refused; a NumPy or Keras
    scalar, or an array holding one number, is accepted.

    Args:
        value, name, caller, about, note: as for :func:`integer`.
        low, high: bounds; ``None`` for none.
        low_open, high_open: exclude the bound itself (``> low``, ``< high``).
        finite: refuse NaN and infinity; ``False`` lets them through (for a
            caller that has its own message for them).

    Example:
        >>> number(np.float32(0.5), "dropout", low=0, high=1, high_open=True)
        0.5
        >>> number(np.float64(0.95) > 0.9, "value", caller="check_outcome")
        Traceback (most recent call last):
        ...
        ValueError: check_outcome(value=...) must be a finite number, got the bool value=...True...: pass the number itself, not a comparison.
    """
    parts = []
    if low is not None and high is not None:
        parts.append(f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}")
    elif low is not None:
        parts.append(f"{'>' if low_open else '>='} {low}")
    elif high is not None:
        parts.append(f"{'<' if high_open else '<='} {high}")
    what = (
        ("a finite number" if finite else "a number")
        + (f" {parts[0]}" if parts else "")
        + _tail(about)
    )
    out = None
    if not (_is_bool(value) or isinstance(value, (str, bytes)) or value is None):
        try:
            out = float(np.asarray(value, dtype=np.float64).reshape(()))
        except (TypeError, ValueError):
            out = None
    if (
        out is None
        or (finite and not np.isfinite(out))
        or not (
            (low is None or (out > low if low_open else out >= low))
            and (high is None or (out < high if high_open else out <= high))
        )
    ):
        if _is_bool(value):  # acc > 0.9 where acc itself was due
            raise ValueError(
                f"{_subject(name, caller)} must be {what}, got the bool {name}={value!r}: "
                f"pass the number itself, not a comparison.{_tail(note)}"
            )
        raise ValueError(
            f"{_subject(name, caller)} must be {what}, got {name}={value!r}.{_tail(note)}"
        )
    return out


def finite_array(values, name, *, dtype=np.float64, allow_neg_inf=False, caller=None, note=""):
    """Return ``values`` as a NumPy array, or raise if it holds NaN or infinity.

    Args:
        values: array-like.
        name, caller, note: as for :func:`integer`.
        dtype: the dtype of the array returned.
        allow_neg_inf: accept ``-inf`` (a log-probability of 0, or a logit
            masked out on purpose).

    Example:
        >>> finite_array([1.0, float("nan")], "y_pred", note="Did the model diverge?")
        Traceback (most recent call last):
        ...
        ValueError: y_pred holds NaN (1 of 2 values, the first at index (1,)). Did the model diverge?
    """
    arr = np.asarray(values, dtype=dtype)
    ok = np.isfinite(arr)
    if allow_neg_inf:
        ok |= arr == -np.inf
    if not ok.all():
        bad = ~ok
        kinds = [
            kind
            for kind, mask in (
                ("NaN", np.isnan(arr)),
                ("inf", np.isposinf(arr)),
                ("-inf", np.isneginf(arr)),
            )
            if (mask & bad).any()
        ]
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{_subject(name, caller)} holds {' and '.join(kinds)} ({int(bad.sum())} of {arr.size} "
            f"values, the first at index {first}).{_tail(note)}"
        )
    return arr


def ids(values, name, *, high=None, caller=None, what="ids", note="take probs.argmax(-1) first."):
    """Return ``values`` as an ``int64`` array of ids in ``[0, high)``, or raise.

    Floats are refused even when whole: an array of floats where ids are due is
    most often probabilities or scores whose ``argmax`` was forgotten.

    Args:
        values: array-like of ids (a list, a NumPy array, NumPy integers).
        name, caller: as for :func:`integer`.
        high: ids must be below it (the vocabulary size); ``None`` for no bound.
        what: what the values are, in the caller's terms (``"ids"``, ``"states"``).
        note: the fix for float values, in the caller's terms.

    Example:
        >>> ids([5, np.int64(6)], "ids", high=8)
        array([5, 6])
        >>> ids(np.array([[0.1, 0.9]]), "ids")
        Traceback (most recent call last):
        ...
        ValueError: ids must be integer ids, got an array of float64 values such as 0.1 (shape (1, 2)): probabilities or scores? take probs.argmax(-1) first.
    """
    arr = np.asarray(values)
    subject = _subject(name, caller)
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind in "fO"):  # [] is fine
        if arr.dtype.kind != "f":
            raise ValueError(
                f"{subject} must be integer {what}, got {values!r} (dtype {arr.dtype})."
            )
        fraction = np.mod(arr, 1) != 0
        if not fraction.any():
            raise ValueError(
                f"{subject} must be integer {what}, got whole numbers of dtype {arr.dtype} (shape "
                f"{arr.shape}): cast them with .astype(int)."
            )
        raise ValueError(
            f"{subject} must be integer {what}, got an array of {arr.dtype} values such as "
            f"{arr.flat[int(np.argmax(fraction))]:.3g} (shape {arr.shape}): probabilities or "
            f"scores? {note}"
        )
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or (high is not None and arr.max() >= high)):
        bad = arr[(arr < 0) | (arr >= (high if high is not None else np.inf))]
        where = f"[0, {high})" if high is not None else ">= 0"
        raise ValueError(
            f"{subject} must be {what} in {where}, got {int(bad[0])} (shape {arr.shape})."
        )
    return arr


def _dims(expected):
    return "(" + ", ".join(str(d) for d in expected) + (",)" if len(expected) == 1 else ")")


def shape(received, name, expected, *, caller=None, note=""):
    """Raise unless the shape ``received`` matches ``expected``.

    Args:
        received: a shape (a tuple, ``TensorShape`` or a Keras tensor's
            ``.shape``; ``None`` entries are unknown and match anything), or an
            array whose shape to check.
        name, caller, note: as for :func:`integer`.
        expected: the expected shape in the caller's terms: a tuple whose
            entries are an ``int`` (that size), a ``str`` (a named size, any
            value, e.g. ``"batch"``) or ``None`` (anything). Or a list of such
            tuples, of which one must match.

    Example:
        >>> shape((2, 7, 3), "values", ("batch", "value_time", 6), caller="BahdanauAttention")
        Traceback (most recent call last):
        ...
        ValueError: BahdanauAttention expects values shaped (batch, value_time, 6), received values of shape (2, 7, 3).
    """
    got = tuple(received.shape) if hasattr(received, "shape") else tuple(received)
    got = tuple(None if d is None else int(d) for d in got)
    options = expected if isinstance(expected, list) else [expected]
    for option in options:
        if len(option) == len(got) and all(
            not isinstance(e, numbers.Integral) or g is None or e == g
            for e, g in zip(option, got, strict=True)
        ):
            return
    wanted = " or ".join(_dims(o) for o in options)
    who = f"{caller} expects" if caller else "expected"
    raise ValueError(f"{who} {name} shaped {wanted}, received {name} of shape {got}.{_tail(note)}")


def choice(value, name, options, *, caller=None, note=""):
    """Return ``value``, or raise unless it is one of ``options`` (listed in the message).

    Example:
        >>> choice("beam", "strategy", ("greedy", "beam_search"))
        Traceback (most recent call last):
        ...
        ValueError: strategy must be one of ('greedy', 'beam_search'), got strategy='beam'.
    """
    try:
        known = any(isinstance(value, type(option)) and value == option for option in options)
    except (TypeError, ValueError):  # an array compared element-wise
        known = False
    if not known:
        raise ValueError(
            f"{_subject(name, caller)} must be one of {tuple(options)}, "
            f"got {name}={value!r}.{_tail(note)}"
        )
    return value


def split(value, *, allow_none=True):
    """Return a split name (or ``None`` for all three), or raise listing :data:`SPLITS`.

    Example:
        >>> split("valid")
        Traceback (most recent call last):
        ...
        ValueError: split must be one of ('train', 'validation', 'test') or None, got 'valid'.
    """
    if (value is None and allow_none) or (isinstance(value, str) and value in SPLITS):
        return value
    raise ValueError(
        f"split must be one of {SPLITS}{' or None' if allow_none else ''}, got {value!r}."
    )
