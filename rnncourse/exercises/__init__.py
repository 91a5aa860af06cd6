"""Check functions for the exercises at the end of each notebook.

Each exercise has an id such as ``"01.rnn_params"``. A quiz is checked with
``check("01.rnn_params", answer)``; a coding exercise, where the learner writes
a function, with ``check_code("01.rnn_step", rnn_step)``, which runs it on
hidden cases (see :mod:`rnncourse.exercises._coding`); ``hint(id)`` gives its
hints one at a time and ``solution(id)`` prints a solution. Both checks print
whether the answer is right (with a hint or a diagnosis when it is not) and
return ``True`` or ``False``. Neither raises for a wrong or missing answer, so a
notebook with unanswered exercises still runs.

The expected answers are computed from each exercise's own parameters by the
same formulas the notebooks teach (one module per notebook: ``nb01``, ``nb02``,
...), not stored as literals. Every ``nbNN`` module in this package is imported
here, which registers its exercises.
"""

import importlib
import pkgutil

from rnncourse.exercises._coding import Mistake, check_code, coding_exercise, hint, solution
from rnncourse.exercises._registry import EXERCISES, check, describe, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module.startswith("nb"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "EXERCISES",
    "Mistake",
    "check",
    "check_code",
    "coding_exercise",
    "describe",
    "hint",
    "listing",
    "register",
    "solution",
]


def listing():
    """One row per exercise: ``(id, notebook, kind, question)``, kind ``"code"`` or ``"quiz"``.

    >>> ("01.rnn_params", "01", "quiz") in {row[:3] for row in listing()}
    True
    """
    return [
        (i, i.split(".")[0], e.kind, " ".join(e.question.split()))
        for i, e in sorted(EXERCISES.items())
    ]
