"""Build and check the site of the executed course (static HTML, works offline).

The site shows every notebook as the course runner executed it (outputs,
figures, tables, audio) and a home page with the course map, the notebook
table and the outcomes each notebook asserted. It is built from a folder the
runner already wrote, so nothing is executed a second time::

    python -m rnncourse run --output build          # executes: DIR/NN_name.ipynb + DIR/report.json
    python tools/site.py build --from build         # -> build/site/index.html
    python tools/site.py check build/site           # headless Chromium, network off

``build`` writes a Sphinx source folder (``build/site-src``: a generated
``conf.py``, ``index.md`` and a copy of each executed notebook) and runs Sphinx
with MyST-NB (the notebook reader under Jupyter Book 1) and sphinx-book-theme,
with ``nb_execution_mode = "off"``. Why not Jupyter Book 2 (mystmd): ``myst
build --html`` (mystmd 1.8.3) first queries
``https://api.mystmd.org/templates/site/myst/book-theme`` and downloads the
theme at build time, so it fails where only the package registries are
reachable; Sphinx and its themes are wheels. Math is typeset by MathJax 3 from
the site itself (``_static/mathjax``, taken from the npm package ``mathjax``
at a fixed version, installed into ``build/site-tools`` by ``build`` when it is
not there); the theme's fonts and icons are in its wheel. The Colab badge
image (on colab.research.google.com) is replaced by a drawn copy served by the
site; its link to Colab stays. After Sphinx, ``build`` scans every HTML, CSS
and JavaScript file for anything that would be loaded from another host
(scripts, styles, images, fonts, frames) and fails if it finds one; plain
links (``<a href>``) to other sites are fine.

``build`` fails loudly: without ``DIR/report.json``, with a notebook of the
report missing from DIR, or with a notebook that has no outputs (not executed),
it stops and says what is missing and which command makes it.

``check`` serves the site on 127.0.0.1 and opens every page in headless
Chromium (Playwright driving ``/usr/bin/chromium``; ``--chromium PATH`` picks
another, ``--chromium playwright`` the browser ``python -m playwright install
chromium`` downloads, as the release workflow does) with every request to another host aborted and recorded. It fails
on: a console error or page error, a failed request or HTTP error, any request
to another host, an internal link (``<a href>`` into the site) whose page or
anchor does not exist, a notebook page showing fewer loaded images than its
notebook has image outputs, and math that did not render (a ``.math`` element
without MathJax output, a MathJax error, or a ``$...$`` left in the text). It
prints one line per page and writes two screenshots (the home page and a
notebook page with a figure and math) to ``build/site-check/``.

Needs Python 3.11+, the site tools (``sphinx``, ``myst-nb``,
``sphinx-book-theme``; ``playwright`` for ``check``), ``npm`` (once, for
MathJax) and Chromium for ``check``. ``.ci/site`` installs them and runs
the whole chain on two notebooks.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html.parser
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FROM = "build"
DEFAULT_OUT = "build/site"
DEFAULT_SRC = "build/site-src"
DEFAULT_TOOLS = "build/site-tools"
DEFAULT_SCREENSHOTS = "build/site-check"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: MathJax from npm, at a fixed version (its es5/ folder is what the site serves).
MATHJAX_VERSION = "3.2.2"
#: What the site needs of MathJax's es5/ folder: the combined TeX component (all
#: TeX extensions built in), the CHTML fonts, and what its menu loads on demand
#: (accessibility, explorer, speech rules), so no menu item reaches for a CDN.
MATHJAX_FILES = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2", "a11y", "ui", "sre"]
RUN_COMMAND = "python -m rnncourse run --output {dir}"
COURSE_MAP = ROOT / "docs" / "course_map.png"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp")

# $...$ or $$...$$ in a markdown cell (not inside `code`): the notebook has math.
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\s][^$]*?\$", re.DOTALL)


class SiteError(Exception):
    """The input or the built site is not what it must be; the message says what and how to fix it."""


# --------------------------------------------------------------------------- reading the run
def _course_source():
    """Repository URL and release tag from tools/colab.py (the one source: pyproject.toml)."""
    module = sys.modules.get("colab_tools")
    if module is None:
        spec = importlib.util.spec_from_file_location("colab_tools", ROOT / "tools" / "colab.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["colab_tools"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module.course_source()


def notebook_has_outputs(nb):
    """True when any code cell of the notebook (an nbformat dict) has an output."""
    return any(c.get("outputs") for c in nb.get("cells", []) if c.get("cell_type") == "code")


def expected_images(nb):
    """How many image outputs (PNG, JPEG, GIF, SVG, WebP) the notebook's code cells hold."""
    return sum(
        1
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code"
        for o in c.get("outputs", [])
        if any(m in o.get("data", {}) for m in IMAGE_MIMES)
    )


