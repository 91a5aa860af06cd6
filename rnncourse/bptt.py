"""Backpropagation through time, by hand, in NumPy (float64).

The network is the simple RNN ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``, run on a
batch. :func:`forward` unrolls it over time and keeps what the backward pass
needs; :func:`backward` walks the unrolled graph from the last step to the
first, carrying ``dL/dh_t`` back one step at a time. With ``truncate=k`` the
gradient is cut after ``k`` steps (truncated BPTT). :func:`gradient_check`
compares any analytic gradient with central differences;
:func:`step_contributions` splits ``dL/dWh`` into one term per time step.

:func:`step_gradient_norms` does the same measurement on any Keras recurrent
model: the size of ``dL/dh_t`` at each step, for vanishing and exploding
gradient plots. It is the one function here that needs a backend's automatic
differentiation (``tf.GradientTape`` on TensorFlow, ``jax.grad`` on JAX).

Shapes: ``x (batch, time, features)``, ``h0 (batch, units)``,
``Wx (features, units)``, ``Wh (units, units)``, ``b (units,)``.
"""

import numpy as np

from rnncourse import checks

__all__ = [
    "backward",
    "forward",
    "gradient_check",
    "numerical_gradient",
    "relative_error",
    "step_contributions",
    "step_gradient_norms",
]

_PARAMS = ("x", "h0", "Wx", "Wh", "b")


def _check_shapes(x, h0, Wx, Wh, b):
    if x.ndim != 3:
        raise ValueError(
            f"forward(x, ...): x must be (batch, time, features), got shape {x.shape}."
        )
    batch, _, features = x.shape
    units = Wh.shape[0] if Wh.ndim == 2 else None
    expected = {
        "h0": (batch, units),
        "Wx": (features, units),
        "Wh": (units, units),
        "b": (units,),
    }
    for name, array in (("h0", h0), ("Wx", Wx), ("Wh", Wh), ("b", b)):
        if array.shape != expected[name]:
            raise ValueError(
                f"forward(...): {name} must have shape {expected[name]} for x of shape "
                f"{x.shape} and Wh of shape {Wh.shape}, got {name} of shape {array.shape}."
            )


def forward(x, h0, Wx, Wh, b):
    """Run the simple RNN over a batch of sequences and keep a cache for backward.

    Args:
        x: inputs ``(batch, time, features)``.
        h0: initial state ``(batch, units)``.
        Wx: input weights ``(features, units)``.
        Wh: recurrent weights ``(units, units)``.
        b: bias ``(units,)``.

    Returns:
        ``(h, cache)``: the hidden states ``h`` shaped ``(batch, time, units)``,
        ``h[:, t]`` being ``h_t``, and a dict for :func:`backward`.

    Example:
        >>> import numpy as np
        >>> from rnncourse import bptt
        >>> rng = np.random.default_rng(0)
        >>> x, h0 = rng.normal(size=(2, 5, 3)), np.zeros((2, 4))
        >>> Wx, Wh, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), np.zeros(4)
        >>> h, cache = bptt.forward(x, h0, Wx, Wh, b)
        >>> h.shape  # (batch, time, units)
        (2, 5, 4)
    """
    x, h0, Wx, Wh, b = (
        checks.finite_array(a, name, caller="forward")
        for name, a in zip(_PARAMS, (x, h0, Wx, Wh, b), strict=True)
    )
    _check_shapes(x, h0, Wx, Wh, b)
    batch, steps, _ = x.shape
    h = np.empty((batch, steps, Wh.shape[0]))  # (batch, time, units)
    h_prev = h0  # (batch, units)
    for t in range(steps):
        h_prev = np.tanh(x[:, t] @ Wx + h_prev @ Wh + b)  # (batch, units)
        h[:, t] = h_prev
    cache = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b, "h": h}
    return h, cache


def _check_truncate(truncate, truncate_mode):
    if truncate is not None:
        truncate = checks.positive_int(truncate, "truncate", about="or None (full BPTT)")
    checks.choice(truncate_mode, "truncate_mode", ("chunk", "window"))
    return truncate


