"""``python -m rnncourse run``: execute the course headless and report on it.

Each notebook runs top to bottom in a fresh Jupyter kernel of the current
Python (the ``python3`` kernel of ``sys.executable``, whatever kernelspecs are
installed elsewhere), with its folder as working directory and TensorFlow's
quiet settings (:data:`rnncourse.session.QUIET_ENV`) in its environment. For
every notebook the runner keeps:

- the executed copy (``OUTPUT/NN_name.ipynb``) and its HTML rendering with the
  plots embedded (``OUTPUT/NN_name.html``);
- the learning outcomes its :func:`rnncourse.check_outcome` calls recorded;
- the wall time (kernel start to the last cell's reply) and the peak resident
  memory of the kernel process (with any child processes);
- on failure: the cell (its index in the notebook, as nbval counts, and the
  first line of its source) and the error (``ename: evalue``).

It then writes ``OUTPUT/report.json``, ``OUTPUT/report.md`` and
``OUTPUT/index.html``, and can rewrite the notebook table of ``README.md``
(``--update-readme``). A failing notebook does not stop the others; the command
exits with status 1 when any notebook failed, 2 on a usage error.

Usage::

    python -m rnncourse run                    # every notebook in notebooks/
    python -m rnncourse run 01 03_bptt         # short names, stems or paths
    python -m rnncourse run --timeout 120 --output build --no-html
    python -m rnncourse run --update-readme    # run, then refresh README's table
    python -m rnncourse run --readme-only      # refresh README from build/report.json
"""

import argparse
import datetime as _dt
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

from rnncourse.outcomes import OUTCOMES_ENV, read_outcomes
from rnncourse.session import QUIET_ENV

