"""SimpleRNN, LSTM and GRU cells written from scratch with ``keras.ops``.

A *cell* computes one time step: it takes the input at step ``t`` and the
state left by step ``t - 1`` and returns the output and the new state.
``keras.layers.RNN(cell)`` runs a cell over a whole sequence (masking,
``go_backwards``, ``stateful`` and ``return_sequences`` are the layer's job).

The three cells here follow the Keras cell contract and create the same
weights, with the same shapes and in the same order, as the built-in
``keras.layers.SimpleRNNCell``, ``LSTMCell`` and ``GRUCell``. So you can copy
weights between ``keras.layers.RNN(rnncourse.cells.LSTMCell(n))`` and
``keras.layers.LSTM(n)`` with ``get_weights()`` / ``set_weights()`` and get the
same outputs. The equations, with ``@`` a matrix product, ``σ`` the sigmoid:

- SimpleRNN: ``h_t = tanh(x_t @ W + h_{t-1} @ U + b)``
- LSTM: ``[i, f, g, o] = x_t @ W + h_{t-1} @ U + b`` split in four;
  ``c_t = σ(f) * c_{t-1} + σ(i) * tanh(g)`` and ``h_t = σ(o) * tanh(c_t)``
- GRU: update gate ``z``, reset gate ``r``, candidate ``h~``;
  ``h_t = z * h_{t-1} + (1 - z) * h~`` (Keras's convention: ``z = 1`` keeps
  the old state).

:func:`trace_gates` runs any of these cells (or a built-in Keras LSTM, GRU or
SimpleRNN, which it copies first) step by step and returns every gate's value
at every step as NumPy arrays, ready to plot. :func:`from_keras` makes the
course twin of a built-in cell.

Only ``keras.ops`` and ``keras.random`` are used, so the cells run on the
TensorFlow, JAX and PyTorch backends. Biases are added with ``ops.add`` rather
than ``+``: on TensorFlow, ``ops.add`` of a 1-D bias becomes one fused
``BiasAdd`` whose gradient is cheaper, which keeps these cells as fast as the
built-in ones (see ``benchmarks/CELLS.md``).
"""

import warnings

import keras
import numpy as np
from keras import ops

from rnncourse import checks

__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell", "from_keras", "trace_gates"]


def _keras_dropout_cell_mixin():
    """Return the mix-in class that ``keras.layers.RNN`` checks for dropout.

    Dropout in a recurrent cell should use the *same* mask at every time step
    of a sequence (Gal and Ghahramani, 2016). ``keras.layers.RNN`` draws those
    masks once, before its time loop, and clears them after, but only for cells
    that inherit Keras's mix-in ``DropoutRNNCell``. Keras does not export that
    class, and drawing the masks inside the loop instead fails on the JAX
    backend (a random-seed update inside ``lax.scan`` leaks a tracer). So,
    without importing ``keras.src``, we take the class from the bases of the
    public ``keras.layers.SimpleRNNCell``; our cells use it only as a marker
    and implement the four mask methods themselves. If a future Keras renames
    it, we fall back to ``object`` and the cells draw a fresh mask at each step.
    """
    for klass in keras.layers.SimpleRNNCell.__mro__:
        if klass.__name__ == "DropoutRNNCell":
            return klass
    return object


_DropoutCellMarker = _keras_dropout_cell_mixin()


