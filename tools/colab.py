"""Where Colab gets the course: one source for the repository and the release.

The repository URL (``[project.urls] Repository`` in pyproject.toml) and the
version (``[project] version``) are the only place either is written. From them
come, for every notebook:

- the Colab badge: ``https://colab.research.google.com/github/<org>/<repo>/blob/v<version>/notebooks/<file>``
- the install line of the setup cell, run on Colab only:
  ``%pip install -q "rnncourse @ git+https://github.com/<org>/<repo>@v<version>"``

Both name the same tag, so the notebook a learner opens and the package it
installs are the same release, and no unpinned name from a package index is
ever installed (whoever registered ``rnncourse`` there would otherwise run code
in every learner's session). ``tests/test_colab_links.py`` checks every
notebook and the README against this source.

Usage, from the repository root, after changing the URL or the version::

    python tools/colab.py sync     # rewrite the badges and install lines
    python tools/colab.py show     # print the URL, the tag and the install line
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
BADGE_SVG = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_GUARD = 'if "google.colab" in sys.modules:'

_BADGE = re.compile(r"\(https://colab\.research\.google\.com/github/[^)\s]+\)")
_INSTALL = re.compile(r"^(\s*)%pip install\b.*$", re.MULTILINE)
_README_URL = re.compile(r"https://colab\.research\.google\.com/github/[^\s`)]+")


@dataclass(frozen=True)
class CourseSource:
    """The repository and release every notebook installs from."""

    repository: str  # https://github.com/<org>/<repo>
    version: str  # 0.1.0

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def github_path(self) -> str:
        """``<org>/<repo>``."""
        return self.repository.removeprefix("https://github.com/")

    @property
    def requirement(self) -> str:
        return f"rnncourse @ git+{self.repository}@{self.tag}"

    @property
    def install_line(self) -> str:
        return f'%pip install -q "{self.requirement}"'

    def badge_url(self, notebook: str) -> str:
        return (
            f"https://colab.research.google.com/github/{self.github_path}"
            f"/blob/{self.tag}/notebooks/{notebook}"
        )


def course_source(pyproject: Path = ROOT / "pyproject.toml") -> CourseSource:
    """Read the repository URL and the version from ``pyproject.toml``."""
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    try:
        repository = project["urls"]["Repository"].rstrip("/")
    except KeyError:
        raise SystemExit(
            f"{pyproject}: [project.urls] has no 'Repository' entry; add "
            'Repository = "https://github.com/<org>/<repo>".'
        ) from None
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository):
        raise SystemExit(
            f"{pyproject}: [project.urls] Repository = {repository!r} is not a "
            "https://github.com/<org>/<repo> URL, which Colab's badge and git install need."
        )
    return CourseSource(repository=repository, version=project["version"])


def notebook_paths(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def first_code_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


def install_lines(setup_source: str) -> list[str]:
    """The ``%pip install`` lines of a setup cell's source, as written (stripped)."""
    return [m.group(0).strip() for m in _INSTALL.finditer(setup_source)]


def problems(path: Path, source: CourseSource) -> list[str]:
    """What in one notebook disagrees with ``source`` (empty when all agrees)."""
    import nbformat  # here, not at the top: the Colab rehearsal imports this module without it

    nb = nbformat.read(path, as_version=4)
    found = []
    badge = f"[![Open In Colab]({BADGE_SVG})]({source.badge_url(path.name)})"
    if badge not in nb.cells[0].source:
        found.append(f"{path.name}: the first cell's badge is not {badge}")
    setup = first_code_cell(nb).source
    installs = install_lines(setup)
    if installs != [source.install_line]:
        found.append(
            f"{path.name}: the setup cell installs {installs or 'nothing'}; "
            f"expected exactly [{source.install_line!r}]"
        )
    elif COLAB_GUARD not in setup.split(source.install_line)[0]:
        found.append(f"{path.name}: the install line is not guarded by `{COLAB_GUARD}`")
    return found


def readme_problems(readme: Path, source: CourseSource) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    urls = _README_URL.findall(text)
    if not urls:
        return [f"{readme.name}: no Colab URL"]
    prefix = f"https://colab.research.google.com/github/{source.github_path}/blob/{source.tag}/"
    return [
        f"{readme.name}: {u} does not start with {prefix}" for u in urls if not u.startswith(prefix)
    ]


def sync(root: Path = ROOT) -> list[Path]:
    """Rewrite every notebook's badge and install line (and the README's Colab URLs)."""
    import nbformat

    source = course_source(root / "pyproject.toml")
    changed = []
    for path in notebook_paths(root):
        nb = nbformat.read(path, as_version=4)
        first, setup = nb.cells[0], first_code_cell(nb)
        new_first = _BADGE.sub(f"({source.badge_url(path.name)})", first.source, count=1)
        new_setup = _INSTALL.sub(lambda m: m.group(1) + source.install_line, setup.source, count=1)
        if (new_first, new_setup) != (first.source, setup.source):
            first.source, setup.source = new_first, new_setup
            nbformat.write(nb, path)
            changed.append(path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    prefix = f"https://colab.research.google.com/github/{source.github_path}/blob/{source.tag}/"
    new = re.sub(
        r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[^/\s]+/", prefix, text
    )
    if new != text:
        readme.write_text(new, encoding="utf-8")
        changed.append(readme)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["show", "sync"])
    args = parser.parse_args(argv)
    source = course_source()
    if args.command == "show":
        print(f"repository:   {source.repository}\ntag:          {source.tag}")
        print(f"install line: {source.install_line}")
        return 0
    changed = sync()
    print("\n".join(f"updated {p.relative_to(ROOT)}" for p in changed) or "all up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
