"""Tests of the course runner (``python -m rnncourse run``) and its reports.

The notebooks these tests execute are generated here with nbformat, into a
temporary folder: they import no TensorFlow, so each runs in about a second,
and no ``.ipynb`` file lies under ``tests/`` for nbval to collect.
"""

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import nbformat
import pytest

from rnncourse.outcomes import OUTCOME_MIME
from rnncourse.report import (
    README_END,
    README_START,
    format_seconds,
    merge_results,
    notebook_summary,
    readme_table,
    update_readme,
)
from rnncourse.runner import NotebookNotFoundError, list_notebooks, main, resolve_notebooks

REPO = Path(__file__).resolve().parent.parent
BLOB_MIB = 160  # memory the passing notebook holds, to check the peak-memory figure


def _write_notebook(path, markdown, *code_cells):
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[v4.new_markdown_cell(markdown)] + [v4.new_code_cell(c) for c in code_cells]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _make_course(folder):
    """A failing notebook first, then a passing one: the runner must go on after the failure."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_notebook(
        folder / "01_fail.ipynb",
        "# A notebook that fails\n\n**You will learn:** how a failure is reported.\n",
        "x = 1",
        "y = x * 2\nraise ValueError(f'boom {y}')",
        "print('never reached')",
    )
    _write_notebook(
        folder / "02_ok.ipynb",
        "# A notebook that passes\n\n"
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://example.org)\n\n"
        "**You will learn:** how the *runner* collects an outcome.\n\nThen more text follows.\n",
        "import os\nimport rnncourse\nprint(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['TF_ENABLE_ONEDNN_OPTS'])\n"
        "print(os.getcwd())",
        f"blob = b'x' * ({BLOB_MIB} * 2**20)  # touched pages, so they are resident\nlen(blob)",
        "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('fixture plot')\nplt.show()",
        "rnncourse.check_outcome('toy accuracy', 0.9, bound=0.5, baseline=0.5, margin=0.1)",
    )
    return folder


def _recorded_seconds(cell):
    """A cell's run time, from the execution record nbclient wrote into the executed notebook."""
    times = cell.metadata["execution"]
    start, end = (
        dt.datetime.fromisoformat(times[key].replace("Z", "+00:00"))
        for key in ("iopub.execute_input", "shell.execute_reply")
    )
    return (end - start).total_seconds()


