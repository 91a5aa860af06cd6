"""Exercises of notebook 04 (vanishing and exploding gradients)."""

import math

from rnncourse.exercises._registry import register
from rnncourse.tasks import adding_problem_baseline

__all__ = []


def _gradient_factor(rho, steps):
    """Factor on ||dL/dh|| after ``steps`` steps back through U = rho * Q (tanh linear)."""
    return rho**steps


def _clip_by_global_norm(gradients, clipnorm):
    norm = math.sqrt(sum(g * g for gradient in gradients for g in gradient))
    scale = min(1.0, clipnorm / norm)
    return [[g * scale for g in gradient] for gradient in gradients]


def _clip_by_norm(gradient, clipnorm):
    """clipnorm: global-norm clipping of one variable on its own."""
    return _clip_by_global_norm([gradient], clipnorm)[0]


def _clip_by_value(gradient, clipvalue):
    return [min(max(g, -clipvalue), clipvalue) for g in gradient]


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@register(
    "04.vanish_factor",
    "A SimpleRNN's recurrent matrix is 0.9 * Q (Q orthogonal) and its inputs are tiny. By what "
    "factor is ||dL/dh_t|| multiplied on its way back 50 steps?",
    "U = rho * Q scales the norm of every vector by exactly rho (Q keeps norms), and tanh' is 1 "
    "near zero, so each step back multiplies the norm by rho: rho ** steps.",
    idea="Section 1, the derivation for U = rho * Q: with tiny inputs tanh is linear, so what does "
    "one step back do to the gradient's norm, and what happens when the step is repeated?",
    compare=1e-3,
)
def _ex_04_vanish_factor():
    return _gradient_factor(0.9, 50)


@register(
    "04.steps_to_vanish",
    "With rho = 0.8 (tiny inputs), after how many steps back has the gradient first fallen below "
    "1e-3 of its size at the end? Answer with an int.",
    "Find the smallest k with 0.8 ** k < 1e-3, e.g. with math.log(1e-3) / math.log(0.8).",
    idea="The same geometric shrinking as exercise 1, read the other way round: count the steps "
    "back until the remaining fraction drops under the threshold (mind the word 'first').",
)
def _ex_04_steps_to_vanish():
    k = 0
    while _gradient_factor(0.8, k) >= 1e-3:
        k += 1
    return k


@register(
    "04.clipnorm",
    "clipnorm=1.0 meets the gradient (3, 4) of one weight. What is the first entry after clipping?",
    "clipnorm rescales the whole vector to norm 1 when its norm is larger: g * 1 / ||g||.",
    idea="Section 3's list of clipping rules: clipnorm changes a variable's gradient only when its "
    "norm exceeds the threshold, and then it keeps that gradient's direction.",
    compare=1e-6,
)
def _ex_04_clipnorm():
    return _clip_by_norm([3.0, 4.0], 1.0)[0]


@register(
    "04.clipvalue_norm",
    "clipvalue=1.0 meets the gradient (3, 4). What is the norm of the clipped gradient?",
    "clipvalue cuts every entry to [-1, 1] separately; then take the Euclidean norm.",
    idea="Section 3: clipvalue looks at each entry on its own, not at the vector; clip first, "
    "then measure the clipped vector.",
    compare=1e-6,
)
def _ex_04_clipvalue_norm():
    return math.sqrt(sum(g * g for g in _clip_by_value([3.0, 4.0], 1.0)))


@register(
    "04.global_clipnorm",
    "A model has two weight variables with gradients (3, 4) and (12,). With global_clipnorm=1.0, what "
    "is the first entry of the first gradient after clipping?",
    "global_clipnorm takes the norm of all gradients together, sqrt(3**2 + 4**2 + 12**2), and "
    "scales every gradient by the same factor 1 / that norm (clipnorm would scale each variable "
    "by its own factor).",
    idea="Section 3: global_clipnorm measures the gradients of all the variables together, as one "
    "vector, and shrinks them all alike (compare the NumPy clip_global_norm there).",
    compare=1e-6,
)
def _ex_04_global_clipnorm():
    return _clip_by_global_norm([[3.0, 4.0], [12.0]], 1.0)[0][0]


@register(
    "04.adding_baseline",
    "The adding problem with numbers in [0, 1) instead of [-1, 1): what MSE does the best "
    "constant guess score?",
    "The target is the sum of two independent uniform numbers; the best constant is its mean and "
    "its MSE is the target's variance, twice the variance of one number, (b - a)**2 / 12 each.",
    idea="Section 2: the best constant guess is the target's mean, and its MSE is a property of "
    "the target's distribution; what does moving the numbers' range change about it?",
    compare=1e-6,
)
def _ex_04_adding_baseline():
    return adding_problem_baseline(0.0, 1.0)


@register(
    "04.gru_memory",
    "A GRU with zero weights and update-gate bias b keeps h_t = sigmoid(b) * h_(t-1). What "
    "fraction of h_0 is left after 40 steps when b = 3?",
    "Multiply by sigmoid(3) = 1 / (1 + exp(-3)) once per step: sigmoid(3) ** 40.",
    idea="Section 4's paragraph on gate biases: with small weights a gate sits at the sigmoid of "
    "its bias, and the GRU keeps that share of its state at every step.",
    compare=1e-3,
)
def _ex_04_gru_memory():
    return _sigmoid(3.0) ** 40
