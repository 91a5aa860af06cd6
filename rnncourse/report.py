"""Render the course runner's report: Markdown, an HTML index and the README table.

``python -m rnncourse run`` (see :mod:`rnncourse.runner`) executes the
notebooks and collects one dict per notebook; this module turns that report
into the files people read:

- ``report.md``: a Markdown table (status, wall time, peak memory, outcomes).
- ``index.html``: the same table, linking each notebook's HTML rendering.
- the notebook table of ``README.md``, kept between the markers
  ``<!-- notebook-table:start -->`` and ``<!-- notebook-table:end -->``.

It also reads what a notebook says about itself (:func:`notebook_summary`: the
``# Title`` and the "what you learn" line of its first markdown cell) and
describes the machine a report was made on (:func:`machine_info`).
Nothing here imports TensorFlow.
"""

import html
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = [
    "README_END",
    "README_START",
    "format_bytes",
    "format_seconds",
    "load_report",
    "machine_info",
    "machine_line",
    "notebook_summary",
    "outcome_text",
    "parse_readme_table",
    "readme_table",
    "render_index_html",
    "render_markdown",
    "update_readme",
    "versions_line",
]

#: Marker lines that bracket the generated notebook table in ``README.md``.
README_START = "<!-- notebook-table:start -->"
README_END = "<!-- notebook-table:end -->"

_IPYNB_NAME = re.compile(r"([\w.-]+?)\.ipynb\b")
_NOTEBOOK_STEM = re.compile(r"\b(\d{2}_[A-Za-z0-9][A-Za-z0-9_-]*)(?:\.ipynb)?\b")
_LEARN_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?\*\*\s*(?:you will learn|you'll learn|what you(?:'ll| will) learn)\s*:?\s*\*\*\s*:?\s*(.+)$",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'`*_])")


# --------------------------------------------------------------------------- notebooks
def notebook_summary(path):
    """Read a notebook's title and its "what you learn" line.

    The title is the ``# Heading`` that opens the first markdown cell. The
    learn line is, in order of preference, a line of that cell that starts with
    ``**You will learn:**`` (also ``**You'll learn:**``), or else the first
    sentence of the first paragraph after the title that is not a badge or an
    image.

    Args:
        path: path of an ``.ipynb`` file.

    Returns:
        A dict with ``notebook`` (the file's stem, e.g. ``"01_intro"``),
        ``title`` and ``learn`` (empty strings when the notebook has none).

    Example:
        >>> summary = notebook_summary("notebooks/01_intro.ipynb")  # doctest: +SKIP
        >>> summary["title"]  # doctest: +SKIP
        'Recurrent neural networks: an introduction'
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    first = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.strip()), None)
    title, learn = "", ""
    if first is not None:
        title, learn = _title_and_learn(first.source)
    return {"notebook": path.stem, "title": title, "learn": learn}


def _plain(text):
    """Markdown inline text to plain text: links to their words, emphasis marks dropped."""
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def _title_and_learn(source):
    lines = source.splitlines()
    title = ""
    body_start = 0
    for i, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith("# "):
                title = _plain(line.lstrip()[2:])
                body_start = i + 1
            break
    for line in lines[body_start:]:
        match = _LEARN_LINE.match(line)
        if match:
            return title, _plain(match.group(1))
    paragraph = []
    for line in lines[body_start:]:
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if _is_decoration(stripped):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = _plain(" ".join(paragraph))
    first_sentence = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    if len(first_sentence) > 240:
        first_sentence = first_sentence[:239].rstrip() + "…"
    return title, first_sentence


def _is_decoration(line):
    """Badges, images, HTML tags, headings, rules and block quotes are not a summary."""
    return (
        line.startswith(("[![", "![", "<", "#", "---", "***", "|", ">"))
        or not _plain(line).strip()
    )


# --------------------------------------------------------------------------- machine
def machine_info():
    """Describe this machine and the versions of the course's main packages.

    Returns:
        A dict with ``cpu`` (model name), ``cores`` (logical CPUs this process
        may use), ``ram_bytes``, ``gpu`` (a list of ``"name, memory"`` strings
        from ``nvidia-smi``; empty without an NVIDIA GPU), ``platform`` and
        ``versions`` (package name to version, ``None`` when not installed).

    Example:
        >>> info = machine_info()
        >>> info["cores"] >= 1
        True
    """
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    ram = None
    try:
        import psutil

        ram = int(psutil.virtual_memory().total)
    except ImportError:
        try:
            ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            ram = None
    versions = {"python": sys.version.split()[0]}
    for name in ("rnncourse", "tensorflow", "keras", "numpy", "nbclient", "ipykernel"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": cores,
        "ram_bytes": ram,
        "gpu": _nvidia_gpus(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _nvidia_gpus():
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def machine_line(info):
    """One line that names the machine, e.g. ``"Intel Xeon ..., 2 cores, 23.4 GiB RAM, no GPU"``."""
    parts = [info.get("cpu") or "unknown CPU", f"{info.get('cores', '?')} cores"]
    if info.get("ram_bytes"):
        parts.append(f"{format_bytes(info['ram_bytes'])} RAM")
    gpus = info.get("gpu") or []
    parts.append("GPU: " + "; ".join(gpus) if gpus else "no GPU")
    return ", ".join(parts)


def versions_line(info):
    """``"Python 3.11.7, tensorflow 2.21.0, ..."`` from :func:`machine_info`'s versions."""
    versions = info.get("versions") or {}
    items = [f"Python {versions.get('python', '?')}"]
    items += [f"{k} {v}" for k, v in versions.items() if k != "python" and v]
    return ", ".join(items)