def _backprop(dh, cache, truncate, truncate_mode):
    """Walk the unrolled graph backwards; return per-step pre-activation grads.

    Returns ``da`` (batch, time, units), ``dh0`` (batch, units) and the
    accumulated ``dL/dh_t`` (batch, time, units) as seen by each step.
    """
    if not isinstance(cache, dict) or not {"x", "h0", "Wx", "Wh", "b", "h"} <= cache.keys():
        raise ValueError(
            "cache must be the dict that forward() returns second, (h, cache) = "
            f"forward(...); got {type(cache).__name__}."
        )
    h, h0, Wh = cache["h"], cache["h0"], cache["Wh"]
    dh = checks.finite_array(dh, "dh")
    if dh.shape != h.shape:
        raise ValueError(
            f"backward(dh, cache): dh must have the shape of the hidden states {h.shape} "
            f"(dL/dh_t for every t), got dh of shape {dh.shape}."
        )
    batch, steps, units = h.shape
    # h_prev[:, t] is h_{t-1}: the state each step reads.
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units)
    da = np.zeros_like(h)  # (batch, time, units): dL/d(pre-activation of step t)
    dh0 = np.zeros_like(h0)  # (batch, units)
    dh_total = np.zeros_like(h)  # (batch, time, units)

    if truncate is None or truncate_mode == "chunk":
        k = steps if truncate is None else truncate
        carry = np.zeros((batch, units))  # dL/dh_t arriving from step t + 1
        for t in reversed(range(steps)):
            g = dh[:, t] + carry  # (batch, units): everything that reaches h_t
            dh_total[:, t] = g
            da[:, t] = g * (1.0 - h[:, t] ** 2)  # (batch, units): through tanh
            back = da[:, t] @ Wh.T  # (batch, units): into h_{t-1}
            if t == 0:
                dh0 = back
            # A chunk starts at every multiple of k: no gradient crosses into the
            # previous chunk, as if h_{t-1} went through stop_gradient.
            carry = np.zeros_like(back) if t % k == 0 else back
    else:  # "window": each dL/dh_s flows back through exactly k steps at most
        for s in range(steps):
            g = dh[:, s]  # (batch, units)
            for t in range(s, max(s - truncate, -1), -1):
                dh_total[:, t] += g
                step_da = g * (1.0 - h[:, t] ** 2)  # (batch, units)
                da[:, t] += step_da
                g = step_da @ Wh.T  # (batch, units): into h_{t-1}
                if t == 0:
                    dh0 += g
    return da, dh0, dh_total, h_prev


def backward(dh, cache, truncate=None, truncate_mode="chunk"):
    """Backpropagation through time for :func:`forward`.

    Each step ``a_t = x_t Wx + h_{t-1} Wh + b``, ``h_t = tanh(a_t)`` is
    differentiated in turn, from the last step to the first. The gradient that
    reaches ``h_t`` is ``dh[:, t]`` (the loss's direct dependence on ``h_t``)
    plus what flows back from step ``t + 1`` through ``Wh``. The weights are
    shared by all steps, so their gradients are sums over steps.

    Args:
        dh: ``dL/dh_t`` for every step, ``(batch, time, units)`` (zeros where
            the loss does not read ``h_t``, e.g. all but the last step for a
            many-to-one model).
        cache: the cache returned by :func:`forward`.
        truncate: ``None`` for full BPTT, or ``k`` for truncated BPTT.
        truncate_mode: how ``truncate=k`` cuts the graph.
            ``"chunk"`` (default): the sequence is cut into chunks of ``k``
            steps (``[0, k)``, ``[k, 2k)``, ...) and no gradient crosses a chunk
            boundary, exactly as if ``h`` went through ``stop_gradient`` every
            ``k`` steps, or as when a stateful RNN is trained on chunks of ``k``
            steps. A gradient then flows back at most ``k`` steps.
            ``"window"``: the gradient of each ``dh[:, s]`` flows back through
            exactly the ``k`` steps ``s, s-1, ..., s-k+1`` (Williams and Peng's
            BPTT(k)); costs ``time * k`` steps instead of ``time``.

    Returns:
        A dict of float64 gradients: ``x`` ``(batch, time, features)``, ``h0``
        ``(batch, units)``, ``Wx``, ``Wh``, ``b`` (shaped like the weights), and
        ``h`` ``(batch, time, units)``: the total gradient that reached each
        ``h_t`` (direct plus from later steps), whose norm per step shows
        vanishing or exploding gradients.

    Example:
        >>> import numpy as np
        >>> from rnncourse import bptt
        >>> rng = np.random.default_rng(0)
        >>> x, h0 = rng.normal(size=(2, 5, 3)), np.zeros((2, 4))
        >>> Wx, Wh, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), np.zeros(4)
        >>> h, cache = bptt.forward(x, h0, Wx, Wh, b)
        >>> dh = np.zeros_like(h)
        >>> dh[:, -1] = 1.0  # L = sum of the last hidden state
        >>> grads = bptt.backward(dh, cache)
        >>> grads["Wh"].shape  # like Wh
        (4, 4)
    """
    truncate = _check_truncate(truncate, truncate_mode)
    da, dh0, dh_total, h_prev = _backprop(dh, cache, truncate, truncate_mode)
    x, Wx = cache["x"], cache["Wx"]
    return {
        "x": da @ Wx.T,  # (batch, time, features)
        "h0": dh0,  # (batch, units)
        "Wx": np.einsum("btf,btu->fu", x, da),  # (features, units)
        "Wh": np.einsum("bti,btu->iu", h_prev, da),  # (units, units)
        "b": da.sum(axis=(0, 1)),  # (units,)
        "h": dh_total,  # (batch, time, units)
    }


