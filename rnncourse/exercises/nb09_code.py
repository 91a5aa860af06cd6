"""Coding exercises of notebook 09 (speech): CTC greedy decoding, then the CTC forward recursion."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _logits_for(rng, paths, n_classes):
    """Logits (batch, steps, classes) whose best class at each step is the given path."""
    paths = np.asarray(paths)
    noise = rng.normal(0, 0.5, (*paths.shape, n_classes))
    return noise + 4.0 * np.eye(n_classes)[paths]


def _random_paths(rng, batch, steps, n_classes, blank):
    """Paths with blanks and repeated labels, as a CTC model's best classes look."""
    labels = [c for c in range(n_classes) if c != blank]
    paths = np.full((batch, steps), blank)
    for i in range(batch):
        t = 0
        while t < steps:
            run = int(rng.integers(1, 3))  # each symbol held for 1 or 2 steps
            paths[i, t : t + run] = blank if rng.random() < 0.4 else rng.choice(labels)
            t += run
    return paths


def _greedy_cases(rng):
    cases = []
    # one of each: repeats to merge, a blank between a repeated label, a blank run,
    # and labels on the padded steps after each length
    paths = [[1, 1, 0, 1, 2, 2, 0, 3], [0, 2, 2, 0, 0, 1, 3, 3], [3, 0, 0, 3, 1, 2, 2, 1]]
    cases.append(
        (
            "batch 3, 8 steps, 4 classes, lengths 8, 6 and 4",
            {
                "logits": _logits_for(rng, paths, 4),
                "lengths": np.array([8, 6, 4]),
                "blank": 0,
            },
        )
    )
    cases.append(
        (
            "one step of one example",
            {"logits": _logits_for(rng, [[2]], 3), "lengths": np.array([1]), "blank": 0},
        )
    )
    cases.append(
        (
            "batch 2, 5 steps, every step blank",
            {
                "logits": _logits_for(rng, np.zeros((2, 5), int), 4),
                "lengths": np.array([5, 3]),
                "blank": 0,
            },
        )
    )
    paths = _random_paths(rng, 4, 12, 6, blank=5)
    cases.append(
        (
            "batch 4, 12 steps, 6 classes, the blank is the last class (5)",
            {
                "logits": _logits_for(rng, paths, 6),
                "lengths": rng.integers(6, 13, 4),
                "blank": 5,
            },
        )
    )
    paths = _random_paths(rng, 3, 20, 11, blank=0)
    cases.append(
        (
            "batch 3, 20 steps, 11 classes (blank + 10 digits)",
            {
                "logits": _logits_for(rng, paths, 11),
                "lengths": rng.integers(10, 21, 3),
                "blank": 0,
            },
        )
    )
    return cases


def _greedy_with(logits, lengths, blank, labels_of, fill=-1):
    best = logits.argmax(axis=-1)
    out = np.full(best.shape, fill)
    for i, n in enumerate(lengths):
        labels = labels_of(best[i, :n], blank)
        out[i, : len(labels)] = labels
    return out


def _collapse_plain(path, blank):
    out, previous = [], None
    for label in path:
        if label != previous and label != blank:
            out.append(label)
        previous = label
    return out


def _greedy_collapse(logits, lengths, blank):
    from rnncourse.ctc import collapse

    best = logits.argmax(axis=-1)  # (batch, steps)
    out = np.full(best.shape, -1)
    for i, n in enumerate(lengths):
        labels = collapse(best[i, :n], blank=blank)
        out[i, : len(labels)] = labels
    return out


def _greedy_lengths_ignored(logits, lengths, blank):
    return _greedy_with(logits, [logits.shape[1]] * len(lengths), blank, _collapse_plain)


def _greedy_blanks_first(logits, lengths, blank):
    def labels_of(path, blank):
        path = path[path != blank]
        return path[np.r_[True, path[1:] != path[:-1]]] if len(path) else path

    return _greedy_with(logits, lengths, blank, labels_of)


def _greedy_no_merge(logits, lengths, blank):
    return _greedy_with(logits, lengths, blank, lambda path, blank: path[path != blank])


def _greedy_blanks_kept(logits, lengths, blank):
    return _greedy_with(
        logits, lengths, blank, lambda path, blank: path[np.r_[True, path[1:] != path[:-1]]]
    )


def _greedy_padded_with_blank(logits, lengths, blank):
    return _greedy_with(logits, lengths, blank, _collapse_plain, fill=blank)


