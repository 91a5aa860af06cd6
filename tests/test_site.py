"""tools/site.py: the site of the executed course, built offline from a course run.

One Sphinx build (a few seconds) from a fake run folder: one small executed
notebook with a PNG figure and math, and a report.json shaped like the
runner's. No browser here: ``python tools/site.py check`` (headless Chromium)
runs in ``.ci/site``. Sphinx, MyST-NB and sphinx-book-theme are required, not
optional: without them this module fails to import instead of passing.
"""

import base64
import importlib.util
import json
import sys
from pathlib import Path

import nbformat
import pytest

from rnncourse.outcomes import OUTCOME_MIME

if sys.version_info < (3, 11):  # pragma: no cover - tools/ and Sphinx 8.2+ need Python 3.11
    pytest.skip("tools/site.py needs Python 3.11", allow_module_level=True)

import myst_nb  # noqa: F401,E402 - required: the build runs Sphinx with these
import sphinx  # noqa: F401,E402
import sphinx_book_theme  # noqa: F401,E402

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("site_tools", ROOT / "tools" / "site.py")
site = importlib.util.module_from_spec(_spec)
sys.modules["site_tools"] = site  # dataclasses look their module up there
_spec.loader.exec_module(site)

# A 2x2 red PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
        "0000001149444154789c63f8cfc0f09f81e13f03000e7f02fe4f3c52b40000000049454e44ae426082"
    )
).decode()
OUTCOME = "toy accuracy on the held-out sequences"


def executed_notebook(outputs=True):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# 01 · A toy notebook\n\n**You will learn:** how a hidden state carries memory.\n\n"
            "The state update is $h_t = \\tanh(W x_t + U h_{t-1})$, and\n\n"
            "$$\\frac{\\partial L}{\\partial h_0} = \\prod_t J_t$$"
        ),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1])"),
        nbformat.v4.new_markdown_cell("## Results\n\nThe figure above is the output."),
    ]
    if outputs:
        nb.cells[1].execution_count = 1
        nb.cells[1].outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="trained in 0.1 s\n"),
            nbformat.v4.new_output(
                "display_data", data={"image/png": PNG, "text/plain": "<Figure>"}
            ),
            nbformat.v4.new_output(  # what check_outcome displays: its line and its record
                "display_data",
                data={
                    "text/plain": f"OK {OUTCOME}: 0.97 (>= 0.9)",
                    OUTCOME_MIME: {"name": OUTCOME},
                },
            ),
        ]
    return nb


def write_run(folder, *, outputs=True, report=True, listed=("01_toy",)):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed_notebook(outputs), folder / "01_toy.ipynb")
    if report:
        entries = [
            {
                "notebook": name,
                "title": "01 · A toy notebook",
                "status": "ok",
                "wall_s": 3.2,
                "peak_rss_bytes": 1 << 28,
                "outcomes": [
                    {
                        "name": OUTCOME,
                        "value": 0.97,
                        "bound": 0.9,
                        "goal": "max",
                        "baseline": 0.25,
                        "passed": True,
                    }
                ],
                "error": None,
                "executed": f"{name}.ipynb",
            }
            for name in listed
        ]
        (folder / "report.json").write_text(
            json.dumps(
                {
                    "started": "2026-12-07T17:06:41+00:00",
                    "machine": {
                        "cpu": "Test CPU",
                        "cores": 2,
                        "ram_bytes": 1 << 33,
                        "gpu": [],
                        "versions": {"python": "3.11.7", "rnncourse": "0.1.0"},
                    },
                    "timeout_s": 600,
                    "total_wall_s": 3.2,
                    "passed_count": len(entries),
                    "notebooks": entries,
                }
            )
        )
    return folder