def _run_main(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def course_run(tmp_path_factory):
    """Run the two fixture notebooks once; the tests below read what it produced."""
    root = tmp_path_factory.mktemp("course")
    nbs = _make_course(root / "notebooks")
    out = root / "build"
    code, stdout, stderr = _run_main(
        ["--notebooks", str(nbs), "--output", str(out), "--no-progress"]
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    entries = {e["notebook"]: e for e in report["notebooks"]}
    return {
        "root": root,
        "nbs": nbs,
        "out": out,
        "code": code,
        "stdout": stdout,
        "stderr": stderr,
        "report": report,
        "entries": entries,
    }


def test_passing_notebook_reports_outcome_time_and_memory(course_run):
    entry = course_run["entries"]["02_ok"]
    assert entry["status"] == "ok", entry["error"]
    assert entry["title"] == "A notebook that passes"
    assert entry["learn"] == "how the runner collects an outcome."
    [outcome] = entry["outcomes"]
    assert outcome["name"] == "toy accuracy"
    assert outcome["value"] == pytest.approx(0.9)
    assert outcome["passed"] is True
    assert outcome["notebook"] == "02_ok"
    assert entry["peak_rss_bytes"] >= BLOB_MIB * 2**20
    assert entry["peak_rss_bytes"] < 4 * 2**30
    executed = nbformat.read(course_run["out"] / "02_ok.ipynb", as_version=4)
    # the outcome was read back from the notebook's own output, and the time is the sum of
    # the cells' times in nbclient's record (whatever the machine's speed)
    assert any(OUTCOME_MIME in o.get("data", {}) for o in executed.cells[-1].outputs)
    cell_seconds = [_recorded_seconds(c) for c in executed.cells[1:]]
    assert all(s > 0 for s in cell_seconds)
    assert entry["wall_s"] == pytest.approx(sum(cell_seconds), abs=1e-3)
    # the kernel got QUIET_ENV and ran in the notebooks folder
    printed = "".join(o.get("text", "") for o in executed.cells[1].outputs)
    assert printed.splitlines() == ["3 0", str(course_run["nbs"])]


def test_html_pages_embed_the_plots(course_run):
    out = course_run["out"]
    page = (out / "02_ok.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert "A notebook that passes" in page
    failing_page = (out / "01_fail.html").read_text(encoding="utf-8")
    assert "ValueError" in failing_page  # the traceback is part of the rendering
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="02_ok.html"' in index and 'href="01_fail.html"' in index
    assert "toy accuracy: 0.9" in index
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| [02_ok](02_ok.html) | A notebook that passes | ok |" in markdown
    assert "cell index 2 (y = x * 2): ValueError: boom 2" in markdown


def test_failing_notebook_is_named_with_cell_and_error(course_run):
    assert course_run["code"] == 1
    expected = "01_fail: cell index 2 (y = x * 2): ValueError: boom 2"
    assert expected in course_run["stderr"]
    entry = course_run["entries"]["01_fail"]
    assert entry["status"] == "failed"
    assert entry["error"]["cell_index"] == 2
    assert entry["error"]["ename"] == "ValueError"
    assert "raise ValueError" in entry["error"]["traceback"]
    executed = nbformat.read(course_run["out"] / "01_fail.ipynb", as_version=4)
    assert executed.cells[3].outputs == []  # execution stopped at the failing cell
    # the notebook after the failure still ran and is reported
    assert [e["notebook"] for e in course_run["report"]["notebooks"]] == ["01_fail", "02_ok"]
    assert course_run["report"]["failed"] == ["01_fail"]
    assert course_run["report"]["passed_count"] == 1
    assert "1 of 2 notebooks passed" in course_run["stdout"]


def test_timeout_stops_a_slow_notebook(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    # one cell, so that no other cell can use up the time limit on a slow machine
    _write_notebook(nbs / "05_slow.ipynb", "# Slow\n\nIt sleeps.", "import time; time.sleep(120)")
    code, _, stderr = _run_main(
        [
            "05",
            "--notebooks",
            str(nbs),
            "--output",
            str(tmp_path / "out"),
            "--timeout",
            "2",
            "--no-html",
            "--no-progress",
        ]
    )
    assert code == 1
    assert "05_slow: cell index 1 (import time; time.sleep(120)): TimeoutError" in stderr
    assert "time limit of 2 s" in stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    [entry] = report["notebooks"]
    assert entry["status"] == "timeout"
    assert entry["html"] is None
    assert entry["wall_s"] == 2  # a notebook that timed out counts its limit


def test_unknown_notebook_name_lists_the_valid_ones(tmp_path):
    nbs = _make_course(tmp_path / "notebooks")
    code, stdout, stderr = _run_main(
        ["07_nope", "--notebooks", str(nbs), "--output", str(tmp_path / "o")]
    )
    assert code == 2
    assert "unknown notebook '07_nope'" in stderr
    assert "01_fail, 02_ok" in stderr
    assert not (tmp_path / "o" / "report.json").exists()


def test_resolve_notebooks_accepts_short_names_stems_and_paths(tmp_path):
    nbs = _make_course(tmp_path / "notebooks")
    _write_notebook(nbs / "03_a_first.ipynb", "# A")
    _write_notebook(nbs / "03_a_second.ipynb", "# B")
    stems = lambda paths: [p.stem for p in paths]
    assert stems(resolve_notebooks(None, nbs)) == ["01_fail", "02_ok", "03_a_first", "03_a_second"]
    assert stems(resolve_notebooks(["02", "01_fail", "02_ok.ipynb"], nbs)) == ["02_ok", "01_fail"]
    assert stems(resolve_notebooks([str(nbs / "01_fail.ipynb")], nbs)) == ["01_fail"]
    assert stems(resolve_notebooks(["03_a_first"], nbs)) == ["03_a_first"]
    with pytest.raises(NotebookNotFoundError, match="ambiguous.*03_a_first, 03_a_second"):
        resolve_notebooks(["03_a"], nbs)
    with pytest.raises(NotebookNotFoundError, match="unknown notebook '4'"):
        resolve_notebooks(["4"], nbs)


def test_notebook_summary_reads_title_and_learn_line(tmp_path):
    path = _write_notebook(
        tmp_path / "04_x.ipynb",
        "# 04 · Gradients: *vanishing* and exploding\n\n"
        "<a href='x'><img src='badge.svg'></a>\n\n"
        "**You will learn:** why [LSTM](https://example.org) gates help.\n",
    )
    assert notebook_summary(path) == {
        "notebook": "04_x",
        "title": "04 · Gradients: vanishing and exploding",
        "learn": "why LSTM gates help.",
    }
    bare = _write_notebook(tmp_path / "05_y.ipynb", "# Only a title")
    assert notebook_summary(bare)["learn"] == ""


def test_readme_table_from_results_and_cli(course_run, tmp_path):
    readme, root = course_run["root"] / "README.md", course_run["root"]
    readme.write_text(
        f"# Title\n\nBefore.\n\n{README_START}\nold table\n{README_END}\n\nAfter.\n",
        encoding="utf-8",
    )
    args = ["--readme-only", "--notebooks", str(course_run["nbs"])]
    code, stdout, _ = _run_main([*args, "--output", str(course_run["out"])])
    assert code == 0, stdout
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"# Title\n\nBefore.\n\n{README_START}\n| # |") and text.endswith(
        f"{README_END}\n\nAfter.\n"
    )
    assert "old table" not in text
    prefix = "notebooks/"
    rows = {
        line.split(" | ")[0]: line.split(" | ")
        for line in text.splitlines()
        if line.startswith("| 0")
    }
    assert list(rows) == ["| 01", "| 02"]
    assert rows["| 02"][1:3] == [
        f"[A notebook that passes]({prefix}02_ok.ipynb)",
        "how the runner collects an outcome",
    ]
    assert rows["| 02"][3].endswith(" s")
    assert rows["| 02"][4] == "toy accuracy: 0.9 (≥ 0.5; baseline 0.5) |"
    assert rows["| 01"][4].startswith("FAILED: cell index 2 (y = x * 2): ValueError: boom 2")
    assert "Run times: wall time of `python -m rnncourse run` on " in text
    # results.json, beside the README, keeps what the table shows
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    assert [e["notebook"] for e in results["notebooks"]] == ["01_fail", "02_ok"]
    assert results["notebooks"][1]["outcomes"][0]["value"] == pytest.approx(0.9)
    # a run of one notebook replaces its entry only; without a report, results.json alone renders the same table
    # (a time 100 s off the measured one, so that the table must change whatever the machine's speed)
    rerun_s = course_run["entries"]["02_ok"]["wall_s"] + 100
    one = {
        **course_run["report"],
        "notebooks": [{**course_run["entries"]["02_ok"], "wall_s": rerun_s}],
    }
    merged = merge_results(root / "results.json", one)
    assert [(e["notebook"], e["wall_s"]) for e in merged["notebooks"]] == [
        ("01_fail", course_run["entries"]["01_fail"]["wall_s"]),
        ("02_ok", rerun_s),
    ]
    code, stdout, _ = _run_main([*args, "--output", str(tmp_path / "no-run-here")])
    assert code == 0 and "updated" in stdout
    assert f"| {format_seconds(rerun_s)} |" in readme.read_text(encoding="utf-8")
    code, stdout, _ = _run_main([*args, "--output", str(tmp_path / "no-run-here")])
    assert code == 0 and "already up to date" in stdout
    # a README without markers is refused with a message that says what to add
    bare = tmp_path / "BARE.md"
    bare.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError, match="notebook-table:start"):
        update_readme(bare, [], {})
    assert readme_table([]).splitlines()[1] == "|---|---|---|---:|---|"


def test_readme_table_is_rendered_from_results_json():
    """README.md's notebook table is exactly what results.json renders, for the notebooks in notebooks/."""
    results = json.loads((REPO / "results.json").read_text(encoding="utf-8"))
    notebooks = list_notebooks(REPO / "notebooks")
    assert [e["notebook"] for e in results["notebooks"]] == [p.stem for p in notebooks], (
        "results.json and notebooks/ list different notebooks: run `python -m rnncourse run NN --update-readme`."
    )
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index(README_START) + len(README_START) : text.index(README_END)].strip()
    assert table == readme_table(notebooks, results), (
        "README.md's table is not results.json's: run `python -m rnncourse run --readme-only`."
    )


def test_baseline_comparison_reads_names_goals_and_margins():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "compare", REPO / "benchmarks" / "compare_baselines.py"
    )
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    machine = {
        "cpu": "Test CPU",
        "cores": 2,
        "ram_bytes": 8 * 2**30,
        "gpu": [],
        "versions": {"python": "3.11"},
    }
    report = {
        "machine": machine,
        "started": "2026-01-01T00:00:00",
        "notebooks": [
            {
                "notebook": "01_intro",
                "wall_s": 9.0,
                "outcomes": [
                    {
                        "name": "acc (baseline: chance)",
                        "value": 1.0,
                        "baseline": 0.25,
                        "goal": "max",
                        "passed": True,
                    }
                ],
            },
            {
                "notebook": "06_text",
                "wall_s": 30.5,
                "outcomes": [
                    {
                        "name": "GRU nats/char (baseline: Kneser-Ney 5-gram)",
                        "value": 1.45,
                        "baseline": 1.51,
                        "goal": "min",
                        "margin": 0.02,
                        "passed": True,
                    },
                    {"name": "samples differ", "value": 1.0, "bound": 0.5, "passed": True},
                ],
            },
            {
                "notebook": "07_sentiment",
                "wall_s": 25.0,
                "outcomes": [
                    {
                        "name": "BiLSTM accuracy (baseline: logistic regression (words); a tolerance)",
                        "value": 0.74,
                        "baseline": 0.76,
                        "goal": "max",
                        "margin": -0.04,
                        "passed": True,
                    }
                ],
            },
        ],
    }
    rows = compare.comparison_rows(report)
    assert [(r["notebook"], r["model"], r["baseline_name"]) for r in rows] == [
        (
            "06_text",
            "GRU nats/char",
            "Kneser-Ney 5-gram",
        ),  # 01 is no application; no baseline: left out
        ("07_sentiment", "BiLSTM accuracy", "logistic regression (words); a tolerance"),
    ]
    assert rows[0]["better_by"] == pytest.approx(0.06) and rows[1]["better_by"] == pytest.approx(
        -0.02
    )
    text = compare.render(rows, report)
    assert (
        "| 06_text | GRU nats/char | Kneser-Ney 5-gram | 1.45 | 1.51 | +0.06 | 0.02 | yes | 30.5 s |"
        in text
    )
    assert (
        "| 07_sentiment | BiLSTM accuracy | logistic regression (words); a tolerance | 0.74 | 0.76 | -0.02 |"
        in text
    )


def test_run_without_the_runner_extra_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    from rnncourse import __main__ as cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nbclient" else real(name, *a)
    )
    assert cli.main(["run", "01"]) == 2
    err = capsys.readouterr().err
    assert "nbclient is not installed" in err and "pip install 'rnncourse[run]'" in err
