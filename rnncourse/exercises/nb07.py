"""Exercises of notebook 07 (sentiment)."""

from rnncourse.exercises._registry import register

__all__ = []

# the sizes the questions use; the notebook's own model is Embedding(V, 64) + Bidirectional(LSTM(32))
# and prints its parameter counts, so the BiLSTM questions ask about LSTM(48)
_VOCAB, _EMBED, _UNITS = 10_000, 64, 48
_BATCH, _TIME = 16, 40
_WORD = "no"  # the majority baseline is asked on the test snippets that hold this word


def _lstm_params(features, units):
    """Keras LSTM: three gates and a candidate, each an input kernel, a recurrent kernel and a bias."""
    return 4 * (units * (features + units) + units)


@register(
    "07.majority",
    "The majority-class baseline (always predict the label most frequent in the training "
    f"split): what accuracy does it get on the test snippets that contain the word {_WORD!r} "
    "(a token of vocab.tokenize(text))?",
    "Take the most frequent label of load_reviews('train').labels; keep the test snippets with "
    f"{_WORD!r} in vocab.tokenize(text); the answer is the share of their labels equal to that "
    "label.",
    idea="Section 1's baseline, on a subset: the baseline's answer is decided on the training "
    "split, but its accuracy depends on the label balance of the snippets it is scored on.",
    compare=1e-3,
)
def _ex_07_majority():
    import numpy as np

    from rnncourse.data.text import load_reviews, split_words  # reads the shipped CSV when checked

    reviews = load_reviews()
    majority = np.bincount(reviews["train"].labels).argmax()
    test_texts, test_labels = reviews["test"]
    # vocab.tokenize of the notebook's word-level, lower-cased vocabulary is split_words(lower=True)
    holds = np.array([_WORD in split_words(text, lower=True) for text in test_texts])
    return float((test_labels[holds] == majority).mean())


@register(
    "07.embedding_params",
    f"How many parameters has keras.layers.Embedding({_VOCAB}, {_EMBED})?",
    "The table has one row of output_dim numbers per id (input_dim rows) and nothing else, no "
    "bias: input_dim x output_dim.",
    idea="Section 4's primer: an embedding is a lookup table; what does it store for each id, "
    "and is anything added after the lookup?",
)
def _ex_07_embedding_params():
    return _VOCAB * _EMBED


@register(
    "07.bilstm_params",
    f"How many parameters has Bidirectional(LSTM({_UNITS})) on {_EMBED}-dimensional embeddings?",
    "One LSTM has four blocks (three gates: input, forget, output; and the cell candidate), "
    "each with an input kernel (features x units), a recurrent kernel (units x units) "
    "and a bias (units); Bidirectional holds two LSTMs: 2 x 4 x (units x (features + units) + "
    "units).",
    idea="Section 4 checks each layer's count against its formula for the notebook's own sizes: "
    "count the blocks of one LSTM, then ask how many LSTMs Bidirectional holds.",
)
def _ex_07_bilstm_params():
    return 2 * _lstm_params(features=_EMBED, units=_UNITS)


@register(
    "07.bilstm_shape",
    f"Embedding({_VOCAB}, {_EMBED}) then Bidirectional(LSTM({_UNITS})) on word ids of shape "
    f"({_BATCH}, {_TIME}): what is the output shape? Answer with a tuple.",
    "Without return_sequences each direction returns its last state (batch, units); "
    "Bidirectional concatenates the two: (batch, 2 x units).",
    idea="Section 4, many-to-one: what does an LSTM without return_sequences keep of the time "
    "axis, and how are the two directions combined?",
)
def _ex_07_bilstm_shape():
    return (_BATCH, 2 * _UNITS)


@register(
    "07.bow_params",
    f"A bag-of-words logistic regression over a vocabulary of {_VOCAB:,} ids (one multi-hot "
    "feature per id, then Dense(1, activation='sigmoid')): how many parameters?",
    "Dense(1) on a vector of V features has one weight per feature plus one bias: V + 1.",
    idea="Section 3: a Dense layer on a multi-hot vector is a logistic regression; how long is "
    "that vector, and what does a Dense layer hold besides its weights?",
)
def _ex_07_bow_params():
    return _VOCAB + 1