def math_cells(nb):
    """How many markdown cells of the notebook hold $...$ or $$...$$ math (outside `code`)."""
    count = 0
    for c in nb.get("cells", []):
        if c.get("cell_type") != "markdown":
            continue
        source = c.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if _MATH.search(_INLINE_CODE.sub("", source)):
            count += 1
    return count


def read_run(run_dir):
    """Check the runner's folder and return (report, [(entry, executed notebook path)]).

    Raises:
        SiteError: no folder, no ``report.json``, a notebook of the report
            missing, or a notebook without outputs; the message names the
            command that writes them.
    """
    run_dir = Path(run_dir)
    command = RUN_COMMAND.format(dir=run_dir)
    report_path = run_dir / "report.json"
    if not report_path.is_file():
        what = "folder" if not run_dir.is_dir() else "report.json in the folder"
        raise SiteError(
            f"{report_path} not found (no {what}): the site is built from a course run, "
            f"not from the notebooks. Run the course first: `{command}` "
            f"(or name some notebooks: `python -m rnncourse run 01 03 --output {run_dir}`)."
        )
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SiteError(
            f"{report_path} is not a report written by the runner ({err}); rerun `{command}`."
        ) from err
    entries = report.get("notebooks") or []
    if not entries:
        raise SiteError(f"{report_path} lists no notebooks; rerun `{command}`.")
    found, missing, unexecuted = [], [], []
    for entry in entries:
        name = entry.get("executed") or f"{entry.get('notebook', '?')}.ipynb"
        path = run_dir / name
        if not path.is_file():
            missing.append(name)
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not notebook_has_outputs(nb):
            unexecuted.append(name)
            continue
        found.append((entry, path))
    problems = []
    if missing:
        problems.append(
            f"the executed notebook(s) {', '.join(missing)} that {report_path} "
            f"lists are not in {run_dir}"
        )
    if unexecuted:
        problems.append(
            f"{', '.join(unexecuted)} in {run_dir} ha{'s' if len(unexecuted) == 1 else 've'} "
            "no outputs (not executed: a copy from notebooks/?)"
        )
    if problems:
        raise SiteError("; ".join(problems) + f". Run the course into that folder: `{command}`.")
    return report, found


# --------------------------------------------------------------------------- writing the source
CONF_PY = """\
# Generated by tools/site.py build: edit the template there, not this copy.
project = "rnncourse"
html_title = "rnncourse: the executed course"
author = "rnncourse authors"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
# The notebooks were executed by `python -m rnncourse run`; never again here.
nb_execution_mode = "off"
nb_ipywidgets_js = {{}}  # no widget state in the course; keeps require.js (a CDN) out
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# The notebooks put "### Configuration" right under the title (H1 -> H3): allowed.
suppress_warnings = ["myst.header"]
# MathJax 3 served by the site itself (copied from the npm package into _static).
mathjax_path = "mathjax/tex-chtml-full.js"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_favicon = "favicon.svg"  # without one, browsers ask for /favicon.ico and log a 404
html_theme = "sphinx_book_theme"
# Light unless the reader switches: the figures are drawn on white. Setting it also keeps
# pydata-sphinx-theme from logging "Got invalid theme mode" on a first visit.
html_context = {{"default_mode": "light"}}
html_theme_options = {{
    "repository_url": {repository!r},
    "repository_branch": {tag!r},
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {{"colab_url": "https://colab.research.google.com"}},
    "show_toc_level": 2,
    "secondary_sidebar_items": {{"**": ["page-toc"], "index": []}},  # the home page's table is wide
}}
"""