class _RecurrentCell(keras.layers.Layer, _DropoutCellMarker):
    """What the three cells share: argument checks, dropout masks and config.

    Subclasses define ``build`` (the weights), ``gates`` (one step, returning
    every intermediate value by name) and ``call`` (the Keras cell contract).
    """

    #: Names (keys of ``gates()``) of the state tensors, in ``state_size`` order.
    state_names = ("hidden",)

    def __init__(
        self,
        units,
        *,
        activation,
        use_bias,
        kernel_initializer,
        recurrent_initializer,
        bias_initializer,
        kernel_regularizer,
        recurrent_regularizer,
        bias_regularizer,
        kernel_constraint,
        recurrent_constraint,
        bias_constraint,
        dropout,
        recurrent_dropout,
        seed,
        **kwargs,
    ):
        name = type(self).__name__
        units = checks.positive_int(
            units, "units", caller=name, about="(the size of the hidden state)"
        )
        dropout, recurrent_dropout = (
            checks.number(
                rate,
                arg,
                low=0,
                high=1,
                high_open=True,
                caller=name,
                about="(the fraction of units to drop)",
            )
            for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout))
        )
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None
        self.output_size = self.units
        if _DropoutCellMarker is object and (self.dropout or self.recurrent_dropout):
            warnings.warn(
                f"{name}: this Keras version has no DropoutRNNCell mix-in, so the "
                "dropout masks change at every time step instead of once per "
                "sequence (and training with dropout fails on the JAX backend).",
                stacklevel=2,
            )

    # -- shapes ------------------------------------------------------------
    def _check_step_shape(self, shape):
        """Raise a clear error unless one step is shaped (batch, features)."""
        shape = tuple(shape)
        if len(shape) != 2:
            hint = ""
            if len(shape) == 1:
                hint = (
                    " If each time step is a single number, add a feature axis: "
                    "x[..., None] turns (batch, time) into (batch, time, 1)."
                )
            raise ValueError(
                f"{type(self).__name__} expects each time step shaped (batch, features), "
                "that is sequences shaped (batch, time, features) when wrapped in "
                f"keras.layers.RNN; received a step of shape {shape} (rank "
                f"{len(shape)}).{hint}"
            )

    def _check_features(self, inputs):
        """Raise a clear error if a step's feature size differs from the build."""
        expected = self.kernel.shape[0]
        received = inputs.shape[-1]
        if received is not None and received != expected:
            raise ValueError(
                f"{type(self).__name__} was built for {expected} input features: it "
                f"expects steps shaped (batch, {expected}), that is sequences shaped "
                f"(batch, time, {expected}); received a step of shape "
                f"{tuple(inputs.shape)}. Give it inputs with {expected} features, or "
                f"make a new cell for {received} features."
            )

    def _check_states(self, inputs, states):
        """Return ``states`` as a list, or raise a clear error unless it holds one
        ``(batch, units)`` tensor per entry of ``state_names`` (static shapes only)."""
        wanted = "[" + ", ".join(name[0] for name in self.state_names) + "]"  # "[h, c]" or "[h]"
        if not isinstance(states, (list, tuple)):
            states = [states]
            if len(self.state_names) > 1:
                raise ValueError(
                    f"{type(self).__name__} expects states {wanted}, each shaped (batch, "
                    f"{self.units}); received one tensor of shape {tuple(states[0].shape)}. "
                    f"An LSTM needs {wanted}: pass initial_state={wanted}."
                )
        batch = inputs.shape[0]
        shapes = [tuple(getattr(s, "shape", ())) for s in states]
        if len(states) != len(self.state_names) or any(
            len(shape) != 2
            or shape[1] not in (None, self.units)
            or (batch is not None and shape[0] not in (None, batch))
            for shape in shapes
        ):
            raise ValueError(
                f"{type(self).__name__} expects states {wanted}, each shaped (batch, "
                f"{self.units}) with the batch of the inputs ({batch}); received "
                f"{len(states)} state(s) of shape {', '.join(map(str, shapes))}. Check "
                f"initial_state: one (batch, {self.units}) array per entry of {wanted}."
            )
        return states

    def get_initial_state(self, batch_size=None):
        """Zero states, one ``(batch_size, units)`` tensor per entry of ``state_size``."""
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    # -- dropout -----------------------------------------------------------
    # keras.layers.RNN calls get_*_mask once before its time loop (so every step
    # of a sequence shares one mask) and reset_*_mask after it.
    def get_dropout_mask(self, step_input):
        """Draw (once per sequence) and return the input dropout mask, or None."""
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._draw_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        """Draw (once per sequence) and return the state dropout mask, or None."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw_mask(step_input, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        """Forget the input mask, so the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the state mask, so the next sequence draws a new one."""
        self._recurrent_dropout_mask = None

    def _draw_mask(self, like, rate):
        # Kept units are scaled by 1 / (1 - rate), so no rescaling at inference.
        return keras.random.dropout(ops.ones_like(like), rate=rate, seed=self.seed_generator)

    def _drop_inputs(self, inputs, training):
        if not training or self.dropout == 0:
            return inputs
        mask = self._dropout_mask  # drawn by keras.layers.RNN before its loop
        if mask is None:  # the cell called on its own: a fresh mask
            mask = self._draw_mask(inputs, self.dropout)
        return inputs * mask  # (batch, features)

    def _drop_state(self, h_prev, training):
        if not training or self.recurrent_dropout == 0:
            return h_prev
        mask = self._recurrent_dropout_mask
        if mask is None:
            mask = self._draw_mask(h_prev, self.recurrent_dropout)
        return h_prev * mask  # (batch, units)

    # -- weights and config --------------------------------------------------
    def _add_kernels(self, input_dim, n_blocks):
        """Create ``kernel`` (input_dim, n*units) and ``recurrent_kernel`` (units, n*units)."""
        self.kernel = self.add_weight(
            shape=(input_dim, n_blocks * self.units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, n_blocks * self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )

    def _add_bias(self, shape, initializer):
        self.bias = self.add_weight(
            shape=shape,
            name="bias",
            initializer=initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint,
        )

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": keras.regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": keras.constraints.serialize(self.recurrent_constraint),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="rnncourse")
class SimpleRNNCell(_RecurrentCell):
    """Elman's recurrent cell: ``h_t = activation(x_t @ W + b + h_{t-1} @ U)``.

    The new hidden state mixes the current input with the previous state; the
    same ``W``, ``U`` and ``b`` are used at every step (weight sharing).

    Args:
        units: positive int, size of the hidden state ``h``.
        activation: activation applied to the new state. Default ``"tanh"``.
        use_bias: whether to add the bias ``b``. Default ``True``.
        kernel_initializer: initializer for ``W`` (the ``kernel``).
            Default ``"glorot_uniform"``.
        recurrent_initializer: initializer for ``U`` (the
            ``recurrent_kernel``). Default ``"orthogonal"``.
        bias_initializer: initializer for ``b``. Default ``"zeros"``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional
            regularizers (e.g. ``keras.regularizers.L2(1e-4)``).
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            constraints.
        dropout: fraction in [0, 1) of the *input* features dropped during
            training (one mask per sequence). Default 0.
        recurrent_dropout: fraction in [0, 1) of the *state* units dropped
            before ``@ U`` during training (one mask per sequence). Default 0.
        seed: int seed for the dropout masks.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: one time step, shape ``(batch, features)``.
        states: list with the previous state ``h_{t-1}``, shape ``(batch, units)``.
        training: whether dropout is active.

    Returns:
        ``(h_t, [h_t])``: the output and the new state, each ``(batch, units)``.

    Example:
        >>> import numpy as np, keras
        >>> from rnncourse.cells import SimpleRNNCell
        >>> layer = keras.layers.RNN(SimpleRNNCell(4), return_sequences=True)
        >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)  # (batch, time, units)
        (2, 5, 4)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.state_size = self.units

    def build(self, input_shape):
        self._check_step_shape(input_shape)
        self._add_kernels(input_shape[-1], 1)  # W: (features, units), U: (units, units)
        self.bias = None
        if self.use_bias:
            self._add_bias((self.units,), self.bias_initializer)  # b: (units,)

    def gates(self, inputs, states, training=False):
        """One step; returns ``{"hidden": h_t}``, shape ``(batch, units)``."""
        self._check_features(inputs)
        h_prev = self._check_states(inputs, states)[0]  # (batch, units)
        x = self._drop_inputs(inputs, training)  # (batch, features)
        h_in = self._drop_state(h_prev, training)  # (batch, units)
        z = ops.matmul(x, self.kernel)  # (batch, units)
        if self.use_bias:
            z = ops.add(z, self.bias)  # (batch, units)
        z = z + ops.matmul(h_in, self.recurrent_kernel)  # (batch, units)
        return {"hidden": self.activation(z)}  # (batch, units)

    def call(self, inputs, states, training=False):
        h = self.gates(inputs, states, training=training)["hidden"]  # (batch, units)
        return h, [h]


