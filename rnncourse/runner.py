"""``python -m rnncourse run``: execute the course headless and report on it.

Each notebook runs top to bottom with nbclient in a fresh kernel of this
Python, in its own folder, with TensorFlow's quiet settings
(:data:`rnncourse.session.QUIET_ENV`), under one deadline for the whole
notebook (``--timeout``). The runner keeps the executed copy
(``OUTPUT/NN_name.ipynb``), its HTML (``NN_name.html``, plots embedded) and the
kernel's own output (``NN_name.log``), and reads back from the executed
notebook each cell's time (nbclient's ``record_timing``; ``wall_s`` is their
sum), the outcomes :func:`rnncourse.check_outcome` displayed
(:data:`rnncourse.outcomes.OUTCOME_MIME`) and the failing cell; after each
cell it reads the kernel's peak resident memory. ``OUTPUT/report.json``,
``report.md`` and ``index.html`` describe the run. ``--update-readme`` records
it in ``results.json`` (committed beside README.md) and renders README's table
from that; ``--readme-only`` does so from ``OUTPUT/report.json`` if there is
one, else from ``results.json`` alone. Exit status 1 when a notebook failed,
2 on a usage error.

Usage::

    python -m rnncourse run                    # every notebook in notebooks/
    python -m rnncourse run 01 03_bptt --timeout 120 --output build --no-html
    python -m rnncourse run 03 --update-readme # run, then results.json and README's table
"""

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import time
from pathlib import Path

from rnncourse.outcomes import OUTCOME_MIME
from rnncourse.session import QUIET_ENV

__all__ = [
    "DEFAULT_OUTPUT",
    "DEFAULT_TIMEOUT",
    "NotebookNotFoundError",
    "execute_notebook",
    "failure_message",
    "list_notebooks",
    "main",
    "resolve_notebooks",
    "run_course",
]

#: Default time limit per notebook, in seconds (the course targets 75 s on CPU).
DEFAULT_TIMEOUT = 600
#: Default output folder (relative to the current directory).
DEFAULT_OUTPUT = "build"


class NotebookNotFoundError(ValueError):
    """A notebook name given to the runner matches no notebook (or several)."""


def list_notebooks(notebooks_dir=None):
    """The course's notebooks (``*.ipynb`` in ``notebooks_dir``, default the clone's ``notebooks/``), sorted."""
    if notebooks_dir is None:
        from rnncourse.lab import notebooks_dir as find

        notebooks_dir = find() or Path("notebooks")
    folder = Path(notebooks_dir)
    if not folder.is_dir():
        raise NotebookNotFoundError(
            f"notebooks folder not found (got {str(folder)!r}): run this inside "
            "a clone of the course, or pass --notebooks DIR."
        )
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise NotebookNotFoundError(f"no notebooks (*.ipynb) in {folder}.")
    return found


def resolve_notebooks(names=None, notebooks_dir=None):
    """Paths of the notebooks ``names`` gives (``01``, ``01_intro``, ``01_intro.ipynb`` or a path; none: all).

    Raises:
        NotebookNotFoundError: a name matches no notebook or several; the
            message lists the valid names.

    Example:
        >>> [p.stem for p in resolve_notebooks(["01"])]  # doctest: +SKIP
        ['01_intro']
    """
    available = list_notebooks(notebooks_dir)
    if not names:
        return available
    out = []
    for name in names:
        if name.endswith(".ipynb") and Path(name).is_file():
            matches = [Path(name)]
        else:
            key = Path(name).name.removesuffix(".ipynb")
            matches = [p for p in available if p.stem == key] or [
                p for p in available if p.stem.startswith(key + "_")
            ]
        if len(matches) != 1:
            valid = ", ".join(p.stem for p in (matches or available)) or "(none)"
            raise NotebookNotFoundError(
                f"notebook name {name!r} is ambiguous: it matches {valid}. Give the full stem."
                if matches
                else f"unknown notebook {name!r}. Valid names: {valid} "
                "(a number like 01, a stem like 01_intro, or a path to an .ipynb file)."
            )
        if matches[0].resolve() not in out:
            out.append(matches[0].resolve())
    return out