BADGE_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="117" height="20" role="img" aria-label="Open in Colab">
<title>Open in Colab</title>
<rect width="117" height="20" rx="3" fill="#555"/>
<rect x="60" width="57" height="20" rx="3" fill="#f9ab00"/>
<rect x="60" width="4" height="20" fill="#f9ab00"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="30" y="14">Open in</text><text x="88" y="14" fill="#222">Colab</text>
</g>
</svg>
"""


# A recurrent cell: a box whose output loops back into it.
FAVICON_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="6" y="10" width="20" height="14" rx="3" fill="#1f6feb"/>
<path d="M26 17h3v-13h-26v13h3" fill="none" stroke="#f9ab00" stroke-width="2.5"/>
</svg>
"""


SITE_CSS = """\
/* The home page's notebook table: a little smaller, run times on one line. */
.course-table table { font-size: 0.9em; }
.course-table td:nth-child(4) { white-space: nowrap; }
"""


def _report_lines(report):
    """Markdown lines saying what was run, where and with which outcome."""
    from rnncourse.machine import summary_line, versions_line
    from rnncourse.report import format_seconds

    machine = report.get("machine", {})
    entries = report.get("notebooks", [])
    passed = sum(1 for e in entries if e.get("status") == "ok")
    lines = [
        f"Every page below is a notebook as `python -m rnncourse run` executed it, with its "
        f"outputs and figures: {passed} of {len(entries)} notebooks ran to the end with every "
        f"asserted outcome met, in {format_seconds(report.get('total_wall_s'))} of wall time, on "
        f"{summary_line(machine)} ({str(report.get('started', '?'))[:10]}).",
        "",
        f"Versions: {versions_line(machine)}.",
    ]
    failed = [e for e in entries if e.get("status") != "ok"]
    if failed:
        lines += [
            "",
            "```{warning}",
            "Not passed in this run: "
            + ", ".join(f"{e['notebook']} ({e.get('status', '?')})" for e in failed)
            + ". Their pages show where they stopped.",
            "```",
        ]
    return lines


def write_source(report, notebooks, src_dir, mathjax_dir, *, course_map=COURSE_MAP):
    """Write the Sphinx source folder: conf.py, index.md, the notebooks, MathJax, the badge."""
    from rnncourse.report import readme_table

    src_dir = Path(src_dir)
    if src_dir.exists():
        shutil.rmtree(src_dir)
    static = src_dir / "_static"
    static.mkdir(parents=True)
    source = _course_source()
    (src_dir / "conf.py").write_text(
        CONF_PY.format(repository=source.repository, tag=source.tag), encoding="utf-8"
    )
    (src_dir / "colab-badge.svg").write_text(BADGE_SVG, encoding="utf-8")
    (src_dir / "favicon.svg").write_text(FAVICON_SVG, encoding="utf-8")
    (static / "site.css").write_text(SITE_CSS, encoding="utf-8")

    copied = []
    from rnncourse.outcomes import OUTCOME_MIME

    for _entry, path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8").replace(COLAB_BADGE, "colab-badge.svg"))
        for cell in nb[
            "cells"
        ]:  # check_outcome's record is for report.json; the page shows its line
            for output in cell.get("outputs", []):
                output.get("data", {}).pop(OUTCOME_MIME, None)
        (src_dir / path.name).write_text(json.dumps(nb), encoding="utf-8")
        copied.append(src_dir / path.name)

    mathjax_dir = Path(mathjax_dir)
    for rel in MATHJAX_FILES:
        item = mathjax_dir / "es5" / rel
        target = static / "mathjax" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.is_dir():
            shutil.copytree(item, target)
        elif item.is_file():
            shutil.copy2(item, target)
        elif rel == MATHJAX_FILES[0]:
            raise SiteError(
                f"{item} not found: {mathjax_dir} is not the npm package mathjax@3; "
                f"remove it and run `python tools/site.py build` again."
            )
    if (mathjax_dir / "LICENSE").is_file():
        shutil.copy2(mathjax_dir / "LICENSE", static / "mathjax" / "LICENSE")

    # The README's table, each notebook linked to its page (myst resolves NN_name.ipynb).
    table = readme_table(copied, report, link_prefix="")
    lines = ["# Recurrent neural networks in Keras: the executed course", ""]
    lines += _report_lines(report)
    if Path(course_map).is_file():
        shutil.copy2(course_map, src_dir / "course_map.png")
        lines += [
            "",
            "```{figure} course_map.png",
            ":alt: Course map: the twelve notebooks and what each builds on",
            ":width: 100%",
            "",
            "The course map.",
            "```",
        ]
    lines += [
        "",
        "## The notebooks",
        "",
        "Each notebook asserts its outcomes with `rnncourse.check_outcome` (a bound, and where "
        "there is one, a baseline); an outcome not met stops the notebook. The last column is "
        "what this run measured.",
        "",
        "```{container} course-table",
        table,
        "```",
        "",
        f"Run them yourself: open a notebook in Colab (the button on its page installs release "
        f"{source.tag} of the course), or clone [the repository]({source.repository}) and "
        "follow its README.",
        "",
        "```{toctree}",
        ":hidden:",
        ":maxdepth: 1",
        "",
        *[p.stem for p in copied],
        "```",
        "",
    ]
    (src_dir / "index.md").write_text("\n".join(lines), encoding="utf-8")
    return copied


