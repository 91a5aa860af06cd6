"""Figures the notebooks share: the unrolled RNN, training curves, heat maps.

Importing this module does not restyle matplotlib; every function draws on the
axes it is given (or a new figure) and returns them.
"""

import collections.abc

import numpy as np

from rnncourse import checks

__all__ = [
    "COURSE_MAP",
    "GATE_COLORS",
    "draw_course_map",
    "draw_encoder_decoder",
    "draw_gru_cell",
    "draw_io_shapes",
    "draw_lstm_cell",
    "draw_unrolled_rnn",
    "plot_attention",
    "plot_histories",
]

#: One colour per role, shared by the LSTM and GRU drawings: the gate that keeps
#: the old memory (LSTM's forget gate, GRU's update gate) is red in both, the
#: candidate (tanh) yellow in both.
GATE_COLORS = {
    "keep": "#f4b6b6",
    "input": "#b9e0a5",
    "output": "#a9cdf0",
    "reset": "#d5c1e8",
    "candidate": "#ffe08a",
}
_INPUT, _STATE, _OUTPUT, _LOSS = "#dbe9f6", "#fde2c4", "#d9f0d3", "#f4cccc"


def _axes(ax, figsize):
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes (e.g. from plt.subplots()) or None, got "
            f"{type(ax).__name__}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _box(ax, xy, text, color, w=0.8, h=0.55):
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05", fc=color, ec="black", lw=1.2
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax, start, end, label=None, color="black", label_offset=(0.0, 0.12), style="-|>"):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops=dict(arrowstyle=style, color=color, lw=1.4, shrinkA=0, shrinkB=0),
    )
    if label:
        mx, my = (
            (start[0] + end[0]) / 2 + label_offset[0],
            (start[1] + end[1]) / 2 + label_offset[1],
        )
        ax.text(mx, my, label, ha="center", va="bottom", fontsize=10, color=color)


def _flow(ax, points, color="black", lw=1.4, ls="-", arrow=True, over=False):
    """A polyline through ``points``, with an arrowhead at its end when ``arrow``.

    ``over=True`` draws it with a white halo, so where it crosses a line drawn
    earlier it reads as passing over it.
    """
    from matplotlib import patheffects

    effects = [patheffects.withStroke(linewidth=lw + 4, foreground="white")] if over else None
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, color=color, lw=lw, ls=ls, solid_capstyle="butt", path_effects=effects)
    if arrow:
        ax.annotate(
            "",
            xy=points[-1],
            xytext=points[-2],
            arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, shrinkA=0, shrinkB=0),
        )


def _op(ax, xy, symbol, r=0.24):
    """A point-wise operation: a white circle with ``symbol`` (x, +, 1-) in it."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle(xy, r, fc="white", ec="black", lw=1.2, zorder=3))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=11, zorder=4)


def _gate(ax, xy, name, activation, role, h=0.85):
    """A gate (or the candidate): its name above its activation, in its role's colour."""
    w = 1.85 if role == "candidate" else 1.6
    _box(ax, xy, f"{name}\n{activation}", GATE_COLORS[role], w=w, h=h)
    ax.texts[-1].set_fontsize(10)


def _equations(ax, x, y, lines, step=0.78, fontsize=12):
    """Write one equation per line from ``(x, y)`` down, each on its role's colour."""
    for k, (text, role) in enumerate(lines):
        ax.text(
            x,
            y - step * k,
            text,
            ha="left",
            va="center",
            fontsize=fontsize,
            bbox=dict(
                boxstyle="round,pad=0.25",
                fc=GATE_COLORS.get(role, "white"),
                ec="none" if role in GATE_COLORS else "0.6",
            ),
        )


def _finish_cell(ax, legend_xy, *, xmax, ymax, title):
    """The symbol legend under a cell's equations, its limits and title; returns ``ax``."""
    ax.text(
        *legend_xy,
        r"$\sigma$: sigmoid, between 0 and 1;   $\odot$: element-wise product",
        ha="left",
        va="center",
        fontsize=10,
        color="0.3",
    )
    ax.set_xlim(-2.0, xmax)
    ax.set_ylim(-1.6, ymax)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=12)
    return ax


def _cell_frame(ax, width, height):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (0, 0),
            width,
            height,
            boxstyle="round,pad=0.1",
            fc="#f5f5f5",
            ec="0.55",
            lw=1.2,
            zorder=0,
        )
    )