def fake_mathjax(folder):
    """The parts of the npm package mathjax that the build copies (stub contents)."""
    es5 = folder / "es5"
    (es5 / "output" / "chtml" / "fonts" / "woff-v2").mkdir(parents=True)
    (es5 / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").write_bytes(b"w")
    (es5 / "tex-chtml-full.js").write_text("window.MathJaxStub = true;\n")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    run = write_run(tmp / "run")
    out = site.build(
        run, tmp / "site", src_dir=tmp / "src", mathjax=fake_mathjax(tmp / "mathjax"), quiet=True
    )
    return out


@pytest.mark.slow
def test_each_notebook_gets_a_page_with_its_figure_and_its_math(built):
    page = (built / "01_toy.html").read_text(encoding="utf-8")
    assert "A toy notebook" in page
    assert "trained in 0.1 s" in page  # the stream output
    images = [
        p for p in (built / "_images").glob("*.png") if p.read_bytes() == base64.b64decode(PNG)
    ]
    assert len(images) == 1 and f'src="_images/{images[0].name}"' in page
    # dollar math became Sphinx math nodes, typeset by MathJax in the browser
    assert (
        '<span class="math notranslate nohighlight">\\(h_t = \\tanh(W x_t + U h_{t-1})\\)</span>'
        in page
    )
    assert (
        "\\frac{\\partial L}{\\partial h_0}" in page
        and 'class="math notranslate nohighlight">' in page
    )
    assert "$h_t" not in page


@pytest.mark.slow
def test_math_is_served_by_the_site_itself(built):
    page = (built / "01_toy.html").read_text(encoding="utf-8")
    assert 'src="_static/mathjax/tex-chtml-full.js' in page
    assert (
        built / "_static" / "mathjax" / "tex-chtml-full.js"
    ).read_text() == "window.MathJaxStub = true;\n"
    assert (built / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


@pytest.mark.slow
def test_the_home_page_lists_the_notebooks_and_their_outcomes(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="01_toy.html"' in home  # the page, not GitHub
    assert f"{OUTCOME}: 0.97 (≥ 0.9; baseline 0.25)" in home
    assert "how a hidden state carries memory" in home
    assert "1 of 1 notebooks ran to the end" in home
    assert "course_map.png" in home and (built / "_images" / "course_map.png").is_file()


@pytest.mark.slow
def test_nothing_in_the_built_site_loads_from_another_host(built):
    assert site.outside_references(built) == []
    for page in built.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text and "cdnjs" not in text


@pytest.mark.slow
def test_the_check_reads_what_each_page_must_show_from_the_notebook(built):
    assert site.notebook_expectations(built) == {"01_toy.html": (1, 1)}
    assert site.link_problem(built, "http://127.0.0.1:1/01_toy.html", "/") is None
    assert (
        site.link_problem(built, "http://127.0.0.1:1/02_none.html", "/")
        == "no such page: 02_none.html"
    )
    assert "no anchor #nowhere" in site.link_problem(
        built, "http://127.0.0.1:1/01_toy.html#nowhere", "/"
    )
    assert site.link_problem(built, "http://127.0.0.1:1/01_toy.html#results", "/") is None


def test_outside_references_finds_every_kind_of_load_and_ignores_links(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
        '<link rel="canonical" href="https://example.org/page.html">'
        '<style>@font-face { src: url("https://fonts.example.org/a.woff2"); }</style></head>'
        '<body><img src="https://example.org/badge.svg"><a href="https://example.org/">a link</a>'
        '<img src="_images/local.png"><audio src="data:audio/wav;base64,AAAA"></audio></body></html>'
    )
    (tmp_path / "x.css").write_text("body { background: url(https://example.org/bg.png); }")
    (tmp_path / "y.js").write_text(
        'load("https://cdn.example.org/lib.js"); ns = "http://www.w3.org/2000/svg";'
    )
    hits = site.outside_references(tmp_path)
    assert len(hits) == 6, hits
    assert not any("canonical" in h or "a link" in h or "local.png" in h for h in hits)


def test_a_run_without_report_json_fails_with_the_command_that_makes_it(tmp_path):
    run = write_run(tmp_path / "run", report=False)
    with pytest.raises(
        site.SiteError, match=r"report\.json not found.*python -m rnncourse run --output"
    ):
        site.read_run(run)


def test_a_missing_executed_notebook_is_named(tmp_path):
    run = write_run(tmp_path / "run", listed=("01_toy", "02_gone"))
    with pytest.raises(
        site.SiteError, match=r"02_gone\.ipynb.*not in .*python -m rnncourse run --output"
    ):
        site.read_run(run)


def test_a_notebook_without_outputs_is_called_not_executed(tmp_path):
    run = write_run(tmp_path / "run", outputs=False)
    with pytest.raises(site.SiteError, match=r"01_toy\.ipynb .* has no outputs \(not executed"):
        site.read_run(run)


def test_the_command_exits_2_and_says_what_is_missing(tmp_path, capsys):
    assert (
        site.main(["build", "--from", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s")]) == 2
    )
    err = capsys.readouterr().err
    assert "report.json not found" in err and "python -m rnncourse run --output" in err
    assert not (tmp_path / "s").exists()


def test_image_and_math_counts_of_a_notebook():
    nb = executed_notebook()
    assert site.expected_images(nb) == 1 and site.math_cells(nb) == 1
    nb.cells.append(nbformat.v4.new_markdown_cell("Costs `$5` in code, not math."))
    assert site.math_cells(nb) == 1
