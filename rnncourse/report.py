"""Render a course run: report.md, index.html, the README table and results.json.

``python -m rnncourse run`` (:mod:`rnncourse.runner`) writes one dict per
notebook into ``report.json``; this module turns a report into the files
people read, and keeps ``results.json``, the committed record of the last
measured run of each notebook that the README's table is rendered from
(between the markers ``<!-- notebook-table:start -->`` and
``<!-- notebook-table:end -->``). Nothing here imports TensorFlow.
"""

import json
import re
from pathlib import Path

from rnncourse.machine import format_bytes, summary_line, versions_line

__all__ = [
    "README_END",
    "README_START",
    "error_text",
    "format_seconds",
    "merge_results",
    "notebook_summary",
    "outcome_text",
    "readme_table",
    "render_index_html",
    "render_markdown",
    "update_readme",
]

#: Marker lines that bracket the generated notebook table in ``README.md``.
README_START = "<!-- notebook-table:start -->"
README_END = "<!-- notebook-table:end -->"

_LEARN = re.compile(r"^\s*\*\*You will learn:\*\*\s*(.+)$", re.MULTILINE)


def _plain(text):
    """Markdown inline text to plain text: links to their words, emphasis and code marks dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def notebook_summary(path):
    """A notebook's ``title`` (its ``# NN · Title`` heading) and ``learn`` (its ``**You will learn:**`` line).

    Example:
        >>> notebook_summary("notebooks/01_intro.ipynb")["title"]  # doctest: +SKIP
        '01 · Recurrent neural networks: an introduction'
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), "")
    title = next((line[2:] for line in first.splitlines() if line.startswith("# ")), "")
    learn = _LEARN.search(first)
    return {
        "notebook": Path(path).stem,
        "title": _plain(title),
        "learn": _plain(learn[1]) if learn else "",
    }


# --------------------------------------------------------------------------- figures
def format_seconds(s):
    """``83.2`` -> ``"1 min 23 s"``; ``9.87`` -> ``"9.9 s"``; ``None`` -> ``"–"``."""
    if s is None:
        return "–"
    if s < 60:
        return f"{s:.1f} s"
    minutes, seconds = divmod(round(s), 60)
    return f"{minutes} min {seconds:02d} s"


def outcome_text(o):
    """One outcome record (from :func:`rnncourse.check_outcome`) as short text.

    Example:
        >>> outcome_text({"name": "accuracy", "value": 0.93, "bound": 0.9, "goal": "max",
        ...               "baseline": 0.5, "passed": True})
        'accuracy: 0.93 (≥ 0.9; baseline 0.5)'
    """
    num = lambda x: "?" if x is None else f"{float(x):.4g}"  # noqa: E731
    text = f"{o['name']}: {num(o.get('value'))} ({'≥' if o.get('goal', 'max') == 'max' else '≤'} {num(o.get('bound'))}"
    text += f"; baseline {num(o['baseline'])})" if o.get("baseline") is not None else ")"
    return text + ("" if o.get("passed", True) else " NOT MET")


def error_text(entry):
    """Where and how a notebook failed: ``"cell index 7 (model.fit(x, y)): ValueError: ..."``."""
    err = entry.get("error")
    if not err:
        return ""
    where = "notebook" if err.get("cell_index") is None else f"cell index {err['cell_index']}"
    where += f" ({err['source']})" if err.get("source") else ""
    return f"{where}: {err.get('ename', 'Error')}: {err.get('evalue', '')}"


def _row(entry):
    """The figures of one notebook's run, as text: status, time, memory, outcomes, error."""
    status = entry.get("status", "?")
    return {
        "status": "ok" if status == "ok" else status.upper(),
        "time": format_seconds(entry.get("wall_s")),
        "memory": format_bytes(entry.get("peak_rss_bytes")),
        "outcomes": [outcome_text(o) for o in entry.get("outcomes", [])],
        "error": error_text(entry),
    }