def step_contributions(dh, cache, truncate=None, truncate_mode="chunk"):
    """Split the shared-weight gradients into one term per time step.

    ``dL/dWh = sum_t h_{t-1}^T da_t``: each step adds its own outer product.
    Plotting the size of each term shows which steps the weight update
    actually listens to (with vanishing gradients, mostly the last few).

    Args:
        dh, cache, truncate, truncate_mode: as for :func:`backward`.

    Returns:
        A dict with ``Wx`` ``(time, features, units)``, ``Wh``
        ``(time, units, units)`` and ``b`` ``(time, units)``. Summed over axis 0
        they equal :func:`backward`'s gradients. ``np.linalg.norm(c["Wh"],
        axis=(1, 2))`` gives one number per step.

    Example:
        >>> import numpy as np
        >>> from rnncourse import bptt
        >>> rng = np.random.default_rng(0)
        >>> h, cache = bptt.forward(rng.normal(size=(2, 6, 3)), np.zeros((2, 4)),
        ...                         rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), np.zeros(4))
        >>> dh = np.zeros_like(h)
        >>> dh[:, -1] = 1.0
        >>> parts = bptt.step_contributions(dh, cache)
        >>> parts["Wh"].shape  # (time, units, units)
        (6, 4, 4)
    """
    truncate = _check_truncate(truncate, truncate_mode)
    da, _, _, h_prev = _backprop(dh, cache, truncate, truncate_mode)
    return {
        "Wx": np.einsum("btf,btu->tfu", cache["x"], da),  # (time, features, units)
        "Wh": np.einsum("bti,btu->tiu", h_prev, da),  # (time, units, units)
        "b": da.sum(axis=0),  # (time, units)
    }


