"""The classical baselines an expert fits first, before any recurrent network.

Each is a few lines of vectorised NumPy with no randomness, and runs in seconds
on a CPU. The others live with their subject: the smoothed n-gram language
models in :mod:`rnncourse.textgen` (:class:`~rnncourse.textgen.KneserNey`,
:class:`~rnncourse.textgen.WittenBell`) and ridge regression and the naive
forecasts in :mod:`rnncourse.forecast` (:class:`~rnncourse.forecast.LinearForecaster`).

- :class:`MarkovTable`: a count table of what followed each pattern of the
  last few steps of a sequence of states (rain after rain).
- :func:`bag_of_ngrams`: the words and word pairs of each text, as a sparse
  0/1 matrix (:class:`SparseRows`).
- :class:`LogisticRegression`: a linear classifier with an L2 penalty, on dense
  features or a :class:`SparseRows` bag of words.
- :func:`nearest_neighbour`: the label of the closest training example.
"""

import collections

import numpy as np

from rnncourse import checks

__all__ = [
    "LogisticRegression",
    "MarkovTable",
    "SparseRows",
    "bag_of_ngrams",
    "nearest_neighbour",
]


def _states(name, values, n_states):
    arr = np.asarray(values)
    arr = arr.astype(np.int64) if arr.dtype == bool else arr  # rain or not: True is state 1
    return checks.ids(
        arr,
        name,
        high=n_states,
        what="states",
        note="threshold probabilities first, e.g. (p > 0.5).astype(int).",
    )


class MarkovTable:
    """What followed each pattern of the last ``order`` states, counted, with add-alpha smoothing.

    For a sequence of states (rain = 1, dry = 0) the table counts, for every
    pattern of ``order`` consecutive states, how often each state came next::

        p(next = s | last order states) = (count(pattern, s) + alpha)
                                           / (count(pattern) + alpha * n_states)

    With ``order=1`` it is the classic "tomorrow like today" weather rule made
    into probabilities; ``order=0`` is the base rate.

    Args:
        sequence: 1-D int array-like of states in ``[0, n_states)``, in time order.
        order: how many past states form the pattern, an int ``>= 0``.
        n_states: number of possible states (2 for rain or not).
        alpha: add-alpha smoothing, ``> 0``, so an unseen pattern predicts
            the uniform distribution rather than dividing by zero.

    Attributes:
        counts: int array ``(n_states ** order, n_states)``, one row per
            pattern (the most recent state is the last digit of the row's
            number in base ``n_states``).

    Example:
        >>> days = [0, 0, 1, 1, 1, 0, 0, 0, 1, 1]  # dry 0, rain 1
        >>> table = MarkovTable(days, order=1, alpha=1.0)
        >>> table.counts  # rows: after dry, after rain; columns: dry, rain
        array([[3, 2],
               [1, 3]])
        >>> table.proba([[1], [0]]).round(3)  # after rain: (3 + 1) / (4 + 2); after dry: (2 + 1) / (5 + 2)
        array([[0.333, 0.667],
               [0.571, 0.429]])
    """

    def __init__(self, sequence, order, n_states=2, alpha=1.0):
        self.order = checks.non_negative_int(order, "order")
        self.n_states = checks.positive_int(n_states, "n_states")
        self.alpha = checks.number(alpha, "alpha", low=0, low_open=True)
        seq = _states("sequence", sequence, self.n_states).reshape(-1)
        if len(seq) <= self.order:
            raise ValueError(f"sequence needs more than order = {order} states, got {len(seq)}.")
        patterns = self._codes(
            np.lib.stride_tricks.sliding_window_view(seq[:-1], self.order)
            if self.order
            else np.zeros((len(seq), 0), np.int64)
        )
        nxt = seq[self.order :]
        self.counts = np.bincount(
            patterns * self.n_states + nxt, minlength=self.n_states ** (self.order + 1)
        ).reshape(-1, self.n_states)

    def _codes(self, history):
        code = np.zeros(len(history), dtype=np.int64)
        for j in range(self.order):
            code = code * self.n_states + history[:, j]
        return code

    def proba(self, history):
        """Probabilities of each next state, shape ``(n, n_states)``.

        Args:
            history: int array-like ``(n, m)`` with ``m >= order``: the states
                before each prediction, the most recent last (only the last
                ``order`` columns are read).
        """
        hist = _states("history", history, self.n_states)
        if hist.ndim != 2 or hist.shape[1] < self.order:
            raise ValueError(
                f"history must have shape (n, m) with m >= order = {self.order}, "
                f"got shape {hist.shape}."
            )
        rows = self.counts[self._codes(hist[:, hist.shape[1] - self.order :])] + self.alpha
        return rows / rows.sum(axis=1, keepdims=True)


