"""The solved pass: every notebook's exercises, with the coding exercises' solutions filled in,
run in a fresh kernel after the notebook's own setup cell, and every checker passes."""

from pathlib import Path

import pytest

from rnncourse import exercises
from rnncourse.exercises._cli import solve_notebook
from rnncourse.runner import execute_notebook, failure_message

ROOT = Path(__file__).resolve().parents[1]
CODING = {i.split(".")[0] for i, e in exercises.EXERCISES.items() if e.kind == "code"}
NOTEBOOKS = [
    p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if p.name[:2] in CODING
]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_solved_exercises_pass(tmp_path, notebook):
    target = tmp_path / notebook.name
    filled = solve_notebook(notebook, target, exercises_only=True)
    assert sorted(filled) == sorted(
        i for i, e in exercises.EXERCISES.items() if e.kind == "code" and i[:2] == notebook.name[:2]
    )
    entry = execute_notebook(target, output_dir=tmp_path / "out", timeout=300, html=False)
    assert entry["status"] == "ok", failure_message(entry)
    executed = (tmp_path / "out" / notebook.name).read_text(encoding="utf-8")
    for exercise_id in filled:
        assert f"Correct: {exercise_id} (" in executed