def relative_error(a, b):
    """Largest element-wise relative error ``|a - b| / max(|a| + |b|, 1e-8)``.

    The CS231n convention: below about 1e-7 in float64 the two agree; near
    1e-2 or above, one of them is wrong. The ``1e-8`` floor keeps entries where
    both are (nearly) zero from dividing by zero.
    """
    a, b = checks.finite_array(a, "a"), checks.finite_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"relative_error(a, b): shapes differ, {a.shape} and {b.shape}.")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def numerical_gradient(f, params, eps=1e-6):
    """Central-difference gradient of a scalar function of several arrays.

    ``df/dp[i] ≈ (f(p[i] + eps) - f(p[i] - eps)) / (2 eps)``, one entry at a
    time (two calls of ``f`` per entry, so keep the arrays small).

    Args:
        f: maps a dict of arrays (like ``params``) to a float.
        params: dict of name to float64 array. Not modified.
        eps: the step. Default ``1e-6``.

    Returns:
        A dict of gradients, one array per entry of ``params``.
    """
    params = _as_params(params, "numerical_gradient")
    eps = checks.number(eps, "eps", low=0, low_open=True, about="(the central-difference step)")
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + eps
            plus = _scalar(f(params), name, index)
            value[index] = saved - eps
            minus = _scalar(f(params), name, index)
            value[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    return grads


def _as_params(params, caller):
    if not isinstance(params, dict):
        raise ValueError(
            f"{caller}(params=...) must be a dict of name -> array, such as "
            f"{{'Wx': Wx, 'Wh': Wh}}, got {type(params).__name__}."
        )
    return {name: np.array(value, dtype=np.float64) for name, value in params.items()}


def _scalar(value, name, index):
    """The loss ``f`` returned, as a float, or a clear error."""
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return one number (a scalar loss), got an array of shape {np.shape(value)}; "
            "sum or average it, e.g. 0.5 * np.sum(h ** 2)."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(
            f"f returned {value} with params[{name!r}] moved at index {index}; "
            "the loss must be finite near the point checked."
        )
    return value


def gradient_check(f, params, grads, eps=1e-6):
    """Compare analytic gradients with central differences.

    Args:
        f: maps a dict of arrays (like ``params``) to a scalar loss.
        params: dict of name to array, the point where to check.
        grads: dict of analytic gradients, at least one per entry of ``params``
            (extra entries are ignored).
        eps: the central-difference step. Default ``1e-6``.

    Returns:
        ``(largest, errors)``: the largest :func:`relative_error` over all
        parameters, and a dict of the error for each one.

    Example:
        >>> import numpy as np
        >>> from rnncourse import bptt
        >>> rng = np.random.default_rng(0)
        >>> params = {"x": rng.normal(size=(2, 4, 3)), "h0": rng.normal(size=(2, 5)),
        ...           "Wx": rng.normal(size=(3, 5)), "Wh": 0.5 * rng.normal(size=(5, 5)),
        ...           "b": rng.normal(size=5)}
        >>> def loss(p):
        ...     h, _ = bptt.forward(**p)
        ...     return 0.5 * np.sum(h ** 2)
        >>> h, cache = bptt.forward(**params)
        >>> largest, errors = bptt.gradient_check(loss, params, bptt.backward(h, cache))
        >>> largest < 1e-6
        True
    """
    params = _as_params(params, "gradient_check")
    if not isinstance(grads, dict):
        raise ValueError(
            f"gradient_check(grads=...) must be a dict of name -> gradient, like "
            f"params, got {type(grads).__name__}."
        )
    missing = [name for name in params if name not in grads]
    if missing:
        raise ValueError(
            f"gradient_check: grads has no entry for {missing}; it has {sorted(grads)}."
        )
    for name, value in params.items():
        if np.shape(grads[name]) != value.shape:
            raise ValueError(
                f"gradient_check: grads[{name!r}] must have the shape of "
                f"params[{name!r}], {value.shape}, got {np.shape(grads[name])}."
            )
    numeric = numerical_gradient(f, params, eps=eps)
    errors = {name: relative_error(grads[name], numeric[name]) for name in params}
    return max(errors.values()), errors


# -- gradients in a Keras model -------------------------------------------------
def _find_recurrent_layer(model_or_layer):
    """Return ``(layers_before, rnn, layers_after)`` of a Sequential model."""
    import keras

    if isinstance(model_or_layer, keras.layers.RNN):
        return [], model_or_layer, []
    if isinstance(model_or_layer, keras.Sequential):
        layers = model_or_layer.layers
        for index, layer in enumerate(layers):
            if isinstance(layer, keras.layers.RNN):
                return layers[:index], layer, layers[index + 1 :]
        found = [type(layer).__name__ for layer in layers]
        raise ValueError(
            "step_gradient_norms: the model has no keras.layers.RNN layer (SimpleRNN, "
            f"LSTM, GRU or RNN(cell)); its layers are {found}."
        )
    raise TypeError(
        "step_gradient_norms takes a keras.Sequential model or a recurrent layer "
        "(keras.layers.SimpleRNN, LSTM, GRU or RNN(cell)), got "
        f"{type(model_or_layer).__name__}. For a functional model, pass its recurrent "
        "layer and that layer's inputs."
    )


def step_gradient_norms(model_or_layer, x, y=None, loss=None):
    """Per-time-step gradient norms ``mean over batch of ||dL/dh_t||`` of a Keras RNN.

    How it works (and why it is exact): the recurrent layer's cell is run step
    by step and a zero perturbation ``δ_t`` is added to its hidden state after
    each step, ``h_t <- h_t + δ_t``. The rest of the model reads the perturbed
    states, so ``dL/dδ_t`` at ``δ = 0`` is exactly ``dL/dh_t``: the *total*
    gradient reaching ``h_t``, through every later step. (Differentiating the
    layer's output sequence instead would give only the direct part.) This is
    the one helper in the course that uses the backend's autodiff directly:
    ``tf.GradientTape`` on TensorFlow, ``jax.grad`` on JAX.

    Each sample's own loss is differentiated (the batch losses are summed, not
    averaged), so the norms do not shrink with the batch size. Runs at inference
    (no dropout). The layer's mask, if any, is not applied.

    Args:
        model_or_layer: a ``keras.Sequential`` model whose first recurrent layer
            (``SimpleRNN``, ``LSTM``, ``GRU`` or ``RNN(cell)``, unidirectional)
            is measured, or such a layer on its own.
        x: the model's (or layer's) inputs for one batch.
        y: targets. If ``None``, the loss is the sum of the model's outputs
            (a fixed linear read-out), which is enough to see gradients vanish.
        loss: with ``y``, a Keras loss name or callable ``loss(y_true, y_pred)``;
            default: the compiled model's loss, else ``"mse"``.

    Returns:
        NumPy array ``(time,)``: entry ``t`` is the mean over the batch of
        ``||dL/dh_t||`` for the ``t``-th step the layer processed (from the end
        of the sequence when ``go_backwards=True``).

    Example:
        >>> import numpy as np, keras
        >>> from rnncourse import bptt
        >>> model = keras.Sequential([keras.Input((20, 1)), keras.layers.SimpleRNN(8),
        ...                           keras.layers.Dense(1)])
        >>> norms = bptt.step_gradient_norms(model, np.ones((4, 20, 1), "float32"))
        >>> norms.shape  # (time,)
        (20,)
    """
    import keras
    from keras import ops

    before, rnn, after = _find_recurrent_layer(model_or_layer)
    x = ops.convert_to_tensor(np.asarray(x))
    for layer in before:
        x = layer(x, training=False)
    features = getattr(getattr(rnn.cell, "kernel", None), "shape", (None,))[0]
    checks.shape(
        x.shape,
        "x",
        ("batch", "time", "features" if features is None else features),
        caller=f"step_gradient_norms on {type(rnn).__name__}",
        note="(after the layers before it)" if before else "",
    )
    if not rnn.built:
        rnn(x)  # build the layer (and its cell) on these inputs
    batch, steps = x.shape[0], x.shape[1]
    cell = rnn.cell
    units = cell.output_size

    if y is not None:
        if loss is None:
            compiled = getattr(model_or_layer, "loss", None)
            loss = compiled if compiled is not None and not isinstance(compiled, list) else "mse"
        loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
        y = ops.convert_to_tensor(np.asarray(y))
        if len(y.shape) == 0 or y.shape[0] != batch:
            raise ValueError(
                f"y must hold one target per example of x ({batch}), got shape {tuple(y.shape)}."
            )

    def total_loss(deltas):
        """Sum over the batch of each sample's loss, with h_t += deltas[t]."""
        if rnn.stateful and rnn.states is not None:
            states = list(rnn.states)
        else:
            states = rnn.get_initial_state(batch)
        outputs = []
        order = range(steps - 1, -1, -1) if rnn.go_backwards else range(steps)
        for i, t in enumerate(order):
            output, states = cell(x[:, t], states, training=False)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            output = output + deltas[i]  # (batch, units): the output is h_t ...
            states[0] = output  # ... and so is the first state
            outputs.append(output)
        out = ops.stack(outputs, axis=1) if rnn.return_sequences else outputs[-1]
        for layer in after:
            out = layer(out, training=False)
        if y is None:
            return ops.sum(out)
        values = loss_fn(y, out)
        if len(values.shape) == 0:  # a reduced (batch-mean) loss
            return values * batch
        return ops.sum(values)

    deltas = ops.zeros((steps, batch, units), dtype=cell.compute_dtype)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        deltas = tf.Variable(deltas)
        with tf.GradientTape() as tape:
            value = total_loss(deltas)
        grads = tape.gradient(value, deltas)
    elif backend == "jax":
        import jax

        grads = jax.grad(total_loss)(deltas)
    else:
        raise NotImplementedError(
            f"step_gradient_norms supports the tensorflow and jax backends, not {backend!r}."
        )
    grads = np.asarray(ops.convert_to_numpy(grads), dtype=np.float64)  # (time, batch, units)
    return np.linalg.norm(grads, axis=-1).mean(axis=1)  # (time,)
