"""The classical baselines against small cases worked out by hand."""

import numpy as np
import pytest

from rnncourse.baselines import (
    LogisticRegression,
    MarkovTable,
    SparseRows,
    bag_of_ngrams,
    nearest_neighbour,
)


def test_markov_table_counts_and_probabilities_by_hand():
    days = [1, 1, 0, 1, 1, 1, 0, 0]
    # Patterns of two days and what followed: 11->0, 10->1, 01->1, 11->1, 11->0, 10->0.
    table = MarkovTable(days, order=2, alpha=0.5)
    assert table.counts.tolist() == [[0, 0], [0, 1], [1, 1], [2, 1]]  # rows 00, 01, 10, 11
    p = table.proba([[0, 1, 1], [1, 0, 0]])  # only the last two columns are read: 11, then 00
    np.testing.assert_allclose(p, [[2.5 / 4, 1.5 / 4], [0.5, 0.5]])  # unseen 00: uniform


def test_markov_table_order_zero_is_the_base_rate():
    table = MarkovTable([0, 1, 1, 1], order=0, alpha=1.0)
    np.testing.assert_allclose(
        table.proba(np.zeros((2, 0), int)), [[2 / 6, 4 / 6]] * 2
    )  # (1+1)/6, (3+1)/6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sequence=[0, 2, 1], order=1), r"sequence must be states in \[0, 2\), got 2"),
        (
            dict(sequence=[0.0, 1.0], order=1),
            r"sequence must be integer states, got whole numbers of dtype float64.*astype\(int\)",
        ),
        (dict(sequence=[0, 1], order=-1), "order must be a non-negative integer, got order=-1"),
        (dict(sequence=[0, 1], order=1, alpha=0), "alpha must be a finite number > 0, got alpha=0"),
        (dict(sequence=[0], order=1), "more than order"),
    ],
)
def test_markov_table_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MarkovTable(**kwargs)


def test_markov_table_rejects_short_history():
    with pytest.raises(ValueError, match="m >= order = 3"):
        MarkovTable([0, 1, 0, 1, 1], order=3).proba([[0, 1]])


def test_bag_of_ngrams_by_hand_and_with_a_fixed_vocabulary():
    train = [["a", "good", "film"], ["not", "a", "good", "film"]]
    x, vocab = bag_of_ngrams(train, n_max=2, min_count=2)
    assert sorted(vocab, key=vocab.get) == ["a", "a good", "film", "good", "good film"]
    np.testing.assert_array_equal(x.toarray(), np.ones((2, 5)))
    test, _ = bag_of_ngrams([["good", "good", "film", "unseen"]], vocabulary=vocab)
    np.testing.assert_array_equal(
        test.toarray(), [[0, 0, 1, 1, 1]]
    )  # present once, not counted twice


def test_bag_of_ngrams_rejects_strings():
    with pytest.raises(ValueError, match="token lists"):
        bag_of_ngrams(["a good film"])


def test_sparse_rows_products_match_dense():
    rng = np.random.default_rng(0)
    dense = (rng.random((6, 4)) < 0.4) * rng.normal(size=(6, 4))
    rows, cols = np.nonzero(dense)
    sparse = SparseRows(np.searchsorted(rows, np.arange(7)), cols, dense[rows, cols], 4)
    w, r = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    np.testing.assert_allclose(sparse.toarray(), dense)
    np.testing.assert_allclose(sparse.dot(w), dense @ w)
    np.testing.assert_allclose(sparse.tdot(r), dense.T @ r)


def test_logistic_regression_matches_the_hand_solved_optimum():
    # Two points, x = +1 (class 1) and x = -1 (class 0). By symmetry b = 0 and
    # W = [-a, a]; setting the gradient to zero gives l2 * a = sigmoid(-2 a).
    l2 = 0.1
    lo, hi = 0.0, 10.0
    for _ in range(100):  # bisection on l2 * a - sigmoid(-2 a), increasing in a
        a = (lo + hi) / 2
        lo, hi = (a, hi) if l2 * a < 1 / (1 + np.exp(2 * a)) else (lo, a)
    model = LogisticRegression(l2=l2, tol=1e-10, max_iter=20000).fit(
        [[1.0], [-1.0]], np.array([1, 0])
    )
    np.testing.assert_allclose(model.coef_, [[-a, a]], atol=1e-6)
    np.testing.assert_allclose(model.intercept_, [0.0, 0.0], atol=1e-6)
    p = model.predict_proba([[1.0]])[0, 1]
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-2 * a)), atol=1e-6)


def test_logistic_regression_reaches_zero_gradient_sparse_and_dense_alike():
    rng = np.random.default_rng(1)
    x = (rng.random((200, 30)) < 0.2).astype(float)
    y = (x[:, :3].sum(axis=1) + rng.normal(0, 0.5, 200) > 0.6).astype(int) + (x[:, 5] > 0)
    dense = LogisticRegression(l2=1e-2, tol=1e-8, max_iter=20000).fit(x, y)
    rows, cols = np.nonzero(x)
    sparse_x = SparseRows(np.searchsorted(rows, np.arange(201)), cols, np.ones(len(rows)), 30)
    sparse = LogisticRegression(l2=1e-2, tol=1e-8, max_iter=20000).fit(sparse_x, y)
    residual = dense.predict_proba(x) - np.eye(3)[y]  # (200, 3)
    assert np.abs(x.T @ residual / 200 + 1e-2 * dense.coef_).max() < 1e-7
    assert np.abs(residual.mean(axis=0)).max() < 1e-7
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-6)


def test_logistic_regression_rejects_bad_input():
    with pytest.raises(ValueError, match="l2 must be a finite number > 0"):
        LogisticRegression(l2=0)
    with pytest.raises(ValueError, match="integer labels"):
        LogisticRegression().fit([[0.0], [1.0]], np.array([0.2, 0.9]))
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit([[np.nan], [1.0]], np.array([0, 1]))
    with pytest.raises(ValueError, match="not fitted"):
        LogisticRegression().predict([[0.0]])
    model = LogisticRegression().fit([[0.0, 1.0], [1.0, 0.0]], np.array([0, 1]))
    with pytest.raises(ValueError, match="2 features as in fit"):
        model.predict([[0.0]])


def test_nearest_neighbour_by_hand_with_ties_to_the_earlier_example():
    train = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 3.0]])
    labels = np.array([7, 8, 9])
    query = np.array([[1.0, 0.0], [1.9, 0.2], [0.0, 2.0], [-5.0, -5.0]])
    # distances to (0,0),(2,0),(0,3): 1 vs 1 (tie -> first), then nearer (2,0), (0,3), (0,0)
    np.testing.assert_array_equal(nearest_neighbour(train, labels, query), [7, 8, 9, 7])
    np.testing.assert_array_equal(
        nearest_neighbour(train, labels, query, batch_size=1), [7, 8, 9, 7]
    )


def test_nearest_neighbour_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="query_x must have shape"):
        nearest_neighbour(np.zeros((3, 2)), [0, 1, 2], np.zeros((1, 3)))
    with pytest.raises(ValueError, match="one label per row"):
        nearest_neighbour(np.zeros((3, 2)), [0, 1], np.zeros((1, 2)))
