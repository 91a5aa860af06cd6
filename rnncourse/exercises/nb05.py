"""Exercises of notebook 05 (architectures)."""

from rnncourse.exercises._registry import register

__all__ = []

_BLOCKS = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def _recurrent_params(kind, features, units, reset_after=True):
    """Parameters of one Keras recurrent layer: blocks * units * (features + units + biases)."""
    biases = 2 if kind == "GRU" and reset_after else 1
    return _BLOCKS[kind] * units * (features + units + biases)


def _conv_receptive_field(layers, kernel_size):
    """Input positions seen by one output of `layers` stacked stride-1 convolutions."""
    return layers * (kernel_size - 1) + 1


@register(
    "05.lstm_params",
    "How many parameters does keras.layers.LSTM(64) have on inputs with 10 features?",
    "Four blocks (input, forget, candidate, output), each with features x units input weights, "
    "units x units recurrent weights and units biases: 4 x units x (features + units + 1).",
    idea="Section 3's table: an LSTM is made of several blocks, each an affine map of the input "
    "and the previous state; count one block, then the blocks.",
)
def _ex_05_lstm_params():
    return _recurrent_params("LSTM", features=10, units=64)


@register(
    "05.gru_params",
    "How many parameters does keras.layers.GRU(64) (reset_after=True, the default) have on "
    "inputs with 10 features?",
    "Three blocks (update, reset, candidate); with reset_after=True each block has two biases, "
    "one for the input product and one for the recurrent product: "
    "3 x units x (features + units + 2).",
    idea="Section 3: how many blocks does a GRU have, and what does reset_after=True add to "
    "each of them?",
)
def _ex_05_gru_params():
    return _recurrent_params("GRU", features=10, units=64)


@register(
    "05.bidirectional_params",
    "How many parameters does Bidirectional(LSTM(32)) have on inputs with 8 features?",
    "A bidirectional layer holds two independent copies of the layer, one per direction: "
    "2 x 4 x units x (features + units + 1).",
    idea="Sections 3 and 4: what does Bidirectional hold besides the layer you give it?",
)
def _ex_05_bidirectional_params():
    return 2 * _recurrent_params("LSTM", features=8, units=32)


@register(
    "05.stacked_params",
    "Two stacked GRU(16) layers on 4 input features (the first with return_sequences=True): how "
    "many parameters in total?",
    "Add two GRU counts, 3 x units x (n + units + 2) each, with n = 4 for the first layer and "
    "n = the first GRU's units for the second.",
    idea="Section 5: a stacked layer reads the previous layer's outputs, so count each layer "
    "with its own number of input features.",
)
def _ex_05_stacked_params():
    return _recurrent_params("GRU", features=4, units=16) + _recurrent_params(
        "GRU", features=16, units=16
    )


@register(
    "05.bidirectional_shape",
    "Bidirectional(GRU(16, return_sequences=True)) gets a batch shaped (8, 20, 5). What is the "
    "output shape? Answer with a tuple.",
    "One output per step; the forward and backward states are concatenated: "
    "(batch, time, 2 x units).",
    idea="Sections 4 and 5 print shapes through bidirectional layers: what return_sequences "
    "keeps, and how the two directions are combined at each step.",
)
def _ex_05_bidirectional_shape():
    return (8, 20, 2 * 16)


@register(
    "05.receptive_field",
    "Three stacked Conv1D layers with kernel_size=5 and padding='same': how many input positions "
    "does one output position see?",
    "One layer sees k positions and each further layer widens the window by k - 1: "
    "layers x (k - 1) + 1.",
    idea="Section 4's 1-D CNN: one output reads kernel_size inputs around it; how much does each "
    "stacked layer add to what it sees?",
)
def _ex_05_receptive_field():
    return _conv_receptive_field(layers=3, kernel_size=5)
