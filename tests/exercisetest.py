"""Shared helper for the exercise tests: the answer an exercise expects."""

from rnncourse import exercises

__all__ = ["expected"]


def expected(exercise_id):
    """The registered answer of ``exercise_id`` (what ``exercises.check`` compares with)."""
    return exercises.EXERCISES[exercise_id].expected()