# --------------------------------------------------------------------------- MathJax
def ensure_mathjax(tools_dir):
    """The npm package mathjax@MATHJAX_VERSION under tools_dir, installed with npm if absent."""
    package = Path(tools_dir) / "node_modules" / "mathjax"
    wanted = f'"version": "{MATHJAX_VERSION}"'
    if (package / "package.json").is_file() and wanted in (package / "package.json").read_text():
        return package
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError(
            f"MathJax is not in {package} and npm is not installed: install Node.js "
            f"(with npm), or run `npm install --prefix {tools_dir} mathjax@{MATHJAX_VERSION}` "
            "where npm is, then build again (or pass --mathjax DIR)."
        )
    print(f"== npm install mathjax@{MATHJAX_VERSION} into {tools_dir}", flush=True)
    subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(tools_dir),
            f"mathjax@{MATHJAX_VERSION}",
        ],
        check=True,
    )
    return package


# --------------------------------------------------------------------------- outside references
# Tags whose attribute makes the browser load something.
_LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "frame": ("src",),
}
# <link rel=...> values that load something (canonical, alternate, ... do not).
_LOADING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "mask-icon",
    "preconnect",
    "dns-prefetch",
}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
# In JavaScript: a quoted outside URL of something a script would load.
_JS_URL = re.compile(
    r"""['"`]((?:https?:)?//[^'"`\s]+?\.(?:m?js|css|woff2?|ttf|otf|eot|png|jpe?g|gif|svg|json|wasm))"""
    r"""(?:\?[^'"`\s]*)?['"`]""",
    re.I,
)
# Outside URLs in JavaScript that name things but are never fetched: XML namespaces, and
# the XPath polyfill MathJax's speech-rule engine loads only where the browser has no
# document.evaluate (Internet Explorer); `check` aborts and reports it if it ever is.
_JS_NAMES = (
    "//www.w3.org/",
    "//cdn.jsdelivr.net/npm/wicked-good-xpath@1.3.0/dist/wgxpath.install.js",
)


def _is_outside(url):
    url = url.strip()
    return url.startswith(("http://", "https://", "//"))


