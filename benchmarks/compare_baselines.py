"""Each application's model against the strongest classical baseline it is asserted against.

Runs the application notebooks through the course runner (a fresh kernel each,
as ``python -m rnncourse run`` does), or reads a report the runner already
wrote, and prints one row per asserted comparison: the notebook, the model,
its baseline, both values, by how much the model is better (negative: worse,
allowed only where the notebook asserts a tolerance) and the notebook's wall
time. The table, with the machine and the versions, goes to
``benchmarks/BASELINES.md``.

An outcome enters the table when its notebook is an application and its
:func:`rnncourse.check_outcome` call gives a ``baseline``; the name's
``(baseline: ...)`` part names that baseline.

Usage::

    python benchmarks/compare_baselines.py                        # run the applications
    python benchmarks/compare_baselines.py --report build/report.json   # reuse a run
"""

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from rnncourse.machine import describe, summary_line, versions_line
from rnncourse.report import format_seconds

__all__ = ["APPLICATIONS", "comparison_rows", "main", "render"]

#: The notebooks whose models face a classical baseline (issue 23).
APPLICATIONS = ("02", "06", "07", "08", "09", "10", "11", "12")

HERE = Path(__file__).resolve().parent
_BASELINE_IN_NAME = re.compile(
    r"\s*\(baseline: ((?:[^()]|\([^()]*\))*)\)"
)  # one level of (...) inside


def comparison_rows(report):
    """One dict per application outcome that has a baseline, in notebook order.

    Keys: ``notebook``, ``model`` (the outcome's name without its baseline
    part), ``baseline_name``, ``value``, ``baseline``, ``better_by`` (how far
    the model is on the good side of the baseline: ``value - baseline`` for a
    ``max`` goal, ``baseline - value`` for ``min``), ``asserted_margin``,
    ``passed`` and ``seconds`` (the notebook's wall time).
    """
    rows = []
    for entry in report["notebooks"]:
        if entry["notebook"][:2] not in APPLICATIONS:
            continue
        for outcome in entry.get("outcomes", []):
            if outcome.get("baseline") is None or outcome.get("value") is None:
                continue
            found = _BASELINE_IN_NAME.search(outcome["name"])
            sign = 1 if outcome.get("goal", "max") == "max" else -1
            rows.append(
                {
                    "notebook": entry["notebook"],
                    "model": _BASELINE_IN_NAME.sub("", outcome["name"]).strip(),
                    "baseline_name": found[1] if found else "(unnamed)",
                    "value": outcome["value"],
                    "baseline": outcome["baseline"],
                    "better_by": sign * (outcome["value"] - outcome["baseline"]),
                    "asserted_margin": outcome.get("margin"),
                    "passed": outcome.get("passed"),
                    "seconds": entry.get("wall_s"),
                }
            )
    return rows


def _num(x):
    return "–" if x is None else f"{x:.4g}"


def render(rows, report):
    """The comparison as a Markdown document."""
    lines = [
        "# The course's models against their strongest classical baseline",
        "",
        f"Written by `python benchmarks/compare_baselines.py` on {report.get('started', '?')}.",
        "",
        f"- machine: {summary_line(report['machine'])}",
        f"- versions: {versions_line(report['machine'])}",
        "",
        "`better by` is how far the model is on the good side of the baseline (its value minus",
        "the baseline's for accuracies, the baseline's minus its own for errors and losses);",
        "`asserted` is the margin the notebook's check demands (negative: a stated tolerance,",
        "the model may trail the baseline by at most that much).",
        "",
        "| notebook | outcome | baseline | model | baseline value | better by | asserted | passed | notebook time |",
        "|---|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['notebook']} | {r['model']} | {r['baseline_name']} | {_num(r['value'])} | "
            f"{_num(r['baseline'])} | {r['better_by']:+.4g} | {_num(r['asserted_margin'])} | "
            f"{'yes' if r['passed'] else 'NO'} | {format_seconds(r['seconds'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="a report.json of `python -m rnncourse run` to read instead of running",
    )
    parser.add_argument(
        "--output",
        default="build/baselines",
        help="where the runner writes (default build/baselines)",
    )
    parser.add_argument(
        "--results", type=Path, default=HERE / "BASELINES.md", help="the Markdown file to write"
    )
    args = parser.parse_args(argv)
    if args.report is not None:
        if not args.report.is_file():
            parser.error(
                f"--report {args.report} does not exist; run `python -m rnncourse run` first "
                "or leave --report out to run the application notebooks now"
            )
        report = json.loads(args.report.read_text())
    else:
        from rnncourse.runner import run_course

        report = run_course(list(APPLICATIONS), output=args.output, html=False)
    report.setdefault("machine", describe())
    report.setdefault("started", dt.datetime.now().isoformat(timespec="seconds"))
    rows = comparison_rows(report)
    text = render(rows, report)
    print(text)
    args.results.write_text(text, encoding="utf-8")
    print(f"wrote {args.results}")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
