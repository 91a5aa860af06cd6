"""Every notebook follows the course convention; the checks themselves can fail."""

import copy
import os
from pathlib import Path

import nbformat
import pytest
from nbcheck import problems, setup_cell

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


def test_setup_cell_runs_quietly_in_a_fresh_kernel():
    """The setup cell of notebook 01 shows no stderr (no red boxes) in a fresh kernel."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup_cell(nbformat.read(NOTEBOOKS[0], as_version=4))),
        # Output written to file descriptor 2 reaches the notebook asynchronously:
        # give it time to arrive, as it would in JupyterLab.
        nbformat.v4.new_code_cell("import sys, time; sys.stderr.flush(); time.sleep(2)"),
    ]
    # A learner's kernel starts without the quiet variables set; and ipykernel
    # only forwards native (file descriptor 2) output, the red boxes, when
    # PYTEST_CURRENT_TEST is not in its environment.
    hidden = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "PYTEST_CURRENT_TEST")
    env_before = {k: os.environ.pop(k, None) for k in hidden}
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    finally:
        for key, value in env_before.items():
            if value is not None:
                os.environ[key] = value
    outputs = [o for cell in nb.cells for o in cell.outputs]
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"the setup cell wrote to stderr: {stderr}"
    stdout = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")
    assert "TensorFlow" in stdout and "device:" in stdout and "seed 42" in stdout