# --------------------------------------------------------------------------- figures
def format_bytes(n):
    """``1536 * 2**20`` -> ``"1.5 GiB"``; ``None`` -> ``"–"``."""
    if n is None:
        return "–"
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit in ("B", "KiB", "MiB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover - loop always returns


def format_seconds(s):
    """``83.2`` -> ``"1 min 23 s"``; ``9.87`` -> ``"9.9 s"``; ``None`` -> ``"–"``."""
    if s is None:
        return "–"
    if s < 60:
        return f"{s:.1f} s"
    minutes, seconds = divmod(round(s), 60)
    return f"{minutes} min {seconds:02d} s"


def outcome_text(outcome):
    """One outcome record (from :func:`rnncourse.check_outcome`) as short text.

    Example:
        >>> outcome_text({"name": "accuracy", "value": 0.93, "bound": 0.9, "goal": "max",
        ...               "baseline": 0.5, "passed": True})
        'accuracy: 0.93 (≥ 0.9; baseline 0.5)'
    """
    sign = "≥" if outcome.get("goal", "max") == "max" else "≤"
    text = f"{outcome.get('name', '?')}: {_num(outcome.get('value'))} ({sign} {_num(outcome.get('bound'))}"
    if outcome.get("baseline") is not None:
        text += f"; baseline {_num(outcome['baseline'])}"
    text += ")"
    if not outcome.get("passed", True):
        text += " NOT MET"
    return text


def _num(x):
    if x is None:
        return "?"
    try:
        return f"{float(x):.4g}"
    except (TypeError, ValueError):
        return str(x)


def _cell(text):
    """Make text safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _status(entry):
    return "ok" if entry.get("status") == "ok" else entry.get("status", "?").upper()


def _error_text(entry):
    err = entry.get("error")
    if not err:
        return ""
    where = f"cell index {err['cell_index']}" if err.get("cell_index") is not None else "notebook"
    if err.get("source"):
        where += f" ({err['source']})"
    return f"{where}: {err.get('ename', 'Error')}: {err.get('evalue', '')}"


# --------------------------------------------------------------------------- report.md / index.html
def render_markdown(report):
    """The report (as written to ``report.json``) as a Markdown document."""
    lines = [
        "# Course run report",
        "",
        f"- machine: {machine_line(report.get('machine', {}))}",
        f"- versions: {versions_line(report.get('machine', {}))}",
        f"- started: {report.get('started', '?')}; time limit per notebook: "
        f"{format_seconds(report.get('timeout_s'))}",
        f"- result: {report.get('passed_count', 0)} of {len(report.get('notebooks', []))} notebooks "
        f"passed; total wall time {format_seconds(report.get('total_wall_s'))}",
        "",
        "| notebook | title | status | wall time | peak memory | outcomes | error |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for entry in report.get("notebooks", []):
        outcomes = "; ".join(outcome_text(o) for o in entry.get("outcomes", [])) or "–"
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    entry["notebook"],
                    entry.get("title", ""),
                    _status(entry),
                    format_seconds(entry.get("wall_s")),
                    format_bytes(entry.get("peak_rss_bytes")),
                    outcomes,
                    _error_text(entry) or "",
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def render_index_html(report):
    """The report as a stand-alone ``index.html`` that links each notebook's pages."""
    esc = html.escape
    rows = []
    for entry in report.get("notebooks", []):
        name = esc(entry["notebook"])
        link = f'<a href="{esc(entry["html"])}">{name}</a>' if entry.get("html") else name
        if entry.get("executed"):
            link += f' <small>(<a href="{esc(entry["executed"])}">ipynb</a>)</small>'
        outcomes = "<br>".join(esc(outcome_text(o)) for o in entry.get("outcomes", [])) or "–"
        status = _status(entry)
        css = "ok" if status == "ok" else "bad"
        rows.append(
            "<tr>"
            f"<td>{link}</td><td>{esc(entry.get('title', ''))}</td>"
            f'<td class="{css}">{esc(status)}</td>'
            f'<td class="num">{esc(format_seconds(entry.get("wall_s")))}</td>'
            f'<td class="num">{esc(format_bytes(entry.get("peak_rss_bytes")))}</td>'
            f"<td>{outcomes}</td><td>{esc(_error_text(entry))}</td>"
            "</tr>"
        )
    machine = report.get("machine", {})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rnncourse: course run report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 0.35em 0.6em; vertical-align: top; text-align: left; }}