@coding_exercise(
    "09.ctc_greedy",
    "Write ctc_greedy(logits, lengths, blank): greedy CTC decoding of a batch: the best class "
    "at each valid step, repeats merged, blanks dropped, each result padded with -1 to "
    "(batch, steps), as keras.ops.ctc_decode pads.",
    cases=_greedy_cases,
    hints=(
        "Three things in order: read the best class at every step, but only within each "
        "example's length; merge runs of the same class into one; only then drop the blanks "
        "(so that 3 _ 3 keeps both 3s).",
        "best = logits.argmax(axis=-1); for example i take path = best[i, :lengths[i]]; keep a "
        "step where it differs from the step before (np.r_[True, path[1:] != path[:-1]]) and is "
        "not the blank; write the kept labels at the start of a row of np.full(..., -1).",
    ),
    alternatives=(_greedy_collapse,),
    mistakes=(
        Mistake(
            "the padded steps are decoded too: read only the first lengths[i] steps of example i.",
            _greedy_lengths_ignored,
        ),
        Mistake(
            "the blanks are dropped before the repeats are merged, so 3 _ 3 reads as one 3: "
            "merge repeats first, then drop the blanks.",
            _greedy_blanks_first,
        ),
        Mistake(
            "repeated classes are not merged: a label held for several steps is one label.",
            _greedy_no_merge,
        ),
        Mistake(
            "the blanks are kept: drop every blank after merging repeats.",
            _greedy_blanks_kept,
        ),
        Mistake(
            "the rows are padded with the blank: pad with -1, as keras.ops.ctc_decode does.",
            _greedy_padded_with_blank,
        ),
    ),
)
def ctc_greedy(logits, lengths, blank):
    """logits (batch, steps, classes), lengths (batch,) -> labels (batch, steps), padded with -1."""
    best = logits.argmax(axis=-1)  # (batch, steps): the best class at each step
    out = np.full(best.shape, -1)  # (batch, steps)
    for i, n in enumerate(lengths):
        path = best[i, :n]  # (n,): the valid steps only
        new = np.r_[True, path[1:] != path[:-1]]  # (n,): not a repeat of the step before
        labels = path[new & (path != blank)]  # repeats merged, then blanks dropped
        out[i, : len(labels)] = labels
    return out


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _alpha_cases(rng):
    cases = []
    for description, steps, n_classes, target, blank in [
        ("7 steps, 3 classes, target [1, 1, 2] (a repeated label)", 7, 3, [1, 1, 2], 0),
        ("one step, a target of one label", 1, 3, [2], 0),
        ("3 steps for target [2, 2]: only 2 _ 2 fits", 3, 4, [2, 2], 0),
        ("10 steps, 5 classes, target [3, 1, 2, 4]", 10, 5, [3, 1, 2, 4], 0),
        ("6 steps, the blank is the last class (3), target [0, 2, 0]", 6, 4, [0, 2, 0], 3),
    ]:
        probs = _softmax(rng.normal(0, 1.5, (steps, n_classes)))  # (steps, classes)
        cases.append((description, {"probs": probs, "target": np.array(target), "blank": blank}))
    return cases


def _extended(target, blank):
    ext = np.full(2 * len(target) + 1, blank)
    ext[1::2] = target
    return ext


def _alpha_with(probs, target, blank, skip, start_label=True, shift=0):
    """The alpha table with a rule ``skip(ext, s)`` for the jump from s - 2 to s."""
    ext = _extended(target, blank)
    alpha = np.zeros((len(probs), len(ext)))
    alpha[0, 0] = probs[0, blank]
    if start_label:
        alpha[0, 1] = probs[0, ext[1]]
    for t in range(1, len(probs)):
        for s in range(len(ext)):
            a = alpha[t - 1, s] + (alpha[t - 1, s - 1] if s >= 1 else 0.0)
            if s >= 2 and skip(ext, s):
                a += alpha[t - 1, s - 2]
            alpha[t, s] = a * probs[t - shift, ext[s]]
    return alpha


def _skip_rule(ext, s):
    # the right rule: a blank equals the blank two states back, so it never jumps
    return ext[s] != ext[s - 2]