def _peak_rss(pid):
    """The process's peak resident memory so far: Linux's ``VmHWM``, else psutil (Windows' peak, or now)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import psutil

        info = psutil.Process(pid).memory_info()
        return getattr(info, "peak_wset", info.rss)
    except Exception:  # psutil missing, or the kernel already gone
        return None


def _seconds(cell):
    """A code cell's run time from nbclient's ``record_timing`` metadata (``None`` if it did not finish)."""
    times = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in times or "shell.execute_reply" not in times:
        return None
    start, end = (
        dt.datetime.fromisoformat(times[k].replace("Z", "+00:00"))
        for k in ("iopub.execute_input", "shell.execute_reply")
    )
    return (end - start).total_seconds()


def execute_notebook(path, *, output_dir=DEFAULT_OUTPUT, timeout=DEFAULT_TIMEOUT, html=True):
    """Execute one notebook in a fresh kernel; write its executed copy (and HTML) to ``output_dir``.

    Args:
        path: the ``.ipynb`` file (left unchanged).
        output_dir: folder for ``NN_name.ipynb``, ``NN_name.html`` and ``NN_name.log``.
        timeout: seconds for the whole notebook (kernel start not counted); ``None``: no limit.
        html: also write the HTML rendering.

    Returns:
        A dict with ``notebook`` (stem), ``title``, ``learn``, ``status``
        (``"ok"``, ``"failed"``, ``"timeout"`` or ``"crashed"``), ``wall_s``,
        ``peak_rss_bytes``, ``outcomes`` (the records of
        :func:`rnncourse.check_outcome`), ``error`` (``None`` or a dict with
        ``cell_index``, ``source``, ``ename``, ``evalue``, ``traceback``),
        ``executed``, ``html`` and ``log`` (file names in ``output_dir``).

    Example:
        >>> execute_notebook("notebooks/01_intro.ipynb", html=False)["status"]  # doctest: +SKIP
        'ok'
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from rnncourse.report import notebook_summary

    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
    path, output_dir = Path(path).resolve(), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    entry = {
        **notebook_summary(path),
        "status": "ok",
        "wall_s": None,
        "peak_rss_bytes": None,
        "outcomes": [],
        "error": None,
        "executed": f"{path.stem}.ipynb",
        "html": None,
        "log": f"{path.stem}.log",
    }
    state = {"cell": None, "deadline": None, "pid": None, "peak": None}

    def started(**_):
        state["deadline"] = None if timeout is None else time.monotonic() + timeout
        state["pid"] = getattr(client.km.provisioner, "pid", None)

    def measure(**_):
        peak = _peak_rss(state["pid"]) if state["pid"] else None
        state["peak"] = max(filter(None, (state["peak"], peak)), default=None)

    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=120,
        shutdown_kernel="immediate",
        record_timing=True,
        # python3 is this Python's ipykernel, whatever kernelspecs are installed elsewhere
        km=AsyncKernelManager(
            kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[])
        ),
        timeout_func=lambda cell: (
            None
            if state["deadline"] is None
            else max(1, math.ceil(state["deadline"] - time.monotonic()))
        ),
        on_notebook_start=started,
        on_cell_start=lambda cell_index, **_: state.update(cell=cell_index),
        on_cell_executed=measure,
        on_cell_error=measure,
    )
    env = {**QUIET_ENV, **os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # no debugger warning
    env.pop("MPLBACKEND", None)  # a non-inline backend would keep the plots out of the notebook
    with open(output_dir / entry["log"], "wb") as log:
        try:
            client.execute(cwd=str(path.parent), env=env, stdout=log, stderr=log)
        except Exception as err:  # a cell failed or ran out of time, or the kernel died
            ename, evalue = getattr(err, "ename", type(err).__name__), getattr(err, "evalue", err)
            entry["status"] = "failed"
            if isinstance(err, CellTimeoutError):
                entry["status"], ename = "timeout", "TimeoutError"
                evalue = f"the notebook ran past its time limit of {timeout:g} s (raise it with --timeout)"
            elif isinstance(err, DeadKernelError):
                entry["status"] = "crashed"
                evalue = f"the kernel died ({err}); out of memory? see {entry['log']}"
            entry["error"] = _error(
                nb, state["cell"], ename, evalue, getattr(err, "traceback", err)
            )
    entry["peak_rss_bytes"] = state["peak"]
    seconds = sum(filter(None, (_seconds(c) for c in nb.cells if c.cell_type == "code")))
    entry["wall_s"] = round(timeout if entry["status"] == "timeout" else seconds, 3)
    entry["outcomes"] = [
        {**o.data[OUTCOME_MIME], "notebook": path.stem}
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if OUTCOME_MIME in o.get("data", {})
    ]
    missed = next((o for o in entry["outcomes"] if not o.get("passed", True)), None)
    if entry["status"] == "ok" and missed:  # the notebook caught the AssertionError
        entry["status"] = "failed"
        entry["error"] = _error(nb, None, "AssertionError", f"outcome {missed['name']!r} not met")
    nbformat.write(nb, output_dir / entry["executed"])
    if html:
        from nbconvert import HTMLExporter

        page, _ = HTMLExporter(embed_images=True).from_notebook_node(
            nb, resources={"metadata": {"path": str(path.parent)}}
        )
        (output_dir / f"{path.stem}.html").write_text(page, encoding="utf-8")
        entry["html"] = f"{path.stem}.html"
    return entry


def _error(nb, cell, ename, evalue, traceback=""):
    source = (
        next((s.strip() for s in nb.cells[cell].source.splitlines() if s.strip()), "")
        if cell is not None
        else ""
    )
    return {
        "cell_index": cell,
        "source": source[:79] + "…" if len(source) > 80 else source,
        "ename": ename,
        "evalue": " ".join(str(evalue).split())[:500],
        "traceback": re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(traceback))[
            -4000:
        ],  # no ANSI colours
    }