def _cell(text):
    """Text made safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


# --------------------------------------------------------------------------- report.md / index.html
#: The course's speed and memory targets on a 2-core CPU, checked by every run's report.
TARGET_NOTEBOOK_S, TARGET_COURSE_S, TARGET_PEAK_BYTES = 75, 600, 3 * 1024**3


def _met(value, target):
    return "–" if value is None else ("met" if value <= target else "MISSED")


def render_markdown(report):
    """The report (as written to ``report.json``) as Markdown; each notebook links its page.

    The last columns say whether each notebook met the course's targets (at most
    75 s and 3 GiB on a 2-core CPU); the header says whether the whole course
    ran within 10 minutes.

    >>> md = render_markdown({"notebooks": [{"notebook": "01_x", "status": "ok", "wall_s": 80.0,
    ...                                       "peak_rss_bytes": 2**30, "outcomes": []}],
    ...                       "total_wall_s": 80.0, "passed_count": 1})
    >>> [line for line in md.splitlines() if line.startswith("| 01_x")][0].endswith("| MISSED | met |")
    True
    """
    machine = report.get("machine", {})
    total = report.get("total_wall_s")
    lines = [
        "# Course run report",
        "",
        f"- machine: {summary_line(machine)}",
        f"- versions: {versions_line(machine)}",
        f"- started: {report.get('started', '?')}; time limit per notebook: "
        f"{format_seconds(report.get('timeout_s'))}",
        f"- result: {report.get('passed_count', 0)} of {len(report.get('notebooks', []))} notebooks "
        f"passed; total wall time {format_seconds(total)} "
        f"(target: at most {TARGET_COURSE_S // 60} min for the whole course: {_met(total, TARGET_COURSE_S)})",
        "",
        "| notebook | title | status | wall time | peak memory | outcomes | error "
        f"| ≤ {TARGET_NOTEBOOK_S} s | ≤ {TARGET_PEAK_BYTES // 1024**3} GiB |",
        "|---|---|---|---:|---:|---|---|---|---|",
    ]
    for e in report.get("notebooks", []):
        r, page = _row(e), e.get("html") or e.get("executed")
        name = f"[{e['notebook']}]({page})" if page else e["notebook"]
        cells = [
            e.get("title", ""),
            r["status"],
            r["time"],
            r["memory"],
            "; ".join(r["outcomes"]) or "–",
        ]
        targets = [
            _met(e.get("wall_s"), TARGET_NOTEBOOK_S),
            _met(e.get("peak_rss_bytes"), TARGET_PEAK_BYTES),
        ]
        lines.append(f"| {name} | " + " | ".join(map(_cell, [*cells, r["error"], *targets])) + " |")
    return "\n".join(lines) + "\n"


def render_index_html(report):
    """:func:`render_markdown` as a stand-alone ``index.html`` (nbconvert's Markdown filter)."""
    from nbconvert.filters import markdown2html

    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>rnncourse: course run report</title>\n<style>\n"
        "body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }\n"
        "table { border-collapse: collapse; }\n"
        "th, td { border: 1px solid #ccc; padding: 0.35em 0.6em; vertical-align: top; }\n"
        f"</style>\n</head>\n<body>\n{markdown2html(render_markdown(report))}</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- results.json and the README
def merge_results(path, report):
    """Record ``report``'s notebooks (if any) in the results file ``path``; others keep theirs.

    ``results.json`` holds ``{"notebooks": [...]}``, one entry per notebook in
    name order: ``notebook``, ``status``, ``wall_s``, ``peak_rss_bytes``,
    ``outcomes``, ``error`` and ``run`` (the machine and the date it ran on).
    Returns the merged results.
    """
    path = Path(path)
    old = json.loads(path.read_text(encoding="utf-8"))["notebooks"] if path.is_file() else []
    if report is None:
        return {"notebooks": old}
    by_name = {e["notebook"]: e for e in old}
    run = f"{summary_line(report.get('machine', {}))} ({str(report.get('started', ''))[:10]})"
    for e in report["notebooks"]:
        by_name[e["notebook"]] = {
            **{k: e.get(k) for k in ("notebook", "status", "wall_s", "peak_rss_bytes", "error")},
            "outcomes": [
                {k: v for k, v in o.items() if k not in ("notebook", "time")} for o in e["outcomes"]
            ],
            "run": run,
        }
    results = {"notebooks": [by_name[k] for k in sorted(by_name)]}
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def readme_table(notebook_paths, results=None, *, link_prefix="notebooks/"):
    """The README's notebook table (Markdown), one row per notebook, figures from ``results``.

    Args:
        notebook_paths: the notebooks to list (``.ipynb`` paths), in order.
        results: a ``results.json`` or ``report.json`` dict; a notebook not in
            it shows "not run yet".
        link_prefix: how the table reaches the notebooks folder.

    Example:
        >>> print(readme_table([]).splitlines()[0])
        | # | notebook | you will learn | CPU time | outcome asserted |
    """
    results = results or {}
    by_name = {e["notebook"]: e for e in results.get("notebooks", [])}
    default_run = (
        f"{summary_line(results['machine'])} ({str(results.get('started', ''))[:10]})"
        if "machine" in results
        else None
    )
    lines = [
        "| # | notebook | you will learn | CPU time | outcome asserted |",
        "|---|---|---|---:|---|",
    ]
    runs = []
    for path in map(Path, notebook_paths):
        summary, entry = notebook_summary(path), by_name.get(path.stem)
        time_text, outcome = "–", "not run yet"
        if entry is not None:
            r = _row(entry)
            time_text = r["time"]
            outcome = (
                ("; ".join(r["outcomes"]) or "–")
                if r["status"] == "ok"
                else f"{r['status']}: {r['error']}"
            )
            run = entry.get("run") or default_run
            runs += [run] if run and run not in runs else []
        title = (
            re.sub(r"^\d{1,3}\s*[·.:\-–—]\s*", "", summary["title"]) or path.stem
        )  # number: column 1
        title = re.sub(r"([\[\]])", r"\\\1", _cell(title))
        lines.append(
            f"| {path.stem.split('_')[0]} | [{title}]({link_prefix}{path.name}) | "
            f"{_cell(summary['learn'].rstrip('.'))} | {time_text} | {_cell(outcome)} |"
        )
    if runs:
        lines += [
            "",
            f"Run times: wall time of `python -m rnncourse run` on {'; '.join(runs)}; "
            "the CI target is at most 75 s per notebook on a 2-core CPU.",
        ]
    return "\n".join(lines)


def update_readme(readme_path, notebook_paths, results, *, link_prefix="notebooks/"):
    """Rewrite the table between the README's markers from ``results``; ``True`` when the file changed.

    Raises:
        ValueError: the README lacks the markers; the message says what to add.
    """
    readme_path = Path(readme_path)
    text = readme_path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if not 0 <= start < end:
        raise ValueError(
            f"{readme_path} has no notebook table markers: add a line {README_START!r} and, "
            f"below it, a line {README_END!r} where the table should go, then run this again."
        )
    table = readme_table(notebook_paths, results, link_prefix=link_prefix)
    new = text[: start + len(README_START)] + "\n" + table + "\n" + text[end:]
    if new != text:
        readme_path.write_text(new, encoding="utf-8")
    return new != text