@keras.saving.register_keras_serializable(package="rnncourse")
class LSTMCell(_RecurrentCell):
    """Long short-term memory cell (Hochreiter and Schmidhuber, 1997).

    Besides the hidden state ``h`` the LSTM carries a *cell state* ``c``, a
    memory that is changed only by element-wise gates, so gradients can flow
    through it for many steps. Each step computes four blocks from one matrix
    product, in Keras's order ``i, f, g, o``::

        i = σ(x W_i + h U_i + b_i)      input gate: how much new to write
        f = σ(x W_f + h U_f + b_f)      forget gate: how much old to keep
        g = tanh(x W_g + h U_g + b_g)   candidate values to write
        o = σ(x W_o + h U_o + b_o)      output gate: how much to show
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Args:
        units: positive int, size of ``h`` and ``c``.
        activation: used for ``g`` and on ``c_t``. Default ``"tanh"``.
        recurrent_activation: used for the gates ``i, f, o``. Default ``"sigmoid"``.
        use_bias: whether to add biases. Default ``True``.
        kernel_initializer: initializer for ``kernel`` (features, 4 * units).
            Default ``"glorot_uniform"``.
        recurrent_initializer: initializer for ``recurrent_kernel``
            (units, 4 * units). Default ``"orthogonal"``.
        bias_initializer: initializer for ``bias`` (4 * units,). Default ``"zeros"``.
        unit_forget_bias: if ``True`` the forget-gate bias starts at 1, so the
            cell remembers by default (Jozefowicz et al., 2015). Default ``True``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            constraints.
        dropout: fraction in [0, 1) of input features dropped during training.
        recurrent_dropout: fraction in [0, 1) of ``h_{t-1}`` dropped before
            ``@ U`` during training. One mask per sequence, shared by the four
            blocks (Keras's own cell draws one per block when this is set, so
            training-time numbers then differ from ``keras.layers.LSTM``).
        seed: int seed for the dropout masks.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: one time step, shape ``(batch, features)``.
        states: ``[h_{t-1}, c_{t-1}]``, each ``(batch, units)``.
        training: whether dropout is active.

    Returns:
        ``(h_t, [h_t, c_t])``, each ``(batch, units)``.

    Example:
        >>> import numpy as np, keras
        >>> from rnncourse.cells import LSTMCell
        >>> layer = keras.layers.RNN(LSTMCell(4), return_state=True)
        >>> h, h_state, c_state = layer(np.zeros((2, 5, 3), "float32"))
        >>> tuple(h.shape), tuple(c_state.shape)  # (batch, units) each
        ((2, 4), (2, 4))
    """

    state_names = ("hidden", "cell")

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        self._check_step_shape(input_shape)
        self._add_kernels(input_shape[-1], 4)  # W: (features, 4u), U: (u, 4u)
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                initializer = self._forget_bias_initializer
            self._add_bias((4 * self.units,), initializer)  # b: (4u,)

    def _forget_bias_initializer(self, shape, dtype=None):
        """Blocks i, f, g, o: ``bias_initializer`` everywhere but ones for ``f``."""
        u = self.units
        return ops.concatenate(
            [
                self.bias_initializer((u,), dtype=dtype),  # i: (u,)
                keras.initializers.Ones()((u,), dtype=dtype),  # f: (u,)
                self.bias_initializer((2 * u,), dtype=dtype),  # g, o: (2u,)
            ]
        )

    def gates(self, inputs, states, training=False):
        """One step; returns ``input``, ``forget``, ``candidate``, ``output``,
        ``cell`` and ``hidden``, each shaped ``(batch, units)``."""
        self._check_features(inputs)
        h_prev, c_prev = self._check_states(inputs, states)  # (batch, units) each
        x = self._drop_inputs(inputs, training)  # (batch, features)
        h_in = self._drop_state(h_prev, training)  # (batch, units)
        z = ops.matmul(x, self.kernel)  # (batch, 4 * units)
        z = z + ops.matmul(h_in, self.recurrent_kernel)  # (batch, 4 * units)
        if self.use_bias:
            z = ops.add(z, self.bias)  # (batch, 4 * units)
        z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)  # (batch, units) each
        i = self.recurrent_activation(z_i)  # (batch, units)
        f = self.recurrent_activation(z_f)  # (batch, units)
        g = self.activation(z_g)  # (batch, units)
        o = self.recurrent_activation(z_o)  # (batch, units)
        c = f * c_prev + i * g  # (batch, units)
        h = o * self.activation(c)  # (batch, units)
        return {"input": i, "forget": f, "candidate": g, "output": o, "cell": c, "hidden": h}

    def call(self, inputs, states, training=False):
        gates = self.gates(inputs, states, training=training)
        h, c = gates["hidden"], gates["cell"]  # (batch, units) each
        return h, [h, c]

    def get_config(self):
        base_config = super().get_config()
        config = {
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
        return {**base_config, **config}


@keras.saving.register_keras_serializable(package="rnncourse")
class GRUCell(_RecurrentCell):
    """Gated recurrent unit cell (Cho et al., 2014), in Keras's layout.

    Two gates decide how the state changes; there is no separate cell state.
    Blocks are in Keras's order ``z, r, h``::

        z = σ(x W_z + h U_z + b_z)         update gate: 1 keeps the old state
        r = σ(x W_r + h U_r + b_r)         reset gate: how much old state
                                           the candidate may look at
        reset_after=True:  h~ = tanh(x W_h + b_h + r * (h U_h + b'_h))
        reset_after=False: h~ = tanh(x W_h + b_h + (r * h) U_h)
        h_t = z * h_{t-1} + (1 - z) * h~

    ``reset_after=True`` (Keras's default, and what cuDNN computes) applies the
    reset gate after the matrix product and has two bias rows, one for the
    input and one for the recurrent product: ``bias`` is shaped (2, 3 * units).
    ``reset_after=False`` is the original paper's form, with ``bias`` (3 * units,).

    Args:
        units: positive int, size of the state ``h``.
        activation: used for the candidate ``h~``. Default ``"tanh"``.
        recurrent_activation: used for the gates ``z, r``. Default ``"sigmoid"``.
        use_bias: whether to add biases. Default ``True``.
        kernel_initializer: initializer for ``kernel`` (features, 3 * units).
            Default ``"glorot_uniform"``.
        recurrent_initializer: initializer for ``recurrent_kernel``
            (units, 3 * units). Default ``"orthogonal"``.
        bias_initializer: initializer for ``bias``. Default ``"zeros"``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional
            regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional
            constraints.
        dropout: fraction in [0, 1) of input features dropped during training.
        recurrent_dropout: fraction in [0, 1) of ``h_{t-1}`` dropped before
            ``@ U`` during training (one mask per sequence, shared by the
            blocks; Keras's own cell draws one per block).
        reset_after: see above. Default ``True``.
        seed: int seed for the dropout masks.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: one time step, shape ``(batch, features)``.
        states: ``[h_{t-1}]``, shape ``(batch, units)``.
        training: whether dropout is active.

    Returns:
        ``(h_t, [h_t])``, each ``(batch, units)``.

    Example:
        >>> import numpy as np, keras
        >>> from rnncourse.cells import GRUCell
        >>> layer = keras.layers.RNN(GRUCell(4, reset_after=False))
        >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)  # (batch, units)
        (2, 4)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def build(self, input_shape):
        self._check_step_shape(input_shape)
        self._add_kernels(input_shape[-1], 3)  # W: (features, 3u), U: (u, 3u)
        self.bias = None
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self._add_bias(shape, self.bias_initializer)  # b: (2, 3u) or (3u,)

    def gates(self, inputs, states, training=False):
        """One step; returns ``update``, ``reset``, ``candidate`` and ``hidden``,
        each shaped ``(batch, units)``."""
        self._check_features(inputs)
        u = self.units
        h_prev = self._check_states(inputs, states)[0]  # (batch, u)
        x = self._drop_inputs(inputs, training)  # (batch, features)
        h_in = self._drop_state(h_prev, training)  # (batch, u)
        input_bias = recurrent_bias = None
        if self.use_bias and self.reset_after:
            input_bias, recurrent_bias = self.bias[0], self.bias[1]  # (3u,) each
        elif self.use_bias:
            input_bias = self.bias  # (3u,)

        x_proj = ops.matmul(x, self.kernel)  # (batch, 3u)
        if input_bias is not None:
            x_proj = ops.add(x_proj, input_bias)  # (batch, 3u)
        x_z, x_r, x_h = ops.split(x_proj, 3, axis=-1)  # (batch, u) each

        if self.reset_after:
            h_proj = ops.matmul(h_in, self.recurrent_kernel)  # (batch, 3u)
            if recurrent_bias is not None:
                h_proj = ops.add(h_proj, recurrent_bias)  # (batch, 3u)
            h_z, h_r, h_h = ops.split(h_proj, 3, axis=-1)  # (batch, u) each
        else:
            h_proj = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * u])  # (batch, 2u)
            h_z, h_r = ops.split(h_proj, 2, axis=-1)  # (batch, u) each

        z = self.recurrent_activation(x_z + h_z)  # (batch, u)
        r = self.recurrent_activation(x_r + h_r)  # (batch, u)
        if self.reset_after:
            candidate = self.activation(x_h + r * h_h)  # (batch, u)
        else:
            reset_h = ops.matmul(r * h_in, self.recurrent_kernel[:, 2 * u :])  # (batch, u)
            candidate = self.activation(x_h + reset_h)  # (batch, u)
        h = z * h_prev + (1 - z) * candidate  # (batch, u)
        return {"update": z, "reset": r, "candidate": candidate, "hidden": h}

    def call(self, inputs, states, training=False):
        h = self.gates(inputs, states, training=training)["hidden"]  # (batch, units)
        new_states = [h] if isinstance(states, (list, tuple)) else h
        return h, new_states

    def get_config(self):
        base_config = super().get_config()
        config = {
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
        return {**base_config, **config}


# -- working with built-in Keras cells ---------------------------------------
_TWINS = (
    ("LSTMCell", LSTMCell),
    ("GRUCell", GRUCell),
    ("SimpleRNNCell", SimpleRNNCell),
)


def from_keras(cell):
    """Return the course twin of a built-in Keras cell or layer, same weights.

    Args:
        cell: a built ``keras.layers.LSTMCell``, ``GRUCell`` or
            ``SimpleRNNCell``, or a built layer that holds one in ``.cell``
            (``keras.layers.LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``).

    Returns:
        A built :class:`LSTMCell`, :class:`GRUCell` or :class:`SimpleRNNCell`
        with the same configuration and a copy of the weights.

    Example:
        >>> import numpy as np, keras
        >>> from rnncourse import cells
        >>> lstm = keras.layers.LSTM(4)
        >>> _ = lstm(np.zeros((1, 3, 2), "float32"))
        >>> twin = cells.from_keras(lstm)
        >>> type(twin).__name__, tuple(twin.kernel.shape)  # (features, 4 * units)
        ('LSTMCell', (2, 16))
    """
    keras_cell = getattr(cell, "cell", cell)
    if isinstance(keras_cell, _RecurrentCell):
        return keras_cell
    twins = [twin for name, twin in _TWINS if isinstance(keras_cell, getattr(keras.layers, name))]
    if not twins:
        raise TypeError(
            "from_keras(cell) takes a keras.layers.LSTMCell, GRUCell or SimpleRNNCell "
            "(or a layer such as keras.layers.LSTM that holds one), got "
            f"{type(cell).__name__}."
        )
    if not keras_cell.built:
        raise ValueError(
            f"from_keras(cell): the {type(keras_cell).__name__} is not built yet, so it "
            "has no weights to copy. Call the layer on a batch first."
        )
    config = keras_cell.get_config()
    config.pop("name", None)
    config.pop("implementation", None)
    twin = twins[0](**config)
    twin.build((None, keras_cell.kernel.shape[0]))
    twin.set_weights(keras_cell.get_weights())
    return twin


def trace_gates(cell, x, initial_state=None):
    """Run a cell over sequences step by step and return every gate at every step.

    Use it to plot what an LSTM or GRU does over a sequence: when the forget
    gate closes, when the update gate lets new input in, how the cell state
    grows. Runs eagerly, at inference (no dropout).

    Args:
        cell: a course cell (:class:`LSTMCell`, :class:`GRUCell`,
            :class:`SimpleRNNCell`), a ``keras.layers.RNN`` wrapping one, or a
            built-in ``keras.layers.LSTM`` / ``GRU`` / ``SimpleRNN`` layer or
            cell (copied with :func:`from_keras` first). For a layer with
            ``go_backwards=True`` the sequence is read from the end, as the
            layer does, and the results are put back in input order.
        x: array shaped ``(batch, time, features)``.
        initial_state: optional list of initial states, each ``(batch, units)``:
            ``[h, c]`` for an LSTM, ``[h]`` for a GRU or SimpleRNN; zeros by
            default.

    Returns:
        A dict of NumPy arrays, each ``(batch, time, units)``, where index ``t``
        is the value after reading input position ``t``:

        - LSTM: ``input``, ``forget``, ``candidate``, ``output`` (gates),
          ``cell`` (``c_t``) and ``hidden`` (``h_t``).
        - GRU: ``update``, ``reset``, ``candidate`` and ``hidden``.
        - SimpleRNN: ``hidden``.

    Example:
        >>> import numpy as np
        >>> from rnncourse import cells
        >>> trace = cells.trace_gates(cells.LSTMCell(4), np.ones((2, 7, 3)))
        >>> sorted(trace)
        ['candidate', 'cell', 'forget', 'hidden', 'input', 'output']
        >>> trace["forget"].shape  # (batch, time, units)
        (2, 7, 4)
    """
    go_backwards = bool(getattr(cell, "go_backwards", False))
    inner = getattr(cell, "cell", cell)
    if not isinstance(inner, _RecurrentCell):
        inner = from_keras(inner)
    x = checks.finite_array(x, "x", dtype=inner.compute_dtype, caller="trace_gates")
    if x.ndim != 3:
        raise ValueError(
            "trace_gates(cell, x) needs x shaped (batch, time, features), received "
            f"an array of shape {x.shape}."
            + (" Add a batch axis with x[None]." if x.ndim == 2 else "")
        )
    if not inner.built:
        inner.build((None, x.shape[-1]))
    batch, steps = x.shape[0], x.shape[1]
    if initial_state is None:
        states = inner.get_initial_state(batch)
    else:
        states = _initial_state(inner, initial_state, batch)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    trace = {}
    for t in order:
        gates = inner.gates(ops.convert_to_tensor(x[:, t]), states)  # (batch, units) each
        for name, value in gates.items():
            trace.setdefault(name, [None] * steps)[t] = ops.convert_to_numpy(value)
        states = [gates[name] for name in inner.state_names]
    return {name: np.stack(values, axis=1) for name, values in trace.items()}


def _initial_state(cell, initial_state, batch):
    """``initial_state`` as a list of tensors, or a clear error naming it."""
    wanted = "[" + ", ".join(name[0] for name in cell.state_names) + "]"  # "[h, c]" or "[h]"
    if not isinstance(initial_state, (list, tuple)):
        raise ValueError(
            f"trace_gates(initial_state=...) must be a list {wanted} of arrays shaped (batch, "
            f"{cell.units}); got one {type(initial_state).__name__} of shape "
            f"{np.shape(initial_state)}. "
            + (
                "An LSTM needs [h, c]."
                if len(cell.state_names) > 1
                else f"Wrap it: initial_state={wanted}."
            )
        )
    states = [
        checks.finite_array(s, "initial_state", dtype=cell.compute_dtype) for s in initial_state
    ]
    if len(states) != len(cell.state_names) or any(s.shape != (batch, cell.units) for s in states):
        raise ValueError(
            f"trace_gates(initial_state=...) must be {wanted} for {type(cell).__name__}, each "
            f"shaped (batch, units) = ({batch}, {cell.units}); got {len(states)} array(s) of shape "
            f"{', '.join(str(s.shape) for s in states)}."
        )
    return [ops.convert_to_tensor(s) for s in states]