class _LoadScanner(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        for name in _LOADING_ATTRS.get(tag, ()):
            for url in re.split(r",\s*", attrs.get(name, "")):
                url = url.split()[0] if url.split() else ""
                if _is_outside(url):
                    self.found.append(f"<{tag} {name}={url}>")
        if tag == "link":
            rels = set(attrs.get("rel", "").lower().split())
            if rels & _LOADING_RELS and _is_outside(attrs.get("href", "")):
                self.found.append(f"<link rel={attrs.get('rel')} href={attrs['href']}>")
        for m in _CSS_URL.finditer(attrs.get("style", "")):
            self.found.append(f"<{tag} style=url({m.group(1)})>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [f"<style> url({m.group(1)})" for m in _CSS_URL.finditer(data)]


def outside_references(site_dir):
    """Every place in the built site that would load something from another host.

    Returns a list of ``"file: what"`` strings: HTML tags that load (scripts,
    stylesheets, images, media, frames, icons) or CSS ``url()``/``@import``,
    and in JavaScript quoted URLs of scripts, styles, fonts, images or data.
    Links a reader follows (``<a href>``) are not loads and are not listed.
    """
    site_dir = Path(site_dir)
    hits = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix not in {
            ".html",
            ".htm",
            ".css",
            ".js",
            ".mjs",
            ".svg",
        }:
            continue
        rel = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix in {".html", ".htm", ".svg"}:
            scanner = _LoadScanner()
            scanner.feed(text)
            hits += [f"{rel}: {what}" for what in scanner.found]
        elif path.suffix == ".css":
            hits += [f"{rel}: url({m.group(1)})" for m in _CSS_URL.finditer(text)]
        else:
            hits += [
                f"{rel}: {m.group(1)}"
                for m in _JS_URL.finditer(text)
                if not any(n in m.group(1) for n in _JS_NAMES)
            ]
    return hits


# --------------------------------------------------------------------------- build
def build(
    run_dir=DEFAULT_FROM,
    out_dir=DEFAULT_OUT,
    *,
    src_dir=DEFAULT_SRC,
    mathjax=None,
    tools_dir=DEFAULT_TOOLS,
    quiet=False,
):
    """Build the site from a course run; return the output folder.

    Args:
        run_dir: the folder ``python -m rnncourse run --output`` wrote.
        out_dir: where the HTML goes (replaced).
        src_dir: where the Sphinx source is written (replaced).
        mathjax: the npm package folder of MathJax 3; default: installed with
            npm into ``tools_dir`` when absent.
        quiet: pass ``-q`` to Sphinx.

    Raises:
        SiteError: bad input (see :func:`read_run`), a Sphinx warning or
            error, or something in the built site loaded from another host.
    """
    start = time.perf_counter()
    report, notebooks = read_run(run_dir)
    mathjax_dir = Path(mathjax) if mathjax else ensure_mathjax(tools_dir)
    write_source(report, notebooks, src_dir, mathjax_dir)
    # Sphinx writes into the source folder's _build (myst-nb puts its jupyter_execute/
    # beside the HTML folder); the finished HTML then moves to out_dir.
    html_dir = Path(src_dir) / "_build" / "html"
    # -W: a warning (a broken reference, a bad notebook) fails the build.
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-E",
        "-W",
        "--keep-going",
        "-d",
        str(Path(src_dir) / "_build" / "doctrees"),
        str(src_dir),
        str(html_dir),
    ]
    if quiet:
        cmd.insert(3, "-q")
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        raise SiteError(
            f"Sphinx failed (exit {result.returncode}) on {src_dir}: see its messages above."
        )
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(html_dir, out_dir)
    hits = outside_references(out_dir)
    if hits:
        raise SiteError(
            "the built site would load from other hosts (it must work offline):\n  "
            + "\n  ".join(hits)
        )
    (out_dir / ".nojekyll").touch()  # GitHub Pages: serve _static/ and _images/ as they are
    pages = len(list(out_dir.glob("*.html")))
    print(
        f"== site: {len(notebooks)} notebooks, {pages} pages in {out_dir} "
        f"({_size(out_dir) / 1e6:.1f} MB) after {time.perf_counter() - start:.1f} s; "
        "nothing loads from another host",
        flush=True,
    )
    return out_dir


def _size(folder):
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


# --------------------------------------------------------------------------- check
@dataclass
class PageResult:
    """What the browser saw on one page."""

    page: str
    errors: list = field(default_factory=list)
    console_errors: int = 0
    failed_requests: int = 0
    outside_requests: int = 0
    images_loaded: int = 0
    images_total: int = 0
    images_expected: int = 0
    math_elements: int = 0
    math_rendered: int = 0
    broken_links: int = 0
    internal_links: int = 0

    @property
    def ok(self):
        return not self.errors


class _IdScanner(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v:
                self.ids.add(v)


@functools.cache
def _ids(path):
    scanner = _IdScanner()
    scanner.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    return frozenset(scanner.ids)


def link_problem(site_dir, href_url, base):
    """Why an internal link (absolute URL on the local server) does not resolve, or None."""
    parts = urllib.parse.urlsplit(href_url)
    path = urllib.parse.unquote(parts.path)
    rel = path[len(base) :] if path.startswith(base) else path.lstrip("/")
    target = Path(site_dir) / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"no such page: {rel or '/'}"
    frag = urllib.parse.unquote(parts.fragment)
    if frag and target.suffix == ".html" and frag not in _ids(str(target.resolve())):
        return f"no anchor #{frag} in {target.relative_to(site_dir).as_posix()}"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site_dir):
    """Serve site_dir on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_PAGE_STATE_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); })));
  const main = document.querySelector('main') || document.body;
  const maths = Array.from(main.querySelectorAll('.math'));
  // Text a reader sees, outside code, outputs and typeset math: a $...$ left there is raw TeX.
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('pre, code, script, style, mjx-container, .math, .output, .cell_output')) continue;
    const m = n.textContent.match(/\\$[^$\\s][^$]*\\$/);
    if (m) raw.push(m[0].slice(0, 60));
  }
  return {
    images: imgs.map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0,
                            output: !!i.closest('.cell_output, .output')})),
    math: maths.length,
    mathRendered: maths.filter(m => m.querySelector('mjx-container')).length,
    containers: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    raw: raw,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  };
}"""


def notebook_expectations(site_dir):
    """{page name: (image outputs, markdown cells with math)} from the notebooks in _sources/."""
    out = {}
    for path in sorted(Path(site_dir, "_sources").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out[f"{path.stem}.html"] = (expected_images(nb), math_cells(nb))
    return out


def check(
    site_dir=DEFAULT_OUT,
    *,
    screenshots=DEFAULT_SCREENSHOTS,
    chromium=DEFAULT_CHROMIUM,
    timeout_s=60,
):
    """Open every page of the site in headless Chromium with the network off; list what failed.

    Returns:
        (results, outside): one :class:`PageResult` per page, and every request
        to another host that was aborted.
    """
    from playwright.sync_api import sync_playwright

    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise SiteError(
            f"{site_dir}/index.html not found: build the site first "
            "(`python tools/site.py build --from DIR --out SITE`)."
        )
    own_browser = chromium == "playwright"  # the browser `playwright install chromium` fetched
    if not own_browser and not Path(chromium).is_file():
        raise SiteError(
            f"no Chromium at {chromium}: `apt-get install -y chromium` (Debian/Ubuntu), "
            "or pass --chromium PATH (or `--chromium playwright` after "
            "`python -m playwright install chromium`)."
        )
    expect = notebook_expectations(site_dir)
    missing_pages = [p for p in expect if not (site_dir / p).is_file()]
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob("*.html"))
    pages.remove("index.html")
    pages.insert(0, "index.html")
    results, outside = [], []
    with serve(site_dir) as base, sync_playwright() as pw:
        host = urllib.parse.urlsplit(base).netloc
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        where = {} if own_browser else {"executable_path": str(chromium)}
        browser = pw.chromium.launch(headless=True, args=args, **where)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        current = {}

        def route(r):
            url = r.request.url
            if url.startswith(("data:", "blob:")) or urllib.parse.urlsplit(url).netloc == host:
                r.continue_()
            else:
                outside.append((current.get("page"), url))
                current["result"].outside_requests += 1
                current["result"].errors.append(f"request to another host (aborted): {url}")
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)

        def on_console(msg):
            if msg.type == "error":
                current["result"].console_errors += 1
                where = (msg.location or {}).get("url", "")
                current["result"].errors.append(f"console error: {msg.text[:200]} ({where})")

        def on_pageerror(err):
            current["result"].console_errors += 1
            current["result"].errors.append(f"page error: {str(err)[:200]}")

        def on_failed(req):
            if urllib.parse.urlsplit(req.url).netloc == host:
                current["result"].failed_requests += 1
                current["result"].errors.append(f"request failed: {req.url} ({req.failure})")

        def on_response(resp):
            if resp.status >= 400:
                current["result"].failed_requests += 1
                current["result"].errors.append(f"HTTP {resp.status}: {resp.url}")

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        base_path = urllib.parse.urlsplit(base).path
        for name in pages:
            result = PageResult(name)
            current.update(page=name, result=result)
            page.goto(base + name, wait_until="load")
            with contextlib.suppress(Exception):
                page.wait_for_load_state("networkidle", timeout=10_000)
            state = page.evaluate(_PAGE_STATE_JS)
            imgs = [i for i in state["images"] if i["output"]]
            result.images_loaded = sum(1 for i in imgs if i["ok"])
            result.images_total = sum(1 for i in state["images"] if i["ok"])
            for i in state["images"]:
                if not i["ok"]:
                    result.errors.append(f"image not shown: {i['src'][:120]}")
            n_img, n_math = expect.get(name, (0, 0))
            result.images_expected = n_img
            if result.images_loaded < n_img:
                result.errors.append(
                    f"{result.images_loaded} figures shown, the notebook has {n_img}"
                )
            result.math_elements, result.math_rendered = state["math"], state["mathRendered"]
            if n_math and state["containers"] == 0:
                result.errors.append(f"the notebook has math in {n_math} cells; none rendered")
            if result.math_rendered < result.math_elements:
                result.errors.append(
                    f"{result.math_elements - result.math_rendered} of "
                    f"{result.math_elements} math elements not typeset"
                )
            if state["mathErrors"]:
                result.errors.append(f"{state['mathErrors']} MathJax errors")
            for raw in state["raw"]:
                result.errors.append(f"raw TeX left in the text: {raw}")
            for href in dict.fromkeys(state["links"]):
                parts = urllib.parse.urlsplit(href)
                if parts.scheme not in ("http", "https") or parts.netloc != host:
                    continue
                result.internal_links += 1
                problem = link_problem(site_dir, href, base_path)
                if problem:
                    result.broken_links += 1
                    result.errors.append(f"broken link {href[len(base) - 1 :]}: {problem}")
            results.append(result)
        for name in missing_pages:
            results.append(PageResult(name, errors=["the notebook has no page"]))
        shots = PageResult("(screenshots)")
        current.update(page=shots.page, result=shots)
        _screenshots(page, base, results, expect, Path(screenshots))
        if shots.errors:
            results.append(shots)
        browser.close()
    return results, outside


