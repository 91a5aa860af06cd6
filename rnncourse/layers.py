"""Attention layers and a minGRU-style linear recurrent layer.

- :class:`BahdanauAttention`: additive attention (Bahdanau, Cho and Bengio,
  2015), ``score(q, v_j) = w · tanh(q W_q + v_j W_v)``.
- :class:`LuongAttention`: multiplicative attention (Luong, Pham and Manning,
  2015), ``score = q · v_j`` (``"dot"``) or ``q W v_j`` (``"general"``).
- :class:`MinGRU`: the minimal GRU of Feng et al. (2024), "Were RNNs All We
  Needed?", whose gates depend on the input only, so the whole sequence can be
  computed with a parallel scan instead of a step-by-step loop.

The attention layers take ``(query, values)`` and return
``(context, attention_weights)``, so a notebook can plot the weights as an
alignment map. ``query`` is one decoder state ``(batch, query_dim)`` or a
sequence of them ``(batch, query_time, query_dim)``; ``values`` are the encoder
outputs ``(batch, value_time, value_dim)``.
"""

import keras
from keras import ops

from rnncourse import checks

__all__ = ["BahdanauAttention", "LuongAttention", "MinGRU"]


def _masked_softmax(scores, values_mask):
    """Softmax over the last axis (value time), ignoring masked-out values.

    ``scores`` is ``(batch, query_time, value_time)``; ``values_mask`` is
    ``(batch, value_time)`` with True for real positions, or None.
    """
    if values_mask is not None:
        keep = ops.expand_dims(ops.cast(values_mask, "bool"), axis=1)  # (batch, 1, Tv)
        very_negative = ops.cast(-1e9 if scores.dtype != "float16" else -6e4, scores.dtype)
        scores = ops.where(keep, scores, very_negative)  # (batch, Tq, Tv)
    return ops.softmax(scores, axis=-1)  # (batch, Tq, Tv)


