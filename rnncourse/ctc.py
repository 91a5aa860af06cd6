"""Connectionist temporal classification (CTC) helpers: collapse, decode, score.

A CTC model emits one distribution per input frame over the labels plus a
*blank*; a frame-level path such as ``4 4 _ _ 2 2 _ 7`` (``_`` the blank) reads
as the label sequence ``4 2 7`` after :func:`collapse` merges repeats and drops
blanks. Keras trains such a model with ``keras.ops.ctc_loss`` and decodes it
with ``keras.ops.ctc_decode``; this module adds what a notebook needs around
them:

- :func:`collapse`: the CTC collapsing rule on one path, in plain Python.
- :func:`ctc_decode_lists`: ``keras.ops.ctc_decode`` (greedy or beam search)
  returned as one Python list of labels per example, padding removed.
- :func:`edit_distance`: the Levenshtein distance between two sequences.
- :func:`error_rate`: edits over reference length for a whole test set (a
  digit, character or word error rate).

Only :func:`ctc_decode_lists` uses Keras, and imports it when called, so the
other helpers work without TensorFlow.
"""

import numpy as np

from rnncourse import checks

__all__ = ["collapse", "ctc_decode_lists", "edit_distance", "error_rate"]

_STRATEGIES = ("greedy", "beam_search")


def collapse(path, blank=0):
    """Apply the CTC collapsing rule: merge repeated labels, then drop blanks.

    Args:
        path: a sequence of label ids, one per frame (a list or a 1-D array).
        blank: the id of the blank label.

    Returns:
        A list of ints: the label sequence the path spells.

    Example:
        >>> collapse([0, 5, 5, 0, 0, 3, 0, 3, 3])  # "_ 5 5 _ _ 3 _ 3 3"
        [5, 3, 3]
    """
    path = checks.ids(
        path, "path", note="take logits.argmax(-1) first: a path is one label per frame."
    )
    if path.ndim != 1:
        raise ValueError(f"path must be 1-D (one label per frame), got shape {path.shape}.")
    out = []
    previous = None
    for label in path.tolist():
        if label != previous and label != blank:
            out.append(int(label))
        previous = label
    return out


def ctc_decode_lists(logits, lengths, strategy="greedy", beam_width=16, blank=0):
    """Decode a batch of CTC outputs with ``keras.ops.ctc_decode`` into lists.

    ``keras.ops.ctc_decode`` returns a dense ``(top_paths, batch, time)``
    tensor padded with -1; this keeps the best path of each example and turns
    it into a plain list of label ids (the blank never appears in it).

    Args:
        logits: ``(batch, time, classes)`` unnormalised scores (or log
            probabilities) of a CTC model; not softmax probabilities.
        lengths: ``(batch,)`` ints, the valid frames of each example.
        strategy: ``"greedy"`` (best label per frame, then :func:`collapse`) or
            ``"beam_search"`` (keeps the ``beam_width`` most likely prefixes).
        beam_width: beams kept by ``"beam_search"``.
        blank: the id of the blank label (``mask_index`` in Keras).

    Returns:
        A list of ``batch`` lists of ints, in the labels' own ids (the blank
        id never appears).

    Example:
        >>> logits = np.log([[[0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]])
        >>> ctc_decode_lists(logits.astype("float32"), [3])
        [[1, 2]]
    """
    checks.choice(strategy, "strategy", _STRATEGIES)
    beam_width = checks.positive_int(beam_width, "beam_width")
    logits = checks.finite_array(
        logits,
        "logits",
        dtype=np.float32,
        note="A NaN usually means the model diverged; it would decode as empty transcripts.",
    )
    if logits.ndim != 3:
        raise ValueError(f"logits must be (batch, time, classes), got shape {logits.shape}.")
    lengths = np.asarray(lengths)
    if (
        lengths.dtype.kind not in "iu"
        or lengths.shape != (logits.shape[0],)
        or (lengths < 0).any()
        or (lengths > logits.shape[1]).any()
    ):
        raise ValueError(
            f"lengths must be {logits.shape[0]} ints in [0, {logits.shape[1]}] "
            f"(the valid frames of each example), got {lengths!r}."
        )
    blank = checks.integer(blank, "blank", low=0, high=logits.shape[2] - 1, about="(a class id)")
    valid = np.arange(logits.shape[1]) < lengths[:, None]  # (batch, time)
    if (
        strategy == "beam_search"
        and valid.any()
        and ((logits[valid] >= 0).all() and np.allclose(logits[valid].sum(axis=-1), 1.0, atol=1e-3))
    ):
        raise ValueError(
            "logits look like softmax probabilities (every frame is >= 0 and sums to 1); beam "
            "search reads them as scores. Pass the model's outputs before the softmax, or "
            "np.log(probs)."
        )
    from keras import ops

    decoded, _ = ops.ctc_decode(
        logits,
        lengths.astype(np.int32),
        strategy=strategy,
        beam_width=beam_width,
        top_paths=1,
        mask_index=blank,
    )
    best = ops.convert_to_numpy(decoded)[0]  # (batch, time), -1 after the end
    return [[int(t) for t in row if t >= 0] for row in best]