def draw_unrolled_rnn(steps=4, ax=None, folded=True, gradients=False, jacobians=False):
    r"""Draw an RNN folded (one cell with a loop) and unrolled over ``steps`` steps.

    Args:
        steps: number of time steps in the unrolled chain (1 to 12).
        ax: matplotlib axes to draw on; a new figure when ``None``.
        folded: also draw the folded cell with its recurrent loop on the left.
        gradients: overlay the backward pass of backpropagation through time
            (red arrows from each loss back through the hidden states).
        jacobians: also write the Jacobian :math:`\partial h_t / \partial h_{t-1}`
            on each backward arrow between hidden states, and below the chain
            the gradient of the loss with respect to :math:`h_1` as a sum of
            products of those Jacobians, with its longest product written out.
            Implies ``gradients=True``.

    Returns:
        The axes.

    Example:
        >>> ax = draw_unrolled_rnn(steps=3)  # x_1..x_3 -> h_1..h_3 -> y_1..y_3
        >>> ax = draw_unrolled_rnn(steps=3, folded=False, jacobians=True)
        >>> [t.get_text() for t in ax.texts if t.get_text().startswith(r"$\partial h")]
        ['$\\partial h_{2} / \\partial h_{1}$', '$\\partial h_{3} / \\partial h_{2}$']
    """
    steps = checks.integer(steps, "steps", low=1, high=12)
    for name, value in (("folded", folded), ("gradients", gradients), ("jacobians", jacobians)):
        checks.choice(value, name, (True, False), caller="draw_unrolled_rnn")
    gradients = gradients or jacobians
    ax = _axes(ax, (2.2 * steps + (3 if folded else 0), 5.4 if jacobians else 3.6))
    x0 = 0.0
    if folded:
        _box(ax, (0, 0), "$x_t$", "#dbe9f6")
        _box(ax, (0, 1.2), "$h_t$", "#fde2c4")
        _box(ax, (0, 2.4), "$y_t$", "#d9f0d3")
        _arrow(ax, (0, 0.3), (0, 0.9), "W", label_offset=(0.2, -0.05))
        _arrow(ax, (0, 1.5), (0, 2.1), "V", label_offset=(0.2, -0.05))
        ax.annotate(
            "",
            xy=(0.42, 1.05),
            xytext=(0.42, 1.35),
            arrowprops=dict(arrowstyle="-|>", lw=1.4, connectionstyle="arc3,rad=-2.2"),
        )
        ax.text(0.8, 1.2, "U", fontsize=10, va="center")
        ax.text(1.3, 1.2, "=", fontsize=20, va="center")
        x0 = 3.4
    for t in range(steps):
        cx = x0 + 1.6 * t
        _box(ax, (cx, 0), f"$x_{t + 1}$", "#dbe9f6")
        _box(ax, (cx, 1.2), f"$h_{t + 1}$", "#fde2c4")
        _box(ax, (cx, 2.4), f"$y_{t + 1}$", "#d9f0d3")
        _arrow(ax, (cx, 0.3), (cx, 0.9), "W", label_offset=(0.2, -0.05))
        _arrow(ax, (cx, 1.5), (cx, 2.1), "V", label_offset=(-0.2 if gradients else 0.2, -0.05))
        prev = (cx - 1.6 + 0.45, 1.2) if t else (cx - 1.1, 1.2)
        _arrow(ax, prev, (cx - 0.45, 1.2), "U")
        if t == 0:
            ax.text(cx - 1.25, 1.2, "$h_0$", ha="right", va="center", fontsize=11)
        if gradients:
            _box(ax, (cx, 3.35), f"$L_{t + 1}$", "#f4cccc", w=0.7, h=0.45)
            _arrow(ax, (cx, 2.65), (cx, 3.1))
            _arrow(ax, (cx + 0.25, 3.1), (cx + 0.25, 1.5), color="crimson", style="-|>")
            if t:
                _arrow(ax, (cx - 0.45, 1.05), (cx - 1.6 + 0.45, 1.05), color="crimson")
            if t and jacobians:
                ax.text(
                    cx - 0.8,
                    0.9,
                    rf"$\partial h_{{{t + 1}}} / \partial h_{{{t}}}$",
                    ha="center",
                    va="top",
                    fontsize=10,
                    color="crimson",
                )
    if jacobians:
        terms = [
            rf"\dfrac{{\partial h_{{{k}}}}}{{\partial h_{{{k - 1}}}}}" for k in range(steps, 1, -1)
        ]
        if len(terms) > 5:
            terms = [*terms[:2], r"\cdots", *terms[-2:]]
        losses = (
            " + ".join(f"L_{{{t}}}" for t in range(1, steps + 1))
            if steps <= 3
            else rf"L_1 + \dots + L_{{{steps}}}"
        )
        lines = [
            rf"$L = {losses}$:   "
            rf"$\dfrac{{\partial L}}{{\partial h_1}} = \sum_{{t=1}}^{{{steps}}}"
            rf"\dfrac{{\partial L_t}}{{\partial h_t}}\;\prod_{{k=2}}^{{t}}\,"
            rf"\dfrac{{\partial h_k}}{{\partial h_{{k-1}}}}$"
            + ("   (one step: no Jacobian yet)" if steps == 1 else "")
        ]
        if steps > 1:
            lines.append(
                f"the longest product, from $L_{{{steps}}}$:   "
                rf"$\dfrac{{\partial L_{{{steps}}}}}{{\partial h_1}} = "
                rf"\dfrac{{\partial L_{{{steps}}}}}{{\partial h_{{{steps}}}}}{''.join(terms)}$"
            )
        for y, text in zip((-0.75, -1.75), lines, strict=False):
            ax.text(
                x0 + 0.8 * (steps - 1),
                y,
                text,
                ha="center",
                va="center",
                fontsize=14 if steps >= 3 else 11,
                color="crimson",
            )
    ax.set_xlim(-0.8 if folded else x0 - 1.6, x0 + 1.6 * (steps - 1) + 0.8)
    ax.set_ylim(-2.3 if jacobians else -0.5, 3.8 if gradients else 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    title = "An RNN unrolled through time: the same W, U, V at every step"
    if gradients:
        title += "\n(red: gradients flow back from every loss through all earlier steps)"
    if jacobians:
        title = (
            title[:-1] + ",\nmultiplied on the way by one Jacobian "
            r"$\partial h_t / \partial h_{t-1}$ per step)"
        )
    ax.set_title(title, fontsize=11)
    return ax


def plot_histories(histories, metric="loss", ax=None, logy=False, title=None):
    """Plot one metric of several Keras ``History`` objects (or dicts) on one axes.

    Args:
        histories: mapping of a label to a ``keras.callbacks.History`` or to its
            ``.history`` dict.
        metric: the key to plot, e.g. ``"loss"`` or ``"val_accuracy"``.
        ax: axes to draw on; a new figure when ``None``.
        logy: log scale on the y axis.
        title: the axes title (defaults to the metric).

    Returns:
        The axes.
    """
    from matplotlib.ticker import MaxNLocator

    if not isinstance(histories, collections.abc.Mapping) or not histories:
        raise ValueError(
            "histories must be a non-empty dict of label -> History (or its .history dict), "
            "e.g. plot_histories({'SimpleRNN': history}), got "
            + (f"{type(histories).__name__}." if histories else f"{histories!r}.")
        )
    ax = _axes(ax, (6, 3.5))
    for label, hist in histories.items():
        values = getattr(hist, "history", hist)
        if metric not in values:
            raise KeyError(f"{label!r} has no metric {metric!r}; it has {sorted(values)}.")
        series = np.asarray(values[metric], dtype=float)
        ax.plot(np.arange(1, len(series) + 1), series, marker="o", ms=3, label=label)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_ylabel(metric)
    if logy:
        ax.set_yscale("log")
    ax.set_title(title or metric)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_attention(weights, source_tokens, target_tokens, ax=None, title="attention weights"):
    """Show an attention matrix (target steps x source steps) as a heat map.

    Args:
        weights: array of shape ``(len(target_tokens), len(source_tokens))``.
        source_tokens: labels of the columns (encoder steps).
        target_tokens: labels of the rows (decoder steps).
        ax: axes to draw on; a new figure when ``None``.
        title: the axes title.

    Returns:
        The axes.
    """
    for name, tokens in (("source_tokens", source_tokens), ("target_tokens", target_tokens)):
        if not isinstance(tokens, collections.abc.Sequence | np.ndarray):
            raise ValueError(
                f"{name} must be a list of labels, one per {name.split('_')[0]} "
                f"step, got {tokens!r}."
            )
    weights = checks.finite_array(
        weights, "weights", note="A NaN weight comes from a diverged model."
    )
    expected = (len(target_tokens), len(source_tokens))
    if weights.shape != expected:
        raise ValueError(
            f"weights must have shape (targets, sources) = {expected}, got {weights.shape}."
        )
    ax = _axes(ax, (0.5 * expected[1] + 2, 0.5 * expected[0] + 1.5))
    im = ax.imshow(weights, cmap="viridis", vmin=0, vmax=max(1e-9, float(weights.max())))
    ax.set_xticks(range(expected[1]), source_tokens, rotation=60, ha="right")
    ax.set_yticks(range(expected[0]), target_tokens)
    ax.set_xlabel("source")
    ax.set_ylabel("target")
    ax.set_title(title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
    return ax


#: The course's notebooks, what each teaches, and which notebooks it builds on.
COURSE_MAP = [
    ("01", "intro", "hidden state, unrolling,\nthe five shapes", []),
    ("02", "training steps", "forward, loss,\nbackprop, fit", ["01"]),
    ("03", "BPTT", "gradients through time,\ntruncation", ["02"]),
    ("04", "gradient problems", "vanishing, exploding,\nclipping, init", ["03"]),
    ("05", "architectures", "LSTM, GRU, bidirectional,\ndeep, masking", ["04"]),
    ("06", "text generation", "character LM,\nsampling", ["05"]),
    ("07", "sentiment", "embeddings,\nmany-to-one", ["05"]),
    ("08", "time series", "forecasting,\nbaselines, leakage", ["05"]),
    ("09", "speech", "log-mel, CTC", ["05"]),
    ("10", "translation", "seq2seq,\nattention, beam", ["06"]),
    ("11", "captioning", "CNN encoder,\nRNN decoder", ["10"]),
    ("12", "trends", "Transformers, linear RNNs,\ndistribution", ["10"]),
]


def draw_course_map(ax=None):
    """Draw the course as a graph: which notebook teaches what, in what order.

    Foundations (01-05) run along the top, the first applications (06-09) below
    them, and translation, captioning and trends (10-12) at the bottom; arrows
    point from a prerequisite to the notebook that builds on it.

    Returns:
        The axes.
    """
    ax = _axes(ax, (15, 7))
    pos = {num: (3.2 * i, 4.0) for i, (num, *_r) in enumerate(COURSE_MAP[:5])}
    pos.update({num: (3.2 * (i + 1), 2.0) for i, (num, *_r) in enumerate(COURSE_MAP[5:9])})
    pos.update({num: (3.2 * (i + 1), 0.0) for i, (num, *_r) in enumerate(COURSE_MAP[9:])})
    for num, name, what, needs in COURSE_MAP:
        color = "#dbe9f6" if int(num) <= 5 else "#d9f0d3" if int(num) <= 11 else "#f4cccc"
        _box(ax, pos[num], f"{num} {name}\n{what}", color, w=2.9, h=1.25)
        ax.texts[-1].set_fontsize(8.5)
        for need in needs:
            (x0, y0), (x1, y1) = pos[need], pos[num]
            if y0 == y1:
                if abs(x1 - x0) < 4:  # neighbours: a straight arrow between the sides
                    rad, start, end = 0.0, (x0 + 1.5, y0), (x1 - 1.5, y1)
                else:  # skips a box: from bottom edge to bottom edge, curving below the box between
                    rad, start, end = 0.25, (x0 + 1.2, y0 - 0.63), (x1 - 1.2, y1 - 0.63)
            else:
                rad, start, end = 0.0, (x0, y0 - 0.68), (x1, y1 + 0.68)
            ax.annotate(
                "",
                xy=end,
                xytext=start,
                arrowprops=dict(
                    arrowstyle="-|>", color="gray", lw=1.2, connectionstyle=f"arc3,rad={rad}"
                ),
            )
    ax.set_xlim(-1.6, 14.4)
    ax.set_ylim(-1.3, 4.8)
    ax.axis("off")
    ax.set_title("The course map: foundations (blue), applications (green), trends (red)")
    return ax


def draw_lstm_cell(ax=None):
    r"""Draw one LSTM cell: its three gates, the candidate, and its equations beside it.

    The cell state runs along the top, from :math:`c_{t-1}` to :math:`c_t`, touched
    only by a multiplication (the forget gate) and an addition (the new
    content); :math:`h_{t-1}` and :math:`x_t` enter at the bottom and feed all four
    layers. Colours follow :data:`GATE_COLORS`, shared with :func:`draw_gru_cell`.
    The labels are sized for axes about 12.5 inches wide (the default figure).

    Args:
        ax: matplotlib axes to draw on; a new figure when ``None``.

    Returns:
        The axes.

    Example:
        >>> ax = draw_lstm_cell()  # forget, input, output gates; c_t = f*c_{t-1} + i*c~
        >>> sorted(t.get_text().split()[0] for t in ax.texts if "gate" in t.get_text())
        ['forget', 'input', 'output']
    """
    ax = _axes(ax, (12.5, 4.6))
    width, top, bus, gates = 9.6, 4.4, 0.6, 1.7
    xf, xi, xc, xo, xt = 1.5, 3.4, 5.3, 7.2, 8.55
    gate_top, mix = gates + 0.425, 3.2
    _cell_frame(ax, width, 5.2)
    # the cell state: one multiplication, one addition
    _op(ax, (xf, top), r"$\times$")
    _op(ax, (xc, top), "$+$")
    _flow(ax, [(-0.7, top), (xf - 0.24, top)], lw=2.4)
    _flow(ax, [(xf + 0.24, top), (xc - 0.24, top)], lw=2.4)
    _flow(ax, [(xc + 0.24, top), (width + 0.7, top)], lw=2.4)
    ax.text(-0.8, top, "$c_{t-1}$", ha="right", va="center", fontsize=13)
    ax.text(width + 0.8, top, "$c_t$", ha="left", va="center", fontsize=13)
    # h_{t-1} and x_t feed the four layers
    _flow(ax, [(-0.7, bus), (xo, bus)], arrow=False)
    _flow(ax, [(0.6, -0.8), (0.6, bus)], arrow=False)
    ax.plot([0.6], [bus], "o", color="black", ms=4)
    ax.text(-0.8, bus, "$h_{t-1}$", ha="right", va="center", fontsize=13)
    ax.text(0.6, -0.9, "$x_t$", ha="center", va="top", fontsize=13)
    for x, name, activation, role in (
        (xf, "forget", r"$\sigma$", "keep"),
        (xi, "input", r"$\sigma$", "input"),
        (xc, "candidate", "tanh", "candidate"),
        (xo, "output", r"$\sigma$", "output"),
    ):
        _flow(ax, [(x, bus), (x, gates - 0.425)])
        _gate(ax, (x, gates), name, activation, role)
    # what each gate does
    _flow(ax, [(xf, gate_top), (xf, top - 0.24)])
    _op(ax, (xc, mix), r"$\times$")
    _flow(ax, [(xc, gate_top), (xc, mix - 0.24)])
    _flow(ax, [(xi, gate_top), (xi, mix), (xc - 0.24, mix)])
    _flow(ax, [(xc, mix + 0.24), (xc, top - 0.24)])
    _box(ax, (xt, 3.55), "tanh", "white", w=0.9, h=0.45)
    ax.texts[-1].set_fontsize(10)
    ax.plot([xt], [top], "o", color="black", ms=4)
    _flow(ax, [(xt, top), (xt, 3.55 + 0.275)])
    _op(ax, (xt, 2.75), r"$\times$")
    _flow(ax, [(xt, 3.55 - 0.275), (xt, 2.75 + 0.24)])
    _flow(ax, [(xo, gate_top), (xo, 2.75), (xt - 0.24, 2.75)])
    _flow(ax, [(xt, 2.75 - 0.24), (xt, 1.2), (width + 0.7, 1.2)])
    ax.text(width + 0.8, 1.2, "$h_t$", ha="left", va="center", fontsize=13)
    for x, y, label in (
        (xf, 3.0, "$f_t$"),
        (xi, 2.65, "$i_t$"),
        (xc, 2.6, r"$\tilde{c}_t$"),
        (xo, 2.45, "$o_t$"),
    ):
        ax.text(x + 0.1, y, label, ha="left", va="center", fontsize=12)
    ax.texts[-1].set(x=xo - 0.1, horizontalalignment="right")
    _equations(
        ax,
        width + 2.0,
        4.6,
        [
            (r"forget gate  $f_t = \sigma(x_t W_f + h_{t-1} U_f + b_f)$", "keep"),
            (r"input gate  $i_t = \sigma(x_t W_i + h_{t-1} U_i + b_i)$", "input"),
            (r"candidate  $\tilde{c}_t = \tanh(x_t W_c + h_{t-1} U_c + b_c)$", "candidate"),
            (r"output gate  $o_t = \sigma(x_t W_o + h_{t-1} U_o + b_o)$", "output"),
            (r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t$", None),
            (r"$h_t = o_t \odot \tanh(c_t)$", None),
        ],
    )
    return _finish_cell(
        ax,
        (width + 2.0, -0.6),
        xmax=21.0,
        ymax=5.6,
        title="An LSTM cell: gates between 0 and 1 decide what the cell state $c$ forgets, "
        "takes in and shows",
    )


def draw_gru_cell(ax=None, reset_after=True):
    r"""Draw one GRU cell: its update and reset gates, the candidate, and its equations.

    The state runs along the top: the update gate :math:`z_t` keeps a share of
    :math:`h_{t-1}` and lets :math:`1 - z_t` of the candidate in. The two forms
    differ only in where the reset gate acts: ``reset_after=True`` (Keras's
    default, and cuDNN's) multiplies by :math:`r_t` *after* the recurrent matrix
    :math:`U_h`, which has its own bias :math:`b_{rh}`; ``reset_after=False``
    (Cho et al., 2014) multiplies :math:`h_{t-1}` by :math:`r_t` *before* it. In
    both, :math:`h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \hat{h}_t`. Colours
    follow :data:`GATE_COLORS`, shared with :func:`draw_lstm_cell`: the update
    gate, which keeps the old state, has the forget gate's colour.

    The labels are sized for axes about 12.5 inches wide (the default figure);
    to compare the two forms, stack them:
    ``fig, axes = plt.subplots(2, 1, figsize=(12.5, 9))``, then one call per axes.

    Args:
        ax: matplotlib axes to draw on; a new figure when ``None``.
        reset_after: ``True`` for Keras's form, ``False`` for Cho et al.'s; the
            title says which is drawn.

    Returns:
        The axes.

    Example:
        >>> ax = draw_gru_cell(reset_after=False)  # reset before U_h: (r * h) U_h
        >>> "reset_after=False" in ax.get_title()
        True
    """
    reset_after = checks.choice(reset_after, "reset_after", (True, False), caller="draw_gru_cell")
    ax = _axes(ax, (12.5, 4.6))
    width, top, bus, gates = 10.0, 5.3, 0.6, 1.8
    xb, xr, xz, xm, xc, reset = 0.3, 2.45, 4.3, 5.8, 7.4, 3.25
    gate_top, mix, side = gates + 0.425, 4.3, xc - 1.25
    _cell_frame(ax, width, 6.1)
    # the state along the top: keep z of the old, add (1 - z) of the candidate
    _op(ax, (xz, top), r"$\times$")
    _op(ax, (xc, top), "$+$")
    _flow(ax, [(-0.7, top), (xz - 0.24, top)], lw=2.4)
    _flow(ax, [(xz + 0.24, top), (xc - 0.24, top)], lw=2.4)
    _flow(ax, [(xc + 0.24, top), (width + 0.7, top)], lw=2.4)
    ax.text(-0.8, top, "$h_{t-1}$", ha="right", va="center", fontsize=13)
    ax.text(width + 0.8, top, "$h_t$", ha="left", va="center", fontsize=13)
    # h_{t-1} also goes down to the gates, with x_t
    ax.plot([xb, xb], [top, reset], "o", color="black", ms=4)
    _flow(ax, [(xb, top), (xb, bus), (xc, bus)], arrow=False)
    _flow(ax, [(0.9, -0.8), (0.9, bus)], arrow=False)
    ax.plot([0.9], [bus], "o", color="black", ms=4)
    ax.text(0.9, -0.9, "$x_t$", ha="center", va="top", fontsize=13)
    for x, name, activation, role in (
        (xr, "reset", r"$\sigma$", "reset"),
        (xz, "update", r"$\sigma$", "keep"),
        (xc, "candidate", "tanh", "candidate"),
    ):
        _flow(ax, [(x, bus), (x, gates - 0.425)])
        _gate(ax, (x, gates), name, activation, role)
    ax.text(xc - 0.1, 1.0, "$x_t$", ha="right", va="center", fontsize=11)
    # the update gate: z_t on the old state, 1 - z_t on the candidate
    _flow(ax, [(xz, gate_top), (xz, top - 0.24)])
    ax.plot([xz], [mix], "o", color="black", ms=4)
    _box(ax, (xm, mix), "$1-$", "white", w=0.65, h=0.4)
    _flow(ax, [(xz, mix), (xm - 0.38, mix)])
    _op(ax, (xc, mix), r"$\times$")
    _flow(ax, [(xm + 0.38, mix), (xc - 0.24, mix)])
    _flow(ax, [(xc, gate_top), (xc, mix - 0.24)])
    _flow(ax, [(xc, mix + 0.24), (xc, top - 0.24)])
    # the reset gate: after U_h (Keras) or before it (Cho et al.)
    _op(ax, (xr, reset), r"$\times$")
    _flow(ax, [(xr, gate_top), (xr, reset - 0.24)])
    if reset_after:
        _flow(ax, [(xb, reset), (1.0, reset)])
        _box(ax, (1.45, reset), "$U_h$", "white", w=0.7, h=0.45)
        _flow(ax, [(1.8 + 0.05, reset), (xr - 0.24, reset)])
        _flow(
            ax, [(xr + 0.24, reset), (side, reset), (side, gates), (xc - 0.975, gates)], over=True
        )
    else:
        _flow(ax, [(xb, reset), (xr - 0.24, reset)])
        _flow(ax, [(xr + 0.24, reset), (side - 0.95, reset)], over=True)
        _box(ax, (side - 0.55, reset), "$U_h$", "white", w=0.7, h=0.45)
        _flow(ax, [(side - 0.15, reset), (side, reset), (side, gates), (xc - 0.975, gates)])
    for x, y, label in (
        (xr, 2.65, "$r_t$"),
        (xz, 2.65, "$z_t$"),
        (xc, 3.2, r"$\hat{h}_t$"),
    ):
        ax.text(x + 0.1, y, label, ha="left", va="center", fontsize=12)
    if reset_after:
        candidate = r"$\hat{h}_t = \tanh(x_t W_h + r_t \odot (h_{t-1} U_h + b_{rh}) + b_h)$"
        form = "Keras's form (reset_after=True, as cuDNN): reset applied after $U_h$"
    else:
        candidate = r"$\hat{h}_t = \tanh(x_t W_h + (r_t \odot h_{t-1}) U_h + b_h)$"
        form = "Cho et al. 2014 (reset_after=False): reset applied before $U_h$"
    _equations(
        ax,
        width + 2.0,
        4.6,
        [
            (r"update gate  $z_t = \sigma(x_t W_z + h_{t-1} U_z + b_z)$", "keep"),
            (r"reset gate  $r_t = \sigma(x_t W_r + h_{t-1} U_r + b_r)$", "reset"),
            ("candidate  " + candidate, "candidate"),
            (r"$h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \hat{h}_t$", None),
        ],
        step=0.95,
    )
    return _finish_cell(ax, (width + 2.0, 0.4), xmax=23.5, ymax=6.5, title=f"A GRU cell, {form}")


def _io_column(ax, cx, x, h, y, x_color=_INPUT, h_color=_STATE):
    """One time step of a small RNN diagram: input ``x`` (if any), state ``h``, output ``y``."""
    w, hh = 0.66, 0.46
    if x:
        _box(ax, (cx, 0), x, x_color, w=w, h=hh)
        ax.texts[-1].set_fontsize(10 if x.startswith("$") else 9)
        _arrow(ax, (cx, hh / 2 + 0.03), (cx, 1 - hh / 2 - 0.03))
    _box(ax, (cx, 1), h, h_color, w=w, h=hh)
    ax.texts[-1].set_fontsize(10)
    if y:
        _arrow(ax, (cx, 1 + hh / 2 + 0.03), (cx, 2 - hh / 2 - 0.03))
        _box(ax, (cx, 2), y, _OUTPUT, w=w, h=hh)
        ax.texts[-1].set_fontsize(10)


def _io_state_arrows(ax, xs):
    for a, b in zip(xs, xs[1:], strict=False):
        _arrow(ax, (a + 0.36, 1), (b - 0.36, 1))


def _io_feedback(ax, xs):
    """Dashed arrows: each output goes back in as the next step's input."""
    for a, b in zip(xs, xs[1:], strict=False):
        _flow(ax, [(a + 0.36, 1.9), (b - 0.36, 0.1)], color="0.35", lw=1.2, ls="--", over=True)


def draw_io_shapes():
    """Draw the five input/output shapes of a recurrent network in one figure.

    One-to-one (no recurrence: a dense network), one-to-many (one input, then
    each output fed back in as the next input, as a captioner or a text
    generator does), many-to-one (one output after reading the whole sequence),
    many-to-many aligned (one output per input step) and many-to-many
    encoder-decoder (read the whole input, then write an output of another
    length, feeding each output back in).

    Returns:
        The figure, with one axes per shape, titled by the shape.

    Example:
        >>> fig = draw_io_shapes()
        >>> [ax.get_title() for ax in fig.axes][:3]
        ['one-to-one', 'one-to-many', 'many-to-one']
    """
    import matplotlib.pyplot as plt

    d = 1.15
    enc, dec = [0, d, 2 * d], [3.5 * d, 4.5 * d, 5.5 * d]
    panels = [
        ("one-to-one", [0], "a dense network:\none input, one output"),
        ("one-to-many", [0, d, 2 * d], "captioning, generating text:\neach output is fed back in"),
        ("many-to-one", [0, d, 2 * d], "classify a whole sequence\n(sentiment of a review)"),
        ("many-to-many, aligned", [0, d, 2 * d], "one output per input step\n(tagging each word)"),
        (
            "many-to-many, encoder-decoder",
            enc + dec,
            "translation: read the whole input,\nthen write an output of another length",
        ),
    ]
    spans = [max(2.7, xs[-1] + 1.0) for _, xs, _ in panels]
    fig = plt.figure(figsize=(12.5, 6.6))
    rows = fig.add_gridspec(2, 1, hspace=0.2)
    top = rows[0].subgridspec(1, 3, width_ratios=spans[:3], wspace=0.15)
    bottom = rows[1].subgridspec(1, 2, width_ratios=spans[3:], wspace=0.15)
    axes = [fig.add_subplot(top[0, i]) for i in range(3)]
    axes += [fig.add_subplot(bottom[0, i]) for i in range(2)]
    for ax, (title, xs, example), span in zip(axes, panels, spans, strict=True):
        if title == "one-to-one":
            _io_column(ax, 0, "$x$", "$h$", "$y$")
        elif title == "one-to-many":
            for t, cx in enumerate(xs):
                x, x_color = ("$x$", _INPUT) if t == 0 else (f"$y_{t}$", _OUTPUT)
                _io_column(ax, cx, x, f"$h_{t + 1}$", f"$y_{t + 1}$", x_color=x_color)
            _io_feedback(ax, xs)
        elif title == "many-to-one":
            for t, cx in enumerate(xs):
                _io_column(ax, cx, f"$x_{t + 1}$", f"$h_{t + 1}$", "$y$" if t == 2 else None)
        elif title == "many-to-many, aligned":
            for t, cx in enumerate(xs):
                _io_column(ax, cx, f"$x_{t + 1}$", f"$h_{t + 1}$", f"$y_{t + 1}$")
        else:
            for t, cx in enumerate(enc):
                _io_column(ax, cx, f"$x_{t + 1}$", f"$h_{t + 1}$", None)
            for t, cx in enumerate(dec):
                x = "<s>" if t == 0 else f"$y_{t}$"
                _io_column(ax, cx, x, f"$s_{t + 1}$", f"$y_{t + 1}$", x_color=_OUTPUT)
            _io_state_arrows(ax, enc + dec)
            _io_feedback(ax, dec)
            for label, xs_part in (("encoder", enc), ("decoder", dec)):
                ax.text(
                    sum(xs_part) / len(xs_part),
                    -0.4,
                    label,
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="0.35",
                )
        if title not in ("one-to-one", "many-to-many, encoder-decoder"):
            _io_state_arrows(ax, xs)
        mid = (xs[0] + xs[-1]) / 2
        ax.text(mid, -0.68, example, ha="center", va="top", fontsize=10.5, style="italic")
        ax.set_xlim(mid - span / 2, mid + span / 2)
        ax.set_ylim(-1.5, 2.35)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, fontsize=12)
    fig.suptitle(
        "Five ways to use a recurrent network (blue: inputs, orange: states, green: outputs)",
        fontsize=13,
    )
    return fig


def draw_encoder_decoder(ax=None, attention=True):
    r"""Draw an encoder-decoder: encoder states, decoder states and outputs, and the context.

    The encoder reads :math:`x_1 \dots x_4` into states :math:`h_1 \dots h_4`; its
    last state starts the decoder, whose states :math:`s_t` write :math:`y_1, y_2,
    y_3`, each fed back in as the next input. With ``attention=True``, at every
    output step weights :math:`a_j` (a softmax of scores of the decoder state
    against each :math:`h_j`; drawn for step 1, with example values) average the
    encoder states into a context :math:`c_t`, which is combined with
    :math:`s_t` to give :math:`y_t`. With ``attention=False`` the decoder gets the
    source only through one fixed vector :math:`c = h_4`.

    Args:
        ax: matplotlib axes to draw on; a new figure when ``None``.
        attention: draw the attention weights and a context per step, or one
            fixed context.

    Returns:
        The axes.

    Example:
        >>> ax = draw_encoder_decoder(attention=False)  # h_4 is the only link
        >>> any("a_" in t.get_text() for t in ax.texts)
        False
    """
    attention = checks.choice(attention, "attention", (True, False), caller="draw_encoder_decoder")
    ax = _axes(ax, (11, 5.4 if attention else 4.0))
    d = 1.4
    enc = [0, d, 2 * d, 3 * d]
    dec = [6.0, 6.0 + d, 6.0 + 2 * d]
    out_y = 4.0 if attention else 2.4
    w, h = 0.8, 0.5
    for j, cx in enumerate(enc):
        _box(ax, (cx, 0), f"$x_{j + 1}$", _INPUT, w=w, h=h)
        _arrow(ax, (cx, h / 2), (cx, 1.2 - h / 2))
        _box(ax, (cx, 1.2), f"$h_{j + 1}$", _STATE, w=w, h=h)
    for a, b in zip(enc, enc[1:], strict=False):
        _arrow(ax, (a + w / 2, 1.2), (b - w / 2, 1.2))
    for t, cx in enumerate(dec):
        x = "<start>" if t == 0 else f"$y_{t}$"
        _box(ax, (cx, 0), x, _OUTPUT, w=1.0 if t == 0 else w, h=h)
        ax.texts[-1].set_fontsize(10 if t == 0 else 11)
        _arrow(ax, (cx, h / 2), (cx, 1.2 - h / 2))
        _box(ax, (cx, 1.2), f"$s_{t + 1}$", "#f9cb9c", w=w, h=h)
        _box(ax, (cx, out_y), f"$y_{t + 1}$", _OUTPUT, w=w, h=h)
        if attention:
            _box(ax, (cx, 2.6), f"combine\n$s_{t + 1}, c_{t + 1}$", "white", w=1.0, h=0.7)
            ax.texts[-1].set_fontsize(9)
            _arrow(ax, (cx, 1.2 + h / 2), (cx, 2.6 - 0.35))
            _arrow(ax, (cx, 2.6 + 0.35), (cx, out_y - h / 2))
        else:
            _arrow(ax, (cx, 1.2 + h / 2), (cx, out_y - h / 2))
    for a, b in zip(dec, dec[1:], strict=False):
        _arrow(ax, (a + w / 2, 1.2), (b - w / 2, 1.2))
    _arrow(
        ax,
        (enc[-1] + w / 2, 1.2),
        (dec[0] - w / 2, 1.2),
        "initial\nstate" if attention else "$c = h_4$",
        label_offset=(0.0, -0.75) if attention else (0.0, 0.08),
    )
    ax.text(
        (dec[0] + dec[-1]) / 2,
        -0.5,
        "each output is fed back in as the next input",
        ha="center",
        va="top",
        fontsize=9.5,
        color="0.3",
    )
    ax.text((enc[0] + enc[-1]) / 2, -0.5, "encoder", ha="center", va="top", fontsize=11)
    if attention:
        weights = [0.1, 0.6, 0.2, 0.1]
        hub = (2.1, 3.1)
        for j, (cx, a) in enumerate(zip(enc, weights, strict=True)):
            start = (cx, 1.2 + h / 2)
            ax.plot(
                [start[0], hub[0]],
                [start[1], hub[1]],
                color="#6a3d9a",
                lw=1 + 8 * a,
                alpha=0.75,
                solid_capstyle="butt",
            )
            ax.text(
                cx + 0.3 * (hub[0] - cx) + (-0.15 if cx < hub[0] else 0.15),
                start[1] + 0.3 * (hub[1] - start[1]),
                f"$a_{j + 1}$={a:.1f}",
                ha="right" if cx < hub[0] else "left",
                va="center",
                fontsize=9.5,
                color="#6a3d9a",
            )
        _op(ax, hub, r"$\Sigma$", r=0.26)
        ax.text(
            hub[0],
            hub[1] + 0.4,
            r"weights $a_j$ = softmax of scores($s_1$, $h_j$); $c_1 = \sum_j a_j h_j$",
            ha="center",
            va="bottom",
            fontsize=10,
            color="#6a3d9a",
        )
        _flow(ax, [(hub[0] + 0.26, hub[1]), (4.6 - 0.35, hub[1])], color="#6a3d9a")
        _box(ax, (4.6, hub[1]), "$c_1$", "#e4d7f0", w=0.7, h=h)
        _flow(
            ax,
            [(4.95, hub[1]), (5.15, hub[1]), (5.15, 2.6), (dec[0] - 0.55, 2.6)],
            color="#6a3d9a",
        )
        for t, cx in enumerate(dec[1:], start=2):
            _arrow(ax, (cx - 0.62, 3.3), (cx - 0.36, 2.95), color="#6a3d9a")
            ax.text(
                cx - 0.64, 3.32, f"$c_{t}$", ha="right", va="bottom", fontsize=11, color="#6a3d9a"
            )
        title = (
            "Encoder-decoder with attention: at every output step, weights over all the "
            "encoder states\nmake a fresh context $c_t$ (drawn for step 1, with example weights)"
        )
    else:
        title = (
            "Encoder-decoder without attention: everything the decoder knows about the input\n"
            "passes through one fixed vector $c$, the encoder's last state"
        )
    ax.set_xlim(-0.7, dec[-1] + 0.7)
    ax.set_ylim(-1.0, out_y + 0.5 + (0.3 if attention else 0))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=12)
    return ax
