"""Exercises of notebook 06 (text generation)."""

import math

from rnncourse.exercises._registry import register

__all__ = []

_CHAR_VOCAB = 73  # ids of the notebook's character vocabulary (69 characters + 4 reserved)
_WORD_VOCAB = 10_000  # a word-level vocabulary (the notebook prints ln V for its 73 characters)
_MODEL_NATS = 1.8  # a validation cross-entropy close to the notebook's GRU
_LOGITS, _TEMPERATURE = (3.0, 1.0, 0.0), 2.0  # the notebook prints T = 0.5 on [2, 1, 0]
_GRU_UNITS = 512  # the 'Scale it up' size; the notebook prints the count of GRU(128)


def _gru_params(features, units):
    """Keras GRU with reset_after=True: two gates and a candidate, each W, U and two biases."""
    return 3 * (units * (features + units) + 2 * units)


@register(
    "06.uniform_nats",
    f"A word-level language model spreads its probability evenly over a vocabulary of "
    f"{_WORD_VOCAB:,} words. What is its cross-entropy in nats per word?",
    "Every word gets probability 1/V, so every prediction costs -ln(1/V) = ln V nats "
    "(the natural logarithm: log2 would give bits).",
    compare=1e-3,
    idea="Section 2 says what a model that spreads its bets evenly scores: think of the "
    "surprise of one prediction when every word is equally likely.",
)
def _ex_06_uniform_nats():
    return math.log(_WORD_VOCAB)


@register(
    "06.perplexity",
    f"A language model has a cross-entropy of {_MODEL_NATS} nats per character. "
    "What is its perplexity?",
    "Perplexity is e to the power of the cross-entropy in nats: exp(CE) undoes the natural "
    "logarithm.",
    compare=1e-2,
    idea="Section 2 names perplexity as another unit for the same cross-entropy: 'as unsure "
    "as a fair choice among this many characters'.",
)
def _ex_06_perplexity():
    return math.exp(_MODEL_NATS)


@register(
    "06.bits",
    f"How many bits per character is a cross-entropy of {_MODEL_NATS} nats per character?",
    "One bit is ln 2 nats, so bits = nats / ln 2 (more bits than nats, since a bit is the "
    "smaller unit).",
    compare=1e-3,
    idea="Nats and bits measure the same surprise with logarithms of different bases; "
    "section 2 says how to switch between them.",
)
def _ex_06_bits():
    return _MODEL_NATS / math.log(2)


@register(
    "06.temperature",
    f"Logits {list(_LOGITS)} at temperature {_TEMPERATURE}: what is the probability of the "
    "first token?",
    "Divide every logit by the temperature first, then take the softmax: "
    "p_1 = exp(z_1 / T) / sum_c exp(z_c / T).",
    compare=1e-3,
    idea="Section 6's p_T(c): the temperature reshapes the logits before the softmax, and a "
    "temperature above 1 flattens the distribution.",
)
def _ex_06_temperature():
    weights = [math.exp(z / _TEMPERATURE) for z in _LOGITS]
    return weights[0] / sum(weights)


@register(
    "06.gru_params",
    f"'Scale it up' suggests UNITS = {_GRU_UNITS}. How many parameters does "
    f"keras.layers.GRU({_GRU_UNITS}) (default reset_after=True) have on the notebook's "
    "32-dimensional embeddings?",
    "Two gates (update, reset) and the candidate; each has an input kernel (d x n), a "
    "recurrent kernel (n x n) and, with reset_after=True, two bias vectors of n: "
    "3 (n (d + n) + 2 n) for d inputs and n units.",
    idea="Section 5 prints the parameters of GRU(128) and writes their count as a formula "
    "(the comment above its assert): count the same pieces for the larger layer.",
)
def _ex_06_gru_params():
    return _gru_params(features=32, units=_GRU_UNITS)


@register(
    "06.ngram_table",
    f"How many cells has the count table of a 4-gram model over {_CHAR_VOCAB} ids?",
    "A 4-gram reads 3 characters of context: one row per context (V^3 of them) and one "
    "column per next character, V^3 x V cells in all.",
    idea="Section 3's count table has one row per possible context and one column per next "
    "character; the text after the bigram figure counts the cells of the smaller tables.",
)
def _ex_06_ngram_table():
    return _CHAR_VOCAB**4
