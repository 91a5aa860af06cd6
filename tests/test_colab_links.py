"""Every notebook's Colab badge and install line agree with pyproject.toml.

The repository URL and the version are written once, in pyproject.toml; the
badge opens the notebook at tag v<version> and the setup cell installs the
package from the same tag (tools/colab.py). A bare ``rnncourse`` from a package
index, an unpinned branch or a second URL is a failure.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
if sys.version_info < (3, 11):  # pragma: no cover - tools/ needs tomllib
    pytest.skip("tools/colab.py needs Python 3.11 (tomllib)", allow_module_level=True)

import colab  # noqa: E402  (tools/, on pytest's pythonpath; after the skip: it needs tomllib)

SOURCE = colab.course_source()
NOTEBOOKS = colab.notebook_paths()


def test_the_source_is_a_pinned_github_release():
    assert SOURCE.repository == "https://github.com/rnncourse/rnncourse"
    assert SOURCE.install_line == (
        '%pip install -q "rnncourse @ git+https://github.com/rnncourse/rnncourse@v'
        + SOURCE.version
        + '"'
    )


def test_there_are_twelve_notebooks():
    assert len(NOTEBOOKS) == 12


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_badge_and_install_line_agree_with_pyproject(path):
    assert colab.problems(path, SOURCE) == []


def test_readme_colab_links_agree_with_pyproject():
    assert colab.readme_problems(ROOT / "README.md", SOURCE) == []


def _copy(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    out = tmp_path / path.name
    nbformat.write(nb, out)
    return nb, out


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            SOURCE.install_line,
            "%pip install -q rnncourse",
            "installs ['%pip install -q rnncourse']",
        ),
        (SOURCE.tag, "main", "installs"),
        ('if "google.colab" in sys.modules:', "if True:", "not guarded"),
    ],
    ids=["bare-index-name", "unpinned-branch", "unguarded"],
)
def test_the_check_catches_a_wrong_setup_cell(tmp_path, old, new, expected):
    nb, out = _copy(NOTEBOOKS[0], tmp_path)
    cell = colab.first_code_cell(nb)
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(nb, out)
    found = colab.problems(out, SOURCE)
    assert len(found) == 1 and expected in found[0], found


def test_the_check_catches_a_badge_on_another_branch(tmp_path):
    nb, out = _copy(NOTEBOOKS[0], tmp_path)
    nb.cells[0].source = nb.cells[0].source.replace(f"/blob/{SOURCE.tag}/", "/blob/main/")
    nbformat.write(nb, out)
    found = colab.problems(out, SOURCE)
    assert len(found) == 1 and "badge" in found[0], found


def test_sync_rewrites_a_stale_notebook_and_readme(tmp_path):
    (tmp_path / "notebooks").mkdir()
    pyproject = (
        (ROOT / "pyproject.toml")
        .read_text()
        .replace(f'version = "{SOURCE.version}"', 'version = "9.8.7"')
    )
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "README.md").write_text((ROOT / "README.md").read_text())
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nbformat.write(nb, tmp_path / "notebooks" / NOTEBOOKS[0].name)
    changed = colab.sync(tmp_path)
    assert {p.name for p in changed} == {NOTEBOOKS[0].name, "README.md"}
    new_source = colab.course_source(tmp_path / "pyproject.toml")
    assert new_source.tag == "v9.8.7"
    assert colab.problems(tmp_path / "notebooks" / NOTEBOOKS[0].name, new_source) == []
    assert colab.readme_problems(tmp_path / "README.md", new_source) == []
    assert colab.sync(tmp_path) == []  # a second sync changes nothing