def _screenshots(page, base, results, expect, folder):
    """The home page, and a notebook page scrolled to a figure with math above it."""
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(base + "index.html", wait_until="load")
    page.screenshot(path=str(folder / "home.png"), full_page=True)
    candidates = [r.page for r in results if expect.get(r.page, (0, 0))[0] and r.math_rendered]
    preferred = [p for p in candidates if p.startswith(("04_", "08_"))] + candidates
    if not preferred:
        return
    name = preferred[0]
    page.goto(base + name, wait_until="load")
    page.evaluate(_PAGE_STATE_JS)
    page.evaluate("""() => {
      const imgs = Array.from(document.querySelectorAll('.cell_output img, .output img'));
      const maths = Array.from(document.querySelectorAll('mjx-container'));
      const top = el => el.getBoundingClientRect().top + window.scrollY;
      for (const img of imgs) {
        const t = top(img);
        const m = maths.find(x => top(x) > t - 600 && top(x) < t);
        if (m) { window.scrollTo(0, top(m) - 80); return; }
      }
      if (imgs.length) window.scrollTo(0, top(imgs[0]) - 300);
    }""")
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / f"{Path(name).stem}.png"))


def print_summary(results, outside):
    """One line per page, then what failed; returns True when nothing failed."""
    head = (
        f"{'page':28} {'ok':>4} {'console':>7} {'failed':>6} {'outside':>7} {'images':>6} "
        f"{'figures':>7} {'math':>9} {'links':>5} {'broken':>6}"
    )
    print(head)
    print(
        "(images: <img> shown on the page; figures: notebook outputs shown/in the notebook; "
        "math: typeset/math elements; links: internal links checked)"
    )
    for r in results:
        figures = (
            f"{r.images_loaded}/{r.images_expected}" if r.images_expected else str(r.images_loaded)
        )
        math = f"{r.math_rendered}/{r.math_elements}"
        print(
            f"{r.page:28} {'ok' if r.ok else 'FAIL':>4} {r.console_errors:>7} {r.failed_requests:>6} "
            f"{r.outside_requests:>7} {r.images_total:>6} {figures:>7} {math:>9} {r.internal_links:>5} "
            f"{r.broken_links:>6}"
        )
    bad = [r for r in results if not r.ok]
    for r in bad:
        print(f"\n{r.page}:")
        for e in r.errors[:20]:
            print(f"  - {e}")
        if len(r.errors) > 20:
            print(f"  ... and {len(r.errors) - 20} more")
    total_imgs = sum(r.images_loaded for r in results)
    total_math = sum(r.math_rendered for r in results)
    print(
        f"\n== {len(results)} pages, {len(results) - len(bad)} clean; {total_imgs} figures shown; "
        f"{total_math} math elements typeset; {len(outside)} requests to other hosts blocked; "
        f"{sum(r.broken_links for r in results)} broken internal links"
    )
    return not bad