__all__ = [
    "DEFAULT_OUTPUT",
    "DEFAULT_TIMEOUT",
    "NotebookNotFoundError",
    "default_notebooks_dir",
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
#: Environment variable that carries the notebook's name into its kernel.
NOTEBOOK_ENV = "RNNCOURSE_NOTEBOOK"


class NotebookNotFoundError(ValueError):
    """A notebook name given to the runner matches no notebook (or several)."""


# --------------------------------------------------------------------------- finding notebooks
def default_notebooks_dir():
    """The course's ``notebooks/`` folder: the clone's, else ``./notebooks``, else ``None``."""
    from rnncourse.doctor import notebooks_dir

    found = notebooks_dir()
    if found is not None:
        return found
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else None


def list_notebooks(notebooks_dir=None):
    """All notebooks of the course, sorted by name.

    Args:
        notebooks_dir: folder to list; defaults to :func:`default_notebooks_dir`.

    Returns:
        A sorted list of ``Path`` objects (``*.ipynb``; checkpoints and hidden
        files are skipped).

    Example:
        >>> [p.name for p in list_notebooks()][:1]  # doctest: +SKIP
        ['01_intro.ipynb']
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    if folder is None or not folder.is_dir():
        raise NotebookNotFoundError(
            f"notebooks folder not found (got {str(folder) if folder else None!r}): run this inside "
            "a clone of the course, or pass --notebooks DIR."
        )
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def resolve_notebooks(names=None, notebooks_dir=None):
    """Turn notebook names into paths.

    Args:
        names: ``None`` or empty for every notebook; otherwise a list whose
            items are paths to ``.ipynb`` files, file names (``01_intro.ipynb``),
            stems (``01_intro``) or number prefixes (``01``).
        notebooks_dir: where to look up names; defaults to
            :func:`default_notebooks_dir`.

    Returns:
        A list of ``Path`` objects without duplicates, in the order given.

    Raises:
        NotebookNotFoundError: a name matches no notebook or several; the
            message lists the valid names.

    Example:
        >>> [p.stem for p in resolve_notebooks(["01"])]  # doctest: +SKIP
        ['01_intro']
    """
    if not names:
        found = list_notebooks(notebooks_dir)
        if not found:
            folder = notebooks_dir or default_notebooks_dir()
            raise NotebookNotFoundError(f"no notebooks (*.ipynb) in {folder}.")
        return found
    available = None
    out = []
    for name in names:
        as_path = Path(name)
        if as_path.suffix == ".ipynb" and as_path.is_file():
            path = as_path.resolve()
        else:
            if available is None:
                available = list_notebooks(notebooks_dir)
            key = as_path.name[: -len(".ipynb")] if as_path.name.endswith(".ipynb") else as_path.name
            matches = [p for p in available if p.stem == key]
            if not matches:
                matches = [p for p in available if p.stem.startswith(key + "_")]
            valid = ", ".join(p.stem for p in available) or "(none)"
            if not matches:
                raise NotebookNotFoundError(
                    f"unknown notebook {name!r}. Valid names: {valid} "
                    "(a number like 01, a stem like 01_intro, or a path to an .ipynb file)."
                )
            if len(matches) > 1:
                raise NotebookNotFoundError(
                    f"notebook name {name!r} is ambiguous: it matches "
                    f"{', '.join(p.stem for p in matches)}. Give the full stem."
                )
            path = matches[0].resolve()
        if path not in out:
            out.append(path)
    return out


# --------------------------------------------------------------------------- measuring memory
def _vm_hwm(pid):
    """Peak resident set size of ``pid`` in bytes from ``/proc`` (Linux), else ``None``."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class _PeakMemory:
    """Track the peak resident memory of a process and its children.

    A thread samples the summed RSS of the process tree every ``interval``
    seconds (psutil); on Linux the kernel's own high-water mark (``VmHWM``) is
    also read, which catches peaks between two samples.
    """

    def __init__(self, interval=0.1):
        self.interval = interval
        self.peak = 0
        self._pid = None
        self._proc = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = None

    def start(self, pid):
        self._pid = pid
        try:
            import psutil

            self._proc = psutil.Process(pid)
        except Exception:  # psutil missing or the process already gone: /proc only
            self._proc = None
        self.sample()
        self._thread = threading.Thread(target=self._run, name="rnncourse-peak-memory", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self):
        if self._pid is None:
            return
        total = 0
        if self._proc is not None:
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except Exception:  # the kernel exited between two samples
                procs = []
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except Exception:
                    pass
        hwm = _vm_hwm(self._pid) or 0
        with self._lock:
            self.peak = max(self.peak, total, hwm)

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        return self.peak or None


# --------------------------------------------------------------------------- one notebook
def _kernel_manager():
    """An async kernel manager whose ``python3`` kernel is ``sys.executable``'s ipykernel."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class _CurrentPythonSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = get_kernel_dict()
            keep = {k: spec[k] for k in ("argv", "display_name", "language", "metadata") if k in spec}
            return KernelSpec(resource_dir=RESOURCES, name="python3", **keep)

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_CurrentPythonSpecs())


def _first_line(source, width=80):
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[: width - 1] + "…"
    return ""


def _kernel_env(outcomes_file, notebook):
    env = dict(os.environ)
    for key, value in QUIET_ENV.items():
        env.setdefault(key, value)
    env[OUTCOMES_ENV] = str(outcomes_file)
    env[NOTEBOOK_ENV] = notebook
    env.pop("MPLBACKEND", None)  # a non-inline backend would keep plots out of the notebook
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger warning on Python 3.11+
    return env


def execute_notebook(path, *, output_dir=DEFAULT_OUTPUT, timeout=DEFAULT_TIMEOUT, html=True):
    """Execute one notebook in a fresh kernel and describe how it went.

    Args:
        path: the ``.ipynb`` file. It is not modified; the executed copy goes to
            ``output_dir``.
        output_dir: folder for the executed copy (``NN_name.ipynb``), its HTML
            rendering (``NN_name.html``) and the kernel's own log
            (``NN_name.log``: what the kernel process wrote to its stdout and
            stderr outside the notebook).
        timeout: time limit for the whole notebook in seconds (kernel start-up
            not counted); each cell gets the time left. ``None`` for no limit.
        html: also write the HTML rendering.

    Returns:
        A dict with ``notebook`` (stem), ``path``, ``title``, ``learn``,
        ``status`` (``"ok"``, ``"failed"``, ``"timeout"`` or ``"crashed"``),
        ``wall_s``, ``peak_rss_bytes``, ``outcomes`` (the records of
        :func:`rnncourse.check_outcome`), ``error`` (``None`` or a dict with
        ``cell_index``, ``source``, ``ename``, ``evalue``, ``traceback``),
        ``code_cells``, ``slowest_cells``, ``executed``, ``html`` and ``log``
        (file names relative to ``output_dir``).

    Example:
        >>> entry = execute_notebook("notebooks/01_intro.ipynb", output_dir="build")  # doctest: +SKIP
        >>> entry["status"], entry["outcomes"][0]["passed"]  # doctest: +SKIP
        ('ok', True)
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from rnncourse.report import notebook_summary

    path = Path(path).resolve()
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    entry = {
        "notebook": stem,
        "path": str(path),
        "title": "",
        "learn": "",
        "status": "failed",
        "wall_s": None,
        "peak_rss_bytes": None,
        "outcomes": [],
        "error": None,
        "code_cells": 0,
        "slowest_cells": [],
        "executed": None,
        "html": None,
        "log": f"{stem}.log",
    }
    try:
        entry.update({k: v for k, v in notebook_summary(path).items() if k in ("title", "learn")})
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # unreadable notebook: report it like a failing cell
        entry["error"] = {"cell_index": None, "source": "", "ename": type(err).__name__,
                          "evalue": f"cannot read {path.name}: {err}", "traceback": ""}
        entry["log"] = None
        return entry

    memory = _PeakMemory()
    state = {"cell": None, "t_cell": None, "t_last": None, "deadline": None, "durations": []}

    def on_notebook_start(notebook):
        state["deadline"] = None if timeout is None else time.monotonic() + timeout
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid is not None:
            memory.start(pid)

    def on_cell_start(cell, cell_index):
        state["cell"] = cell_index

    def on_cell_execute(cell, cell_index):
        state["t_cell"] = time.monotonic()

    def on_cell_done(cell, cell_index, execute_reply=None):
        now = time.monotonic()
        state["t_last"] = now
        if state["t_cell"] is not None and (not state["durations"] or state["durations"][-1][0] != cell_index):
            state["durations"].append((cell_index, now - state["t_cell"]))
        memory.sample()

    def cell_timeout(cell):
        if state["deadline"] is None:
            return None
        return max(1, math.ceil(state["deadline"] - time.monotonic()))

    client = NotebookClient(
        nb,
        km=_kernel_manager(),
        timeout=timeout,
        timeout_func=cell_timeout,
        startup_timeout=120,
        shutdown_kernel="immediate",
        allow_errors=False,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
        on_notebook_start=on_notebook_start,
        on_cell_start=on_cell_start,
        on_cell_execute=on_cell_execute,
        on_cell_executed=on_cell_done,
        on_cell_error=on_cell_done,
    )
    log_path = output_dir / entry["log"]
    with tempfile.TemporaryDirectory(prefix="rnncourse-run-") as tmp:
        outcomes_file = Path(tmp) / f"{stem}.outcomes.jsonl"
        outcomes_file.touch()
        start = time.monotonic()
        with open(log_path, "wb") as log:
            try:
                client.execute(
                    cleanup_kc=True,
                    cwd=str(path.parent),
                    env=_kernel_env(outcomes_file, stem),
                    stdout=log,
                    stderr=log,
                )
                entry["status"] = "ok"
            except CellTimeoutError as err:
                state["t_last"] = state["deadline"] or time.monotonic()
                entry["status"] = "timeout"
                entry["error"] = _error(nb, state["cell"], "TimeoutError",
                                        f"the notebook ran past its time limit of {timeout:g} s "
                                        "(raise it with --timeout)", str(err))
            except CellExecutionError as err:
                entry["error"] = _error(nb, state["cell"], err.ename, err.evalue, err.traceback)
            except DeadKernelError as err:
                state["t_last"] = time.monotonic()
                entry["status"] = "crashed"
                entry["error"] = _error(nb, state["cell"], "DeadKernelError",
                                        f"the kernel died ({err}); out of memory? see {entry['log']}", "")
            except Exception as err:  # kernel failed to start, or an nbclient error
                state["t_last"] = time.monotonic()
                entry["error"] = _error(nb, state["cell"], type(err).__name__, str(err), "")
            finally:
                end = state["t_last"] or time.monotonic()
                entry["peak_rss_bytes"] = memory.stop()
        entry["wall_s"] = round(end - start, 3)
        try:
            entry["outcomes"] = read_outcomes(outcomes_file)
        except (OSError, ValueError) as err:
            if entry["error"] is None:
                entry["status"] = "failed"
                entry["error"] = _error(nb, None, type(err).__name__, str(err), "")
    if entry["status"] == "ok" and any(not o.get("passed", True) for o in entry["outcomes"]):
        # an outcome recorded as not met whose AssertionError the notebook caught
        bad = next(o for o in entry["outcomes"] if not o.get("passed", True))
        entry["status"] = "failed"
        entry["error"] = _error(nb, None, "AssertionError", f"learning outcome {bad.get('name')!r} not met", "")
    entry["code_cells"] = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    slowest = sorted(state["durations"], key=lambda d: -d[1])[:3]
    entry["slowest_cells"] = [
        {"cell_index": i, "source": _first_line(nb.cells[i].source), "seconds": round(s, 3)} for i, s in slowest
    ]

    executed = output_dir / f"{stem}.ipynb"
    nbformat.write(nb, executed)
    entry["executed"] = executed.name
    if html:
        try:
            entry["html"] = _write_html(nb, path.parent, output_dir / f"{stem}.html").name
        except Exception as err:  # rendering is a convenience: never fail the run on it
            entry["html_error"] = f"{type(err).__name__}: {err}"
    return entry


def _error(nb, cell_index, ename, evalue, traceback):
    source = ""
    if cell_index is not None and 0 <= cell_index < len(nb.cells):
        source = _first_line(nb.cells[cell_index].source)
    return {
        "cell_index": cell_index,
        "source": source,
        "ename": ename,
        "evalue": " ".join(str(evalue).split())[:500],
        "traceback": _strip_ansi(str(traceback))[-4000:],
    }


def _strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _write_html(nb, resource_dir, target):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(resource_dir)}})
    target.write_text(body, encoding="utf-8")
    return target


