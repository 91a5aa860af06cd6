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

import numbers

import numpy as np

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
    path = np.asarray(path)
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
    if strategy not in _STRATEGIES:
        raise ValueError(f"strategy must be one of {_STRATEGIES}, got {strategy!r}.")
    if not isinstance(beam_width, numbers.Integral) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive int, got {beam_width!r}.")
    logits = np.asarray(logits, dtype=np.float32)
    if logits.ndim != 3:
        raise ValueError(f"logits must be (batch, time, classes), got shape {logits.shape}.")
    lengths = np.asarray(lengths, dtype=np.int32)
    if lengths.shape != (logits.shape[0],) or (lengths < 0).any() or (lengths > logits.shape[1]).any():
        raise ValueError(f"lengths must be {logits.shape[0]} ints in [0, {logits.shape[1]}] "
                         f"(the valid frames of each example), got {lengths!r}.")
    if not 0 <= blank < logits.shape[2]:
        raise ValueError(f"blank must be a class id in [0, {logits.shape[2]}), got {blank!r}.")
    from keras import ops

    decoded, _ = ops.ctc_decode(logits, lengths, strategy=strategy, beam_width=int(beam_width),
                                top_paths=1, mask_index=int(blank))
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
    ref, hyp = list(reference), list(hypothesis)
    row = list(range(len(hyp) + 1))  # distances from the empty reference prefix
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1,  # delete r
                                           row[j - 1] + 1,  # insert h
                                           diagonal + (r != h))  # substitute (or match)
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
    references, hypotheses = list(references), list(hypotheses)
    if len(references) != len(hypotheses):
        raise ValueError(f"references and hypotheses must align, got {len(references)} "
                         f"references and {len(hypotheses)} hypotheses.")
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("references are all empty; an error rate needs at least one symbol.")
    return sum(edit_distance(r, h) for r, h in zip(references, hypotheses, strict=True)) / total
