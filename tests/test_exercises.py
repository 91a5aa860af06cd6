import json
import re
from pathlib import Path

import pytest

from rnncourse import exercises


def test_right_answers_pass(capsys):
    assert exercises.check("01.rnn_params", 64 * (10 + 64 + 1))
    assert exercises.check("01.rnn_params_long", 4800)
    assert exercises.check("01.mlp_params", 201 * 64)
    assert exercises.check("01.shape_many_to_many", (32, 15, 8))
    assert capsys.readouterr().out.count("Correct") == 4


def test_answers_agree_with_keras():
    import keras

    layer = keras.layers.SimpleRNN(64)
    layer.build((None, 20, 10))
    assert exercises.check("01.rnn_params", layer.count_params())
    dense = keras.layers.Dense(64)
    dense.build((None, 200))
    assert exercises.check("01.mlp_params", dense.count_params())
    out = keras.layers.SimpleRNN(8, return_sequences=True)(keras.ops.zeros((32, 15, 4)))
    assert exercises.check("01.shape_many_to_many", tuple(out.shape))


def test_wrong_and_missing_answers_give_feedback_not_errors(capsys):
    assert not exercises.check("01.rnn_params", 4000)
    assert "Hint:" in capsys.readouterr().out
    assert not exercises.check("01.rnn_params", None)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.check("01.shape_many_to_many", "a shape")


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="01.rnn_params"):
        exercises.check("99.nope", 1)


def test_every_exercise_has_a_question_and_a_hint():
    for exercise_id, ex in exercises.EXERCISES.items():
        assert exercises.describe(exercise_id).endswith("?") or "Answer" in ex.question
        assert ex.hint


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISE_ID = re.compile(r"""["'](\d\d\.[a-z0-9_]+)["']""")


def _checked_ids(notebook):
    """The exercise ids a notebook's code cells name, as quoted strings."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return set(EXERCISE_ID.findall(code))


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_each_notebook_checks_exactly_its_registered_exercises(notebook):
    prefix = notebook.name[:3]  # "04_" -> exercises "04.*"
    registered = {i for i in exercises.EXERCISES if i.startswith(prefix[:2] + ".")}
    checked = {i for i in _checked_ids(notebook) if i.startswith(prefix[:2] + ".")}
    assert registered, f"{notebook.name} has no registered exercises"
    assert checked == registered, (
        f"{notebook.name}: checked but not registered {sorted(checked - registered)}, "
        f"registered but never checked {sorted(registered - checked)}"
    )


def test_the_notebook_exercise_check_can_fail(tmp_path):
    notebook = tmp_path / "04_fake.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": ['exercises.check("04.clipnorm", None)']},
    ]}))
    assert _checked_ids(notebook) == {"04.clipnorm"}
    with pytest.raises(AssertionError, match="registered but never checked"):
        test_each_notebook_checks_exactly_its_registered_exercises(notebook)