class SparseRows:
    """A sparse matrix stored by rows (CSR): enough for a linear model on a bag of words.

    Args:
        indptr: int array ``(n_rows + 1,)``; row ``i``'s entries are
            ``indices[indptr[i]:indptr[i + 1]]``.
        indices: int array, the column of each stored entry.
        values: float array, the value of each stored entry.
        n_cols: number of columns.
    """

    def __init__(self, indptr, indices, values, n_cols):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.indices = np.asarray(indices, dtype=np.int64)
        self.values = np.asarray(values, dtype=np.float64)
        self.shape = (len(self.indptr) - 1, int(n_cols))
        self._rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))  # row of each entry

    def __len__(self):
        return self.shape[0]

    def dot(self, w):
        """``self @ w`` for a dense ``w`` of shape ``(n_cols, k)``; returns ``(n_rows, k)``."""
        return np.stack(
            [
                np.bincount(
                    self._rows, weights=self.values * w[self.indices, j], minlength=self.shape[0]
                )
                for j in range(w.shape[1])
            ],
            axis=1,
        )

    def tdot(self, r):
        """``self.T @ r`` for a dense ``r`` of shape ``(n_rows, k)``; returns ``(n_cols, k)``."""
        return np.stack(
            [
                np.bincount(
                    self.indices, weights=self.values * r[self._rows, j], minlength=self.shape[1]
                )
                for j in range(r.shape[1])
            ],
            axis=1,
        )

    def toarray(self):
        """The dense ``(n_rows, n_cols)`` array (for small matrices and tests)."""
        out = np.zeros(self.shape)
        out[self._rows, self.indices] = self.values
        return out


def bag_of_ngrams(texts, n_max=2, *, vocabulary=None, min_count=2):
    """Which words and runs of up to ``n_max`` words each text contains, as a 0/1 matrix.

    The text-classification baseline: word order is thrown away except inside
    the short n-grams ("not good" is one feature, so a bigram model knows
    that much order).

    Args:
        texts: a list of texts, each a list of tokens (strings).
        n_max: the longest n-gram, ``>= 1`` (1 = words only).
        vocabulary: a dict n-gram -> column from an earlier call (the
            training texts); ``None`` to build it from ``texts``, keeping the
            n-grams that occur in at least ``min_count`` texts.
        min_count: see ``vocabulary``.

    Returns:
        ``(matrix, vocabulary)``: a :class:`SparseRows` of shape
        ``(len(texts), len(vocabulary))`` with a 1 for each n-gram present,
        and the vocabulary (n-grams joined by a space, sorted by column).

    Example:
        >>> x, vocab = bag_of_ngrams([["not", "good"], ["good"], ["not", "bad"]], min_count=1)
        >>> sorted(vocab, key=vocab.get)
        ['bad', 'good', 'not', 'not bad', 'not good']
        >>> x.toarray()
        array([[0., 1., 1., 0., 1.],
               [0., 1., 0., 0., 0.],
               [1., 0., 1., 1., 0.]])
    """
    n_max = checks.positive_int(n_max, "n_max")
    if isinstance(texts, str) or any(isinstance(t, str) for t in texts):
        raise ValueError(
            "texts must be a list of token lists (e.g. [['a', 'film'], ...]), "
            "not strings: split each text into words first."
        )
    grams = [
        sorted({" ".join(t[i : i + n]) for n in range(1, n_max + 1) for i in range(len(t) - n + 1)})
        for t in texts
    ]
    if vocabulary is None:
        min_count = checks.positive_int(min_count, "min_count")
        seen = collections.Counter(g for doc in grams for g in doc)
        vocabulary = {
            g: i for i, g in enumerate(sorted(g for g, c in seen.items() if c >= min_count))
        }
    cols = [[vocabulary[g] for g in doc if g in vocabulary] for doc in grams]
    indptr = np.cumsum([0] + [len(c) for c in cols])
    indices = np.fromiter(
        (c for row in cols for c in sorted(row)), dtype=np.int64, count=indptr[-1]
    )
    return SparseRows(indptr, indices, np.ones(len(indices)), len(vocabulary)), vocabulary


