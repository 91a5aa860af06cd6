"""``python -m rnncourse exercises``: list the exercises; write solved copies of notebooks."""

import argparse
import re
import sys
import textwrap
from pathlib import Path

from rnncourse.exercises import listing
from rnncourse.exercises._coding import fill_solutions

__all__ = ["exercises_start", "main", "solve_notebook"]

_EXERCISES = re.compile(r"^## Exercises\b", re.MULTILINE)


def exercises_start(cells):
    """The index of the cell that opens ``## Exercises`` (``None`` if none does).

    The cells before it are the notebook's lesson.
    """
    return next((i for i, c in enumerate(cells) if _EXERCISES.search(c.source)), None)


def solve_notebook(source, target, *, exercises_only=False):
    """Copy the notebook ``source`` to ``target`` with every solution region filled.

    Args:
        source, target: ``.ipynb`` paths.
        exercises_only: keep only the setup cell and the ``## Exercises``
            section (no lesson cell depends on an exercise, and no exercise on
            a lesson cell), and end with a cell that asserts every coding
            exercise's checker passed: CI's solved pass.

    Returns:
        The ids of the coding exercises filled in, in order.
    """
    import nbformat

    nb = nbformat.read(source, as_version=4)
    if exercises_only:
        start = exercises_start(nb.cells)
        if start is None:
            raise ValueError(f"{source} has no '## Exercises' section")
        setup = next(c for c in nb.cells if c.cell_type == "code")
        nb.cells = [setup] + [
            c for c in nb.cells[start:] if not c.source.lstrip().startswith("## Further reading")
        ]
    filled = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, used = fill_solutions(cell.source)
            filled += used
    if exercises_only:
        ids = repr(filled)
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "from rnncourse.exercises._coding import solved\n\n"
                f'assert all(solved({ids}).values()), f"not solved: {{solved({ids})}}"'
            )
        )
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return filled


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse exercises",
        description="List the course's exercises (id, notebook, kind, what it asks), or write "
        "copies of the notebooks with the coding exercises' solutions filled in.",
    )
    parser.add_argument("notebook", nargs="?", help="only this notebook's, e.g. 05")
    parser.add_argument("--kind", choices=["code", "quiz"], help="only coding exercises or quizzes")
    parser.add_argument(
        "--solutions",
        metavar="DIR",
        help="write solved copies of the notebooks (needs the clone's notebooks/) into DIR",
    )
    args = parser.parse_args(argv)
    rows = [
        r
        for r in listing()
        if (args.notebook is None or r[1] == args.notebook.zfill(2)[:2])
        and (args.kind is None or r[2] == args.kind)
    ]
    if args.notebook is not None and not rows:
        print(
            f"no exercises for notebook {args.notebook!r}; notebooks are 01 to 12.", file=sys.stderr
        )
        return 2
    if args.solutions:
        try:
            import nbformat  # noqa: F401 - the run extra's; only --solutions needs it
        except ImportError:
            print(
                "--solutions needs nbformat: pip install 'rnncourse[run]' "
                "(in a clone: pip install -e '.[run]').",
                file=sys.stderr,
            )
            return 2
        from rnncourse.runner import NotebookNotFoundError, resolve_notebooks

        try:
            paths = resolve_notebooks([args.notebook] if args.notebook else None)
        except NotebookNotFoundError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for path in paths:
            target = Path(args.solutions) / path.name
            filled = solve_notebook(path, target)
            print(f"{target}: {len(filled)} solution(s) filled")
        return 0
    width = max(len(r[0]) for r in rows)
    for exercise_id, _, kind, question in rows:
        line = textwrap.shorten(question, 100 - width, placeholder="...")
        print(f"{exercise_id:<{width}}  {kind:<4}  {line}")
    code = sum(r[2] == "code" for r in rows)
    print(f"\n{len(rows)} exercises: {code} coding, {len(rows) - code} quizzes.")
    return 0