th {{ background: #f3f3f3; }}
td.num {{ text-align: right; white-space: nowrap; }}
td.ok {{ color: #17702a; font-weight: bold; }}
td.bad {{ color: #b00020; font-weight: bold; }}
</style>
</head>
<body>
<h1>rnncourse: course run report</h1>
<p>{report.get('passed_count', 0)} of {len(report.get('notebooks', []))} notebooks passed;
total wall time {esc(format_seconds(report.get('total_wall_s')))}.<br>
Machine: {esc(machine_line(machine))}.<br>
Versions: {esc(versions_line(machine))}.<br>
Started {esc(str(report.get('started', '?')))}; time limit per notebook
{esc(format_seconds(report.get('timeout_s')))}.</p>
<table>
<thead><tr><th>notebook</th><th>title</th><th>status</th><th>wall time</th><th>peak memory</th>
<th>outcomes</th><th>error</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""


# --------------------------------------------------------------------------- README table
def readme_table(notebook_paths, report=None, *, link_prefix="notebooks/", previous=None):
    """Render the README's notebook table.

    Args:
        notebook_paths: the notebooks to list (paths to ``.ipynb`` files), in order.
        report: optional report dict (the content of ``build/report.json``);
            it supplies each notebook's run time and outcomes.
        link_prefix: how the README reaches the notebooks folder.
        previous: optional result of :func:`parse_readme_table` on the current
            README; a notebook that is not in ``report`` keeps the run time and
            outcome shown there, so running one notebook does not blank the
            others, and without a ``report`` the line naming the machine is kept.

    Returns:
        The Markdown table (and a line naming the machine the times come
        from), without the markers.

    Example:
        >>> print(readme_table([]).splitlines()[0])
        | # | notebook | you will learn | CPU time | outcome asserted |
    """
    by_name = {e["notebook"]: e for e in (report or {}).get("notebooks", [])}
    previous = previous or {}
    previous_rows = previous.get("rows", {})
    lines = [
        "| # | notebook | you will learn | CPU time | outcome asserted |",
        "|---|---|---|---:|---|",
    ]
    for path in notebook_paths:
        path = Path(path)
        summary = notebook_summary(path)
        entry = by_name.get(path.stem)
        if entry is not None:
            time_text = format_seconds(entry.get("wall_s"))
            if entry.get("status") == "ok":
                outcome = "; ".join(outcome_text(o) for o in entry.get("outcomes", [])) or "–"
            else:
                outcome = f"{_status(entry)}: " + (_error_text(entry) or "see build/report.md")
        elif len(previous_rows.get(path.stem, ())) >= 5:
            time_text, outcome = previous_rows[path.stem][3], previous_rows[path.stem][4]
        else:
            time_text, outcome = "–", "not run yet"
        number = path.stem.split("_", 1)[0] if path.stem[:1].isdigit() else ""
        title = re.sub(r"^\d{1,3}\s*[·.:\-–—]\s*", "", summary["title"]) or path.stem  # number: column 1
        title = re.sub(r"([\[\]])", r"\\\1", _cell(title))
        link = f"[{title}]({link_prefix}{path.name})"
        learn = summary["learn"].rstrip(".")
        cells = [number, link, _cell(learn), _cell(time_text), outcome]
        lines.append("| " + " | ".join(cells[:4] + [_cell_keep(cells[4])]) + " |")
    if report is not None:
        machine = report.get("machine", {})
        lines += [
            "",
            f"Run times: wall time of `python -m rnncourse run` on {machine_line(machine)} "
            f"({str(report.get('started', ''))[:10]}); the CI target is at most 75 s per notebook "
            "on a 2-core CPU.",
        ]
    elif previous.get("notes"):
        lines += ["", *previous["notes"]]
    return "\n".join(lines)


def _cell_keep(text):
    """Like :func:`_cell`, but leave text that is already escaped (kept from the README) alone."""
    text = " ".join(str(text).split())
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def _split_row(line):
    """Split a Markdown table row into cells, honouring ``\\|`` escapes."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _row_notebook(cells):
    for cell in cells:
        match = _IPYNB_NAME.search(cell)
        if match:
            return match.group(1)
    for cell in cells:
        match = _NOTEBOOK_STEM.search(cell)
        if match:
            return match.group(1)
    return None


def parse_readme_table(text):
    """Find the notebook table between the README markers and read its rows.

    A row names its notebook by the first ``name.ipynb`` in any of its cells
    (a link such as ``[Intro](notebooks/01_intro.ipynb)``), or else by the
    first ``NN_name`` in any cell, so a plain stem or a bold name works too,
    whatever the column. The header row, the ``|---|`` rule, rows that name no
    notebook and lines that are not table rows are skipped.

    Args:
        text: the README's content.

    Returns:
        A dict with ``found`` (both markers present, in order), ``notebooks``
        (the notebook stems, in table order, duplicates kept), ``rows`` (stem
        to the list of the row's cells) and ``notes`` (the other non-empty
        lines between the markers).

    Example:
        >>> text = "x\\n<!-- notebook-table:start -->\\n| notebook | title |\\n|---|---|\\n"
        >>> text += "| [01_intro](notebooks/01_intro.ipynb) | Intro |\\n<!-- notebook-table:end -->\\n"
        >>> parse_readme_table(text)["notebooks"]
        ['01_intro']
    """
    start = text.find(README_START)
    end = text.find(README_END, start + 1 if start >= 0 else 0)
    if start < 0 or end < 0:
        return {"found": False, "notebooks": [], "rows": {}, "notes": []}
    block = text[start + len(README_START):end]
    names, rows, notes = [], {}, []
    for line in block.splitlines():
        if not line.strip().startswith("|"):
            if line.strip():
                notes.append(line.strip())
            continue
        cells = _split_row(line)
        if not cells or all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
            continue
        name = _row_notebook(cells)
        if name is None:
            continue  # the header row, or a row that names no notebook
        names.append(name)
        rows[name] = cells
    return {"found": True, "notebooks": names, "rows": rows, "notes": notes}


def update_readme(readme_path, notebook_paths, report=None, *, link_prefix="notebooks/"):
    """Rewrite the notebook table between the markers of ``readme_path``.

    Args:
        readme_path: path of ``README.md``; it must already hold both marker
            lines (:data:`README_START`, :data:`README_END`), in that order.
        notebook_paths: the notebooks to list, in order.
        report: optional report dict (``build/report.json``) with run times and
            outcomes; notebooks missing from it keep what the README showed.
        link_prefix: how the README reaches the notebooks folder.

    Returns:
        ``True`` when the file changed.

    Raises:
        ValueError: the README lacks the markers; the message says what to add.
    """
    readme_path = Path(readme_path)
    text = readme_path.read_text(encoding="utf-8")
    parsed = parse_readme_table(text)
    if not parsed["found"]:
        raise ValueError(
            f"{readme_path} has no notebook table markers: add a line {README_START!r} and, "
            f"below it, a line {README_END!r} where the table should go, then run this again."
        )
    start = text.find(README_START) + len(README_START)
    end = text.find(README_END, start)
    table = readme_table(notebook_paths, report, link_prefix=link_prefix, previous=parsed)
    new = text[:start] + "\n" + table + "\n" + text[end:]
    if new == text:
        return False
    readme_path.write_text(new, encoding="utf-8")
    return True


def load_report(path):
    """Read a ``report.json`` written by the runner."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
