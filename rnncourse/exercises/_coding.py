"""Coding exercises: a learner writes a function, a checker runs it on hidden cases.

A coding exercise is registered with :func:`coding_exercise` on its reference
implementation, a function with the same name and arguments as the stub the
notebook gives the learner. The notebook's stub cell marks the region the
learner fills in the way nbgrader and otter-grader do::

    def rnn_step(x_t, h_prev, W, U, b):
        ### BEGIN SOLUTION
        raise NotImplementedError("write rnn_step, then run the next cell")
        ### END SOLUTION

and the next cell runs ``exercises.check_code("01.rnn_step", rnn_step)``:

- before the learner writes anything, the stub raises ``NotImplementedError``
  and the checker prints "Not done yet" (the notebook goes on running);
- otherwise it calls the function on hidden, randomised cases (shapes vary,
  edge cases such as one time step or masked steps included), compares each
  result with the reference's within the exercise's tolerances, and on the
  first failing case prints the case, the shapes, the expected and received
  values in short form and, when the learner's result equals what a usual
  mistake gives, what that mistake is;
- it never prints the solution: :func:`hint` gives the hints one at a time
  and :func:`solution` prints the reference, on request.

:func:`fill_solutions` writes the reference into a notebook's marked regions
(the instructors' and CI's solved copy).
"""

import ast
import inspect
import re
import textwrap

import numpy as np

from rnncourse.exercises._registry import EXERCISES, _get

__all__ = [
    "BEGIN",
    "END",
    "Mistake",
    "Verdict",
    "check_code",
    "coding_exercise",
    "fill_solutions",
    "hint",
    "solution",
    "solved",
]

#: The markers of a solution region, as nbgrader and otter-grader write them.
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class Verdict:
    """What :func:`check_code` returns: true when every hidden case passed.

    It shows nothing under a notebook cell (the check has already printed its
    verdict), so a learner sees the message and not a stray ``False``.

    >>> bool(Verdict(False)), Verdict(True)
    (False, Verdict(passed=True))
    """

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        pass


class Mistake:
    """A usual wrong implementation and what to tell a learner whose result equals its result.

    Args:
        message: the diagnosis, e.g. ``"U is transposed: use h_prev @ U"``.
        function: the wrong implementation (same arguments as the reference).
    """

    def __init__(self, message, function):
        self.message = message
        self.function = function


class _CodingExercise:
    kind = "code"

    def __init__(
        self, exercise_id, task, reference, cases, hints, mistakes, alternatives, rtol, atol
    ):
        self.exercise_id = exercise_id
        self.question = task
        self.reference = reference
        self.cases = cases
        self.hints = tuple(hints)
        self.mistakes = tuple(mistakes)
        self.alternatives = tuple(alternatives)
        self.rtol, self.atol = rtol, atol
        self.hints_shown = 0
        self.passed = None  # None: not checked in this session; then True/False

    @property
    def name(self):
        return self.reference.__name__


def coding_exercise(
    exercise_id, task, *, cases, hints, mistakes=(), alternatives=(), rtol=1e-5, atol=1e-6
):
    """Decorator: register a reference implementation as a coding exercise.

    Args:
        exercise_id: ``"NN.name"``, NN being the notebook number.
        task: one line saying what to write.
        cases: ``cases(rng)`` returns a list of ``(description, kwargs)``: the
            hidden cases, drawn with the NumPy generator ``rng``.
        hints: the hints in order: the idea first, then the code.
        mistakes: :class:`Mistake` objects, the usual wrong implementations
            (at least three; the tests check each one gets its own message).
        alternatives: other correct implementations, written differently; the
            tests check that the checker accepts each of them.
        rtol, atol: the tolerances of the comparison with the reference.

    Returns:
        The decorator; it returns the reference unchanged.
    """
    if exercise_id in EXERCISES:
        raise ValueError(f"exercise {exercise_id!r} is registered twice")
    if len(hints) < 2:
        raise ValueError(f"{exercise_id}: give at least two hints (the idea, then the code)")
    if len(mistakes) < 3:
        raise ValueError(f"{exercise_id}: give at least three usual mistakes to diagnose")

    def wrap(reference):
        EXERCISES[exercise_id] = _CodingExercise(
            exercise_id, task, reference, cases, hints, mistakes, alternatives, rtol, atol
        )
        return reference

    return wrap