class LogisticRegression:
    """A linear classifier: softmax of ``x @ W + b``, fitted by minimising cross-entropy + L2.

    The loss is convex, so the fit is the same from any start: there is no
    seed and no learning rate to tune, only the penalty ``l2``. It is solved by
    Nesterov's accelerated gradient descent with the step ``1 / L`` from the
    loss's curvature bound ``L`` and adaptive restarts, on dense features or a
    :class:`SparseRows` bag of words.

    Args:
        l2: penalty ``l2 / 2 * ||W||^2`` added to the mean cross-entropy
            (the bias is not penalised), a number ``> 0``.
        max_iter: most gradient steps.
        tol: stop when the largest gradient entry is below this.

    Attributes:
        coef_, intercept_: after :meth:`fit`, ``W`` of shape ``(d, k)`` and
            ``b`` of shape ``(k,)``, ``k`` the number of classes.
        n_iter_: the steps taken.

    Example:
        >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> model = LogisticRegression(l2=1e-3).fit(x, np.array([0, 0, 1, 1]))
        >>> model.predict(np.array([[0.2], [2.8]]))
        array([0, 1])
    """

    def __init__(self, l2=1e-3, max_iter=2000, tol=1e-5):
        self.l2 = checks.number(l2, "l2", low=0, low_open=True)
        self.max_iter = checks.positive_int(max_iter, "max_iter")
        self.tol = checks.number(tol, "tol", low=0)
        self.coef_ = self.intercept_ = None

    @staticmethod
    def _check_x(x, d=None):
        if not isinstance(x, SparseRows):
            x = np.asarray(x, dtype=np.float64)
            if x.ndim != 2:
                raise ValueError(f"x must have shape (n, features), got shape {x.shape}.")
            if not np.isfinite(x).all():
                raise ValueError("x holds NaN or infinite values.")
        if d is not None and x.shape[1] != d:
            raise ValueError(f"x must have {d} features as in fit(), got shape {x.shape}.")
        return x

    @staticmethod
    def _mul(x, w):
        return x.dot(w) if isinstance(x, SparseRows) else x @ w

    @staticmethod
    def _tmul(x, r):
        return x.tdot(r) if isinstance(x, SparseRows) else x.T @ r

    def _largest_eigenvalue(self, x, n_iter=50):
        """Largest eigenvalue of x.T @ x / n by power iteration (a fixed start: deterministic)."""
        v = np.ones((x.shape[1], 1)) / np.sqrt(x.shape[1])
        lam = 0.0
        for _ in range(n_iter):
            u = self._tmul(x, self._mul(x, v)) / x.shape[0]
            lam = float(np.linalg.norm(u))
            if lam == 0:
                return 0.0
            v = u / lam
        return lam * 1.01

    def fit(self, x, y):
        """Fit to features ``x`` (``(n, d)`` array or :class:`SparseRows`) and int labels ``y`` (``(n,)``)."""
        x = self._check_x(x)
        y = np.asarray(y)
        if y.dtype.kind not in "iub" or y.shape != (x.shape[0],):
            raise ValueError(
                f"y must be {x.shape[0]} integer labels, one per row of x, "
                f"got shape {y.shape} and dtype {y.dtype}."
            )
        y = y.astype(np.int64)
        if y.min() < 0:
            raise ValueError(f"labels must be >= 0, got {y.min()}.")
        n, d, k = x.shape[0], x.shape[1], max(int(y.max()) + 1, 2)
        onehot = np.eye(k)[y]  # (n, k)
        # Curvature bound of mean softmax cross-entropy in (W, b): 1/2 * lambda_max([x 1]^T [x 1] / n).
        lipschitz = 0.5 * (self._largest_eigenvalue(x) + 1.0) + self.l2
        step = 1.0 / lipschitz

        def gradient(w, b):
            z = self._mul(x, w) + b  # (n, k)
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            r = (p - onehot) / n  # (n, k)
            return self._tmul(x, r) + self.l2 * w, r.sum(axis=0), p

        def loss(w, b, p):
            return -np.log(p[np.arange(n), y] + 1e-300).mean() + 0.5 * self.l2 * (w * w).sum()

        w, b = np.zeros((d, k)), np.zeros(k)
        w_prev, b_prev, t, prev_loss = w, b, 1.0, np.inf
        for step_count in range(1, self.max_iter + 1):
            self.n_iter_ = step_count
            momentum = (t - 1) / (t + 2)
            vw, vb = w + momentum * (w - w_prev), b + momentum * (b - b_prev)  # look ahead
            gw, gb, p = gradient(vw, vb)
            w_prev, b_prev = w, b
            w, b = vw - step * gw, vb - step * gb
            t += 1
            current = loss(vw, vb, p)
            if current > prev_loss:  # the momentum overshot: restart it
                t = 1.0
            prev_loss = current
            if max(np.abs(gw).max(), np.abs(gb).max()) < self.tol:
                break
        self.coef_, self.intercept_ = w, b
        return self

    def predict_proba(self, x):
        """Class probabilities, shape ``(n, k)``."""
        if self.coef_ is None:
            raise ValueError("this LogisticRegression is not fitted yet: call fit(x, y) first.")
        z = self._mul(self._check_x(x, self.coef_.shape[0]), self.coef_) + self.intercept_
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, x):
        """The most probable class of each row, shape ``(n,)``."""
        return self.predict_proba(x).argmax(axis=1)


