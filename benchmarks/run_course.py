"""Benchmark the course: run every notebook several times and report the medians.

Each run goes through the course runner's Python API
(:func:`rnncourse.runner.run_course`), so every notebook starts in a fresh
kernel, exactly as ``python -m rnncourse run`` does. The script prints a
Markdown table (per-notebook wall time and peak memory, median over the runs;
the whole course's total) beside the course's targets, and writes it, with the
machine and the versions, to ``benchmarks/RESULTS.md``.

Targets (CPU, the default run of every notebook):

- the whole course in at most 10 minutes on a 2-core CPU;
- each notebook in at most 75 s;
- peak memory of each notebook's kernel at most 3 GB.

Usage::

    python benchmarks/run_course.py                 # every notebook, 2 runs
    python benchmarks/run_course.py 01 02 --runs 3  # some notebooks
    python benchmarks/run_course.py --results /tmp/RESULTS.md --output build/bench

Exit status 1 when a notebook failed in any run (the table still shows it).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path

from rnncourse.report import machine_info, machine_line, versions_line
from rnncourse.runner import DEFAULT_TIMEOUT, NotebookNotFoundError, run_course

__all__ = ["TARGETS", "benchmark", "main", "render_results"]

#: The course's targets: seconds for the course and for one notebook, bytes of memory.
TARGETS = {"course_s": 600.0, "notebook_s": 75.0, "peak_bytes": 3e9, "cores": 2}

HERE = Path(__file__).resolve().parent


def benchmark(notebooks=None, *, runs=2, output="build/bench", timeout=DEFAULT_TIMEOUT, progress=True,
              notebooks_dir=None):
    """Run the course ``runs`` times and gather the figures of each notebook.

    Args:
        notebooks: names for :func:`rnncourse.runner.resolve_notebooks`, or
            ``None`` for every notebook.
        runs: how many times to run the course (at least 1).
        output: folder; run ``i`` writes its executed notebooks and report to
            ``output/run<i>``.
        timeout: time limit per notebook in seconds.
        progress: show the runner's progress bar.
        notebooks_dir: where names are looked up (default: the course's notebooks/).

    Returns:
        A dict with ``machine``, ``started``, ``runs``, ``load_before``
        (1-minute load average before the first run, ``None`` where unknown),
        ``reports`` (the runner's report of each run) and ``notebooks`` (one
        dict per notebook: ``notebook``, ``title``, ``wall_s`` and
        ``peak_bytes``, the lists over runs, and ``statuses``).

    Example:
        >>> result = benchmark(["01"], runs=1)  # doctest: +SKIP
        >>> len(result["notebooks"][0]["wall_s"])  # doctest: +SKIP
        1
    """
    if not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}.")
    try:
        load_before = os.getloadavg()[0]
    except (AttributeError, OSError):
        load_before = None
    started = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    reports = []
    for i in range(runs):
        if progress:
            print(f"run {i + 1} of {runs}", file=sys.stderr)
        reports.append(run_course(notebooks, notebooks_dir=notebooks_dir, output=Path(output) / f"run{i + 1}",
                                  timeout=timeout, html=False, progress=progress))
    per = {}
    for report in reports:
        for entry in report["notebooks"]:
            row = per.setdefault(entry["notebook"], {"notebook": entry["notebook"], "title": entry["title"],
                                                     "wall_s": [], "peak_bytes": [], "statuses": []})
            row["wall_s"].append(entry["wall_s"])
            row["peak_bytes"].append(entry["peak_rss_bytes"])
            row["statuses"].append(entry["status"])
    return {
        "machine": machine_info(),
        "started": started,
        "runs": runs,
        "load_before": load_before,
        "reports": reports,
        "notebooks": list(per.values()),
    }


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _mark(value, limit):
    if value is None:
        return "–"
    return "met" if value <= limit else "**missed**"


def _secs(s):
    if s is None:
        return "–"
    return f"{s:.1f} s" if s < 60 else f"{s:.0f} s ({int(s // 60)} min {round(s % 60):02d} s)"


def _gb(b):
    return "–" if b is None else f"{b / 1e9:.2f} GB"


def render_results(result, command=None):
    """The benchmark's result as the Markdown text of ``RESULTS.md``."""
    machine = result["machine"]
    n = result["runs"]
    rows = []
    for row in result["notebooks"]:
        wall = _median(row["wall_s"])
        peak = _median(row["peak_bytes"])
        statuses = sorted(set(row["statuses"]))
        status = "ok" if statuses == ["ok"] else "/".join(s.upper() for s in statuses)
        runs = ", ".join("–" if w is None else f"{w:.1f}" for w in row["wall_s"])
        rows.append(f"| {row['notebook']} | {status} | {_secs(wall)} | {runs} | {_gb(peak)} | "
                    f"{_mark(wall, TARGETS['notebook_s'])} | {_mark(peak, TARGETS['peak_bytes'])} |")
    totals = [r["total_wall_s"] for r in result["reports"]]
    total = _median(totals)
    peaks = [_median(r["peak_bytes"]) for r in result["notebooks"]]
    peak_all = max((p for p in peaks if p is not None), default=None)
    all_ok = all(s == "ok" for r in result["notebooks"] for s in r["statuses"])
    cpu_only = not machine.get("gpu")
    load = "unknown" if result["load_before"] is None else f"{result['load_before']:.2f}"
    lines = [
        "# Course benchmark",
        "",
        "Written by `benchmarks/run_course.py`: every notebook runs in a fresh kernel through the course "
        f"runner, {n} time{'s' if n != 1 else ''}; figures are medians over the runs. Wall time runs from "
        "kernel start to the last cell's reply; peak memory is the kernel process's peak resident set "
        "(its VmHWM, or the summed RSS of its process tree where larger).",
        "",
        f"- machine: {machine_line(machine)}",
        f"- versions: {versions_line(machine)}",
        f"- date: {result['started']}",
        f"- load average before the first run: {load} "
        "(other jobs on the machine slow the figures down)",
    ]
    if command:
        lines.append(f"- command: `{command}`")
    if machine.get("cores") != TARGETS["cores"] or not cpu_only:
        lines.append(f"- note: the targets are for a {TARGETS['cores']}-core CPU; this machine has "
                     f"{machine.get('cores')} cores{'' if cpu_only else ' and a GPU'}, so compare with care.")
    lines += [
        "",
        f"| notebook | status | wall time (median) | runs (s) | peak memory (median) | "
        f"≤ {TARGETS['notebook_s']:.0f} s | ≤ {TARGETS['peak_bytes'] / 1e9:.0f} GB |",
        "|---|---|---:|---|---:|---|---|",
        *rows,
        f"| **whole course** | {'ok' if all_ok else 'FAILED'} | {_secs(total)} | "
        f"{', '.join('–' if t is None else f'{t:.1f}' for t in totals)} | {_gb(peak_all)} (max) | "
        f"≤ {TARGETS['course_s'] / 60:.0f} min: {_mark(total, TARGETS['course_s'])} | "
        f"{_mark(peak_all, TARGETS['peak_bytes'])} |",
        "",
        f"Targets: whole course ≤ {TARGETS['course_s'] / 60:.0f} min on a {TARGETS['cores']}-core CPU, "
        f"each notebook ≤ {TARGETS['notebook_s']:.0f} s, peak memory ≤ {TARGETS['peak_bytes'] / 1e9:.0f} GB.",
    ]
    failed = sorted({r["notebook"] for rep in result["reports"] for r in rep["notebooks"] if r["status"] != "ok"})
    if failed:
        lines += ["", f"Failed notebooks (times are up to the failure): {', '.join(failed)}. "
                  "See the runs' report.md under the output folder."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to time (default: all)")
    parser.add_argument("--runs", type=int, default=2, help="runs of the course (default 2)")
    parser.add_argument("--output", default="build/bench", help="folder for the runs (default build/bench)")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"),
                        help="Markdown file to write (default benchmarks/RESULTS.md)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"time limit per notebook in seconds (default {DEFAULT_TIMEOUT})")
    parser.add_argument("--notebooks", dest="notebooks_dir", default=None, metavar="DIR",
                        help="folder where notebook names are looked up (default: the course's notebooks/)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}.")
    try:
        result = benchmark(args.notebooks or None, runs=args.runs, output=args.output,
                           timeout=args.timeout, progress=not args.no_progress,
                           notebooks_dir=args.notebooks_dir)
    except NotebookNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    command = "python benchmarks/run_course.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = render_results(result, command=command)
    Path(args.results).write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.results}")
    failed = any(s != "ok" for r in result["notebooks"] for s in r["statuses"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
