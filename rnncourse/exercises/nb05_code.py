"""Coding exercises of notebook 05 (architectures): an LSTM step and a GRU step (both
``reset_after`` forms) written with ``keras.ops`` on Keras's own weight layout, so that
``layers.LSTM(...).get_weights()`` and ``layers.GRU(...).get_weights()`` fit them."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


class _LazyKeras:
    """``keras``, imported on first use: listing the exercises must not start TensorFlow.

    The references below are the notebook's solutions, written with the notebook's
    ``keras`` (imported by its setup cell); here the same name imports Keras when a
    reference first runs.
    """

    def __getattr__(self, name):
        import keras

        return getattr(keras, name)


keras = _LazyKeras()

RTOL, ATOL = 1e-4, 1e-5  # float32 keras.ops answers meet these


def _f32(*arrays):
    return [np.asarray(a, dtype="float32") for a in arrays]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------- 05.lstm_step
def _lstm_cases(rng):
    cases = []
    for description, batch, features, units in [
        ("batch 3, 2 features, 4 units", 3, 2, 4),
        ("one example, 3 features, 2 units", 1, 3, 2),
        ("batch 4, 1 feature, 1 unit", 4, 1, 1),
        ("the first step: h_prev and c_prev all zeros", 2, 3, 3),
        ("batch 5, 4 features, 2 units, forget gate biased open (+3)", 5, 4, 2),
    ]:
        bias = rng.normal(0, 0.5, 4 * units)  # (4 * units,): blocks i, f, g, o
        if "forget" in description:
            bias[units : 2 * units] += 3.0
        zeros = "zeros" in description
        x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = _f32(
            rng.normal(size=(batch, features)),  # (batch, features)
            np.zeros((batch, units)) if zeros else np.tanh(rng.normal(size=(batch, units))),
            np.zeros((batch, units)) if zeros else rng.normal(size=(batch, units)),
            rng.normal(0, 0.6, (features, 4 * units)),  # (features, 4 * units)
            rng.normal(0, 0.6, (units, 4 * units)),  # (units, 4 * units)
            bias,
        )
        cases.append(
            (
                description,
                {
                    "x_t": x_t,
                    "h_prev": h_prev,
                    "c_prev": c_prev,
                    "kernel": kernel,
                    "recurrent_kernel": recurrent_kernel,
                    "bias": bias,
                },
            )
        )
    return cases


def _lstm(
    x_t,
    h_prev,
    c_prev,
    kernel,
    recurrent_kernel,
    bias,
    *,
    order="ifgo",
    squash_c=True,
    candidate=np.tanh,
    forget=True,
    use_bias=True,
):
    z = x_t @ kernel + h_prev @ recurrent_kernel + (bias if use_bias else 0.0)
    blocks = dict(zip(order, np.split(z, 4, axis=-1), strict=True))
    i, f, o = _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), _sigmoid(blocks["o"])
    g = candidate(blocks["g"])
    c_t = (f * c_prev if forget else c_prev) + i * g
    return o * (np.tanh(c_t) if squash_c else c_t), c_t


def _lstm_numpy(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    z = np.einsum("bf,fk->bk", x_t, kernel) + np.einsum("bu,uk->bk", h_prev, recurrent_kernel)
    i, f, g, o = np.split(z + bias, 4, axis=1)  # each (batch, units)
    c_t = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_t), c_t


def _lstm_keras_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    cell = keras.layers.LSTMCell(h_prev.shape[1])
    cell.build(x_t.shape)
    cell.set_weights([kernel, recurrent_kernel, bias])
    h_t, (_, c_t) = cell(x_t, [h_prev, c_prev])
    return keras.ops.convert_to_numpy(h_t), keras.ops.convert_to_numpy(c_t)


@coding_exercise(
    "05.lstm_step",
    "Write lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) with keras.ops on "
    "Keras's weight layout (blocks i, f, g, o); return (h_t, c_t).",
    cases=_lstm_cases,
    hints=(
        "All four blocks come out of ONE affine map of x_t and h_prev, cut into four equal "
        "column blocks in Keras's order. Three of them are gates (squashed to (0, 1)), one is "
        "the candidate (squashed to (-1, 1)). The new memory keeps part of the old one and "
        "writes part of the candidate; the output shows part of the squashed memory.",
        "z = keras.ops.matmul(x_t, kernel) + keras.ops.matmul(h_prev, recurrent_kernel) + bias "
        "has shape (batch, 4 * units); i, f, g, o = keras.ops.split(z, 4, axis=-1); use "
        "keras.ops.sigmoid for i, f, o and keras.ops.tanh for g; c_t = f * c_prev + i * g and "
        "h_t = o * keras.ops.tanh(c_t).",
    ),
    alternatives=(_lstm_numpy, _lstm_keras_cell),
    mistakes=(
        Mistake(
            "the blocks are cut in the wrong order: Keras's columns are i, f, g, o (input "
            "gate, forget gate, candidate, output gate), not i, f, o, g.",
            lambda **kw: _lstm(**kw, order="ifog"),
        ),
        Mistake(
            "h_t = o * c_t: the memory is squashed before the output gate shows it, "
            "h_t = o * tanh(c_t).",
            lambda **kw: _lstm(**kw, squash_c=False),
        ),
        Mistake(
            "the candidate g is squashed with the sigmoid: it uses tanh, so that it can "
            "write negative values too.",
            lambda **kw: _lstm(**kw, candidate=_sigmoid),
        ),
        Mistake(
            "the forget gate is not applied: the old memory is kept as f * c_prev, not c_prev.",
            lambda **kw: _lstm(**kw, forget=False),
        ),
        Mistake(
            "the bias is missing: add bias (4 * units,) to the affine map before cutting it.",
            lambda **kw: _lstm(**kw, use_bias=False),
        ),
    ),
    rtol=RTOL,
    atol=ATOL,
)
def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """x_t (batch, features), h_prev and c_prev (batch, units) -> h_t, c_t (batch, units)."""
    z = keras.ops.matmul(x_t, kernel) + keras.ops.matmul(h_prev, recurrent_kernel) + bias
    i, f, g, o = keras.ops.split(z, 4, axis=-1)  # each (batch, units), Keras's order
    i, f, o = keras.ops.sigmoid(i), keras.ops.sigmoid(f), keras.ops.sigmoid(o)  # gates
    c_t = f * c_prev + i * keras.ops.tanh(g)  # (batch, units): the new memory
    h_t = o * keras.ops.tanh(c_t)  # (batch, units)
    return h_t, c_t


# --------------------------------------------------------------------------- 05.gru_step
def _gru_cases(rng):
    cases = []
    for description, batch, features, units, reset_after in [
        ("reset_after=True, batch 3, 2 features, 4 units", 3, 2, 4, True),
        ("reset_after=False, batch 3, 2 features, 4 units", 3, 2, 4, False),
        ("reset_after=True, one example, one unit", 1, 3, 1, True),
        ("reset_after=False, the first step (h_prev all zeros)", 2, 3, 3, False),
        ("reset_after=True, batch 4, 1 feature, 5 units", 4, 1, 5, True),
        ("reset_after=False, one example, 4 features, 2 units", 1, 4, 2, False),
    ]:
        bias_shape = (2, 3 * units) if reset_after else (3 * units,)
        x_t, h_prev, kernel, recurrent_kernel, bias = _f32(
            rng.normal(size=(batch, features)),  # (batch, features)
            np.zeros((batch, units))
            if "zeros" in description
            else np.tanh(rng.normal(size=(batch, units))),
            rng.normal(0, 0.6, (features, 3 * units)),  # (features, 3 * units): z, r, h
            rng.normal(0, 0.6, (units, 3 * units)),  # (units, 3 * units)
            rng.normal(0, 0.5, bias_shape),
        )
        cases.append(
            (
                description,
                {
                    "x_t": x_t,
                    "h_prev": h_prev,
                    "kernel": kernel,
                    "recurrent_kernel": recurrent_kernel,
                    "bias": bias,
                    "reset_after": reset_after,
                },
            )
        )
    return cases


def _gru(
    x_t,
    h_prev,
    kernel,
    recurrent_kernel,
    bias,
    reset_after,
    *,
    swap_z=False,
    order="zrh",
    cho_always=False,
    keras_always=False,
    recurrent_bias=True,
):
    if reset_after:
        b_in, b_rec = bias[0], (bias[1] if recurrent_bias else np.zeros_like(bias[1]))
    else:
        b_in, b_rec = bias, np.zeros_like(bias)
    blocks_x = dict(zip(order, np.split(x_t @ kernel + b_in, 3, axis=-1), strict=True))
    blocks_u = dict(zip(order, np.split(recurrent_kernel, 3, axis=-1), strict=True))
    blocks_b = dict(zip(order, np.split(b_rec, 3, axis=-1), strict=True))
    z = _sigmoid(blocks_x["z"] + h_prev @ blocks_u["z"] + blocks_b["z"])
    r = _sigmoid(blocks_x["r"] + h_prev @ blocks_u["r"] + blocks_b["r"])
    after = (reset_after or keras_always) and not cho_always
    if after:
        candidate = np.tanh(blocks_x["h"] + r * (h_prev @ blocks_u["h"] + blocks_b["h"]))
    else:
        candidate = np.tanh(blocks_x["h"] + (r * h_prev) @ blocks_u["h"] + blocks_b["h"])
    if swap_z:
        z = 1 - z
    return z * h_prev + (1 - z) * candidate


def _gru_numpy(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    units = h_prev.shape[1]
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units, "float32"))
    x_z, x_r, x_h = np.split(x_t @ kernel + b_in, 3, axis=1)  # each (batch, units)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)  # each (units, units)
    c_z, c_r, c_h = np.split(b_rec, 3)  # each (units,)
    z = _sigmoid(x_z + h_prev @ u_z + c_z)
    r = _sigmoid(x_r + h_prev @ u_r + c_r)
    if reset_after:
        candidate = np.tanh(x_h + r * (h_prev @ u_h + c_h))
    else:
        candidate = np.tanh(x_h + (r * h_prev) @ u_h)
    return h_prev + (1 - z) * (candidate - h_prev)  # the same mix, written as an update


def _gru_keras_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    cell = keras.layers.GRUCell(h_prev.shape[1], reset_after=reset_after)
    cell.build(x_t.shape)
    cell.set_weights([kernel, recurrent_kernel, bias])
    h_t, _ = cell(x_t, h_prev)
    return keras.ops.convert_to_numpy(h_t)


@coding_exercise(
    "05.gru_step",
    "Write gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after) with keras.ops "
    "on Keras's weight layout (blocks z, r, h), in both forms: reset_after=True (Keras's "
    "default, bias (2, 3 * units)) and reset_after=False (Cho et al., bias (3 * units,)).",
    cases=_gru_cases,
    hints=(
        "Both forms compute the update gate z and the reset gate r the same way, from x_t and "
        "h_prev; they differ only in WHERE r acts in the candidate: on h_prev before its "
        "product with the candidate's recurrent weights (Cho), or on the product, recurrent "
        "bias included (Keras). Then z chooses between the old state and the candidate; in "
        "Keras z = 1 keeps the old state.",
        "Cut kernel, recurrent_kernel and the biases into three column blocks with "
        "keras.ops.split(..., 3, axis=-1), in the order z, r, h. reset_after=True: bias[0] "
        "goes with x_t @ kernel, bias[1] with h_prev @ recurrent_kernel, and the candidate is "
        "tanh(x_h + r * h_h). reset_after=False: bias goes with x_t @ kernel, and the "
        "candidate is tanh(x_h + (r * h_prev) @ U_h). Return z * h_prev + (1 - z) * candidate.",
    ),
    alternatives=(_gru_numpy, _gru_keras_cell),
    mistakes=(
        Mistake(
            "z and 1 - z are swapped: in Keras z = 1 KEEPS the old state, "
            "h_t = z * h_prev + (1 - z) * candidate.",
            lambda **kw: _gru(**kw, swap_z=True),
        ),
        Mistake(
            "the blocks are cut in the wrong order: Keras's columns are z, r, h (update gate "
            "first, then reset gate, then candidate).",
            lambda **kw: _gru(**kw, order="rzh"),
        ),
        Mistake(
            "the recurrent bias is missing: with reset_after=True, bias[1] is added to "
            "h_prev @ recurrent_kernel (all three blocks) before r multiplies the candidate's part.",
            lambda **kw: _gru(**kw, recurrent_bias=False),
        ),
        Mistake(
            "with reset_after=True the reset gate acts AFTER the product: r * (h_prev @ U_h + "
            "b_rh); you scaled h_prev before the product (that is reset_after=False).",
            lambda **kw: _gru(**kw, cho_always=True),
        ),
        Mistake(
            "with reset_after=False the reset gate acts BEFORE the product: (r * h_prev) @ U_h "
            "(Cho et al.); you applied it after the product (that is reset_after=True).",
            lambda **kw: _gru(**kw, keras_always=True),
        ),
    ),
    rtol=RTOL,
    atol=ATOL,
)
def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    """x_t (batch, features), h_prev (batch, units) -> h_t (batch, units)."""
    if reset_after:  # Keras's default: bias (2, 3 * units), an input row and a recurrent row
        x_z, x_r, x_h = keras.ops.split(keras.ops.matmul(x_t, kernel) + bias[0], 3, axis=-1)
        h_z, h_r, h_h = keras.ops.split(
            keras.ops.matmul(h_prev, recurrent_kernel) + bias[1], 3, axis=-1
        )  # each (batch, units)
        z = keras.ops.sigmoid(x_z + h_z)  # update gate
        r = keras.ops.sigmoid(x_r + h_r)  # reset gate
        candidate = keras.ops.tanh(x_h + r * h_h)  # reset AFTER the product
    else:  # Cho et al. (2014): bias (3 * units,)
        x_z, x_r, x_h = keras.ops.split(keras.ops.matmul(x_t, kernel) + bias, 3, axis=-1)
        u_z, u_r, u_h = keras.ops.split(recurrent_kernel, 3, axis=-1)  # each (units, units)
        z = keras.ops.sigmoid(x_z + keras.ops.matmul(h_prev, u_z))  # update gate
        r = keras.ops.sigmoid(x_r + keras.ops.matmul(h_prev, u_r))  # reset gate
        candidate = keras.ops.tanh(x_h + keras.ops.matmul(r * h_prev, u_h))  # reset BEFORE
    return z * h_prev + (1 - z) * candidate  # (batch, units): z = 1 keeps the old state
