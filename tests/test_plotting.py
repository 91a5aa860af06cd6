import matplotlib

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
