"""Coding exercises of notebook 03 (BPTT): one step of the backward pass of a tanh RNN,
then the whole backward pass through time."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _weights(rng, features, units, scale=0.5):
    return (
        rng.normal(0, scale, (features, units)),  # Wx (features, units)
        rng.normal(0, scale, (units, units)),  # Wh (units, units)
        rng.normal(0, 0.1, (units,)),  # b (units,)
    )


# --------------------------------------------------------------------------- 03.rnn_step_backward
def _step_cases(rng):
    cases = []
    for description, batch, features, units, scale in [
        ("batch 2, 3 features, 5 units", 2, 3, 5, 0.5),
        ("one example, 4 features, 2 units", 1, 4, 2, 0.5),
        ("batch 3, 1 feature, 1 unit", 3, 1, 1, 0.5),
        ("batch 4, 2 features, 3 units, saturated states (|h| near 1)", 4, 2, 3, 3.0),
    ]:
        Wx, Wh, b = _weights(rng, features, units, scale)
        x_t = rng.normal(size=(batch, features))  # (batch, features)
        h_prev = np.tanh(rng.normal(size=(batch, units)))  # (batch, units)
        h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b)  # (batch, units): the forward step
        dh_t = rng.normal(size=(batch, units))  # (batch, units)
        cases.append(
            (
                description,
                {"dh_t": dh_t, "x_t": x_t, "h_prev": h_prev, "h_t": h_t, "Wx": Wx, "Wh": Wh},
            )
        )
    return cases


def _step_back(
    dh_t, x_t, h_prev, h_t, Wx, Wh, *, slope="h_t", wh_t=True, dwh_with="h_prev", db="sum"
):
    slopes = {
        "h_t": 1 - h_t**2,
        "h_prev": 1 - h_prev**2,
        "none": 1.0,
        "tanh": 1 - np.tanh(h_t) ** 2,
    }
    da = dh_t * slopes[slope]  # (batch, units)
    dh_prev = da @ (Wh.T if wh_t else Wh)
    dWh = (h_prev if dwh_with == "h_prev" else h_t).T @ da
    db_value = da.sum(axis=0) if db == "sum" else da.mean(axis=0)
    return da @ Wx.T, dh_prev, x_t.T @ da, dWh, db_value


def _step_back_einsum(dh_t, x_t, h_prev, h_t, Wx, Wh):
    da = np.einsum("bu,bu->bu", dh_t, 1 - np.square(h_t))  # (batch, units)
    return (
        np.einsum("bu,fu->bf", da, Wx),
        np.einsum("bu,vu->bv", da, Wh),
        np.einsum("bf,bu->fu", x_t, da),
        np.einsum("bv,bu->vu", h_prev, da),
        np.einsum("bu->u", da),
    )


@coding_exercise(
    "03.rnn_step_backward",
    "Write rnn_step_backward(dh_t, x_t, h_prev, h_t, Wx, Wh): one step of BPTT for "
    "h_t = tanh(x_t Wx + h_prev Wh + b); return (dx_t, dh_prev, dWx, dWh, db).",
    cases=_step_cases,
    hints=(
        "Go back through the step in the reverse order of the forward pass: first through the "
        "tanh (its slope can be written with the output you already have), then through the "
        "sum x_t Wx + h_prev Wh + b: every input of a matrix product gets the incoming "
        "gradient times the OTHER factor, transposed, and the bias collects it over the batch.",
        "da = dh_t * (1 - h_t ** 2) (batch, units); then dx_t = da @ Wx.T, dh_prev = da @ Wh.T, "
        "dWx = x_t.T @ da, dWh = h_prev.T @ da and db = da.sum(axis=0). Check each shape "
        "against the shape of what it is the gradient of.",
    ),
    alternatives=(_step_back_einsum,),
    mistakes=(
        Mistake(
            "the tanh is skipped: multiply dh_t by tanh's slope 1 - h_t**2 before anything else.",
            lambda **kw: _step_back(**kw, slope="none"),
        ),
        Mistake(
            "tanh's slope is taken at the wrong step: it is 1 - h_t**2 (this step's output), "
            "not 1 - h_prev**2.",
            lambda **kw: _step_back(**kw, slope="h_prev"),
        ),
        Mistake(
            "h_t is already tanh(a_t): its slope is 1 - h_t**2, not 1 - tanh(h_t)**2.",
            lambda **kw: _step_back(**kw, slope="tanh"),
        ),
        Mistake(
            "dh_prev uses Wh untransposed: going back through h_prev @ Wh multiplies by "
            "Wh.T (da @ Wh.T).",
            lambda **kw: _step_back(**kw, wh_t=False),
        ),
        Mistake(
            "dWh pairs da with the wrong state: the state that went INTO the step, "
            "h_prev.T @ da, not h_t.",
            lambda **kw: _step_back(**kw, dwh_with="h_t"),
        ),
        Mistake(
            "db is averaged over the batch: sum it (any 1/batch is already inside dh_t).",
            lambda **kw: _step_back(**kw, db="mean"),
        ),
    ),
)
def rnn_step_backward(dh_t, x_t, h_prev, h_t, Wx, Wh):
    """dh_t, h_prev, h_t (batch, units), x_t (batch, features) -> dx_t, dh_prev, dWx, dWh, db."""
    da = dh_t * (1 - h_t**2)  # (batch, units): back through tanh
    dx_t = da @ Wx.T  # (batch, features)
    dh_prev = da @ Wh.T  # (batch, units)
    dWx = x_t.T @ da  # (features, units)
    dWh = h_prev.T @ da  # (units, units)
    db = da.sum(axis=0)  # (units,)
    return dx_t, dh_prev, dWx, dWh, db


# --------------------------------------------------------------------------- 03.rnn_backward
def _backward_cases(rng):
    cases = []
    for description, batch, steps, features, units, last_only in [
        ("batch 2, 4 steps, 3 features, 5 units", 2, 4, 3, 5, False),
        ("a single time step", 3, 1, 2, 3, False),
        ("one example, 6 steps, 1 feature, 2 units", 1, 6, 1, 2, False),
        ("batch 3, 8 steps, loss on the last step only", 3, 8, 2, 4, True),
    ]:
        Wx, Wh, b = _weights(rng, features, units)
        x = rng.normal(size=(batch, steps, features))  # (batch, time, features)
        h0 = np.tanh(rng.normal(size=(batch, units)))  # (batch, units)
        h = np.zeros((batch, steps, units))  # (batch, time, units)
        state = h0
        for t in range(steps):
            state = np.tanh(x[:, t] @ Wx + state @ Wh + b)
            h[:, t] = state
        dh = rng.normal(size=(batch, steps, units))  # (batch, time, units): dL_t/dh_t
        if last_only:
            dh[:, :-1] = 0.0
        cases.append((description, {"dh": dh, "x": x, "h0": h0, "h": h, "Wx": Wx, "Wh": Wh}))
    return cases


def _backward(
    dh, x, h0, h, Wx, Wh, *, future=True, forwards=False, dwh_with="h_prev", carry="da", dh0="out"
):
    steps = x.shape[1]
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    from_future = np.zeros_like(h0)
    first_dh = None
    for t in range(steps) if forwards else reversed(range(steps)):
        dh_t = dh[:, t] + (from_future if future else 0.0)
        da = dh_t * (1 - h[:, t] ** 2)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += (h_prev[:, t] if dwh_with == "h_prev" else h[:, t]).T @ da
        db += da.sum(axis=0)
        from_future = (da if carry == "da" else dh_t) @ Wh.T
        if t == 0:
            first_dh = dh_t
    return dx, from_future if dh0 == "out" else first_dh, dWx, dWh, db


def _backward_with_steps(dh, x, h0, h, Wx, Wh):
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units)
    grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])]
    dx_steps, carried = [], np.zeros_like(h0)
    for t in range(x.shape[1] - 1, -1, -1):
        dx_t, carried, *step_grads = rnn_step_backward(
            dh[:, t] + carried, x[:, t], h_prev[:, t], h[:, t], Wx, Wh
        )
        dx_steps.insert(0, dx_t)
        grads = [g + s for g, s in zip(grads, step_grads, strict=True)]
    return np.stack(dx_steps, axis=1), carried, *grads


@coding_exercise(
    "03.rnn_backward",
    "Write rnn_backward(dh, x, h0, h, Wx, Wh): the whole backward pass through time of a "
    "tanh RNN, given each step's own gradient dh[:, t] = dL_t/dh_t; return "
    "(dx, dh0, dWx, dWh, db).",
    cases=_backward_cases,
    hints=(
        "Walk from the last step to the first. What reaches h_t is its own loss's gradient "
        "plus what step t + 1 hands back; each step then does exactly one rnn_step_backward, "
        "adds its share to the shared weights' gradients (they are sums over time), and "
        "hands a gradient on to the step before. What the first step hands on is dh0.",
        "h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1) gives h_{t-1} for every t. "
        "Start with carried = np.zeros_like(h0); for t in reversed(range(x.shape[1])): "
        "da = (dh[:, t] + carried) * (1 - h[:, t] ** 2); dx[:, t] = da @ Wx.T; "
        "dWx += x[:, t].T @ da; dWh += h_prev[:, t].T @ da; db += da.sum(axis=0); "
        "carried = da @ Wh.T. At the end dh0 = carried.",
    ),
    alternatives=(_backward_with_steps,),
    mistakes=(
        Mistake(
            "no gradient comes back from later steps: dL/dh_t is dh[:, t] PLUS what step t + 1 "
            "hands back (its da @ Wh.T).",
            lambda **kw: _backward(**kw, future=False),
        ),
        Mistake(
            "the loop runs forwards in time: BPTT starts at the last step and goes back to "
            "the first, since each step needs what the later step hands back.",
            lambda **kw: _backward(**kw, forwards=True),
        ),
        Mistake(
            "off by one step in time: dWh adds h_{t-1}.T @ da_t (h0 at the first step), "
            "not h_t.T @ da_t.",
            lambda **kw: _backward(**kw, dwh_with="h_t"),
        ),
        Mistake(
            "what is handed back skips tanh's slope: hand back da_t @ Wh.T, where "
            "da_t = dL/dh_t * (1 - h_t**2), not dL/dh_t @ Wh.T.",
            lambda **kw: _backward(**kw, carry="dh"),
        ),
        Mistake(
            "dh0 is the gradient of h_1, not of h0: h0 gets what the first step hands "
            "back, da_1 @ Wh.T.",
            lambda **kw: _backward(**kw, dh0="first"),
        ),
    ),
)
def rnn_backward(dh, x, h0, h, Wx, Wh):
    """dh, h (batch, time, units), x (batch, time, features) -> dx, dh0, dWx, dWh, db."""
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units): h_{t-1}
    dx = np.zeros_like(x)  # (batch, time, features)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    carried = np.zeros_like(h0)  # (batch, units): nothing comes back after the last step
    for t in reversed(range(x.shape[1])):
        da = (dh[:, t] + carried) * (1 - h[:, t] ** 2)  # (batch, units): back through tanh
        dx[:, t] = da @ Wx.T  # (batch, features)
        dWx += x[:, t].T @ da  # (features, units): this step's share
        dWh += h_prev[:, t].T @ da  # (units, units)
        db += da.sum(axis=0)  # (units,)
        carried = da @ Wh.T  # (batch, units): handed on to step t - 1
    return dx, carried, dWx, dWh, db
