"""``python -m rnncourse exercises``: list the exercises; write solved copies of notebooks."""

import argparse
import sys
import textwrap
from pathlib import Path

from rnncourse.exercises import listing
from rnncourse.exercises._coding import fill_solutions

__all__ = ["main", "solve_notebook"]


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
        start = next(
            (i for i, c in enumerate(nb.cells) if "## Exercises" in c.source),
            None,
        )
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
        from rnncourse.lab import notebooks_dir

        try:
            import nbformat  # noqa: F401 - the run extra's; only --solutions needs it
        except ImportError:
            print(
                "--solutions needs nbformat: pip install 'rnncourse[run]' "
                "(in a clone: pip install -e '.[run]').",
                file=sys.stderr,
            )
            return 2

        folder = notebooks_dir()
        if folder is None:
            print("notebooks/ not found: run this inside a clone of the course.", file=sys.stderr)
            return 2
        for path in sorted(folder.glob("*.ipynb")):
            if args.notebook is None or path.name.startswith(args.notebook.zfill(2)[:2]):
                filled = solve_notebook(path, Path(args.solutions) / path.name)
                print(f"{Path(args.solutions) / path.name}: {len(filled)} solution(s) filled")
        return 0
    width = max(len(r[0]) for r in rows)
    for exercise_id, _, kind, question in rows:
        line = textwrap.shorten(question, 100 - width, placeholder="...")
        print(f"{exercise_id:<{width}}  {kind:<4}  {line}")
    code = sum(r[2] == "code" for r in rows)
    print(f"\n{len(rows)} exercises: {code} coding, {len(rows) - code} quizzes.")
    return 0
