"""The synthetic long-range tasks: shapes, the rules that define them, seeding, errors."""

import numpy as np
import pytest

from rnncourse import tasks


def test_adding_problem_shapes_markers_and_target():
    x, y = tasks.adding_problem(500, 20, seed=0)
    assert x.shape == (500, 20, 2) and y.shape == (500,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=1) == 2).all()  # exactly two marked steps
    assert not markers[:, 10:].any()  # both in the first half (default span)
    np.testing.assert_allclose((x[..., 0] * markers).sum(axis=1), y, rtol=1e-6, atol=1e-6)
    assert x[..., 0].min() >= -1.0 and x[..., 0].max() < 1.0


def test_adding_problem_span_and_range():
    x, y = tasks.adding_problem(300, 12, span=3, low=0.0, high=1.0, seed=1)
    assert not x[:, 3:, 1].any() and (x[:, :3, 1].sum(axis=1) == 2).all()
    assert x[..., 0].min() >= 0.0
    # with span=2 both of the first two steps are always marked
    x, _ = tasks.adding_problem(50, 5, span=2, seed=2)
    assert (x[:, :2, 1] == 1).all()


def test_adding_problem_is_reproducible_and_takes_a_generator():
    a = tasks.adding_problem(4, 6, seed=3)
    b = tasks.adding_problem(4, 6, seed=3)
    c = tasks.adding_problem(4, 6, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    rng = np.random.default_rng(0)
    first, second = tasks.adding_problem(4, 6, seed=rng), tasks.adding_problem(4, 6, seed=rng)
    assert not np.array_equal(first[0], second[0])  # the generator advances


def test_adding_problem_baseline_matches_the_sampled_variance():
    assert tasks.adding_problem_baseline() == pytest.approx(2 / 3)
    assert tasks.adding_problem_baseline(0.0, 1.0) == pytest.approx(1 / 6)
    _, y = tasks.adding_problem(200_000, 4, low=0.0, high=1.0, seed=5)
    assert np.var(y) == pytest.approx(tasks.adding_problem_baseline(0.0, 1.0), rel=0.02)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0, length=5), "n=0"),
        (dict(n=2, length=1), "length=1"),
        (dict(n=2, length=5, span=6), "span=6"),
        (dict(n=2, length=5, span=1), "span=1"),
        (dict(n=2, length=5, low=1.0, high=1.0), "low < high"),
        (dict(n=2, length=5, seed=-1), "seed=-1"),
        (dict(n=2, length=5, seed="a"), "seed='a'"),
        (dict(n=2.5, length=5), "n=2.5"),
    ],
)
def test_adding_problem_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tasks.adding_problem(**kwargs)


def test_baseline_rejects_an_empty_range():
    with pytest.raises(ValueError, match="low < high"):
        tasks.adding_problem_baseline(1.0, 0.0)


def test_recall_task_labels_the_symbol_at_the_position():
    x, y = tasks.recall_task(200, 9, n_symbols=5, seed=0)
    assert x.shape == (200, 9, 5) and x.dtype == np.float32 and y.dtype == np.int32
    assert (x.sum(axis=-1) == 1).all()  # one-hot
    np.testing.assert_array_equal(x[:, 0].argmax(-1), y)
    ids, last = tasks.recall_task(200, 9, n_symbols=5, position=-1, one_hot=False, seed=0)
    assert ids.shape == (200, 9) and ids.max() <= 4 and ids.min() >= 0
    np.testing.assert_array_equal(ids[:, -1], last)
    np.testing.assert_array_equal(ids, x.argmax(-1))  # same seed, same symbols
    assert len(np.unique(y)) == 5  # every symbol occurs


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=3, length=4, position=4), "position=4"),
        (dict(n=3, length=4, position=-5), "position=-5"),
        (dict(n=3, length=4, n_symbols=1), "n_symbols=1"),
        (dict(n=3, length=0), "length=0"),
    ],
)
def test_recall_task_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tasks.recall_task(**kwargs)


def test_copy_task_layout():
    x, y = tasks.copy_task(50, n_copy=4, delay=6, n_symbols=7, seed=0)
    assert x.shape == y.shape == (50, 14) and x.dtype == np.int32
    symbols = x[:, :4]
    assert symbols.min() >= 1 and symbols.max() <= 7
    assert (x[:, 9] == 8).all()  # the go signal at n_copy + delay - 1
    assert not x[:, 4:9].any() and not x[:, 10:].any()  # blanks elsewhere
    np.testing.assert_array_equal(y[:, -4:], symbols)
    assert not y[:, :-4].any()


def test_copy_task_with_delay_one_puts_go_right_after_the_symbols():
    x, y = tasks.copy_task(3, n_copy=2, delay=1, n_symbols=3, seed=1)
    assert x.shape == (3, 5) and (x[:, 2] == 4).all()
    np.testing.assert_array_equal(y[:, 3:], x[:, :2])


def test_copy_task_rejects_bad_arguments():
    with pytest.raises(ValueError, match="delay=0"):
        tasks.copy_task(2, delay=0)
    with pytest.raises(ValueError, match="n_copy=0"):
        tasks.copy_task(2, n_copy=0)
