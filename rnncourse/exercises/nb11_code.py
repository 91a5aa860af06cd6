"""Coding exercises of notebook 11 (captioning): teacher-forcing arrays for captions, then
additive attention over an image's grid of feature vectors."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


# --------------------------------------------------------------------------- teacher forcing
def _caption(rng, n_words, unk_id, low=4, high=20, unk_at=None):
    words = [int(t) for t in rng.integers(low, high, size=n_words)]
    if unk_at is not None:
        words[unk_at] = unk_id
    return words


def _caption_cases(rng):
    ids = {"start_id": 2, "end_id": 3, "unk_id": 1}
    return [
        (
            "4 captions of 2 to 6 words, one with an <unk> word, max_len 8",
            {
                "captions": [
                    _caption(rng, 5, 1),
                    _caption(rng, 2, 1),
                    _caption(rng, 6, 1, unk_at=2),
                    _caption(rng, 4, 1),
                ],
                "max_len": 8,
                **ids,
            },
        ),
        (
            "a caption of max_len - 1 words: its <end> is the last target",
            {"captions": [_caption(rng, 5, 1), _caption(rng, 3, 1)], "max_len": 6, **ids},
        ),
        (
            "a caption longer than max_len: it is cut, and has no <end>",
            {"captions": [_caption(rng, 9, 1), _caption(rng, 1, 1)], "max_len": 5, **ids},
        ),
        (
            "one caption of one word",
            {"captions": [_caption(rng, 1, 1)], "max_len": 4, **ids},
        ),
        (
            "an empty caption (the target is just <end>), other reserved ids: "
            "unk 4, start 5, end 6",
            {
                "captions": [[], _caption(rng, 3, 4, low=7, unk_at=0), _caption(rng, 2, 4, low=7)],
                "max_len": 4,
                "start_id": 5,
                "end_id": 6,
                "unk_id": 4,
            },
        ),
    ]


def _full(captions, max_len, start_id, end_id, end=True):
    full = np.zeros((len(captions), max_len + 1), dtype="int32")  # (n, max_len + 1)
    for i, words in enumerate(captions):
        ids = ([start_id, *words, end_id] if end else [start_id, *words])[: max_len + 1]
        full[i, : len(ids)] = ids
    return full


def _weights(targets, unk_id):
    return ((targets != 0) & (targets != unk_id)).astype("float32")


def _arrays_padded(captions, max_len, start_id, end_id, unk_id):
    from rnncourse import data

    full, real = data.pad_sequences(
        [[start_id, *c, end_id] for c in captions], maxlen=max_len + 1
    )  # (n, max_len + 1) each: ids and the mask of real ids
    dec_out = full[:, 1:]  # (n, max_len)
    return full[:, :-1], dec_out, (real[:, 1:] & (dec_out != unk_id)).astype("float32")


def _arrays_lists(captions, max_len, start_id, end_id, unk_id):
    dec_in, dec_out, weights = [], [], []
    for words in captions:
        sentence = [start_id, *words, end_id] + [0] * max_len  # padded well past max_len
        inputs, targets = sentence[:max_len], sentence[1 : max_len + 1]
        dec_in.append(inputs)
        dec_out.append(targets)
        weights.append([0.0 if t in (0, unk_id) else 1.0 for t in targets])
    return np.array(dec_in), np.array(dec_out), np.array(weights)


def _not_shifted(captions, max_len, start_id, end_id, unk_id):
    dec_in = _full(captions, max_len, start_id, end_id)[:, :-1]
    return dec_in, dec_in, _weights(dec_in, unk_id)


def _swapped(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id)
    return full[:, 1:], full[:, :-1], _weights(full[:, :-1], unk_id)


def _padding_weighted(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id)
    return full[:, :-1], full[:, 1:], (full[:, 1:] != unk_id).astype("float32")


def _unk_weighted(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id)
    return full[:, :-1], full[:, 1:], (full[:, 1:] != 0).astype("float32")


def _no_end(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id, end=False)
    return full[:, :-1], full[:, 1:], _weights(full[:, 1:], unk_id)


def _input_without_end(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id)
    dec_in = np.where(full[:, :-1] == end_id, 0, full[:, :-1])
    return dec_in, full[:, 1:], _weights(full[:, 1:], unk_id)


def _weights_of_inputs(captions, max_len, start_id, end_id, unk_id):
    full = _full(captions, max_len, start_id, end_id)
    return full[:, :-1], full[:, 1:], _weights(full[:, :-1], unk_id)


@coding_exercise(
    "11.caption_arrays",
    "Write caption_arrays(captions, max_len, start_id, end_id, unk_id): the teacher-forcing "
    "arrays of a batch of captions (lists of word ids): decoder input <start> w1 w2 ..., target "
    "w1 w2 ... <end>, both padded with 0 or cut to max_len, and loss weights that are 0 on "
    "padding and <unk> targets.",
    cases=_caption_cases,
    hints=(
        "Write each caption once as <start> words <end>, padded (or cut) to max_len + 1 ids. The "
        "decoder reads all of it but the last id and must predict all of it but the first: the "
        "target at step t is the input at step t + 1. A target that is padding or <unk> teaches "
        "nothing, so it weighs 0.",
        "full = np.zeros((len(captions), max_len + 1), 'int32'); for each caption, ids = "
        "[start_id, *words, end_id][: max_len + 1] and full[i, :len(ids)] = ids. Then dec_in = "
        "full[:, :-1], dec_out = full[:, 1:], weights = ((dec_out != 0) & (dec_out != unk_id))"
        ".astype('float32').",
    ),
    alternatives=(_arrays_padded, _arrays_lists),
    mistakes=(
        Mistake(
            "the target is the same as the input: the target is the input shifted one step "
            "left, the word that comes NEXT (w1 w2 ... <end> for <start> w1 w2 ...).",
            _not_shifted,
        ),
        Mistake(
            "input and target are swapped: the decoder reads <start> w1 w2 ... and must predict "
            "w1 w2 ... <end>.",
            _swapped,
        ),
        Mistake(
            "padding targets have weight 1: weigh 0 where the target is padding (id 0), or the "
            "loss trains the decoder to predict padding.",
            _padding_weighted,
        ),
        Mistake(
            "<unk> targets have weight 1: weigh 0 where the target is unk_id (there is nothing to "
            "learn from predicting 'a word I don't know').",
            _unk_weighted,
        ),
        Mistake(
            "<end> is missing: every caption ends with end_id in the targets, so that the decoder "
            "learns when to stop.",
            _no_end,
        ),
        Mistake(
            "the weights follow the decoder input: they belong to the TARGETS (0 where dec_out is "
            "padding or <unk>).",
            _weights_of_inputs,
        ),
        Mistake(
            "the decoder input stops before <end>: dec_in is dec_out one step earlier, the first "
            "max_len ids of <start> w1 ... <end> 0 0 ...; where <end> fits, the input holds it too.",
            _input_without_end,
        ),
    ),
)
def caption_arrays(captions, max_len, start_id, end_id, unk_id):
    """captions: n lists of word ids -> dec_in, dec_out (n, max_len) int32, weights (n, max_len)."""
    full = np.zeros((len(captions), max_len + 1), dtype="int32")  # (n, max_len + 1), 0 = padding
    for i, words in enumerate(captions):
        ids = [start_id, *words, end_id][: max_len + 1]  # <start> words <end>, cut if too long
        full[i, : len(ids)] = ids
    dec_in, dec_out = full[:, :-1], full[:, 1:]  # (n, max_len) each: the target is one step later
    weights = ((dec_out != 0) & (dec_out != unk_id)).astype("float32")  # (n, max_len)
    return dec_in, dec_out, weights


# --------------------------------------------------------------------------- grid attention
def _grid_case(rng, batch, rows, cols, channels, units, hidden, same=False):
    features = rng.normal(size=(batch, rows, cols, channels))  # (batch, rows, cols, C)
    if same:
        features[:] = rng.normal(size=channels)  # every cell the same
    return {
        "features": features,
        "h": rng.normal(size=(batch, units)),  # (batch, units): the decoder state
        "W_f": rng.normal(0, 0.5, (channels, hidden)),  # (C, hidden)
        "W_h": rng.normal(0, 0.5, (units, hidden)),  # (units, hidden)
        "b": rng.normal(0, 0.5, (hidden,)),  # (hidden,)
        "w": rng.normal(0, 1.0, (hidden,)),  # (hidden,)
    }


def _grid_cases(rng):
    return [
        ("batch 2, a 3x3 grid of 5 features, 4 units", _grid_case(rng, 2, 3, 3, 5, 4, 6)),
        ("a 1x1 grid: all the weight on the one cell", _grid_case(rng, 2, 1, 1, 3, 2, 4)),
        ("one image, a 2x5 grid (not square)", _grid_case(rng, 1, 2, 5, 4, 3, 5)),
        (
            "every cell the same: the weights are even, 1 / (rows * cols)",
            _grid_case(rng, 2, 2, 3, 3, 3, 4, same=True),
        ),
        (
            "batch 3, a 4x4 grid of 8 features, as in the notebook",
            _grid_case(rng, 3, 4, 4, 8, 5, 6),
        ),
    ]


def _grid_scores(cells, h, W_f, W_h, b, w, use_h=True, tanh=np.tanh):
    query = (h @ W_h)[:, None, :] if use_h else 0.0
    return tanh(cells @ W_f + query + b) @ w  # (batch, cells)


def _softmax(scores, axis=-1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _flat(features):
    batch, rows, cols, channels = features.shape
    return features.reshape(batch, rows * cols, channels)


def _grid_layer(features, h, W_f, W_h, b, w):
    from rnncourse.layers import BahdanauAttention

    batch, rows, cols, channels = features.shape
    cells = features.reshape(batch, rows * cols, channels).astype("float32")
    layer = BahdanauAttention(W_f.shape[1])
    layer.build(h.shape, cells.shape)
    layer.set_weights([W_h, W_f, b, w])  # query (h), values (cells), bias, score vector
    context, weights = layer(h.astype("float32"), cells)  # (batch, C), (batch, cells)
    return context, np.reshape(weights, (batch, rows, cols))


def _grid_einsum(features, h, W_f, W_h, b, w):
    hidden = np.tanh(
        np.einsum("byxc,ca->byxa", features, W_f)
        + np.einsum("bu,ua->ba", h, W_h)[:, None, None]
        + b
    )  # (batch, rows, cols, hidden)
    scores = np.einsum("byxa,a->byx", hidden, w)  # (batch, rows, cols)
    e = np.exp(scores - scores.max(axis=(1, 2), keepdims=True))
    weights = e / e.sum(axis=(1, 2), keepdims=True)  # (batch, rows, cols)
    return np.einsum("byx,byxc->bc", weights, features), weights


def _per_row(features, h, W_f, W_h, b, w):
    batch, rows, cols, _ = features.shape
    scores = _grid_scores(_flat(features), h, W_f, W_h, b, w).reshape(batch, rows, cols)
    weights = _softmax(scores, axis=-1)  # one softmax per row of the grid
    return np.einsum("byx,byxc->bc", weights, features), weights


def _column_major(features, h, W_f, W_h, b, w):
    batch, rows, cols, channels = features.shape
    cells = features.transpose(0, 2, 1, 3).reshape(batch, rows * cols, channels)  # column by column
    weights = _softmax(_grid_scores(cells, h, W_f, W_h, b, w))
    return np.einsum("bn,bnc->bc", weights, cells), weights.reshape(batch, rows, cols)


def _grid_mean(features, h, W_f, W_h, b, w):
    batch, rows, cols, _ = features.shape
    weights = _softmax(_grid_scores(_flat(features), h, W_f, W_h, b, w))
    return _flat(features).mean(axis=1), weights.reshape(batch, rows, cols)


def _no_state(features, h, W_f, W_h, b, w):
    batch, rows, cols, _ = features.shape
    weights = _softmax(_grid_scores(_flat(features), h, W_f, W_h, b, w, use_h=False))
    return np.einsum("bn,bnc->bc", weights, _flat(features)), weights.reshape(batch, rows, cols)


def _grid_no_tanh(features, h, W_f, W_h, b, w):
    batch, rows, cols, _ = features.shape
    weights = _softmax(_grid_scores(_flat(features), h, W_f, W_h, b, w, tanh=lambda s: s))
    return np.einsum("bn,bnc->bc", weights, _flat(features)), weights.reshape(batch, rows, cols)


@coding_exercise(
    "11.grid_attention",
    "Write grid_attention(features, h, W_f, W_h, b, w): additive attention of the decoder state "
    "h over the cells of a (rows, cols) grid of feature vectors: scores w . tanh(f_ij W_f + h W_h "
    "+ b), one softmax over all the cells, the context sum_ij a_ij f_ij; return (context, "
    "weights shaped as the grid).",
    cases=_grid_cases,
    hints=(
        "To the attention a grid is just a set of cells: lay the rows x cols cells out as one "
        "list (row by row, as the encoder's Reshape((16, 64)) does), attend over that list as "
        "notebook 10 attends over source words (every cell competes with every other one), and "
        "only then fold the weights back into the grid's shape.",
        "cells = features.reshape(batch, rows * cols, channels); scores = np.tanh(cells @ W_f + "
        "(h @ W_h)[:, None, :] + b) @ w, shape (batch, cells); softmax over axis=-1; context = "
        "(weights[..., None] * cells).sum(axis=1); return context, weights.reshape(batch, rows, "
        "cols).",
    ),
    alternatives=(_grid_layer, _grid_einsum),
    mistakes=(
        Mistake(
            "the softmax runs along each row of the grid separately: flatten the grid and take "
            "ONE softmax over all rows x cols cells, so the weights of the whole image sum to 1.",
            _per_row,
        ),
        Mistake(
            "the grid is flattened column by column but the weights are folded back row by row: "
            "flatten with features.reshape(batch, rows * cols, channels) (row-major, as the "
            "encoder's Reshape does) and reshape the weights the same way.",
            _column_major,
        ),
        Mistake(
            "the weights are right but the context is the plain mean of the cells (Show and "
            "Tell's single image vector): weight each cell by its attention weight.",
            _grid_mean,
        ),
        Mistake(
            "the decoder state h is not used: the score needs h W_h, or the decoder looks at the "
            "same cells whatever word it is writing.",
            _no_state,
        ),
        Mistake(
            "the tanh is missing: the score is w . tanh(f_ij W_f + h W_h + b), a one-layer net.",
            _grid_no_tanh,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def grid_attention(features, h, W_f, W_h, b, w):
    """features (batch, rows, cols, C), h (batch, units) -> context (batch, C), weights (batch, rows, cols)."""
    batch, rows, cols, channels = features.shape
    cells = features.reshape(batch, rows * cols, channels)  # (batch, cells, C), row by row
    hidden = np.tanh(cells @ W_f + (h @ W_h)[:, None, :] + b)  # (batch, cells, hidden)
    scores = hidden @ w  # (batch, cells): one score per grid cell
    scores = scores - scores.max(axis=-1, keepdims=True)  # (batch, cells): the largest is 0
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)  # (batch, cells)
    context = (weights[..., None] * cells).sum(axis=1)  # (batch, C): sum_ij a_ij f_ij
    return context, weights.reshape(batch, rows, cols)  # (batch, C), (batch, rows, cols)