# --------------------------------------------------------------------------- command line
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python tools/site.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site from a course run (no execution)")
    b.add_argument(
        "--from",
        dest="run_dir",
        default=DEFAULT_FROM,
        metavar="DIR",
        help=f"the folder `python -m rnncourse run --output DIR` wrote (default {DEFAULT_FROM})",
    )
    b.add_argument("--out", default=DEFAULT_OUT, help=f"the site's folder (default {DEFAULT_OUT})")
    b.add_argument(
        "--src", default=DEFAULT_SRC, help=f"the Sphinx source folder (default {DEFAULT_SRC})"
    )
    b.add_argument(
        "--mathjax",
        default=None,
        metavar="DIR",
        help=f"the npm package mathjax@3 (default: {DEFAULT_TOOLS}/node_modules/mathjax, "
        "installed with npm when absent)",
    )
    b.add_argument("--quiet", "-q", action="store_true", help="only Sphinx's warnings and errors")
    c = sub.add_parser("check", help="open every page in headless Chromium with the network off")
    c.add_argument(
        "site", nargs="?", default=DEFAULT_OUT, help=f"the built site (default {DEFAULT_OUT})"
    )
    c.add_argument(
        "--screenshots",
        default=DEFAULT_SCREENSHOTS,
        metavar="DIR",
        help=f"where the two screenshots go (default {DEFAULT_SCREENSHOTS})",
    )
    c.add_argument(
        "--chromium",
        default=DEFAULT_CHROMIUM,
        help=f"the browser (default {DEFAULT_CHROMIUM}); `playwright`: the one "
        "`python -m playwright install chromium` fetched",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.run_dir, args.out, src_dir=args.src, mathjax=args.mathjax, quiet=args.quiet)
            return 0
        start = time.perf_counter()
        results, outside = check(args.site, screenshots=args.screenshots, chromium=args.chromium)
        ok = print_summary(results, outside)
        print(
            f"== check {'passed' if ok else 'FAILED'} after {time.perf_counter() - start:.1f} s; "
            f"screenshots in {args.screenshots}/"
        )
        return 0 if ok else 1
    except SiteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
