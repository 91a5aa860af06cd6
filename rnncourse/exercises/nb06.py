"""Exercises of notebook 06 (text generation)."""

import math

from rnncourse.exercises._registry import register

__all__ = []

_CHAR_VOCAB = 73  # ids of the notebook's character vocabulary (69 characters + 4 reserved)
_MODEL_NATS = 1.8  # a validation cross-entropy close to the notebook's GRU


def _gru_params(features, units):
    """Keras GRU with reset_after=True: two gates and a candidate, each W, U and two biases."""
    return 3 * (units * (features + units) + 2 * units)


@register(
    "06.uniform_nats",
    f"A model spreads its probability evenly over the {_CHAR_VOCAB} ids of the character "
    "vocabulary. What is its cross-entropy in nats per character?",
    "Every character gets probability 1/V, so every prediction costs -ln(1/V) = ln V nats.",
    compare=1e-3,
)
def _ex_06_uniform_nats():
    return math.log(_CHAR_VOCAB)


@register(
    "06.perplexity",
    f"A language model has a cross-entropy of {_MODEL_NATS} nats per character. "
    "What is its perplexity?",
    "Perplexity is e to the power of the cross-entropy in nats.",
    compare=1e-2,
)
def _ex_06_perplexity():
    return math.exp(_MODEL_NATS)


@register(
    "06.bits",
    f"How many bits per character is a cross-entropy of {_MODEL_NATS} nats per character?",
    "One bit is ln 2 nats: divide by ln 2 (about 0.693).",
    compare=1e-3,
)
def _ex_06_bits():
    return _MODEL_NATS / math.log(2)


@register(
    "06.temperature",
    "Logits [2.0, 1.0, 0.0] at temperature 0.5: what is the probability of the first token?",
    "Divide the logits by the temperature first (giving [4, 2, 0]), then take the softmax.",
    compare=1e-3,
)
def _ex_06_temperature():
    logits, temperature = (2.0, 1.0, 0.0), 0.5
    weights = [math.exp(z / temperature) for z in logits]
    return weights[0] / sum(weights)


@register(
    "06.gru_params",
    "How many parameters does keras.layers.GRU(128) (default reset_after=True) have "
    "on 32-dimensional embeddings?",
    "Two gates (update, reset) and the candidate; each has an input kernel (32 x 128), "
    "a recurrent kernel (128 x 128) "
    "and, with reset_after=True, two bias vectors of 128.",
)
def _ex_06_gru_params():
    return _gru_params(features=32, units=128)


@register(
    "06.ngram_table",
    f"How many cells has the count table of a 4-gram model over {_CHAR_VOCAB} ids?",
    "One row per context of 3 characters (V^3 of them), one column per next character.",
)
def _ex_06_ngram_table():
    return _CHAR_VOCAB**4
