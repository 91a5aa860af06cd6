"""Check functions for the exercises at the end of each notebook.

Each exercise has an id such as ``"01.rnn_params"``. A learner calls
``check("01.rnn_params", answer)``; it prints whether the answer is right (with
a hint when it is not) and returns ``True`` or ``False``. It never raises for a
wrong or missing answer, so a notebook with unanswered exercises still runs.

The expected answers are computed from the exercise's own parameters by the
same formulas the notebooks teach, not stored as literals.
"""

import math

__all__ = ["EXERCISES", "check", "describe"]


class _Exercise:
    def __init__(self, question, expected, hint, compare):
        self.question = question
        self.expected = expected
        self.hint = hint
        self.compare = compare


EXERCISES = {}


def _register(exercise_id, question, hint, compare="exact"):
    def wrap(fn):
        EXERCISES[exercise_id] = _Exercise(question, fn, hint, compare)
        return fn

    return wrap


def _simple_rnn_params(features, units):
    return units * (features + units + 1)


@_register(
    "01.rnn_params",
    "How many trainable parameters does keras.layers.SimpleRNN(64) have on inputs "
    "with 10 features per step?",
    "W maps the input (features x units), U maps the previous state (units x units), "
    "and there is one bias per unit.",
)
def _ex_01_rnn_params():
    return _simple_rnn_params(features=10, units=64)


@_register(
    "01.rnn_params_long",
    "The same SimpleRNN(64) on 10 features: how many parameters when the sequences "
    "are 1,000 steps long instead of 20?",
    "Weight sharing: the same W, U and b are used at every step.",
)
def _ex_01_rnn_params_long():
    return _simple_rnn_params(features=10, units=64)


@_register(
    "01.mlp_params",
    "A fixed-window MLP flattens a window of 20 steps of 10 features into one vector "
    "and feeds it to Dense(64). How many parameters does that Dense layer have?",
    "Flattening gives 20 * 10 inputs; each of the 64 units has one weight per input "
    "plus a bias.",
)
def _ex_01_mlp_params():
    return (20 * 10 + 1) * 64


@_register(
    "01.shape_many_to_many",
    "keras.layers.SimpleRNN(8, return_sequences=True) gets a batch of shape "
    "(32, 15, 4). What is the output shape? Answer with a tuple.",
    "return_sequences=True keeps one output per time step: (batch, time, units).",
)
def _ex_01_shape():
    return (32, 15, 8)


def describe(exercise_id):
    """Return the question of an exercise."""
    return _get(exercise_id).question


def _get(exercise_id):
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise KeyError(
            f"Unknown exercise {exercise_id!r}. Known exercises: {sorted(EXERCISES)}."
        ) from None


def _same(answer, expected, compare):
    if isinstance(expected, tuple):
        try:
            return tuple(int(a) for a in answer) == expected
        except (TypeError, ValueError):
            return False
    if compare == "exact":
        try:
            return float(answer) == float(expected)
        except (TypeError, ValueError):
            return False
    rel = float(compare)
    try:
        return math.isclose(float(answer), float(expected), rel_tol=rel)
    except (TypeError, ValueError):
        return False


def check(exercise_id, answer):
    """Check a learner's answer to an exercise, print feedback, return ``True`` if right.

    Args:
        exercise_id: the id shown in the notebook, e.g. ``"01.rnn_params"``.
        answer: the learner's answer; ``None`` (or ``...``) means not answered yet.

    Returns:
        ``True`` for a right answer, ``False`` otherwise.

    Raises:
        KeyError: the exercise id is unknown; the message lists the known ids.

    Example:
        >>> check("01.shape_many_to_many", (32, 15, 8))
        Correct: 01.shape_many_to_many
        True
    """
    exercise = _get(exercise_id)
    if answer is None or answer is Ellipsis:
        print(f"Not answered yet: {exercise.question}")
        return False
    if _same(answer, exercise.expected(), exercise.compare):
        print(f"Correct: {exercise_id}")
        return True
    print(f"Not yet: {answer!r} is not right. Hint: {exercise.hint}")
    return False
