"""Coding exercises of notebook 02 (training steps): softmax cross-entropy with its gradient,
then one hand-written gradient step of a sigmoid classifier on the log-loss."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


# --------------------------------------------------------------------------- 02.softmax_cross_entropy
def _ce_cases(rng):
    cases = []
    for description, batch, classes, scale in [
        ("batch 4, 3 classes", 4, 3, 2.0),
        ("one example, 5 classes", 1, 5, 2.0),
        ("batch 6, 2 classes", 6, 2, 1.0),
        ("batch 3, 4 classes, all logits equal", 3, 4, 0.0),
        ("batch 5, 3 classes, huge logits (about 750: np.exp overflows)", 5, 3, 3.0),
    ]:
        logits = rng.normal(size=(batch, classes)) * scale  # (batch, classes)
        if scale == 0.0:
            logits = np.full((batch, classes), 1.5)
        if description.startswith("batch 5"):
            logits += 750.0
        labels = rng.integers(0, classes, size=batch)  # (batch,)
        cases.append((description, {"logits": logits, "labels": labels}))
    return cases


def _softmax(logits, axis=-1):
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _ce(logits, labels, *, axis=-1, loss_sum=False, grad_scale=True, grad_sign=1, one_hot=True):
    n = len(labels)
    p = _softmax(logits, axis=axis)  # (batch, classes)
    rows = np.arange(n)
    loss = -np.log(p[rows, labels])
    loss = loss.sum() if loss_sum else loss.mean()
    target = np.zeros_like(p)
    if one_hot:
        target[rows, labels] = 1.0
    grad = grad_sign * (p - target)
    return loss, grad / n if grad_scale else grad


def _ce_logaddexp(logits, labels):
    one_hot = np.eye(logits.shape[1])[labels]  # (batch, classes)
    log_probs = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)  # (batch, classes)
    loss = -np.sum(one_hot * log_probs) / len(labels)
    return loss, (np.exp(log_probs) - one_hot) / len(labels)


@coding_exercise(
    "02.softmax_cross_entropy",
    "Write softmax_cross_entropy(logits, labels): the mean K-class log-loss of a batch "
    "and its gradient with respect to the logits, (loss, dlogits).",
    cases=_ce_cases,
    hints=(
        "Turn each row of logits into probabilities over the classes (softmax), take minus the "
        "log of the probability each example gave its true class, and average over the batch. "
        "For the gradient, differentiate one example's -log(softmax at the true class) with "
        "respect to each logit on paper: the exp and the log cancel and only the probabilities "
        "and the true class are left. Then remember the loss is a mean.",
        "Subtract each row's max before np.exp (logits.max(axis=1, keepdims=True)), so exp "
        "cannot overflow; normalise with .sum(axis=1, keepdims=True); pick the true classes "
        "with probs[np.arange(n), labels]; for dlogits copy the probabilities, subtract 1 at "
        "[np.arange(n), labels], and divide by n.",
    ),
    alternatives=(_ce_logaddexp,),
    mistakes=(
        Mistake(
            "the softmax is normalised over the batch (axis 0): each example's probabilities "
            "must sum to 1 over the classes (axis=1).",
            lambda logits, labels: _ce(logits, labels, axis=0),
        ),
        Mistake(
            "dlogits is the gradient of the SUMMED loss: the loss is a mean over the batch, "
            "so divide the gradient by the batch size too.",
            lambda logits, labels: _ce(logits, labels, grad_scale=False),
        ),
        Mistake(
            "dlogits has the wrong sign: it is softmax(logits) minus one_hot(labels), "
            "positive for the wrong classes.",
            lambda logits, labels: _ce(logits, labels, grad_sign=-1),
        ),
        Mistake(
            "dlogits misses the -1 at each example's true class: it is probabilities "
            "minus the one-hot labels.",
            lambda logits, labels: _ce(logits, labels, one_hot=False),
        ),
        Mistake(
            "the loss is summed over the batch: like Keras's losses, return the mean.",
            lambda logits, labels: _ce(logits, labels, loss_sum=True),
        ),
    ),
    rtol=1e-4,
    atol=1e-6,
)
def softmax_cross_entropy(logits, labels):
    """logits (batch, classes), labels (batch,) ints -> mean loss, dlogits (batch, classes)."""
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)  # (batch, classes): exp cannot overflow
    exps = np.exp(shifted)  # (batch, classes)
    probs = exps / exps.sum(axis=1, keepdims=True)  # (batch, classes): each row sums to 1
    loss = -np.mean(np.log(probs[np.arange(n), labels]))  # a number
    dlogits = probs.copy()  # (batch, classes)
    dlogits[np.arange(n), labels] -= 1.0  # probabilities minus the one-hot labels
    return loss, dlogits / n


# --------------------------------------------------------------------------- 02.logistic_sgd_step
def _step_cases(rng):
    cases = []
    for description, batch, features, scale, all_ones in [
        ("batch 8, 3 features", 8, 3, 1.0, False),
        ("one example, 2 features", 1, 2, 1.0, False),
        ("batch 5, 1 feature", 5, 1, 1.0, False),
        ("batch 6, 4 features, every label 1", 6, 4, 1.0, True),
        ("batch 10, 5 features, confident model (large weights)", 10, 5, 4.0, False),
    ]:
        y = np.ones((batch, 1)) if all_ones else rng.integers(0, 2, size=(batch, 1)) * 1.0
        if not all_ones and batch > 2:
            y[:2] = [[0.0], [1.0]]  # both labels present
        cases.append(
            (
                description,
                {
                    "w": rng.normal(0, scale, (features, 1)),  # (features, 1): Dense kernel
                    "b": rng.normal(0, 0.5, (1,)),  # (1,): Dense bias
                    "x": rng.normal(size=(batch, features)),  # (batch, features)
                    "y": y,  # (batch, 1): labels 0 or 1
                    "learning_rate": float(rng.choice([0.1, 0.5, 1.0])),
                },
            )
        )
    return cases


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _step(w, b, x, y, learning_rate, *, sign=-1, mean=True, slope=False, squash=True, bias=True):
    z = x @ w + b  # (batch, 1)
    p = _sigmoid(z) if squash else z
    error = p - y
    if slope:
        error = error * p * (1 - p)
    if mean:
        error = error / len(x)
    grad_w, grad_b = x.T @ error, error.sum(axis=0)
    new_b = b + sign * learning_rate * grad_b if bias else b.copy()
    return w + sign * learning_rate * grad_w, new_b


def _step_with_tape(w, b, x, y, learning_rate):
    import tensorflow as tf

    w_var, b_var = tf.Variable(w), tf.Variable(b)
    with tf.GradientTape() as tape:
        p = tf.sigmoid(tf.matmul(x, w_var) + b_var)  # (batch, 1)
        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    grad_w, grad_b = tape.gradient(loss, [w_var, b_var])
    return w - learning_rate * grad_w.numpy(), b - learning_rate * grad_b.numpy()


@coding_exercise(
    "02.logistic_sgd_step",
    "Write logistic_sgd_step(w, b, x, y, learning_rate): one plain SGD step, by hand, for "
    "a Dense(1, activation='sigmoid') classifier on the mean log-loss; return (new_w, new_b).",
    cases=_step_cases,
    hints=(
        "Three steps, as in the lesson: the forward pass gives a probability per example, the "
        "log-loss is their mean, and each weight moves against its gradient times the "
        "learning rate. Differentiate one example's log-loss with respect to its logit "
        "x @ w + b on paper: the sigmoid's slope cancels against the log, and what is left is "
        "very simple. The chain rule through x @ w + b then gives the weights' gradients.",
        "p = 1 / (1 + np.exp(-(x @ w + b))) has shape (batch, 1); error = (p - y) / len(x); "
        "then grad_w = x.T @ error (features, 1) and grad_b = error.sum(axis=0) (1,); return "
        "w - learning_rate * grad_w and b - learning_rate * grad_b.",
    ),
    alternatives=(_step_with_tape,),
    mistakes=(
        Mistake(
            "the step goes UP the gradient: subtract learning_rate * gradient, do not add it.",
            lambda w, b, x, y, learning_rate: _step(w, b, x, y, learning_rate, sign=1),
        ),
        Mistake(
            "the gradient is that of the SUMMED loss: the log-loss is a mean, so divide "
            "by the batch size.",
            lambda w, b, x, y, learning_rate: _step(w, b, x, y, learning_rate, mean=False),
        ),
        Mistake(
            "that is the squared error's gradient through the sigmoid ((p - y) p (1 - p)): "
            "for the log-loss the sigmoid's slope cancels, leaving p - y.",
            lambda w, b, x, y, learning_rate: _step(w, b, x, y, learning_rate, slope=True),
        ),
        Mistake(
            "the sigmoid is missing: p = sigmoid(x @ w + b) is a probability, not the logit.",
            lambda w, b, x, y, learning_rate: _step(w, b, x, y, learning_rate, squash=False),
        ),
        Mistake(
            "the bias is not updated: b moves too, by learning_rate * the mean of (p - y).",
            lambda w, b, x, y, learning_rate: _step(w, b, x, y, learning_rate, bias=False),
        ),
    ),
    rtol=1e-4,
    atol=1e-6,
)
def logistic_sgd_step(w, b, x, y, learning_rate):
    """w (features, 1), b (1,), x (batch, features), y (batch, 1) -> new_w, new_b after one step."""
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))  # (batch, 1): forward pass, P(label 1)
    error = (p - y) / len(x)  # (batch, 1): d(mean log-loss) / d(logit)
    grad_w = x.T @ error  # (features, 1)
    grad_b = error.sum(axis=0)  # (1,)
    return w - learning_rate * grad_w, b - learning_rate * grad_b
