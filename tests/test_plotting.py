import matplotlib
import matplotlib.axes
import matplotlib.colors
import matplotlib.figure

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse import plotting  # noqa: E402


def test_unrolled_drawing_has_one_box_per_step():
    ax = plotting.draw_unrolled_rnn(steps=3, folded=False)
    labels = [t.get_text() for t in ax.texts]
    assert {"$x_1$", "$x_3$", "$h_3$", "$y_2$"} <= set(labels) and "$x_4$" not in labels
    ax = plotting.draw_unrolled_rnn(steps=2, gradients=True)
    assert "$L_2$" in [t.get_text() for t in ax.texts]
    plt.close("all")


@pytest.mark.parametrize("steps", [0, 13, 2.5])
def test_unrolled_bad_steps(steps):
    with pytest.raises(ValueError, match="steps must be an integer from 1 to 12, got steps="):
        plotting.draw_unrolled_rnn(steps=steps)


def test_histories_plot_and_missing_metric():
    ax = plotting.plot_histories({"a": {"loss": [3, 2, 1]}, "b": {"loss": [2, 2]}})
    assert [len(line.get_xdata()) for line in ax.lines] == [3, 2]
    with pytest.raises(KeyError, match="has no metric 'val_loss'"):
        plotting.plot_histories({"a": {"loss": [1]}}, "val_loss")
    plt.close("all")


def test_attention_plot_checks_shape():
    ax = plotting.plot_attention(np.eye(3)[:2], ["a", "b", "c"], ["x", "y"])
    assert ax.images[0].get_array().shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(targets, sources\) = \(2, 2\)"):
        plotting.plot_attention(np.eye(3), ["a", "b"], ["x", "y"])
    plt.close("all")


def test_course_map_has_every_notebook_once_and_valid_prerequisites():
    ax = plotting.draw_course_map()
    numbers = [num for num, *_ in plotting.COURSE_MAP]
    assert numbers == [f"{i:02d}" for i in range(1, 13)]
    assert sum(t.get_text().startswith(tuple(numbers)) for t in ax.texts) == 12
    for num, _, _, needs in plotting.COURSE_MAP:
        assert all(need < num for need in needs), f"{num} depends on a later notebook"
    plt.close("all")


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_lstm_cell_names_its_gates_and_equations():
    ax = plotting.draw_lstm_cell()
    assert isinstance(ax, matplotlib.axes.Axes)
    texts = _texts(ax)
    joined = "\n".join(texts)
    for gate in ("forget gate", "input gate", "output gate", "candidate"):
        assert any(t.startswith(gate) for t in texts), gate
    assert r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t$" in texts
    assert r"$h_t = o_t \odot \tanh(c_t)$" in texts
    assert "$c_{t-1}$" in texts and "$c_t$" in texts and "$h_{t-1}$" in texts
    assert joined.count(r"\sigma(x_t W") == 3 and r"\tanh(x_t W_c" in joined
    plt.close("all")


def test_gate_colours_are_shared_by_lstm_and_gru():
    def box_colours(ax):
        return {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}

    lstm, gru = box_colours(plotting.draw_lstm_cell()), box_colours(plotting.draw_gru_cell())
    colors = plotting.GATE_COLORS
    assert {colors["keep"], colors["candidate"]} <= lstm & gru
    assert colors["input"] in lstm and colors["output"] in lstm and colors["reset"] in gru
    plt.close("all")


def test_gru_cell_draws_both_forms_with_their_own_candidate():
    keras_ax = plotting.draw_gru_cell()
    cho_ax = plotting.draw_gru_cell(ax=plt.subplots()[1], reset_after=False)
    keras_texts, cho_texts = _texts(keras_ax), _texts(cho_ax)
    assert "reset_after=True" in keras_ax.get_title() and "Keras" in keras_ax.get_title()
    assert "reset_after=False" in cho_ax.get_title() and "Cho" in cho_ax.get_title()
    keras_eq = r"r_t \odot (h_{t-1} U_h + b_{rh})"
    cho_eq = r"(r_t \odot h_{t-1}) U_h"
    assert any(keras_eq in t for t in keras_texts) and not any(cho_eq in t for t in keras_texts)
    assert any(cho_eq in t for t in cho_texts) and not any(keras_eq in t for t in cho_texts)
    update = r"$h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \hat{h}_t$"
    for texts in (keras_texts, cho_texts):
        assert update in texts
        assert any(t.startswith("update") for t in texts)
        assert any(t.startswith("reset") for t in texts)
    assert set(keras_texts) != set(cho_texts)
    plt.close("all")