def _get_code(exercise_id):
    """The registered coding exercise ``exercise_id`` (a quiz's id raises, saying how to check it)."""
    exercise = _get(exercise_id)
    if exercise.kind != "code":
        raise ValueError(
            f"{exercise_id!r} is a quiz, not a coding exercise: check it with "
            f"exercises.check({exercise_id!r}, answer)."
        )
    return exercise


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


def _short(value):
    """A value in a line or two: its shape and its first numbers."""
    arr = np.asarray(value)
    if arr.dtype == object:
        return repr(value)[:200]
    text = np.array2string(arr, precision=4, threshold=8, edgeitems=2, suppress_small=True)
    text = " ".join(text.split())
    return f"shape {arr.shape}: {text}" if arr.ndim else text


def _shapes(kwargs):
    return ", ".join(
        f"{k} {np.shape(v)}" if isinstance(v, np.ndarray) else f"{k}={v!r}"
        for k, v in kwargs.items()
    )


def _as_arrays(value):
    """A result as a tuple of float arrays (a function may return one array or several)."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    return tuple(np.asarray(v, dtype="float64") for v in values)


def _close(got, expected, rtol, atol):
    if len(got) != len(expected):
        return False
    return all(
        g.shape == e.shape and np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False)
        for g, e in zip(got, expected, strict=True)
    )


def _to_numpy(value):
    """Tensors (TensorFlow, JAX, PyTorch) to NumPy, so a ``keras.ops`` answer compares too."""
    if isinstance(value, (tuple, list)):
        return type(value)(_to_numpy(v) for v in value)
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return value.numpy()
    return value


def check_code(exercise_id, function, *, seed=None):
    """Run a learner's function on the exercise's hidden cases; print and return the verdict.

    Args:
        exercise_id: the id the notebook shows, e.g. ``"01.rnn_step"``.
        function: the learner's function (the stub, before it is written).
        seed: draw the hidden cases with this seed (``None``: new cases each call).

    Returns:
        A :class:`Verdict`, true when every case matches the reference. It
        never raises for a wrong or unwritten function, so the notebook runs on.
    """
    exercise = _get_code(exercise_id)
    exercise.passed = False
    if not callable(function):
        print(
            f"Not done yet: {exercise.question} Pass the function itself, e.g. "
            f"check_code({exercise_id!r}, {exercise.name}), got {type(function).__name__}."
        )
        return Verdict(False)
    cases = exercise.cases(np.random.default_rng(seed))
    for description, kwargs in cases:
        expected = _as_arrays(exercise.reference(**_copy(kwargs)))
        try:
            got_raw = _to_numpy(function(**_copy(kwargs)))
        except NotImplementedError:
            print(
                f"Not done yet: {exercise.question}\nWrite {exercise.name} in the cell above "
                f"(between the SOLUTION markers), run it, then run this cell again. Stuck? "
                f"exercises.hint({exercise_id!r})."
            )
            return Verdict(False)
        except Exception as err:
            print(
                f"Not yet: case '{description}' ({_shapes(kwargs)}) raised "
                f"{type(err).__name__}: {err}"
            )
            return Verdict(False)
        try:
            got = _as_arrays(got_raw)
        except (TypeError, ValueError):
            print(
                f"Not yet: case '{description}' returned {type(got_raw).__name__}, "
                "which is not an array of numbers."
            )
            return Verdict(False)
        if _close(got, expected, exercise.rtol, exercise.atol):
            continue
        print(f"Not yet: case '{description}' ({_shapes(kwargs)}) differs from the reference.")
        if len(got) != len(expected):
            print(f"  expected {len(expected)} value(s) returned, got {len(got)}")
        for i, (g, e) in enumerate(zip(got, expected, strict=False)):
            label = f"output {i}: " if len(expected) > 1 else ""
            if g.shape != e.shape:
                print(f"  {label}expected shape {e.shape}, got shape {g.shape}")
            elif not np.allclose(g, e, rtol=exercise.rtol, atol=exercise.atol):
                err = float(np.nanmax(np.abs(g - e))) if g.size else 0.0
                print(f"  {label}expected {_short(e)}")
                print(f"  {label}got      {_short(g)}  (largest difference {err:.3g})")
        for mistake in exercise.mistakes:
            try:
                wrong = _as_arrays(mistake.function(**_copy(kwargs)))
            except Exception:  # noqa: BLE001 - a mistake that cannot run this case tells nothing
                continue
            if _close(got, wrong, exercise.rtol, exercise.atol):
                print(f"  Likely: {mistake.message}")
                break
        print(f"  More help: exercises.hint({exercise_id!r}).")
        return Verdict(False)
    exercise.passed = True
    print(
        f"Correct: {exercise_id} ({len(cases)} hidden cases passed: "
        + "; ".join(d for d, _ in cases)
        + ")"
    )
    return Verdict(True)


def hint(exercise_id):
    """Print the exercise's next hint (the idea, then the code or formula, then where the solution is)."""
    exercise = _get(exercise_id)
    if exercise.hints_shown < len(exercise.hints):
        exercise.hints_shown += 1
        n = exercise.hints_shown
        print(f"Hint {n} of {len(exercise.hints)}: {exercise.hints[n - 1]}")
    else:
        print(
            f"No more hints for {exercise_id}. To see a solution: exercises.solution({exercise_id!r})."
        )


