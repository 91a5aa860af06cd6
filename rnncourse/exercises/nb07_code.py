"""Coding exercises of notebook 07 (sentiment): masked mean pooling, a masked many-to-one RNN."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _mask(lengths, steps, pre=False):
    """(batch, steps) of 0/1: 1 at the real tokens, padding at the end (or at the front)."""
    positions = np.arange(steps)
    lengths = np.asarray(lengths)[:, None]
    real = positions >= steps - lengths if pre else positions < lengths
    return real.astype("float64")


def _pool_cases(rng):
    cases = []
    for description, steps, units, lengths, pre in [
        ("batch 3, 6 steps, 4 units, padded at the end", 6, 4, [6, 3, 1], False),
        ("one review of one word", 1, 5, [1], False),
        ("batch 2, 5 steps, 3 units, padded at the front", 5, 3, [2, 4], True),
        ("batch 4, 4 steps, 2 units, no padding", 4, 2, [4, 4, 4, 4], False),
    ]:
        states = rng.normal(size=(len(lengths), steps, units))  # (batch, steps, units)
        mask = _mask(lengths, steps, pre)  # (batch, steps)
        # padded steps hold large values, as an unmasked layer's outputs would there
        states = states + 5.0 * (1 - mask)[..., None]
        cases.append((description, {"states": states, "mask": mask}))
    return cases


def _pool_keras(states, mask):
    import keras

    pool = keras.layers.GlobalAveragePooling1D()
    return keras.ops.convert_to_numpy(pool(states.astype("float32"), mask=mask.astype(bool)))


def _pool_loop(states, mask):
    out = np.zeros((states.shape[0], states.shape[2]))
    for i in range(states.shape[0]):
        out[i] = states[i][mask[i] > 0].mean(axis=0)  # (units,): the real steps only
    return out


@coding_exercise(
    "07.masked_mean_pool",
    "Write masked_mean_pool(states, mask): the mean of each review's states over its real "
    "(unmasked) steps, (batch, steps, units) -> (batch, units).",
    cases=_pool_cases,
    hints=(
        "A review's summary is the average of its own steps only: padding must add nothing to "
        "the sum and must not be counted in the number of steps you divide by, and each review "
        "has its own number of real steps.",
        "Sum (states * mask[..., None]) over axis 1 (time), then divide by "
        "mask.sum(axis=1, keepdims=True), the number of real steps of each review.",
    ),
    alternatives=(_pool_keras, _pool_loop),
    mistakes=(
        Mistake(
            "the padding is averaged in: multiply the states by the mask before summing.",
            lambda states, mask: states.mean(axis=1),
        ),
        Mistake(
            "the padding is zeroed but the sum is divided by every step: divide by the number "
            "of real steps of each review, mask.sum(axis=1).",
            lambda states, mask: (states * mask[..., None]).mean(axis=1),
        ),
        Mistake(
            "the masked sum is not divided at all: divide by each review's number of real steps.",
            lambda states, mask: (states * mask[..., None]).sum(axis=1),
        ),
        Mistake(
            "the sum is divided by the real steps of the whole batch (mask.sum()): count each "
            "review's own, mask.sum(axis=1, keepdims=True).",
            lambda states, mask: (states * mask[..., None]).sum(axis=1) / mask.sum(),
        ),
        Mistake(
            "the mean runs over the wrong axis: average over time (axis 1), not units.",
            lambda states, mask: (
                (states * mask[..., None]).sum(axis=2) / mask.sum(axis=1, keepdims=True)
            ),
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def masked_mean_pool(states, mask):
    """states (batch, steps, units), mask (batch, steps) of 0/1 -> (batch, units)."""
    total = (states * mask[..., None]).sum(axis=1)  # (batch, units): padding adds nothing
    count = mask.sum(axis=1, keepdims=True)  # (batch, 1): real steps of each review
    return total / count  # (batch, units)


def _rnn_cases(rng):
    cases = []
    for description, steps, features, units, lengths, pre in [
        ("batch 3, 5 steps, 2 features, 3 units, padded at the end", 5, 2, 3, [5, 3, 2], False),
        ("batch 2, 6 steps, 3 features, 2 units, padded at the front", 6, 3, 2, [4, 1], True),
        ("one review of one word", 1, 4, 3, [1], False),
        ("batch 4, 3 steps, 2 features, 4 units, no padding", 3, 2, 4, [3, 3, 3, 3], False),
    ]:
        batch = len(lengths)
        cases.append(
            (
                description,
                {
                    # padded steps hold nonzero vectors, as the embedding of id 0 does
                    "x": rng.normal(size=(batch, steps, features)),  # (batch, steps, features)
                    "mask": _mask(lengths, steps, pre),  # (batch, steps)
                    "W": rng.normal(0, 0.6, (features, units)),  # (features, units)
                    "U": rng.normal(0, 0.6, (units, units)),  # (units, units)
                    "b": rng.normal(0, 0.3, (units,)),  # (units,)
                },
            )
        )
    return cases


def _rnn_keras(x, mask, W, U, b):
    import keras

    layer = keras.layers.SimpleRNN(U.shape[0])
    layer.build((None, None, W.shape[0]))
    layer.set_weights([W, U, b])
    h = layer(x.astype("float32"), mask=mask.astype(bool))  # (batch, units)
    return keras.ops.convert_to_numpy(h)


def _rnn_where(x, mask, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = np.where(mask[:, t : t + 1] > 0, np.tanh(x[:, t] @ W + h @ U + b), h)
    return h


def _rnn_no_mask(x, mask, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)
    return h


def _rnn_reset(x, mask, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = mask[:, t : t + 1] * np.tanh(x[:, t] @ W + h @ U + b)
    return h


def _rnn_zero_inputs(x, mask, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh((x[:, t] * mask[:, t : t + 1]) @ W + h @ U + b)
    return h


def _rnn_stop_at_padding(x, mask, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    running = np.ones((x.shape[0], 1))
    for t in range(x.shape[1]):
        running = running * mask[:, t : t + 1]
        h = running * np.tanh(x[:, t] @ W + h @ U + b) + (1 - running) * h
    return h


@coding_exercise(
    "07.masked_rnn",
    "Write masked_rnn(x, mask, W, U, b): a simple RNN over a padded batch from h_0 = 0 that "
    "carries its state unchanged through masked steps, as Keras does with mask_zero=True; "
    "return the last state (batch, units).",
    cases=_rnn_cases,
    hints=(
        "At a real step the state is updated as usual; at a padded step it must stay exactly what "
        "it was, so that padding at the end leaves the last real state, and padding at the front "
        "leaves the state at zero until the first real word.",
        "Loop over t = 0 .. steps - 1: new = np.tanh(x[:, t] @ W + h @ U + b), then keep it only "
        "where the mask is 1: h = m * new + (1 - m) * h with m = mask[:, t:t+1] (or np.where).",
    ),
    alternatives=(_rnn_keras, _rnn_where),
    mistakes=(
        Mistake(
            "the mask is ignored: padded steps update the state as if they were words.",
            _rnn_no_mask,
        ),
        Mistake(
            "the state is set to zero at padded steps: it must be carried through unchanged.",
            _rnn_reset,
        ),
        Mistake(
            "the padded inputs are zeroed, but the step is still taken: at a padded step keep "
            "the previous state instead (h @ U and b still change it).",
            _rnn_zero_inputs,
        ),
        Mistake(
            "the loop stops at the first padded step: with padding at the front, the real "
            "words come after it. Skip each padded step and go on.",
            _rnn_stop_at_padding,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def masked_rnn(x, mask, W, U, b):
    """x (batch, steps, features), mask (batch, steps) of 0/1 -> the last state (batch, units)."""
    h = np.zeros((x.shape[0], U.shape[0]))  # (batch, units)
    for t in range(x.shape[1]):
        new = np.tanh(x[:, t] @ W + h @ U + b)  # (batch, units)
        m = mask[:, t : t + 1]  # (batch, 1): 1 at a real step, 0 at padding
        h = m * new + (1 - m) * h  # (batch, units): padding keeps the old state
    return h