def failure_message(entry):
    """Name a failed notebook, its cell and its error.

    Example:
        >>> error = {"cell_index": 7, "source": "model.fit(x, y)", "ename": "ValueError", "evalue": "boom"}
        >>> failure_message({"notebook": "02_training_steps", "error": error})
        '02_training_steps: cell index 7 (model.fit(x, y)): ValueError: boom'
    """
    from rnncourse.report import error_text

    return f"{entry['notebook']}: {error_text(entry)}"


def run_course(
    notebooks=None,
    *,
    notebooks_dir=None,
    output=DEFAULT_OUTPUT,
    timeout=DEFAULT_TIMEOUT,
    html=True,
    progress=True,
):
    """Execute notebooks one after the other; write and return the report (``OUTPUT/report.json``).

    The report holds ``started``, ``machine`` (:func:`rnncourse.machine.describe`),
    ``timeout_s``, ``notebooks`` (:func:`execute_notebook`'s dicts),
    ``total_wall_s``, ``passed_count`` and ``failed`` (stems); ``report.md``
    and ``index.html`` render it.

    Example:
        >>> run_course(["01"], output="build", html=False)["failed"]  # doctest: +SKIP
        []
    """
    from rnncourse.machine import describe
    from rnncourse.report import render_index_html, render_markdown

    paths, output = resolve_notebooks(notebooks, notebooks_dir), Path(output)
    report = {
        "started": dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "machine": describe(),
        "timeout_s": timeout,
        "notebooks": [],
    }
    for i, path in enumerate(paths, 1):
        entry = execute_notebook(path, output_dir=output, timeout=timeout, html=html)
        report["notebooks"].append(entry)
        if progress:
            print(
                f"[{i}/{len(paths)}] {'ok    ' if entry['status'] == 'ok' else 'FAILED'} {entry['notebook']}  "
                f"{entry['wall_s']:.1f} s  peak {(entry['peak_rss_bytes'] or 0) / 2**20:.0f} MiB"
                + ("" if entry["status"] == "ok" else "\n       " + failure_message(entry)),
                file=sys.stderr,
            )
    report["total_wall_s"] = round(sum(e["wall_s"] for e in report["notebooks"]), 3)
    report["passed_count"] = sum(e["status"] == "ok" for e in report["notebooks"])
    report["failed"] = [e["notebook"] for e in report["notebooks"] if e["status"] != "ok"]
    (output / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (output / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (output / "index.html").write_text(render_index_html(report), encoding="utf-8")
    return report


def main(argv=None):
    """Command-line entry point of ``python -m rnncourse run``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse run",
        description="Execute the course notebooks headless, each in a fresh kernel, and write "
        "the executed copies, their HTML, report.json, report.md and index.html.",
        epilog="Exit status: 0 when every notebook passed, 1 when one failed, 2 on a usage error.",
    )
    add = parser.add_argument
    add("notebooks", nargs="*", metavar="NOTEBOOK", help="01, 01_intro, a path... (default: all)")
    add("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per notebook (0: none)")
    add("--output", "-o", default=DEFAULT_OUTPUT, help=f"output folder (default {DEFAULT_OUTPUT})")
    add("--notebooks", dest="notebooks_dir", metavar="DIR", help="folder of the notebooks")
    add("--no-html", action="store_true", help="skip the HTML renderings")
    add("--no-progress", action="store_true", help="no line per notebook")
    add(
        "--update-readme", action="store_true", help="record the run in results.json, render README"
    )
    add("--readme-only", action="store_true", help="run nothing: OUTPUT/report.json to the README")
    args = parser.parse_args(argv)
    out, report = Path(args.output), None
    try:
        if args.readme_only and (out / "report.json").is_file():
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        elif not args.readme_only:
            timeout = args.timeout if args.timeout > 0 else None
            report = run_course(
                args.notebooks,
                notebooks_dir=args.notebooks_dir,
                output=out,
                timeout=timeout,
                html=not args.no_html,
                progress=not args.no_progress,
            )
        if args.update_readme or args.readme_only:
            _update_readme(list_notebooks(args.notebooks_dir), report)
    except (ValueError, OSError) as err:  # unknown notebook, README without markers...
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.readme_only:
        return 0
    pages = "" if args.no_html else f", pages: {out / 'index.html'}"
    print(
        f"{report['passed_count']} of {len(report['notebooks'])} notebooks passed in "
        f"{report['total_wall_s']:.1f} s; report: {out / 'report.md'}{pages}"
    )
    for entry in report["notebooks"]:
        if entry["status"] != "ok":
            print(f"  FAILED {failure_message(entry)}", file=sys.stderr)
    return 1 if report["failed"] else 0


def _update_readme(notebooks, report):
    """Record ``report`` (if any) in results.json beside the notebooks folder; render README's table."""
    from rnncourse.report import merge_results, update_readme

    root = notebooks[0].parent.parent
    results = merge_results(root / "results.json", report)
    prefix = f"{notebooks[0].parent.name}/"
    changed = update_readme(root / "README.md", notebooks, results, link_prefix=prefix)
    print(f"{root / 'README.md'}: notebook table {'updated' if changed else 'already up to date'}.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
