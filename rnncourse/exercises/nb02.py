"""Exercises of notebook 02 (training steps: forward pass, loss, backpropagation).

Each expected answer is computed from the exercise's own numbers with the
formulas the notebook teaches: the mean log-loss, the root mean squared error,
one plain gradient-descent step, the number of updates in an epoch, and the
batch-size-weighted running mean that ``model.fit`` reports.
"""

import math

from rnncourse.exercises._registry import register

__all__ = []

# The numbers each exercise gives the learner (the questions quote them).
LOG_LOSS_LABELS = (1, 0, 1, 1)
LOG_LOSS_PROBS = (0.9, 0.2, 0.6, 0.3)
RMSE_TRUE = (3.0, 5.0, 2.5, 7.0)
RMSE_PRED = (2.5, 5.0, 4.0, 8.0)
SGD_X, SGD_Y, SGD_W, SGD_LR = 2.0, 1.0, 1.5, 0.1
EPOCH_SAMPLES, EPOCH_BATCH = 5000, 128  # not section 6's 1,455 and 64: it states that count
RUNNING_LOSSES = (0.50, 0.40, 0.30)
RUNNING_SIZES = (64, 64, 32)


def _log_loss(labels, probs):
    """Mean binary cross-entropy, natural logarithm."""
    terms = [
        -(y * math.log(p) + (1 - y) * math.log(1 - p)) for y, p in zip(labels, probs, strict=True)
    ]
    return sum(terms) / len(terms)


def _rmse(y_true, y_pred):
    errors = [(t - p) ** 2 for t, p in zip(y_true, y_pred, strict=True)]
    return math.sqrt(sum(errors) / len(errors))


def _sgd_step(x, y, w, lr):
    """One step on L(w) = (w x - y)^2: dL/dw = 2 (w x - y) x, then w - lr dL/dw."""
    grad = 2.0 * (w * x - y) * x
    return w - lr * grad


def _weighted_mean(values, weights):
    return sum(v * n for v, n in zip(values, weights, strict=True)) / sum(weights)


@register(
    "02.log_loss",
    f"Labels y = {LOG_LOSS_LABELS} and predicted probabilities p = {LOG_LOSS_PROBS}: "
    "what is the mean log-loss (binary cross-entropy, natural log)?",
    "Per example: -(y log p + (1 - y) log(1 - p)); for y = 0 only log(1 - p) counts. "
    "Then take the mean of the four terms.",
    compare=1e-3,
    idea="Section 4's log-loss scores each example by the log of the probability the model gave "
    "to what actually happened; mind which probability that is when the label is 0.",
)
def _ex_02_log_loss():
    return _log_loss(LOG_LOSS_LABELS, LOG_LOSS_PROBS)


@register(
    "02.rmse",
    f"Targets {RMSE_TRUE} and predictions {RMSE_PRED}: what is the root mean squared error?",
    "Square each error, take the mean, then the square root (not the mean of absolute errors): "
    "sqrt(mean((prediction - target)^2)).",
    compare=1e-3,
    idea="Use section 4's definition of the RMSE, the typical size of an error in the target's "
    "units: it is neither the mean absolute error nor the MSE.",
)
def _ex_02_rmse():
    return _rmse(RMSE_TRUE, RMSE_PRED)


@register(
    "02.sgd_step",
    f"A one-weight model y_hat = w * x with loss L = (w * x - y)^2 sees x = {SGD_X}, "
    f"y = {SGD_Y}. Starting from w = {SGD_W}, what is w after one plain gradient-descent "
    f"step with learning rate {SGD_LR}?",
    "Chain rule: dL/dw = 2 (w x - y) x. Then w_new = w - learning_rate * dL/dw.",
    compare=1e-6,
    idea="Section 5's gradient step: differentiate the loss with respect to w, then move w "
    "against that gradient, scaled by the learning rate.",
)
def _ex_02_sgd_step():
    return _sgd_step(SGD_X, SGD_Y, SGD_W, SGD_LR)


@register(
    "02.steps_per_epoch",
    f"model.fit on {EPOCH_SAMPLES:,} training windows with batch_size={EPOCH_BATCH}: "
    "how many gradient updates does one epoch make?",
    "One update per batch, and the last, smaller batch still counts: ceil(samples / batch_size).",
    idea="Section 6: fit makes one gradient update per batch; count the batches the training "
    "windows fill, the last one included.",
)
def _ex_02_steps_per_epoch():
    return math.ceil(EPOCH_SAMPLES / EPOCH_BATCH)


@register(
    "02.fit_running_mean",
    f"One epoch has three batches of {RUNNING_SIZES} samples whose mean losses are "
    f"{RUNNING_LOSSES}. What epoch loss does model.fit report?",
    "fit keeps a running mean over samples, not over batches: weight each batch's loss "
    "by its number of samples, sum(size_i x loss_i) / sum(size_i).",
    compare=1e-6,
    idea="Section 6 says which mean of the batch losses fit reports for an epoch: is a small "
    "last batch worth as much as a full one?",
)
def _ex_02_fit_running_mean():
    return _weighted_mean(RUNNING_LOSSES, RUNNING_SIZES)