def _alpha_vectorised(probs, target, blank):
    ext = _extended(target, blank)
    can_skip = np.zeros(len(ext), dtype=bool)
    can_skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    alpha = np.zeros((len(probs), len(ext)))
    alpha[0, :2] = probs[0, ext[:2]]
    for t in range(1, len(probs)):
        prev = alpha[t - 1]
        one_back = np.r_[0.0, prev[:-1]]
        two_back = np.where(can_skip, np.r_[0.0, 0.0, prev[:-2]], 0.0)
        alpha[t] = (prev + one_back + two_back) * probs[t, ext]
    return alpha


def _alpha_log_space(probs, target, blank):
    ext = _extended(target, blank)
    log_p = np.log(probs)
    log_alpha = np.full((len(probs), len(ext)), -np.inf)
    log_alpha[0, :2] = log_p[0, ext[:2]]
    for t in range(1, len(probs)):
        for s in range(len(ext)):
            terms = [log_alpha[t - 1, s]]
            if s >= 1:
                terms.append(log_alpha[t - 1, s - 1])
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(log_alpha[t - 1, s - 2])
            log_alpha[t, s] = np.logaddexp.reduce(terms) + log_p[t, ext[s]]
    return np.exp(log_alpha)


@coding_exercise(
    "09.ctc_alpha",
    "Write ctc_alpha(probs, target, blank): the CTC forward variables alpha[t, s], the "
    "probability of all path prefixes up to step t that end in state s of the target "
    "extended with blanks, (steps, 2 * len(target) + 1).",
    cases=_alpha_cases,
    hints=(
        "Write the target with a blank before, between and after its labels ([1, 2] becomes "
        "_ 1 _ 2 _). A path can start in the first blank or the first label; "
        "from one step to the next it may stay in its state, move one state on, or jump two "
        "states on, skipping a blank, but only onto a label that differs from the label two "
        "states back.",
        "ext = np.full(2 * len(target) + 1, blank); ext[1::2] = target. alpha[0, 0] = "
        "probs[0, blank], alpha[0, 1] = probs[0, ext[1]]. For t >= 1: alpha[t, s] = (alpha[t-1, s] "
        "+ alpha[t-1, s-1] + [alpha[t-1, s-2] if ext[s] != blank and ext[s] != ext[s-2]]) * "
        "probs[t, ext[s]], with the terms of s - 1 and s - 2 only where they exist.",
    ),
    alternatives=(_alpha_vectorised, _alpha_log_space),
    mistakes=(
        Mistake(
            "the jump over a blank is allowed between two equal labels: for 1 _ 1 the blank "
            "between them cannot be skipped (the path would read as one 1).",
            lambda probs, target, blank: _alpha_with(
                probs, target, blank, lambda ext, s: ext[s] != blank
            ),
        ),
        Mistake(
            "the jump over a blank is missing: a path may go from a label straight to the next, "
            "different label (s - 2 to s).",
            lambda probs, target, blank: _alpha_with(probs, target, blank, lambda ext, s: False),
        ),
        Mistake(
            "the jump is allowed onto blanks too: only a label can be reached from s - 2, a blank "
            "only from itself or the label before it.",
            lambda probs, target, blank: _alpha_with(probs, target, blank, lambda ext, s: True),
        ),
        Mistake(
            "a path may also start with the first label: set alpha[0, 1] = probs[0, target[0]], "
            "not only alpha[0, 0].",
            lambda probs, target, blank: _alpha_with(
                probs, target, blank, _skip_rule, start_label=False
            ),
        ),
        Mistake(
            "off by one in time: alpha[t] multiplies the probabilities of step t, not of t - 1.",
            lambda probs, target, blank: _alpha_with(probs, target, blank, _skip_rule, shift=1),
        ),
    ),
    rtol=1e-4,
    atol=1e-10,
)
def ctc_alpha(probs, target, blank):
    """probs (steps, classes), target (labels,) without blanks -> alpha (steps, 2 * labels + 1)."""
    ext = np.full(2 * len(target) + 1, blank)  # (S,): blank, l1, blank, l2, ..., blank
    ext[1::2] = target
    alpha = np.zeros((len(probs), len(ext)))  # (steps, S)
    alpha[0, 0] = probs[0, blank]  # a path starts with a blank ...
    alpha[0, 1] = probs[0, ext[1]]  # ... or with the first label
    for t in range(1, len(probs)):
        for s in range(len(ext)):
            a = alpha[t - 1, s]  # stay in the same state
            if s >= 1:
                a += alpha[t - 1, s - 1]  # move on by one state
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                a += alpha[t - 1, s - 2]  # skip the blank between two different labels
            alpha[t, s] = a * probs[t, ext[s]]
    return alpha