def edit_distance(reference, hypothesis):
    """Levenshtein distance: the fewest substitutions, insertions and deletions.

    Args:
        reference: the true sequence (a string, list or 1-D array).
        hypothesis: the recognised sequence.

    Returns:
        An int: the number of edits that turn ``hypothesis`` into ``reference``.

    Example:
        >>> edit_distance("4271", "421")  # one deletion
        1
        >>> edit_distance([4, 2, 7], [4, 9, 7, 7])  # a substitution and an insertion
        2
    """
    ref, hyp = (
        _symbols(reference, "reference", one=True),
        _symbols(hypothesis, "hypothesis", one=True),
    )
    _same_kind([ref], [hyp], "reference", "hypothesis", verb="holds")
    row = list(range(len(hyp) + 1))  # distances from the empty reference prefix
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = (
                row[j],
                min(
                    row[j] + 1,  # delete r
                    row[j - 1] + 1,  # insert h
                    diagonal + (r != h),
                ),
            )  # substitute (or match)
    return row[-1]


def error_rate(references, hypotheses):
    """Total edit distance over total reference length, for a whole test set.

    With digits as symbols this is the digit error rate (like a word error
    rate for words). It can exceed 1 when the hypotheses insert many symbols.

    Args:
        references: a list of true sequences.
        hypotheses: a list of recognised sequences, aligned with ``references``.

    Returns:
        A float: ``sum(edit_distance(r, h)) / sum(len(r))``.

    Example:
        >>> error_rate(["427", "90"], ["421", "90"])  # 1 edit over 5 digits
        0.2
    """
    references = [_symbols(r, "references") for r in _sequence(references, "references")]
    hypotheses = [_symbols(h, "hypotheses") for h in _sequence(hypotheses, "hypotheses")]
    if len(references) != len(hypotheses):
        raise ValueError(
            f"references and hypotheses must align, got {len(references)} "
            f"references and {len(hypotheses)} hypotheses."
        )
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("references are all empty; an error rate needs at least one symbol.")
    _same_kind(references, hypotheses, "references", "hypotheses")
    return sum(edit_distance(r, h) for r, h in zip(references, hypotheses, strict=True)) / total


def _sequence(values, name):
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise ValueError(
            f"{name} must be a list of sequences (e.g. ['427', '90']), got {values!r}."
        )
    return list(values)


def _symbols(sequence, name, one=False):
    """One sequence as a list of symbols, or an error naming ``name``."""
    if isinstance(sequence, (str, list, tuple)) or (
        isinstance(sequence, np.ndarray) and sequence.ndim == 1
    ):
        return list(sequence)
    raise ValueError(
        f"{name} must {'be a sequence' if one else 'hold sequences'} (a str, list or "
        f"1-D array), got {sequence!r}; write a number as a str ('427') or a list of "
        "its digits ([4, 2, 7])."
    )


def _same_kind(references, hypotheses, ref_name, hyp_name, verb="hold"):
    """Raise if one side spells with characters (str) and the other with numbers."""

    def kinds(sequences):
        found = {"str" if isinstance(s, str) else "number" for seq in sequences for s in seq}
        return (
            " and ".join(sorted(found)).replace("str", "str symbols").replace("number", "numbers")
        )

    def show(seq):
        return (
            repr("".join(seq))
            if all(isinstance(s, str) and len(s) == 1 for s in seq)
            else repr(seq)
        )

    ref_kinds, hyp_kinds = kinds(references), kinds(hypotheses)
    if ref_kinds and hyp_kinds and (ref_kinds != hyp_kinds or " and " in ref_kinds):
        example = next(r for r in references if r), next((h for h in hypotheses if h), [])
        raise ValueError(
            f"{ref_name} {verb} {ref_kinds} but {hyp_name} {verb} {hyp_kinds} (e.g. "
            f"{show(example[0])} against {show(example[1])}): '4' never equals 4, so every "
            "symbol would count as an error. Write both the same way, e.g. "
            "''.join(map(str, ids)) for each list of digit ids."
        )