def test_io_shapes_is_one_figure_with_five_titled_panels():
    fig = plotting.draw_io_shapes()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert [ax.get_title() for ax in fig.axes] == [
        "one-to-one",
        "one-to-many",
        "many-to-one",
        "many-to-many, aligned",
        "many-to-many, encoder-decoder",
    ]
    one_to_many = _texts(fig.axes[1])
    # the output is fed back in: y_1 is drawn as an output and again as the next input
    assert one_to_many.count("$y_1$") == 2 and one_to_many.count("$x$") == 1
    assert _texts(fig.axes[2]).count("$y$") == 1
    plt.close("all")


def test_unrolled_jacobians_label_every_backward_arrow_and_the_product():
    ax = plotting.draw_unrolled_rnn(steps=4, folded=False, jacobians=True)
    texts = _texts(ax)
    labels = [t for t in texts if t.startswith(r"$\partial h")]
    assert labels == [rf"$\partial h_{{{t + 1}}} / \partial h_{{{t}}}$" for t in range(1, 4)]
    assert "$L_4$" in texts  # jacobians=True draws the backward pass too
    product = next(t for t in texts if t.startswith("the longest product"))
    for k in range(2, 5):
        assert rf"\dfrac{{\partial h_{{{k}}}}}{{\partial h_{{{k - 1}}}}}" in product
    assert any(r"\prod_{k=2}^{t}" in t for t in texts)
    ax = plotting.draw_unrolled_rnn(steps=3, gradients=True)
    assert not any(t.startswith(r"$\partial h") for t in _texts(ax))
    plt.close("all")


def test_encoder_decoder_attention_weights_only_with_attention():
    ax = plotting.draw_encoder_decoder()
    weights = [t for t in _texts(ax) if t.startswith("$a_")]
    assert len(weights) == 4
    assert sum(float(t.split("=")[1]) for t in weights) == pytest.approx(1.0)
    assert "$c_1$" in _texts(ax) and "$s_3$" in _texts(ax)
    ax = plotting.draw_encoder_decoder(attention=False)
    texts = _texts(ax)
    assert not any("a_" in t or "combine" in t for t in texts)
    assert "$c = h_4$" in texts and "$y_3$" in texts
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plotting.draw_unrolled_rnn(steps=0, jacobians=True), "steps must be an integer"),
        (lambda: plotting.draw_unrolled_rnn(steps="4"), "got steps='4'"),
        (lambda: plotting.draw_unrolled_rnn(jacobians="yes"), r"jacobians=\.\.\.\) must be one"),
        (lambda: plotting.draw_gru_cell(reset_after="cudnn"), r"reset_after=\.\.\.\) must be one"),
        (lambda: plotting.draw_gru_cell(reset_after=1), "got reset_after=1"),
        (lambda: plotting.draw_encoder_decoder(attention=None), "got attention=None"),
    ],
)
def test_figures_refuse_bad_arguments_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
    plt.close("all")


def test_figures_refuse_an_ax_that_is_not_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plotting.draw_lstm_cell(ax=plt.figure())
    plt.close("all")


@pytest.mark.parametrize("steps", [1, 2, 12])
def test_unrolled_jacobians_at_the_extremes(steps):
    ax = plotting.draw_unrolled_rnn(steps=steps, jacobians=True)
    texts = _texts(ax)
    assert sum(t.startswith(r"$\partial h") for t in texts) == steps - 1
    assert any(t.startswith("the longest product") for t in texts) == (steps > 1)
    plt.close("all")
