"""Coding exercises: each checker accepts its reference and a differently written solution,
rejects each usual mistake with that mistake's own message, says "Not done yet" for the stub;
every notebook's solution regions belong to registered exercises. The solved pass (every
notebook's exercises run with the solutions filled in) is tests/test_solutions.py."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from rnncourse import exercises
from rnncourse.exercises import _coding
from rnncourse.exercises._cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
CODING = sorted(i for i, e in exercises.EXERCISES.items() if e.kind == "code")
MISTAKES = [(i, k) for i in CODING for k in range(len(exercises.EXERCISES[i].mistakes))]
ALTERNATIVES = [(i, k) for i in CODING for k in range(len(exercises.EXERCISES[i].alternatives))]
SEEDS = [0, 1, 2]


def _stub(*args, **kwargs):
    raise NotImplementedError("write it")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id", CODING)
def test_reference_passes(capsys, exercise_id, seed):
    reference = exercises.EXERCISES[exercise_id].reference
    assert exercises.check_code(exercise_id, reference, seed=seed)
    assert capsys.readouterr().out.startswith(f"Correct: {exercise_id} (")


@pytest.mark.parametrize(("exercise_id", "k"), ALTERNATIVES)
def test_a_differently_written_solution_passes(capsys, exercise_id, k):
    alternative = exercises.EXERCISES[exercise_id].alternatives[k]
    assert exercises.check_code(exercise_id, alternative, seed=0)


@pytest.mark.parametrize("exercise_id", CODING)
def test_every_coding_exercise_has_an_alternative_and_three_mistakes(exercise_id):
    exercise = exercises.EXERCISES[exercise_id]
    assert exercise.alternatives, f"{exercise_id}: add a differently written correct solution"
    assert len(exercise.mistakes) >= 3
    assert len({m.message for m in exercise.mistakes}) == len(exercise.mistakes)
    assert len(exercise.hints) >= 2


@pytest.mark.parametrize(("exercise_id", "k"), MISTAKES)
def test_each_usual_mistake_fails_with_its_own_message(capsys, exercise_id, k):
    mistake = exercises.EXERCISES[exercise_id].mistakes[k]
    assert not exercises.check_code(exercise_id, mistake.function, seed=0)
    out = capsys.readouterr().out
    assert out.startswith("Not yet: case '"), out
    assert f"Likely: {mistake.message}" in out, out
    solution_line = _coding._body(exercises.EXERCISES[exercise_id].reference).splitlines()[0]
    assert solution_line.strip() not in out, "the checker must not print the solution"


@pytest.mark.parametrize("exercise_id", CODING)
def test_the_stub_is_not_done_yet_and_the_notebook_goes_on(capsys, exercise_id):
    assert not exercises.check_code(exercise_id, _stub)
    out = capsys.readouterr().out
    assert out.startswith("Not done yet: ") and f"exercises.hint('{exercise_id}')" in out


@pytest.mark.parametrize("exercise_id", CODING)
def test_hints_come_one_at_a_time_then_the_way_to_the_solution(capsys, exercise_id):
    exercise = exercises.EXERCISES[exercise_id]
    exercise.hints_shown = 0
    for n, text in enumerate(exercise.hints, 1):
        exercises.hint(exercise_id)
        assert capsys.readouterr().out == f"Hint {n} of {len(exercise.hints)}: {text}\n"
    exercises.hint(exercise_id)
    assert f"exercises.solution('{exercise_id}')" in capsys.readouterr().out
    exercises.solution(exercise_id)
    assert capsys.readouterr().out.startswith(f"def {exercise.name}(")
    exercise.hints_shown = 0


# --------------------------------------------------------------------------- the checker itself
@pytest.fixture
def toy():
    """A throwaway coding exercise: scale(x, a) = a * x."""

    def cases(rng):
        return [
            ("a vector", {"x": rng.normal(size=5), "a": 2.0}),
            ("one number", {"x": 3.0, "a": -1.5}),
        ]

    def scale(x, a):
        return a * x

    _coding.coding_exercise(
        "99.scale",
        "Write scale(x, a).",
        cases=cases,
        hints=("Multiply.", "return a * x"),
        mistakes=(
            _coding.Mistake("a is ignored.", lambda x, a: x),
            _coding.Mistake("the sign is flipped.", lambda x, a: -a * x),
            _coding.Mistake("a is added.", lambda x, a: x + a),
        ),
        alternatives=(lambda x, a: np.multiply(x, a),),
    )(scale)
    yield scale
    del exercises.EXERCISES["99.scale"]


def test_a_crash_names_the_case_and_the_error(capsys, toy):
    def broken(x, a):
        raise IndexError("index 7 is out of bounds")

    assert not exercises.check_code("99.scale", broken, seed=0)
    assert capsys.readouterr().out.startswith(
        "Not yet: case 'a vector' (x (5,), a=2.0) raised IndexError: index 7 is out of bounds"
    )


def test_a_wrong_shape_is_named(capsys, toy):
    assert not exercises.check_code("99.scale", lambda x, a: np.atleast_2d(a * x), seed=0)
    out = capsys.readouterr().out
    assert "expected shape (5,), got shape (1, 5)" in out and "Likely" not in out


def test_an_unknown_wrong_answer_shows_expected_and_got_without_a_guess(capsys, toy):
    assert not exercises.check_code("99.scale", lambda x, a: a * x + 0.1, seed=0)
    out = capsys.readouterr().out
    assert "expected shape (5,):" in out and "got      shape (5,):" in out
    assert "largest difference 0.1" in out and "Likely" not in out


def test_not_a_function_and_not_numbers_are_explained(capsys, toy):
    assert not exercises.check_code("99.scale", None)
    assert "Pass the function itself" in capsys.readouterr().out
    assert not exercises.check_code("99.scale", lambda x, a: "twice", seed=0)
    assert "returned str, which is not an array of numbers" in capsys.readouterr().out


def test_a_quiz_and_a_coding_exercise_are_not_mixed_up(toy):
    with pytest.raises(ValueError, match=r"check_code\('99.scale'"):
        exercises.check("99.scale", 2)
    with pytest.raises(ValueError, match="is a quiz"):
        exercises.check_code("01.rnn_params", toy)
    with pytest.raises(KeyError, match="Known exercises"):
        exercises.check_code("99.nope", toy)


def test_registration_refuses_a_thin_exercise():
    with pytest.raises(ValueError, match="two hints"):
        _coding.coding_exercise("99.thin", "x", cases=None, hints=("one",))
    with pytest.raises(ValueError, match="three usual mistakes"):
        _coding.coding_exercise("99.thin", "x", cases=None, hints=("a", "b"), mistakes=())


def test_fill_solutions_writes_the_reference_body_between_the_markers(toy):
    cell = (
        "def scale(x, a):\n"
        '    """Scale x by a."""\n'
        f"    {_coding.BEGIN}\n"
        '    raise NotImplementedError("write scale")\n'
        f"    {_coding.END}\n"
    )
    filled, used = _coding.fill_solutions(cell)
    assert used == ["99.scale"]
    assert filled == (
        f'def scale(x, a):\n    """Scale x by a."""\n    {_coding.BEGIN}\n    return a * x\n'
        f"    {_coding.END}\n"
    )
    with pytest.raises(ValueError, match="def other"):
        _coding.fill_solutions(cell.replace("def scale", "def other"))


def test_the_command_lists_every_exercise(capsys):
    assert cli_main([]) == 0
    out = capsys.readouterr().out
    for exercise_id in exercises.EXERCISES:
        assert re.search(rf"^{re.escape(exercise_id)} +(code|quiz) ", out, re.MULTILINE)
    quizzes = len(exercises.EXERCISES) - len(CODING)
    assert f"{len(exercises.EXERCISES)} exercises: {len(CODING)} coding, {quizzes} quizzes." in out
    assert cli_main(["13"]) == 2


# --------------------------------------------------------------------------- the notebooks
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _code(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_solution_regions_are_stubs_of_registered_exercises(notebook):
    prefix = notebook.name[:2] + "."
    filled = []
    for source in _code(notebook):
        if _coding.BEGIN in source:
            region = source.split(_coding.BEGIN, 1)[1].split(_coding.END, 1)[0]
            assert "raise NotImplementedError" in region, (
                f"{notebook.name}: a solution region must hold the stub, not a solution"
            )
            filled += _coding.fill_solutions(source)[1]
    mine = sorted(i for i in CODING if i.startswith(prefix))
    assert sorted(filled) == mine, f"{notebook.name}: stubs {sorted(filled)}, registered {mine}"
    checked = {i for s in _code(notebook) for i in re.findall(r"check_code\(\"(\d\d\.\w+)\"", s)}
    assert checked == set(mine), f"{notebook.name}: check_code cells for {sorted(checked)}"
