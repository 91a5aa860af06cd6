"""Exercises of notebook 01 (intro)."""

from rnncourse.exercises._registry import register

__all__ = []


def _simple_rnn_params(features, units):
    return units * (features + units + 1)


@register(
    "01.rnn_params",
    "How many trainable parameters does keras.layers.SimpleRNN(64) have on inputs "
    "with 10 features per step?",
    "W maps the input (features x units), U maps the previous state (units x units), "
    "and b has one entry per unit: units x (features + units + 1).",
    idea="Section 4 names the weights a SimpleRNN holds: count the entries of what reads the "
    "input, of what reads the previous state, and of the bias.",
)
def _ex_01_rnn_params():
    return _simple_rnn_params(features=10, units=64)


@register(
    "01.rnn_params_long",
    "The same SimpleRNN(64) on 10 features: how many parameters when the sequences "
    "are 1,000 steps long instead of 20?",
    "The same W, U and b are used at every step, so the count does not depend on the "
    "length: units x (features + units + 1), as in the first question.",
    idea="Weight sharing (section 4): does the length of the input change which weights the "
    "layer holds?",
)
def _ex_01_rnn_params_long():
    return _simple_rnn_params(features=10, units=64)


@register(
    "01.mlp_params",
    "A fixed-window MLP flattens a window of 20 steps of 10 features into one vector "
    "and feeds it to Dense(64). How many parameters does that Dense layer have?",
    "Flattening gives steps x features inputs; each unit has one weight per input plus a bias: "
    "(steps x features + 1) x units.",
    idea="Section 4's MLP column: Flatten makes the whole window one vector; count the inputs "
    "the Dense layer sees, then what each of its units holds.",
)
def _ex_01_mlp_params():
    return (20 * 10 + 1) * 64


@register(
    "01.shape_many_to_many",
    "keras.layers.SimpleRNN(8, return_sequences=True) gets a batch of shape "
    "(32, 15, 4). What is the output shape? Answer with a tuple.",
    "return_sequences=True keeps one output per time step: (batch, time, units); the input's "
    "features do not appear in the output.",
    idea="Section 7's many-to-many model: what does return_sequences=True keep that the "
    "many-to-one model drops, and what sets the size of each output?",
)
def _ex_01_shape():
    return (32, 15, 8)
