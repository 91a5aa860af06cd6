"""Every notebook follows the course convention; the checks themselves can fail."""

import copy
from pathlib import Path

import nbformat
import pytest
from nbcheck import LESSON_CELLS, problems, setup_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert NOTEBOOKS[0].name == "01_intro.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_convention(path):
    found = problems(path)
    assert not found, f"{path.name}: " + "; ".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_are_numbered_and_unique(path):
    assert path.stem[:2].isdigit() and path.stem[2] == "_", f"{path.name}: name it NN_topic.ipynb"
    assert [p.stem[:2] for p in NOTEBOOKS].count(path.stem[:2]) == 1


def _bad_copy(tmp_path, mutate):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb = copy.deepcopy(nb)
    mutate(nb)
    path = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, path)
    return problems(path)


def test_check_rejects_a_notebook_saved_with_outputs(tmp_path):
    def add_output(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
        cell.execution_count = 1

    assert any("outputs" in p for p in _bad_copy(tmp_path, add_output))


def test_check_rejects_a_notebook_without_the_setup_cell(tmp_path):
    def drop_setup(nb):
        nb.cells = [c for c in nb.cells if "rnncourse.setup(" not in c.source]

    assert any("setup cell" in p for p in _bad_copy(tmp_path, drop_setup))


def test_check_rejects_keras_imported_before_setup(tmp_path):
    def import_first(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code")
        cell.source = "import keras\n" + cell.source

    assert any("before rnncourse.setup" in p for p in _bad_copy(tmp_path, import_first))


def _streams(nb, name):
    return "".join(
        o.text for c in nb.cells for o in c.outputs if o.output_type == "stream" and o.name == name
    )


@pytest.mark.slow
def test_setup_cell_runs_quietly_in_a_fresh_kernel(monkeypatch):
    """The setup cell of notebook 01 shows no stderr (no red boxes) in a fresh kernel."""
    from nbclient import NotebookClient

    # Output written to file descriptor 2 reaches the notebook asynchronously but in
    # order: once a marker written after the setup cell has arrived, so has anything
    # the setup cell wrote. Wait for the marker, however slow the machine.
    marker = "marker written after the setup cell"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup_cell(nbformat.read(NOTEBOOKS[0], as_version=4))),
        nbformat.v4.new_code_cell(f"import os\nos.write(2, b'{marker}\\n')"),
    ]
    # A learner's kernel starts without the quiet variables set; and ipykernel
    # only forwards native (file descriptor 2) output, the red boxes, when
    # PYTEST_CURRENT_TEST is not in its environment.
    for key in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "PYTEST_CURRENT_TEST"):
        monkeypatch.delenv(key, raising=False)
    client = NotebookClient(nb, timeout=300, kernel_name="python3")
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        for _ in range(1200):  # a cell that waits a little, until the marker is in
            if marker in _streams(nb, "stderr"):
                break
            nb.cells.append(nbformat.v4.new_code_cell("import time; time.sleep(0.1)"))
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    stderr = _streams(nb, "stderr")
    assert marker in stderr, "the kernel's file descriptor 2 never reached the notebook"
    assert stderr.startswith(marker), f"the setup cell wrote to stderr: {stderr}"
    stdout = _streams(nb, "stdout")
    assert "TensorFlow" in stdout and "device:" in stdout and "seed 42" in stdout


def test_check_rejects_a_notebook_without_a_section_map(tmp_path):
    def drop_map(nb):
        nb.cells[0].source = "\n".join(
            line for line in nb.cells[0].source.splitlines() if not line.startswith("**Sections")
        )

    assert any("map of the sections" in p for p in _bad_copy(tmp_path, drop_map))


def test_check_rejects_a_lesson_too_long_to_take_in_one_sitting(tmp_path):
    def pad(nb):
        nb.cells[2:2] = [nbformat.v4.new_markdown_cell("More.") for _ in range(LESSON_CELLS)]

    assert any(f"more than {LESSON_CELLS}" in p for p in _bad_copy(tmp_path, pad))


def test_check_rejects_a_summary_after_the_exercises(tmp_path):
    def move_summary(nb):
        for cell in nb.cells:
            cell.source = cell.source.replace("## Summary", "### Recap")
        nb.cells.append(nbformat.v4.new_markdown_cell("## Summary\nLate."))

    assert any("must come before" in p for p in _bad_copy(tmp_path, move_summary))