def failure_message(entry):
    """``"02_training: cell index 7 (model.fit(x, y)): AssertionError: ..."`` for a failed entry."""
    err = entry.get("error") or {}
    where = "before the first cell" if err.get("cell_index") is None else f"cell index {err['cell_index']}"
    if err.get("source"):
        where += f" ({err['source']})"
    return f"{entry['notebook']}: {where}: {err.get('ename', 'Error')}: {err.get('evalue', '')}"


# --------------------------------------------------------------------------- the course
def run_course(notebooks=None, *, notebooks_dir=None, output=DEFAULT_OUTPUT, timeout=DEFAULT_TIMEOUT,
               html=True, progress=True):
    """Execute notebooks one after the other and write the report files.

    Args:
        notebooks: names or paths (see :func:`resolve_notebooks`); ``None`` for all.
        notebooks_dir: where names are looked up; defaults to the course's folder.
        output: output folder; it receives the executed notebooks, their HTML,
            ``report.json``, ``report.md`` and ``index.html``.
        timeout: time limit per notebook in seconds (``None``: no limit).
        html: write an HTML rendering of each notebook.
        progress: show a tqdm progress bar and one line per notebook (stderr).

    Returns:
        The report dict that was written to ``report.json``: ``started``,
        ``machine`` (see :func:`rnncourse.report.machine_info`), ``timeout_s``,
        ``notebooks`` (one dict per notebook, see :func:`execute_notebook`),
        ``total_wall_s`` (sum of the notebooks' wall times), ``elapsed_s``,
        ``passed_count`` and ``failed`` (stems).

    Raises:
        NotebookNotFoundError: a name matches no notebook.

    Example:
        >>> report = run_course(["01"], output="build", html=False)  # doctest: +SKIP
        >>> report["failed"]  # doctest: +SKIP
        []
    """
    from tqdm.auto import tqdm

    from rnncourse.report import machine_info, render_index_html, render_markdown

    paths = resolve_notebooks(notebooks, notebooks_dir)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    report = {
        "started": _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "timeout_s": timeout,
        "output": str(output.resolve()),
        "notebooks": [],
    }
    t0 = time.monotonic()
    bar = tqdm(paths, desc="notebooks", unit="nb", disable=not progress, file=sys.stderr, leave=True)
    for path in bar:
        bar.set_postfix_str(path.stem)
        entry = execute_notebook(path, output_dir=output, timeout=timeout, html=html)
        report["notebooks"].append(entry)
        if progress:
            line = f"{'ok    ' if entry['status'] == 'ok' else 'FAILED'} {entry['notebook']}  {entry['wall_s']:.1f} s"
            if entry["peak_rss_bytes"]:
                line += f"  peak {entry['peak_rss_bytes'] / 2**20:.0f} MiB"
            if entry["status"] != "ok":
                line += "\n       " + failure_message(entry)
            bar.write(line, file=sys.stderr)
    bar.close()
    report["total_wall_s"] = round(sum(e["wall_s"] or 0.0 for e in report["notebooks"]), 3)
    report["elapsed_s"] = round(time.monotonic() - t0, 3)
    report["passed_count"] = sum(e["status"] == "ok" for e in report["notebooks"])
    report["failed"] = [e["notebook"] for e in report["notebooks"] if e["status"] != "ok"]
    (output / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (output / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (output / "index.html").write_text(render_index_html(report), encoding="utf-8")
    return report


# --------------------------------------------------------------------------- command line
def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse run",
        description="Execute the course notebooks headless, each in a fresh kernel, and write "
        "the executed copies, their HTML, report.json, report.md and index.html.",
        epilog="Exit status: 0 when every notebook passed, 1 when one failed, 2 on a usage error.",
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebooks to run: 01, 01_intro, 01_intro.ipynb or a path (default: all)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"time limit per notebook in seconds, also the limit of each cell "
                        f"(default {DEFAULT_TIMEOUT}; 0 for none)")
    parser.add_argument("--output", "-o", default=DEFAULT_OUTPUT,
                        help=f"output folder (default {DEFAULT_OUTPUT}/)")
    parser.add_argument("--notebooks", dest="notebooks_dir", default=None, metavar="DIR",
                        help="folder where notebook names are looked up (default: the course's notebooks/)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML renderings")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar or per-notebook lines")
    parser.add_argument("--update-readme", action="store_true",
                        help="after the run, rewrite README.md's notebook table from the report")
    parser.add_argument("--readme-only", action="store_true",
                        help="execute nothing: rewrite README.md's table from OUTPUT/report.json")
    parser.add_argument("--readme", default=None, metavar="PATH",
                        help="README to update (default: README.md beside the notebooks folder)")
    return parser


def _readme_update(args, notebooks_dir, report):
    from rnncourse.report import update_readme

    folder = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    if folder is None:
        raise NotebookNotFoundError("notebooks folder not found: pass --notebooks DIR.")
    readme = Path(args.readme) if args.readme else folder.parent / "README.md"
    prefix = os.path.relpath(folder.resolve(), readme.resolve().parent).replace(os.sep, "/") + "/"
    changed = update_readme(readme, list_notebooks(folder), report, link_prefix=prefix)
    print(f"{readme}: notebook table {'updated' if changed else 'already up to date'}.")


def main(argv=None):
    """Command-line entry point of ``python -m rnncourse run``; returns the exit status."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    timeout = args.timeout if args.timeout and args.timeout > 0 else None
    try:
        if args.readme_only:
            report_path = Path(args.output) / "report.json"
            if not report_path.is_file():
                print(f"error: {report_path} not found: run `python -m rnncourse run` first "
                      "(or pass --output where the report is).", file=sys.stderr)
                return 2
            from rnncourse.report import load_report

            _readme_update(args, args.notebooks_dir, load_report(report_path))
            return 0
        report = run_course(args.notebooks or None, notebooks_dir=args.notebooks_dir,
                            output=args.output, timeout=timeout, html=not args.no_html,
                            progress=not args.no_progress)
        if args.update_readme:
            _readme_update(args, args.notebooks_dir, report)
    except NotebookNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # README without markers and other bad arguments
        print(f"error: {err}", file=sys.stderr)
        return 2

    out = Path(args.output)
    failed = [e for e in report["notebooks"] if e["status"] != "ok"]
    print(f"{report['passed_count']} of {len(report['notebooks'])} notebooks passed in "
          f"{report['total_wall_s']:.1f} s; report: {out / 'report.md'}"
          + ("" if args.no_html else f", pages: {out / 'index.html'}"))
    if failed:
        print(f"\n{len(failed)} notebook(s) failed:", file=sys.stderr)
        for entry in failed:
            print(f"  FAILED {failure_message(entry)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
