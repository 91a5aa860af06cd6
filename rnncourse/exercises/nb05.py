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
    "units x units recurrent weights and units biases.",
)
def _ex_05_lstm_params():
    return _recurrent_params("LSTM", features=10, units=64)


@register(
    "05.gru_params",
    "How many parameters does keras.layers.GRU(64) (reset_after=True, the default) have on "
    "inputs with 10 features?",
    "Three blocks (update, reset, candidate); with reset_after=True each block has two biases, "
    "one for the input product and one for the recurrent product.",
)
def _ex_05_gru_params():
    return _recurrent_params("GRU", features=10, units=64)


@register(
    "05.bidirectional_params",
    "How many parameters does Bidirectional(LSTM(32)) have on inputs with 8 features?",
    "A bidirectional layer holds two independent copies of the layer, one per direction.",
)
def _ex_05_bidirectional_params():
    return 2 * _recurrent_params("LSTM", features=8, units=32)


@register(
    "05.stacked_params",
    "Two stacked GRU(16) layers on 4 input features (the first with return_sequences=True): how "
    "many parameters in total?",
    "The second GRU's inputs are the first GRU's outputs: 16 features, not 4.",
)
def _ex_05_stacked_params():
    return _recurrent_params("GRU", features=4, units=16) + _recurrent_params(
        "GRU", features=16, units=16
    )


@register(
    "05.bidirectional_shape",
    "Bidirectional(GRU(16, return_sequences=True)) gets a batch shaped (8, 20, 5). What is the "
    "output shape? Answer with a tuple.",
    "One output per step; the forward and backward states are concatenated: 2 * units features.",
)
def _ex_05_bidirectional_shape():
    return (8, 20, 2 * 16)


@register(
    "05.receptive_field",
    "Three stacked Conv1D layers with kernel_size=5 and padding='same': how many input positions "
    "does one output position see?",
    "Each layer with kernel k widens the window by k - 1 positions; one layer sees k positions.",
)
def _ex_05_receptive_field():
    return _conv_receptive_field(layers=3, kernel_size=5)
