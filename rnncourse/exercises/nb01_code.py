"""Coding exercises of notebook 01 (intro): one RNN step, then a many-to-one forward pass."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _rnn_weights(rng, features, units):
    return {
        "W": rng.normal(0, 0.5, (features, units)),  # (features, units)
        "U": rng.normal(0, 0.5, (units, units)),  # (units, units)
        "b": rng.normal(0, 0.5, (units,)),  # (units,)
    }


def _step_cases(rng):
    cases = []
    for description, batch, features, units in [
        ("batch 3, 4 features, 5 units", 3, 4, 5),
        ("one example, one feature, one unit", 1, 1, 1),
        ("batch 2, 6 features, 3 units", 2, 6, 3),
        ("batch 4, 3 features, 3 units", 4, 3, 3),
    ]:
        cases.append(
            (
                description,
                {
                    "x_t": rng.normal(size=(batch, features)),
                    "h_prev": rng.normal(size=(batch, units)),
                    **_rnn_weights(rng, features, units),
                },
            )
        )
    return cases


@coding_exercise(
    "01.rnn_step",
    "Write rnn_step(x_t, h_prev, W, U, b): one step of a simple RNN, "
    "h_t = tanh(x_t W + h_prev U + b), for a whole batch at once.",
    cases=_step_cases,
    hints=(
        "The new state mixes two things: the input at this step (through W) and the "
        "previous state (through U), plus the bias, and then squashes the sum.",
        "Rows are examples: x_t @ W has shape (batch, units), so does h_prev @ U; "
        "add b (it broadcasts over the batch) and apply np.tanh.",
    ),
    alternatives=(
        lambda x_t, h_prev, W, U, b: np.tanh(
            np.einsum("bf,fu->bu", x_t, W) + np.einsum("bu,uv->bv", h_prev, U) + b
        ),
    ),
    mistakes=(
        Mistake(
            "U is used transposed: the previous state multiplies U as h_prev @ U.",
            lambda x_t, h_prev, W, U, b: np.tanh(x_t @ W + h_prev @ U.T + b),
        ),
        Mistake(
            "the bias b is missing.", lambda x_t, h_prev, W, U, b: np.tanh(x_t @ W + h_prev @ U)
        ),
        Mistake(
            "the tanh is missing: the sum must be squashed, h_t = tanh(...).",
            lambda x_t, h_prev, W, U, b: x_t @ W + h_prev @ U + b,
        ),
        Mistake(
            "the previous state is missing: without h_prev @ U the network has no memory.",
            lambda x_t, h_prev, W, U, b: np.tanh(x_t @ W + b),
        ),
    ),
)
def rnn_step(x_t, h_prev, W, U, b):
    """One simple-RNN step: x_t (batch, features), h_prev (batch, units) -> (batch, units)."""
    return np.tanh(x_t @ W + h_prev @ U + b)  # (batch, units)


def _forward_cases(rng):
    cases = []
    for description, batch, steps, features, units in [
        ("batch 3, 6 steps, 2 features, 4 units", 3, 6, 2, 4),
        ("a single time step", 2, 1, 3, 2),
        ("one example, 9 steps, 1 feature, 3 units", 1, 9, 1, 3),
        ("batch 5, 3 steps, 3 features, 3 units", 5, 3, 3, 3),
    ]:
        x = rng.normal(size=(batch, steps, features))  # (batch, steps, features)
        cases.append((description, {"x": x, **_rnn_weights(rng, features, units)}))
    return cases


def _first_state(x, W, U, b):
    return np.tanh(x[:, 0] @ W + b)


def _no_recurrence(x, W, U, b):
    return np.tanh(x[:, -1] @ W + b)


def _start_from_ones(x, W, U, b):
    h = np.ones((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)
    return h


def _reversed_time(x, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in reversed(range(x.shape[1])):
        h = np.tanh(x[:, t] @ W + h @ U + b)
    return h


def _forward_with_steps(x, W, U, b):
    states = [np.zeros((x.shape[0], U.shape[0]))]
    for x_t in np.moveaxis(x, 1, 0):  # (batch, features) at each step
        states.append(rnn_step(x_t, states[-1], W, U, b))
    return states[-1]


@coding_exercise(
    "01.rnn_forward",
    "Write rnn_forward(x, W, U, b): run a simple RNN over x of shape (batch, steps, "
    "features) from a zero state and return the last state (batch, units), the "
    "many-to-one output.",
    cases=_forward_cases,
    hints=(
        "Start from a state of zeros and apply the same step once per time step, "
        "feeding each step's state into the next; the answer is the state after the last step.",
        "h = np.zeros((x.shape[0], U.shape[0])); then for t in range(x.shape[1]): "
        "h = np.tanh(x[:, t] @ W + h @ U + b). Time is axis 1, not axis 0.",
    ),
    alternatives=(_forward_with_steps,),
    mistakes=(
        Mistake("this is the state after the FIRST step: loop over every step.", _first_state),
        Mistake(
            "the state is not carried: each step must use the previous step's h (h @ U).",
            _no_recurrence,
        ),
        Mistake("the state must start at zeros, not ones.", _start_from_ones),
        Mistake("the steps run backwards: go from t = 0 to the last step.", _reversed_time),
    ),
)
def rnn_forward(x, W, U, b):
    """A simple RNN over x (batch, steps, features) from h_0 = 0: the last state (batch, units)."""
    h = np.zeros((x.shape[0], U.shape[0]))  # (batch, units)
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)  # (batch, units)
    return h
