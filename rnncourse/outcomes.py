"""Assert a notebook's learning outcome, and record it for the course runner.

Every notebook ends its main experiment with :func:`check_outcome`. It raises
an ``AssertionError`` with a readable message when the lesson stops working.
In a Jupyter kernel it displays the outcome's line together with its record as
JSON (the MIME type :data:`OUTCOME_MIME`), so ``python -m rnncourse run`` reads
every notebook's figures back from the executed notebook.
"""

import math
import sys
import time

from rnncourse import checks

__all__ = ["OUTCOME_MIME", "check_outcome"]

#: MIME type of the outcome record that :func:`check_outcome` displays in a kernel.
OUTCOME_MIME = "application/vnd.rnncourse.outcome+json"

_GOALS = ("max", "min")


def check_outcome(name, value, *, bound, goal="max", baseline=None, margin=None, notebook=None):
    """Assert that ``value`` meets ``bound`` (and beats ``baseline`` by ``margin``).

    Args:
        name: what is measured, e.g. ``"test accuracy"``.
        value: the measured number.
        bound: the absolute bound. With ``goal="max"`` the value must be at least
            ``bound``; with ``goal="min"`` at most ``bound``.
        goal: ``"max"`` when higher is better (accuracy), ``"min"`` when lower is
            better (loss, error).
        baseline: optional figure of a baseline on the same data.
        margin: with ``baseline``, by how much the value must beat it
            (absolute; defaults to 0, i.e. strictly better is not required
            beyond ties). A negative margin is a tolerance: the value may
            trail the baseline by at most ``-margin`` (use it only where the
            notebook says the two are level, never to hide a loss).
        notebook: optional notebook name stored with the record (the runner
            fills it in when this is ``None``).

    Returns:
        ``None`` (so a call at the end of a notebook cell displays only its
        ``OK`` line). In a Jupyter kernel the line is displayed with the
        record as JSON; elsewhere a met outcome's line is printed.

    Raises:
        AssertionError: the outcome is not met; the message states the value,
            the bound and the baseline.
        ValueError: a bad argument: an unknown ``goal``; a value, bound,
            baseline or margin that is not one real number (a bool such as
            ``acc > 0.9``, a string) or is NaN or infinite (a NaN or infinite
            value is recorded as not met before the error is raised).

    Example:
        >>> check_outcome("accuracy", 0.93, bound=0.9, baseline=0.5, margin=0.3)
        OK accuracy: 0.93 (>= 0.9; baseline 0.5)
    """
    checks.choice(goal, "goal", _GOALS, caller="check_outcome")
    value = checks.number(
        value,
        "value",
        finite=False,
        caller="check_outcome",
        about="(the measured figure itself, e.g. the accuracy)",
    )
    bound = checks.number(bound, "bound", caller="check_outcome")
    if baseline is not None:
        baseline = checks.number(baseline, "baseline", caller="check_outcome")
    if margin is not None:
        if baseline is None:
            raise ValueError("margin= needs a baseline=; pass the baseline's figure too.")
        margin = checks.number(margin, "margin", caller="check_outcome")
    if not math.isfinite(value):
        # NaN or +-inf means a diverged model or a broken metric, never a lesson
        # learnt: `inf >= bound` would otherwise pass a goal="max" outcome.
        _record(_as_record(name, None, bound, goal, baseline, margin, False, notebook))
        raise ValueError(
            f"Learning outcome '{name}': the value is {value!r}, not a finite number. "
            "A NaN or infinite metric usually means the model diverged (lower the "
            "learning rate or clip the gradients) or the metric divided by zero."
        )
    better = (lambda a, b: a >= b) if goal == "max" else (lambda a, b: a <= b)
    sign = 1.0 if goal == "max" else -1.0

    problems = []
    if not better(value, bound):
        problems.append(
            f"{value:.4g} is not {'>=' if goal == 'max' else '<='} the bound {bound:.4g}"
        )
    if baseline is not None:
        need = margin or 0.0
        gain = sign * (value - baseline)
        if gain < need:
            problems.append(
                f"it beats the baseline {baseline:.4g} by {gain:.4g}, less than the "
                f"required margin {need:.4g}"
            )
    record = _as_record(name, value, bound, goal, baseline, margin, not problems, notebook)
    _record(record)
    if problems:
        raise AssertionError(f"Learning outcome '{name}' not met: " + "; ".join(problems) + ".")


def _as_record(name, value, bound, goal, baseline, margin, passed, notebook):
    return {
        "name": str(name),
        "value": value,
        "bound": bound,
        "goal": goal,
        "baseline": baseline,
        "margin": margin,
        "passed": passed,
        "notebook": notebook,
        "time": time.time(),
    }


def _record(r):
    """Show the outcome's line; in a Jupyter kernel with its record, for the runner to read back."""
    value = "not finite" if r["value"] is None else f"{r['value']:.4g}"
    text = f"{'OK' if r['passed'] else 'NOT MET'} {r['name']}: {value} "
    text += f"({'>=' if r['goal'] == 'max' else '<='} {r['bound']:.4g}"
    text += f"; baseline {r['baseline']:.4g})" if r["baseline"] is not None else ")"
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if getattr(shell, "kernel", None) is not None:
        from IPython.display import display

        display({"text/plain": text, OUTCOME_MIME: r}, raw=True)
    elif r["passed"]:
        print(text)