class _Attention(keras.layers.Layer):
    """Shared plumbing: shape checks, the single-query case, masks, outputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_shapes(self, query_shape, values_shape, mask_shape=None):
        """Raise a clear error unless the shapes fit each other and the built weights.

        Static shapes only (``None`` matches anything), so it works on symbolic
        tensors and inside a traced ``model.fit`` at no cost per step.
        """
        name = type(self).__name__
        query_dim, value_dim = self._built_dims() if self.built else (None, None)
        query_dim = query_dim or "query_dim"
        built = "(the size it was built for; make a new layer for another size)"
        checks.shape(
            query_shape,
            "query",
            [("batch", query_dim), ("batch", "query_time", query_dim)],
            caller=name,
            note=built if self.built else "",
        )
        checks.shape(
            values_shape,
            "values",
            ("batch", "value_time", value_dim or "value_dim"),
            caller=name,
            note=built
            if self.built
            else ("Add a time axis with values[:, None]." if len(values_shape) == 2 else ""),
        )
        batch, value_time = values_shape[0], values_shape[1]
        if None not in (query_shape[0], batch) and query_shape[0] != batch:
            raise ValueError(
                f"{name} needs query and values with the same batch size, received query of "
                f"shape {tuple(query_shape)} and values of shape {tuple(values_shape)}."
            )
        if mask_shape is not None:
            checks.shape(
                mask_shape,
                "values_mask",
                (batch or "batch", value_time or "value_time"),
                caller=name,
                note=f"(one flag per value; values are shaped {tuple(values_shape)})",
            )

    def _built_dims(self):
        """``(query_dim, value_dim)`` the weights fix, ``None`` where they fix none."""
        return None, None

    def _score(self, query, values):
        """Return scores ``(batch, Tq, Tv)`` for query ``(batch, Tq, dq)``."""
        raise NotImplementedError

    def call(self, query, values, values_mask=None):
        mask_shape = None if values_mask is None else tuple(values_mask.shape)
        self._check_shapes(tuple(query.shape), tuple(values.shape), mask_shape)
        single_query = len(query.shape) == 2
        if single_query:
            query = ops.expand_dims(query, axis=1)  # (batch, 1, query_dim)
        scores = self._score(query, values)  # (batch, Tq, Tv)
        weights = _masked_softmax(scores, values_mask)  # (batch, Tq, Tv)
        context = ops.matmul(weights, values)  # (batch, Tq, value_dim)
        if single_query:
            context = ops.squeeze(context, axis=1)  # (batch, value_dim)
            weights = ops.squeeze(weights, axis=1)  # (batch, Tv)
        return context, weights

    def compute_mask(self, inputs, previous_mask=None):
        # The mask of a query sequence (batch, Tq) still holds for both outputs.
        return [previous_mask, previous_mask]

    def compute_output_shape(self, query_shape, values_shape):
        self._check_shapes(tuple(query_shape), tuple(values_shape))  # symbolic calls come here
        if len(query_shape) == 2:
            return (query_shape[0], values_shape[-1]), (query_shape[0], values_shape[1])
        context_shape = (query_shape[0], query_shape[1], values_shape[-1])
        return context_shape, (query_shape[0], query_shape[1], values_shape[1])


@keras.saving.register_keras_serializable(package="rnncourse")
class BahdanauAttention(_Attention):
    """Additive attention: a small feed-forward net scores each value.

    For a query ``q`` (a decoder state) and each value ``v_j`` (an encoder
    output)::

        score_j = w · tanh(q W_q + v_j W_v + b)
        a = softmax(score)            attention weights, sum to 1 over j
        context = sum_j a_j v_j

    Args:
        units: positive int, size of the hidden layer of the scoring net.
        use_bias: whether to add ``b``. Default ``True``.
        kernel_initializer: initializer for ``W_q``, ``W_v`` and ``w``.
            Default ``"glorot_uniform"``.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        query: ``(batch, query_dim)`` or ``(batch, query_time, query_dim)``.
        values: ``(batch, value_time, value_dim)``.
        values_mask: optional boolean ``(batch, value_time)``, True where a value
            is real (False for padding). Filled in automatically when ``values``
            carries a Keras mask (e.g. from ``Embedding(mask_zero=True)``).

    Returns:
        ``(context, attention_weights)``: ``(batch, value_dim)`` and
        ``(batch, value_time)`` for one query; ``(batch, query_time, value_dim)``
        and ``(batch, query_time, value_time)`` for a query sequence.

    Example:
        >>> import numpy as np
        >>> from rnncourse.layers import BahdanauAttention
        >>> attention = BahdanauAttention(8)
        >>> query = np.ones((2, 5), "float32")  # (batch, query_dim)
        >>> values = np.ones((2, 7, 6), "float32")  # (batch, value_time, value_dim)
        >>> context, weights = attention(query, values)
        >>> tuple(context.shape), tuple(weights.shape)  # (batch, value_dim), (batch, value_time)
        ((2, 6), (2, 7))
    """

    def __init__(self, units, use_bias=True, kernel_initializer="glorot_uniform", **kwargs):
        units = checks.positive_int(
            units, "units", caller="BahdanauAttention", about="(the size of the scoring layer)"
        )
        super().__init__(**kwargs)
        self.units = units
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, query_shape, values_shape):
        self._check_shapes(query_shape, values_shape)
        self.query_kernel = self.add_weight(
            shape=(query_shape[-1], self.units),
            name="query_kernel",
            initializer=self.kernel_initializer,
        )
        self.values_kernel = self.add_weight(
            shape=(values_shape[-1], self.units),
            name="values_kernel",
            initializer=self.kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name="bias", initializer="zeros")
        self.score_vector = self.add_weight(
            shape=(self.units,), name="score_vector", initializer=self.kernel_initializer
        )

    def _built_dims(self):
        return self.query_kernel.shape[0], self.values_kernel.shape[0]

    def _score(self, query, values):
        q = ops.matmul(query, self.query_kernel)  # (batch, Tq, units)
        v = ops.matmul(values, self.values_kernel)  # (batch, Tv, units)
        hidden = ops.expand_dims(q, 2) + ops.expand_dims(v, 1)  # (batch, Tq, Tv, units)
        if self.use_bias:
            hidden = ops.add(hidden, self.bias)  # (batch, Tq, Tv, units)
        return ops.sum(ops.tanh(hidden) * self.score_vector, axis=-1)  # (batch, Tq, Tv)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="rnncourse")
class LuongAttention(_Attention):
    """Multiplicative attention: a (bilinear) dot product scores each value.

    ``score="dot"``: ``score_j = q · v_j`` (no weights; query and values must
    have the same size). ``score="general"``: ``score_j = q W v_j`` with a
    learned ``W`` of shape ``(query_dim, value_dim)``. Then
    ``a = softmax(score)`` and ``context = sum_j a_j v_j``.

    Args:
        score: ``"dot"`` or ``"general"``. Default ``"general"``.
        scale: if ``True``, divide the scores by ``sqrt(value_dim)``, as in
            Transformers. Default ``False`` (Luong's form).
        kernel_initializer: initializer for ``W`` (``"general"`` only).
            Default ``"glorot_uniform"``.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        query: ``(batch, query_dim)`` or ``(batch, query_time, query_dim)``.
        values: ``(batch, value_time, value_dim)``.
        values_mask: optional boolean ``(batch, value_time)``, True where a
            value is real. Filled in automatically from a Keras mask on ``values``.

    Returns:
        ``(context, attention_weights)``, shaped as for :class:`BahdanauAttention`.

    Example:
        >>> import numpy as np
        >>> from rnncourse.layers import LuongAttention
        >>> attention = LuongAttention(score="dot")
        >>> query = np.ones((2, 4, 6), "float32")  # (batch, query_time, dim)
        >>> values = np.ones((2, 7, 6), "float32")  # (batch, value_time, dim)
        >>> context, weights = attention(query, values)
        >>> tuple(context.shape), tuple(weights.shape)  # (batch, 4, 6), (batch, 4, 7)
        ((2, 4, 6), (2, 4, 7))
    """

    SCORES = ("dot", "general")

    def __init__(self, score="general", scale=False, kernel_initializer="glorot_uniform", **kwargs):
        checks.choice(
            score,
            "score",
            self.SCORES,
            caller="LuongAttention",
            note="('concat' scoring is BahdanauAttention.)",
        )
        super().__init__(**kwargs)
        self.score = score
        self.scale = bool(scale)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, query_shape, values_shape):
        self.kernel = None
        self._check_shapes(query_shape, values_shape)
        query_dim, value_dim = query_shape[-1], values_shape[-1]
        if self.score == "general":
            self.kernel = self.add_weight(
                shape=(query_dim, value_dim), name="kernel", initializer=self.kernel_initializer
            )

    def _check_shapes(self, query_shape, values_shape, mask_shape=None):
        super()._check_shapes(query_shape, values_shape, mask_shape)
        query_dim, value_dim = query_shape[-1], values_shape[-1]
        if self.score == "dot" and None not in (query_dim, value_dim) and query_dim != value_dim:
            raise ValueError(
                "LuongAttention(score='dot') needs query and values with the same last "
                f"dimension, received query of shape {tuple(query_shape)} and values of "
                f"shape {tuple(values_shape)}. Use score='general' to learn a "
                f"({query_dim}, {value_dim}) matrix between them."
            )

    def _built_dims(self):
        return tuple(self.kernel.shape) if self.kernel is not None else (None, None)

    def _score(self, query, values):
        if self.kernel is not None:
            query = ops.matmul(query, self.kernel)  # (batch, Tq, value_dim)
        scores = ops.matmul(query, ops.transpose(values, (0, 2, 1)))  # (batch, Tq, Tv)
        if self.scale:
            scores = scores / ops.sqrt(ops.cast(values.shape[-1], scores.dtype))  # (batch, Tq, Tv)
        return scores

    def get_config(self):
        base_config = super().get_config()
        config = {
            "score": self.score,
            "scale": self.scale,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="rnncourse")
class MinGRU(keras.layers.Layer):
    """Minimal GRU (Feng et al., 2024): a linear recurrence with input-only gates.

    At each step::

        z_t  = σ(x_t W_z + b_z)                 update gate, from x_t only
        h~_t = x_t W_h + b_h                    candidate, from x_t only
        h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t

    Because ``z_t`` and ``h~_t`` do not depend on ``h_{t-1}``, the recurrence is
    ``h_t = a_t * h_{t-1} + b_t`` with ``a_t = 1 - z_t`` and ``b_t = z_t * h~_t``
    known for all ``t`` at once. Two such steps compose into one of the same
    form, ``(a1, b1) then (a2, b2) = (a1 a2, a2 b1 + b2)``, an associative
    operation, so ``mode="parallel"`` computes all ``h_t`` with a parallel
    (prefix) scan in ``log2(time)`` rounds of whole-sequence operations, while
    ``mode="sequential"`` runs the loop with ``keras.ops.scan``. Both give the
    same numbers (up to rounding).

    Args:
        units: positive int, size of the state.
        mode: ``"parallel"`` (default) or ``"sequential"``.
        return_sequences: return every ``h_t`` ``(batch, time, units)`` instead
            of the last one ``(batch, units)``. Default ``False``.
        return_state: also return the last state ``(batch, units)``.
        use_bias: whether to add ``b_z``, ``b_h``. Default ``True``.
        kernel_initializer: initializer for ``kernel`` ``(features, 2 * units)``
            (the ``[W_z | W_h]`` blocks). Default ``"glorot_uniform"``.
        bias_initializer: initializer for ``bias`` ``(2 * units,)``.
            Default ``"zeros"``.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: ``(batch, time, features)``.
        initial_state: optional ``(batch, units)``; zeros by default.
        mask: optional boolean ``(batch, time)``; at a masked step the state is
            carried over unchanged (as in ``keras.layers.RNN``).

    Returns:
        ``(batch, time, units)`` or ``(batch, units)``; with ``return_state``,
        a list ``[output, last_state]``.

    Example:
        >>> import numpy as np
        >>> from rnncourse.layers import MinGRU
        >>> layer = MinGRU(8, return_sequences=True)
        >>> tuple(layer(np.ones((2, 16, 3), "float32")).shape)  # (batch, time, units)
        (2, 16, 8)
    """

    MODES = ("parallel", "sequential")

    def __init__(
        self,
        units,
        mode="parallel",
        return_sequences=False,
        return_state=False,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        units = checks.positive_int(
            units, "units", caller="MinGRU", about="(the size of the state)"
        )
        checks.choice(mode, "mode", self.MODES, caller="MinGRU")
        super().__init__(**kwargs)
        self.units = units
        self.mode = mode
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True

    def build(self, inputs_shape, initial_state_shape=None):
        self._check_inputs(inputs_shape)
        self.kernel = self.add_weight(
            shape=(inputs_shape[-1], 2 * self.units),
            name="kernel",
            initializer=self.kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(2 * self.units,), name="bias", initializer=self.bias_initializer
            )

    def _check_inputs(self, inputs_shape):
        """Raise unless inputs are (batch, time, features), features as built (static shapes)."""
        features = self.kernel.shape[0] if self.built else "features"
        checks.shape(
            inputs_shape,
            "inputs",
            ("batch", "time", features),
            caller="MinGRU",
            note=f"(it was built for {features} features)" if self.built else "",
        )

    def call(self, inputs, initial_state=None, mask=None):
        self._check_inputs(inputs.shape)
        batch, steps = inputs.shape[0], inputs.shape[1]
        if mask is not None:
            checks.shape(
                mask.shape,
                "mask",
                (batch or "batch", steps or "time"),
                caller="MinGRU",
                note=f"(one flag per step of inputs shaped {tuple(inputs.shape)})",
            )
        if isinstance(initial_state, (list, tuple)) and len(initial_state) == 1:
            initial_state = initial_state[0]  # [h], as Keras's recurrent layers take it
        if initial_state is not None:
            checks.shape(
                initial_state.shape,
                "initial_state",
                (batch or "batch", self.units),
                caller="MinGRU",
                note="(one state of `units` per sequence of the batch)",
            )
        projected = ops.matmul(inputs, self.kernel)  # (batch, time, 2 * units)
        if self.use_bias:
            projected = ops.add(projected, self.bias)  # (batch, time, 2 * units)
        z = ops.sigmoid(projected[..., : self.units])  # (batch, time, units)
        candidate = projected[..., self.units :]  # (batch, time, units)
        a = 1 - z  # (batch, time, units): how much of h_{t-1} is kept
        b = z * candidate  # (batch, time, units): what is written
        if mask is not None:
            keep = ops.expand_dims(ops.cast(mask, "bool"), -1)  # (batch, time, 1)
            a = ops.where(keep, a, ops.ones_like(a))  # masked step: keep h_{t-1} ...
            b = ops.where(keep, b, ops.zeros_like(b))  # ... and write nothing
        if initial_state is None:
            h0 = ops.zeros_like(b[:, 0])  # (batch, units)
        else:
            h0 = ops.convert_to_tensor(initial_state, dtype=b.dtype)  # (batch, units)

        if self.mode == "sequential":
            h = self._sequential(a, b, h0)  # (batch, time, units)
        else:
            h = self._parallel(a, b, h0)  # (batch, time, units)

        output = h if self.return_sequences else h[:, -1]
        if self.return_state:
            return [output, h[:, -1]]
        return output

    @staticmethod
    def _sequential(a, b, h0):
        """``h_t = a_t * h_{t-1} + b_t``, one step after another."""

        def step(h_prev, ab_t):
            a_t, b_t = ab_t[..., 0], ab_t[..., 1]  # (batch, units) each
            h_t = a_t * h_prev + b_t  # (batch, units)
            return h_t, h_t

        # One stacked tensor rather than a pair: with several inputs of unknown
        # length, ops.scan fails on TensorFlow (Keras 3.15).
        ab = ops.moveaxis(ops.stack([a, b], axis=-1), 1, 0)  # (time, batch, units, 2)
        _, h = ops.scan(step, h0, ab)  # (time, batch, units)
        return ops.moveaxis(h, 0, 1)  # (batch, time, units)

    @staticmethod
    def _parallel(a, b, h0):
        """The same recurrence as a parallel scan over time (Hillis and Steele).

        Write step ``t`` as the pair ``(a_t, b_t)``, the map ``h -> a_t h + b_t``.
        After round ``k`` of doubling, pair ``t`` stands for the ``2**k`` steps
        ending at ``t``: each round composes every pair with the one ``offset``
        steps earlier, ``(a', b') then (a, b) = (a a', a b' + b)``, and doubles
        ``offset``. After ``ceil(log2(time))`` rounds, each of which is one
        element-wise operation over the whole sequence, pair ``t`` covers steps
        ``0..t`` and ``b_t`` is ``h_t``.
        """
        steps = a.shape[1]
        first = ops.arange(ops.shape(a)[1]) == 0  # (time,)
        b = b + ops.where(first[None, :, None], a * h0[:, None], 0.0)  # h0 enters step 0
        position = ops.arange(ops.shape(a)[1])[None, :, None]  # (1, time, 1)

        def compose_with_earlier(offset, a, b):
            has_earlier = position >= offset  # (1, time, 1); if not, use the identity
            a_shift = ops.roll(a, offset, axis=1)  # (batch, time, units): a_{t - offset}
            b_shift = ops.roll(b, offset, axis=1)  # (batch, time, units): b_{t - offset}
            a_earlier = ops.where(has_earlier, a_shift, 1.0)  # (batch, time, units)
            b_earlier = ops.where(has_earlier, b_shift, 0.0)  # (batch, time, units)
            return offset * 2, a * a_earlier, a * b_earlier + b

        if steps is not None:  # known length: a Python loop of log2(time) rounds
            offset = 1
            while offset < steps:
                offset, a, b = compose_with_earlier(offset, a, b)
        else:  # length known only when run (TensorFlow graphs): a symbolic loop
            _, a, b = ops.while_loop(
                lambda offset, a, b: offset < ops.shape(a)[1], compose_with_earlier, (1, a, b)
            )
        return b  # (batch, time, units)

    def compute_mask(self, inputs, previous_mask=None):
        output_mask = previous_mask if self.return_sequences else None
        return [output_mask, None] if self.return_state else output_mask

    def compute_output_shape(self, inputs_shape, initial_state_shape=None):
        self._check_inputs(inputs_shape)  # symbolic calls come here
        if self.return_sequences:
            output_shape = (inputs_shape[0], inputs_shape[1], self.units)
        else:
            output_shape = (inputs_shape[0], self.units)
        if self.return_state:
            return [output_shape, (inputs_shape[0], self.units)]
        return output_shape

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "mode": self.mode,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        return {**base_config, **config}
