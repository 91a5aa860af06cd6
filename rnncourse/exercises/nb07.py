"""Exercises of notebook 07 (sentiment)."""

from rnncourse.exercises._registry import register

__all__ = []

_VOCAB, _EMBED, _UNITS = 10_000, 64, 32  # the sizes the questions use
_BATCH, _TIME = 16, 40


def _lstm_params(features, units):
    """Keras LSTM: three gates and a candidate, each an input kernel, a recurrent kernel and a bias."""
    return 4 * (units * (features + units) + units)


@register(
    "07.majority",
    "What test accuracy does the majority-class baseline get on the course's review "
    "snippets (always predict the label most frequent in the training split)?",
    "Find the most frequent label in load_reviews('train').labels, then the share of "
    "test labels equal to it.",
    compare=1e-3,
)
def _ex_07_majority():
    import numpy as np

    from rnncourse.data.text import load_reviews  # reads the shipped CSV, only when checked

    reviews = load_reviews()
    majority = np.bincount(reviews["train"].labels).argmax()
    return float((reviews["test"].labels == majority).mean())


@register(
    "07.embedding_params",
    f"How many parameters has keras.layers.Embedding({_VOCAB}, {_EMBED})?",
    "One vector of output_dim numbers per id, and nothing else (no bias).",
)
def _ex_07_embedding_params():
    return _VOCAB * _EMBED


@register(
    "07.bilstm_params",
    f"How many parameters has Bidirectional(LSTM({_UNITS})) on {_EMBED}-dimensional embeddings?",
    "One LSTM has four blocks (three gates: input, forget, output; and the cell candidate), "
    "each with an input kernel (features x units), a recurrent kernel (units x units) "
    "and a bias (units); Bidirectional holds two LSTMs.",
)
def _ex_07_bilstm_params():
    return 2 * _lstm_params(features=_EMBED, units=_UNITS)


@register(
    "07.bilstm_shape",
    f"Embedding({_VOCAB}, {_EMBED}) then Bidirectional(LSTM({_UNITS})) on word ids of shape "
    f"({_BATCH}, {_TIME}): what is the output shape? Answer with a tuple.",
    "Without return_sequences each direction returns its last state (batch, units); "
    "Bidirectional concatenates the two.",
)
def _ex_07_bilstm_shape():
    return (_BATCH, 2 * _UNITS)


@register(
    "07.bow_params",
    f"A bag-of-words logistic regression over a vocabulary of {_VOCAB:,} ids (one multi-hot "
    "feature per id, then Dense(1, activation='sigmoid')): how many parameters?",
    "One weight per feature plus one bias.",
)
def _ex_07_bow_params():
    return _VOCAB + 1
