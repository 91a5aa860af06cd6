"""The exercise registry and the ``check`` function (see ``rnncourse.exercises``)."""

import math

__all__ = ["EXERCISES", "check", "describe", "register"]


class _Exercise:
    kind = "quiz"

    def __init__(self, question, expected, hint, compare, idea=None):
        self.question = question
        self.expected = expected
        self.hint = hint
        self.compare = compare
        # graded hints: the idea first (no formula), then the hint that shows the way
        self.hints = (idea, hint) if idea else (hint,)
        self.hints_shown = 0


EXERCISES = {}


def register(exercise_id, question, hint, compare="exact", idea=None):
    """Decorator: register a function that computes an exercise's expected answer.

    Args:
        exercise_id: ``"NN.name"``, NN being the notebook number.
        question: the question as the notebook asks it.
        hint: the hint that shows the way (given after ``idea``, on request).
        idea: the first hint, after a wrong answer: where to look, without the
            formula. Without it, a wrong answer shows ``hint`` at once.
        compare: ``"exact"`` (numbers equal; tuples equal element-wise) or a
            relative tolerance such as ``1e-3`` for floating-point answers.
    """
    if exercise_id in EXERCISES:
        raise ValueError(f"exercise {exercise_id!r} is registered twice")

    def wrap(fn):
        EXERCISES[exercise_id] = _Exercise(question, fn, hint, compare, idea)
        return fn

    return wrap


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
    if exercise.kind == "code":
        raise ValueError(
            f"{exercise_id!r} is a coding exercise: check your function with "
            f"exercises.check_code({exercise_id!r}, your_function)."
        )
    if answer is None or answer is Ellipsis:
        print(f"Not answered yet: {exercise.question}")
        return False
    if _same(answer, exercise.expected(), exercise.compare):
        print(f"Correct: {exercise_id}")
        return True
    more = f" More: exercises.hint({exercise_id!r})." if len(exercise.hints) > 1 else ""
    print(f"Not yet: {answer!r} is not right. Hint: {exercise.hints[0]}{more}")
    return False