def nearest_neighbour(train_x, train_y, query_x, *, batch_size=1024):
    """The label of each query's nearest training example (Euclidean distance, 1-NN).

    The classifier with no training at all: it remembers every example. Ties
    go to the earlier training example.

    Args:
        train_x: ``(n, ...)`` float array-like, flattened to ``(n, d)``.
        train_y: ``(n,)`` labels.
        query_x: ``(m, ...)`` with the same trailing shape as ``train_x``.
        batch_size: queries compared at once (bounds the memory to
            ``batch_size * n`` distances).

    Returns:
        ``(m,)`` array of labels from ``train_y``.

    Example:
        >>> nearest_neighbour([[0.0, 0.0], [10.0, 10.0]], ["dry", "wet"], [[1.0, 2.0], [9.0, 8.0]])
        array(['dry', 'wet'], dtype='<U3')
    """
    train = np.asarray(train_x, dtype=np.float64)
    query = np.asarray(query_x, dtype=np.float64)
    labels = np.asarray(train_y)
    if train.ndim < 2 or query.shape[1:] != train.shape[1:]:
        raise ValueError(
            f"query_x must have shape (m, {', '.join(map(str, train.shape[1:]))}) like "
            f"train_x {train.shape}, got {query.shape}."
        )
    if labels.shape != (len(train),):
        raise ValueError(
            f"train_y must have one label per row of train_x ({len(train)}), "
            f"got shape {labels.shape}."
        )
    if len(train) == 0:
        raise ValueError("train_x is empty: 1-NN needs at least one training example.")
    train, query = train.reshape(len(train), -1), query.reshape(len(query), -1)
    if not (np.isfinite(train).all() and np.isfinite(query).all()):
        raise ValueError("train_x or query_x holds NaN or infinite values.")
    batch_size = checks.positive_int(batch_size, "batch_size")
    sq = (train**2).sum(axis=1)  # (n,)
    nearest = np.empty(len(query), dtype=np.int64)
    for i in range(0, len(query), batch_size):
        q = query[i : i + batch_size]  # (b, d)
        dist = sq[None, :] - 2.0 * q @ train.T  # (b, n): |t|^2 - 2 q.t, ranks like |q - t|^2
        nearest[i : i + batch_size] = dist.argmin(axis=1)
    return labels[nearest]
