"""Checks of the course's notebook convention (used by tests/test_notebooks.py).

A notebook follows the convention when:
- it is committed without outputs or execution counts;
- its first cell is Markdown with a ``# NN · Title`` heading and a Colab badge
  pointing at the notebook itself;
- its first code cell is the setup cell: a Colab-only install guard, then
  ``rnncourse.setup(...)`` before any Keras or TensorFlow import, and no code
  cell before it;
- it asserts a learning outcome with ``rnncourse.check_outcome`` and has
  ``## Exercises`` and ``## Further reading`` sections;
- its first cell maps its sections (``**Sections:**`` or ``**What you'll do,
  section by section**``), a ``## Summary`` of what was measured comes before
  the exercises, and the lesson (the cells before ``## Exercises``) is at most
  :data:`LESSON_CELLS` cells: a lesson a learner can take in one sitting.
"""

import re

import nbformat
from colab import COLAB_GUARD  # tools/colab.py: the Colab install line and its guard

from rnncourse.exercises._cli import exercises_start

__all__ = ["LESSON_CELLS", "SETUP_CALL", "COLAB_GUARD", "lesson_cells", "problems", "setup_cell"]

SETUP_CALL = "rnncourse.setup("
#: The most cells a notebook's lesson (the cells before ``## Exercises``) may have.
LESSON_CELLS = 40
_MAP = re.compile(r"^\*\*(Sections:\*\*|What you'll do, section by section\*\*)", re.MULTILINE)
_TF_IMPORT = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", re.MULTILINE)


def setup_cell(nb):
    """The source of the first code cell."""
    return next((c.source for c in nb.cells if c.cell_type == "code"), "")


def lesson_cells(nb):
    """How many cells come before the cell that opens ``## Exercises`` (all of them if none does)."""
    start = exercises_start(nb.cells)
    return len(nb.cells) if start is None else start


def problems(path):
    """Return a list of human-readable convention violations of one notebook."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            found.append(
                f"cell {i} has outputs or an execution count: clear outputs before committing"
            )
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        found.append("the first cell must be Markdown with the title")
    else:
        first = nb.cells[0].source
        if not re.match(r"# \d\d · \S", first):
            found.append("the first cell must start with a '# NN · Title' heading")
        if f"/notebooks/{path.name})" not in first or "colab-badge.svg" not in first:
            found.append(f"the first cell needs a Colab badge linking notebooks/{path.name}")
        if not _MAP.search(first):
            found.append(
                "the first cell needs a map of the sections: a line '**Sections:** 1. ... · 2. ...' "
                "or a list under '**What you'll do, section by section**'"
            )
    setup = setup_cell(nb)
    if SETUP_CALL not in setup:
        found.append(f"the first code cell must be the setup cell calling {SETUP_CALL}seed=...)")
    else:
        if COLAB_GUARD not in setup:
            found.append(f"the setup cell must guard the Colab install with `{COLAB_GUARD}`")
        first_tf = _TF_IMPORT.search(setup)
        if first_tf and first_tf.start() < setup.index(SETUP_CALL):
            found.append("the setup cell imports Keras/TensorFlow before rnncourse.setup()")
    text = "\n".join(c.source for c in nb.cells)
    if "check_outcome(" not in text:
        found.append("no learning outcome asserted with rnncourse.check_outcome(...)")
    for heading in ("## Summary", "## Exercises", "## Further reading"):
        if not re.search(rf"^{heading}\b", text, re.MULTILINE):
            found.append(f"no '{heading}' section")
    lesson = lesson_cells(nb)
    if lesson > LESSON_CELLS:
        found.append(
            f"the lesson (cells before '## Exercises') has {lesson} cells, more than "
            f"{LESSON_CELLS}: merge cells that split one idea, or move an experiment elsewhere"
        )
    before = "\n".join(c.source for c in nb.cells[: lesson + 1])
    if re.search(r"^## Summary\b", text, re.MULTILINE) and not re.search(
        r"^## Summary\b", before, re.MULTILINE
    ):
        found.append("the '## Summary' must come before '## Exercises'")
    return found
