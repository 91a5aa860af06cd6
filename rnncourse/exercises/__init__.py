"""Check functions for the exercises at the end of each notebook.

Each exercise has an id such as ``"01.rnn_params"``. A learner calls
``check("01.rnn_params", answer)``; it prints whether the answer is right (with
a hint when it is not) and returns ``True`` or ``False``. It never raises for a
wrong or missing answer, so a notebook with unanswered exercises still runs.

The expected answers are computed from each exercise's own parameters by the
same formulas the notebooks teach (one module per notebook: ``nb01``, ``nb02``,
...), not stored as literals. Every ``nbNN`` module in this package is imported
here, which registers its exercises.
"""

import importlib
import pkgutil

from rnncourse.exercises._registry import EXERCISES, check, describe, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module.startswith("nb"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["EXERCISES", "check", "describe", "register"]