def solution(exercise_id):
    """Print a solution, only when a learner asks: the reference function, or a quiz's answer."""
    exercise = _get(exercise_id)
    if exercise.kind == "code":
        print(_source(exercise.reference))
    else:
        print(f"{exercise_id}: {exercise.expected()!r}. Why: {exercise.hint}")


def _source(function):
    """A function's source without its decorators."""
    lines = inspect.getsource(function).splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
    return textwrap.dedent("\n".join(lines[start:]))


def _body(function):
    """The reference's body without its docstring: what fills a stub's solution region."""
    source = _source(function)
    tree_lines = source.splitlines()
    node = ast.parse(source).body[0]
    first = node.body[0]
    skip_doc = isinstance(first, ast.Expr) and isinstance(
        getattr(first, "value", None), ast.Constant
    )
    start = node.body[1].lineno if skip_doc else first.lineno
    return textwrap.dedent("\n".join(tree_lines[start - 1 :]))


def solved(exercise_ids):
    """Which of ``exercise_ids`` passed :func:`check_code` in this session: ``{id: bool}``."""
    return {i: bool(_get_code(i).passed) for i in exercise_ids}


_REGION = re.compile(
    rf"^(?P<indent>[ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$",
    re.MULTILINE | re.DOTALL,
)
_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(", re.MULTILINE)


def fill_solutions(source):
    """A cell's source with each marked solution region filled with the reference's body.

    The function a region belongs to is the last ``def`` above it; its name
    must be a registered coding exercise's reference.

    Returns:
        ``(new_source, exercise_ids)``: the ids of the references used.
    """
    by_name = {e.name: e for e in EXERCISES.values() if e.kind == "code"}
    used = []

    def fill(match):
        names = _DEF.findall(source[: match.start()])
        if not names or names[-1] not in by_name:
            raise ValueError(
                f"a solution region follows def {names[-1] if names else '?'}(), which is no "
                "registered coding exercise: register its reference with @coding_exercise."
            )
        exercise = by_name[names[-1]]
        used.append(exercise.exercise_id)
        indent = match["indent"]
        body = textwrap.indent(_body(exercise.reference), indent)
        return f"{indent}{BEGIN}\n{body}\n{indent}{END}"

    return _REGION.sub(fill, source), used
