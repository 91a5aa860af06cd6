"""Figures the notebooks share: the unrolled RNN, training curves, heat maps.

Importing this module does not restyle matplotlib; every function draws on the
axes it is given (or a new figure) and returns them.
"""

import collections.abc

import numpy as np

from rnncourse import checks

__all__ = ["COURSE_MAP", "draw_course_map", "draw_unrolled_rnn", "plot_attention", "plot_histories"]


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

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


def draw_unrolled_rnn(steps=4, ax=None, folded=True, gradients=False):
    """Draw an RNN folded (one cell with a loop) and unrolled over ``steps`` steps.

    Args:
        steps: number of time steps in the unrolled chain (1 to 12).
        ax: matplotlib axes to draw on; a new figure when ``None``.
        folded: also draw the folded cell with its recurrent loop on the left.
        gradients: overlay the backward pass of backpropagation through time
            (red arrows from each loss back through the hidden states).

    Returns:
        The axes.

    Example:
        >>> ax = draw_unrolled_rnn(steps=3)  # x_1..x_3 -> h_1..h_3 -> y_1..y_3
    """
    steps = checks.integer(steps, "steps", low=1, high=12)
    ax = _axes(ax, (2.2 * steps + (3 if folded else 0), 3.6))
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
    ax.set_xlim(-0.8 if folded else x0 - 1.6, x0 + 1.6 * (steps - 1) + 0.8)
    ax.set_ylim(-0.5, 3.8 if gradients else 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    title = "An RNN unrolled through time: the same W, U, V at every step"
    if gradients:
        title += "\n(red: gradients flow back from every loss through all earlier steps)"
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
