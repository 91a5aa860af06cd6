"""Rehearse notebooks as Colab runs them: Colab's packages, the notebook alone, the real install.

For each notebook named, this script checks the two things a learner on Colab
meets first: the setup cell's install line must not upgrade or downgrade any
package Colab ships, and then every cell must run. It builds, once per run:

1. a fresh virtual environment on Colab's Python minor version (the ``# Python:``
   line of ``tools/colab-constraints.txt``; 3.13 today), found as ``python3.13``
   on PATH, else pyenv's 3.13, or given with ``--python``;
2. Colab's packages in it, pinned by ``tools/colab-constraints.txt`` (Colab's
   published pip freeze): pip, the kernel (ipython, ipykernel, jupyter_client,
   nbclient, nbformat), the libraries the notebooks import (tensorflow, keras,
   numpy, matplotlib, pandas, packaging), and every other package Colab ships
   that the course's install would pull in (found by a ``pip install --dry-run``
   of the install line), each at Colab's version, as they lie on Colab before a
   learner runs the first cell. The course itself is not installed;
3. a clone of this repository's COMMITTED HEAD (``git clone --no-local``), with
   the release tag (``v<version>``, from ``tools/colab.py``) set at HEAD, and a
   scratch git configuration whose ``url.<clone>.insteadOf`` sends
   ``https://github.com/<org>/<repo>`` to the clone, so the notebook's own,
   unchanged ``%pip install ... git+https://github.com/...@v<version>`` line
   installs this commit without reaching GitHub;
4. a stand-in ``google.colab`` package, imported at kernel start by an IPython
   startup file, so ``"google.colab" in sys.modules`` is true in the first cell
   and the notebook takes its Colab branch.

Then each notebook is copied alone into an empty folder (no repository, no
data sets) and executed there with nbclient on that environment's kernel; an
error is recorded and the next cell still runs. Before and after, ``pip freeze``
of the environment is compared: every package whose version changed is a
failure, every package added is listed, and every installed package that Colab
ships must still have Colab's version. The report is printed, and written as
JSON (``build/colab-rehearsal/NN.json``, beside the executed notebook).
Notebooks after the first run in the same environment: their install line must
be a no-op. The exit status is 1 when anything changed or a cell failed.

The script itself needs only the standard library (Python 3.11+), so CI can
run it with a bare ``actions/setup-python``.

Usage, from the repository root::

    python tools/colab_rehearsal.py 01 09               # rehearse notebooks 01 and 09
    python tools/colab_rehearsal.py 01 --python /usr/bin/python3.13 --keep
    python tools/colab_rehearsal.py refresh pip-freeze.txt --os-info os-info.txt \\
        --source "github.com/googlecolab/backend-info, commit <sha>" --date YYYY-MM-DD

``refresh`` rewrites ``tools/colab-constraints.txt`` from a newer freeze of
github.com/googlecolab/backend-info (its ``pip-freeze.txt`` and ``os-info.txt``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import colab as colab_tools  # tools/colab.py, beside this script: the release and the setup cell's install lines

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "tools" / "colab-constraints.txt"
OUTPUT = ROOT / "build" / "colab-rehearsal"

#: What the course and the kernel need from Colab's packages (always at Colab's version).
COLAB_BASE = (
    "tensorflow",
    "keras",
    "numpy",
    "matplotlib",
    "pandas",
    "packaging",
    "ipython",
    "ipykernel",
    "jupyter_client",
    "nbclient",
    "nbformat",
)
KERNEL_NAME = "colab-rehearsal"
_PYTHON_LINE = re.compile(r"^#\s*Python:\s*(\d+\.\d+)(\.\d+)?\s*$", re.MULTILINE)


# ---------------------------------------------------------------- freezes and constraints


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): ``Jupyter_Client`` -> ``jupyter-client``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text: str, urls: bool = False) -> dict[str, tuple[str, str]]:
    """``pip freeze`` text -> {canonical name: (name, version)}, for its ``name==version`` lines.

    Comments, blank lines and editable (``-e``) lines are skipped; ``name @ url``
    lines too, unless ``urls``: then their version is ``"@ url"``.
    """
    pins = {}
    for number, line in enumerate(text.splitlines(), 1):
        if " @ " in line and urls:
            name, url = line.split(" @ ", 1)
            pins[canonical(name)] = (name.strip(), "@ " + url.strip())
            continue
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-e ") or " @ " in line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name.strip()):
            raise ValueError(f"line {number}: {line!r} is not name==version (nor name @ url)")
        pins[canonical(name)] = (name.strip(), version.strip())
    return pins


def url_requirements(text: str) -> list[str]:
    """The names of a freeze's ``name @ url`` lines (not expressible as constraints)."""
    return [line.split(" @ ", 1)[0].strip() for line in text.splitlines() if " @ " in line]


def make_constraints(freeze: str, *, source: str, date: str, python: str) -> str:
    """A constraints file from Colab's ``pip freeze`` text: a header, then its ``name==version`` lines."""
    pins = parse_freeze(freeze)
    dropped = url_requirements(freeze)
    header = f"""\
        # Colab's package versions: the constraints of the Colab rehearsal (tools/colab_rehearsal.py).
        # Source: {source} ({date}): pip-freeze.txt, Colab's default CPU runtime.
        # Python: {python}
        # Kept: the {len(pins)} name==version lines, sorted. Dropped: the {len(dropped)} "name @ url" lines,
        # which a constraints file cannot pin (Colab installs them from a URL):
        #   {", ".join(dropped) or "none"}
        # Refresh (when github.com/googlecolab/backend-info publishes a newer freeze): download its
        # pip-freeze.txt and os-info.txt, then, from the repository root:
        #   python tools/colab_rehearsal.py refresh pip-freeze.txt --os-info os-info.txt \\
        #       --source "github.com/googlecolab/backend-info, commit <sha>" --date YYYY-MM-DD
        """
    lines = [
        f"{name}=={version}"
        for name, version in sorted(pins.values(), key=lambda p: canonical(p[0]))
    ]
    return textwrap.dedent(header) + "\n".join(lines) + "\n"


def read_constraints(path: Path = CONSTRAINTS) -> tuple[dict[str, tuple[str, str]], str]:
    """The pins of a constraints file and the Python version of its ``# Python:`` line."""
    text = Path(path).read_text(encoding="utf-8")
    match = _PYTHON_LINE.search(text)
    if not match:
        raise SystemExit(
            f"{path}: no '# Python: X.Y.Z' line saying which Python Colab runs; "
            "regenerate it with `python tools/colab_rehearsal.py refresh ...`."
        )
    return parse_freeze(text), match.group(1) + (match.group(2) or "")


def python_of_os_info(text: str) -> str:
    """Colab's Python version from backend-info's ``os-info.txt`` (a ``Python 3.13.15`` line)."""
    match = re.search(r"^Python (\d+\.\d+\.\d+)\s*$", text, re.MULTILINE)
    if not match:
        raise SystemExit("os-info.txt has no 'Python X.Y.Z' line; pass --python-version instead.")
    return match.group(1)


# ---------------------------------------------------------------- comparing freezes


@dataclass(frozen=True)
class Change:
    name: str
    before: str
    after: str

    @property
    def direction(self) -> str:
        return "upgraded" if version_key(self.after) > version_key(self.before) else "downgraded"

    def __str__(self) -> str:
        return f"{self.name} {self.before} -> {self.after} ({self.direction})"


@dataclass
class FreezeDiff:
    changed: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # name==version
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing that was there changed or went away (additions are fine)."""
        return not self.changed and not self.removed


def version_key(version: str):
    """Order versions: packaging's rules when importable, else numbers before the rest."""
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:
        pass
    else:
        try:
            return (0, Version(version))
        except InvalidVersion:
            pass
    parts = re.findall(r"\d+|[a-z]+", version.lower())
    return (1, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts))


def pin(name: str, version: str) -> str:
    """``name==version``, or ``name @ url`` for a package installed from a URL."""
    return f"{name} {version}" if version.startswith("@ ") else f"{name}=={version}"


def diff_freeze(before: dict, after: dict) -> FreezeDiff:
    """What changed from one ``parse_freeze`` result to another."""
    diff = FreezeDiff()
    for key, (name, version) in sorted(after.items()):
        if key not in before:
            diff.added.append(pin(name, version))
        elif before[key][1] != version:
            diff.changed.append(Change(name, before[key][1], version))
    diff.removed = [pin(n, v) for k, (n, v) in sorted(before.items()) if k not in after]
    return diff


def colab_mismatches(installed: dict, colab: dict) -> list[Change]:
    """Installed packages that Colab ships at another version (before: Colab's, after: installed)."""
    return [
        Change(name, colab[key][1], version)
        for key, (name, version) in sorted(installed.items())
        if key in colab and colab[key][1] != version
    ]


# ---------------------------------------------------------------- the pieces of the rehearsal


def find_python(explicit: str | None, minor: str) -> tuple[str, str]:
    """A Python interpreter of version ``minor`` (e.g. "3.13"): (path, full version)."""
    candidates = [explicit] if explicit else []
    if not explicit:
        candidates.append(shutil.which(f"python{minor}"))
        pyenv = shutil.which("pyenv")
        if pyenv:
            root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
            versions = sorted(
                Path(root, "versions").glob(f"{minor}.*"), key=lambda p: version_key(p.name)
            )
            candidates += [str(v / "bin" / "python") for v in reversed(versions)]
    tried = []
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except OSError as exc:
            tried.append(f"{candidate}: {exc.strerror}")
            continue
        version = found.stdout.strip()
        if found.returncode == 0 and version.rsplit(".", 1)[0] == minor:
            path = subprocess.run(
                [candidate, "-c", "import sys; print(sys.executable)"],
                capture_output=True,
                text=True,
            ).stdout.strip()
            return path, version
        tried.append(
            f"{candidate}: " + (f"Python {version}" if found.returncode == 0 else "does not run")
        )
    raise SystemExit(
        f"No Python {minor} found (Colab runs Python {minor}; see the '# Python:' line of "
        f"{CONSTRAINTS.relative_to(ROOT)}). Tried: {'; '.join(tried) or 'nothing on PATH or in pyenv'}. "
        f"Install one (pyenv install {minor}, or actions/setup-python with python-version "
        f"'{minor}') and pass it with --python PATH."
    )


def write_colab_stub(folder: Path) -> dict[str, str]:
    """A stand-in ``google.colab`` and an IPython startup file importing it, as on Colab.

    Returns the environment variables (PYTHONPATH, IPYTHONDIR) that make a kernel
    start with ``"google.colab" in sys.modules``. There is no ``google/__init__.py``:
    ``google`` stays a namespace package, shared with protobuf's ``google.protobuf``.
    """
    package = folder / "pythonpath" / "google" / "colab"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(
        '"""Stand-in for Colab\'s google.colab (tools/colab_rehearsal.py): its import marks Colab."""\n',
        encoding="utf-8",
    )
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-google-colab.py").write_text(
        "import google.colab  # noqa: F401  (Colab's kernel imports it at start)\n",
        encoding="utf-8",
    )
    return {"PYTHONPATH": str(folder / "pythonpath"), "IPYTHONDIR": str(folder / "ipython")}


def write_git_config(path: Path, clone: Path, repository: str) -> dict[str, str]:
    """A git configuration sending ``repository`` to ``clone``; returns the variables that select it."""
    Path(path).write_text(
        f'[url "file://{Path(clone).resolve()}"]\n\tinsteadOf = {repository}\n', encoding="utf-8"
    )
    return {"GIT_CONFIG_GLOBAL": str(path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def install_lines(notebook: Path) -> list[str]:
    """The ``%pip install`` lines of a notebook's setup cell (its first code cell), as written."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    setup = next((c for c in nb["cells"] if c["cell_type"] == "code"), None)
    if setup is None:
        return []
    source = setup["source"] if isinstance(setup["source"], str) else "".join(setup["source"])
    return colab_tools.install_lines(source)


def requirements_of(line: str) -> list[str]:
    """The requirements a ``%pip install`` line names (its arguments that are not options)."""
    return [arg for arg in shlex.split(line)[2:] if not arg.startswith("-")]


def git(*args: str, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.rstrip()


def resolve_notebook(number: str, notebooks: Path) -> Path:
    found = sorted(notebooks.glob(f"{number}_*.ipynb")) if re.fullmatch(r"\d\d", number) else []
    if len(found) != 1:
        names = ", ".join(p.name[:2] for p in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")))
        raise SystemExit(f"no notebook {number!r} in {notebooks}; name one by its number: {names}")
    return found[0]


class Venv:
    """A virtual environment and the commands run in it."""

    def __init__(self, path: Path, env: dict[str, str]):
        self.path = Path(path)
        self.python = str(self.path / "bin" / "python")
        self.env = env

    def run(self, *args: str, what: str, env: dict | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [self.python, *args], env=env or self.env, capture_output=True, text=True
        )
        if done.returncode:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
            raise SystemExit(f"{what} failed (exit {done.returncode}):\n{tail}")
        return done

    def pip(self, *args: str, what: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return self.run("-m", "pip", *args, "--disable-pip-version-check", what=what, env=env)

    def freeze_text(self) -> str:
        return self.pip("freeze", "--all", what="pip freeze").stdout

    def freeze(self) -> dict[str, tuple[str, str]]:
        return parse_freeze(self.freeze_text(), urls=True)


def clean_env(venv: Path) -> dict[str, str]:
    """This process's environment without another environment's Python settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV", "PIP_USER"}
        and not k.startswith(("JUPYTER_", "IPYTHON"))
    }
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONNOUSERSITE"] = "1"
    return env


_REQUIRED_BY = """\
import json, sys
from importlib.metadata import distributions
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
wanted = json.loads(sys.argv[1])  # {canonical name: Colab's version}
found = []
for dist in distributions():
    for text in dist.requires or []:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if name in wanted and (req.marker is None or req.marker.evaluate({"extra": ""})):
            if not req.specifier.contains(wanted[name], prereleases=True):
                found.append(f"{dist.metadata['Name']} {dist.version} requires {req.name}{req.specifier}")
print(json.dumps(sorted(set(found))))
"""


_DEPENDENCIES = """\
import json, sys
from importlib.metadata import PackageNotFoundError, distribution
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
todo, seen = [canonicalize_name(n) for n in json.loads(sys.argv[1])], set()
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    try:
        requires = distribution(name).requires or []
    except PackageNotFoundError:
        continue
    for text in requires:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            todo.append(canonicalize_name(req.name))
print(json.dumps(sorted(seen)))
"""


def dependencies_of(venv: Venv, names) -> set[str]:
    """The installed packages ``names`` need, themselves included (canonical names)."""
    done = venv.run("-c", _DEPENDENCIES, json.dumps(list(names)), what="listing dependencies")
    return set(json.loads(done.stdout))


def required_by(venv: Venv, changes: list[Change]) -> list[str]:
    """Which installed packages ask for a version of a Colab package that excludes Colab's."""
    wanted = {canonical(c.name): c.before for c in changes}
    done = venv.run("-c", _REQUIRED_BY, json.dumps(wanted), what="finding who requires what")
    return json.loads(done.stdout)


# ---------------------------------------------------------------- executing one notebook (in the venv)


def execute(notebook: Path, kernel: str, timeout: int, result: Path) -> None:
    """Run every code cell of ``notebook`` on ``kernel``, record each outcome, keep going on errors.

    This runs under the rehearsal environment's Python (its nbclient and nbformat).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        allow_errors=True,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    cells, started = [], time.monotonic()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            begin, error = time.monotonic(), None
            try:
                client.execute_cell(cell, index)
            except DeadKernelError as exc:
                error = f"DeadKernelError: {exc}"
            except Exception as exc:  # a timeout, a lost kernel: record it and go on
                error = f"{type(exc).__name__}: {exc}"
            outputs = cell.get("outputs", [])
            for out in outputs:
                if out.get("output_type") == "error" and error is None:
                    error = f"{out['ename']}: {out['evalue']}"
            text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
            cells.append(
                {
                    "cell": len(cells) + 1,
                    "index": index,
                    "seconds": round(time.monotonic() - begin, 2),
                    "error": error,
                    "first_line": cell.source.strip().splitlines()[0]
                    if cell.source.strip()
                    else "",
                    "stream": text[-3000:],
                }
            )
            if error and error.startswith("DeadKernelError"):
                break
    total = sum(1 for c in nb.cells if c.cell_type == "code")
    nbformat.write(nb, result.with_suffix(".ipynb"))
    result.write_text(
        json.dumps(
            {
                "cells": cells,
                "cells_total": total,
                "seconds": round(time.monotonic() - started, 1),
            },
            indent=1,
        ),
        encoding="utf-8",
    )


# ---------------------------------------------------------------- the rehearsal


def rehearse(args: argparse.Namespace) -> int:
    started = time.monotonic()
    colab, colab_python = read_constraints(args.constraints)
    minor = ".".join(colab_python.split(".")[:2])
    python, python_version = find_python(args.python, minor)
    print(
        f"Colab rehearsal: Python {python_version} at {python} (Colab runs {colab_python}); "
        f"Colab's versions from {Path(args.constraints).name}"
    )

    dirty = git("status", "--porcelain", "--untracked-files=no", cwd=ROOT).splitlines()
    head = git("rev-parse", "HEAD", cwd=ROOT)
    print(
        f"rehearsing the COMMITTED HEAD {head[:7]} ({git('log', '-1', '--format=%s', cwd=ROOT)[:70]})"
    )
    if dirty:
        print(
            "WARNING: uncommitted changes to tracked files are NOT rehearsed (commit them first): "
            + ", ".join(line.split()[-1] for line in dirty)
        )

    if args.workdir and Path(args.workdir).exists() and any(Path(args.workdir).iterdir()):
        raise SystemExit(f"--workdir {args.workdir} is not empty: name a new or empty folder")
    scratch = Path(args.workdir or tempfile.mkdtemp(prefix="colab-rehearsal-")).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    output = Path(args.output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    try:
        return _rehearse(args, scratch, output, colab, python, python_version, head, started)
    finally:
        if args.keep:
            print(f"kept the scratch folder {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _rehearse(args, scratch, output, colab, python, python_version, head, started) -> int:
    clone = scratch / "clone"
    git("clone", "--quiet", "--no-local", str(ROOT), str(clone))
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", head, cwd=clone)
    notebooks = [resolve_notebook(n, clone / "notebooks") for n in args.notebooks]

    # The release, read from the clone's pyproject.toml; then the environment, as Colab has it
    # before the first cell, starting with Colab's pip.
    release = colab_tools.course_source(clone / "pyproject.toml")
    source = {
        "repository": release.repository,
        "tag": release.tag,
        "install_line": release.install_line,
    }
    venv_dir = scratch / "venv"
    t0 = time.monotonic()
    subprocess.run([python, "-m", "venv", str(venv_dir)], check=True)
    env = clean_env(venv_dir)
    venv = Venv(venv_dir, env)
    constrain = ["-c", str(Path(args.constraints).resolve())]
    if "pip" in colab:
        venv.pip("install", "-q", f"pip=={colab['pip'][1]}", what="installing Colab's pip")
    old_tag = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", f"refs/tags/{source['tag']}^{{commit}}"],
        cwd=clone,
        capture_output=True,
        text=True,
    ).stdout.strip()
    git("tag", "-f", source["tag"], "HEAD", cwd=clone)
    moved = f" (moved from {old_tag[:7]})" if old_tag and old_tag != head else ""
    print(
        f"clone: {clone}, tag {source['tag']} set at HEAD {head[:7]}{moved}; "
        f"{source['repository']} -> file://{clone} through git's insteadOf"
    )

    kernel_env = dict(env)
    kernel_env |= write_git_config(scratch / "gitconfig", clone, source["repository"])
    kernel_env |= write_colab_stub(scratch / "colab")
    jupyter = scratch / "jupyter"
    spec = jupyter / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [venv.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (Colab rehearsal)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    kernel_env |= {
        "JUPYTER_PATH": str(jupyter),
        "JUPYTER_DATA_DIR": str(jupyter),
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
    }

    # What the install lines would pull in (resolved, not installed): the Colab packages among
    # them join the environment at Colab's versions, as they lie on Colab.
    requirements = sorted(
        {r for nb in notebooks for line in install_lines(nb) for r in requirements_of(line)}
    )
    closure, t1 = set(), time.monotonic()
    if requirements:
        report = scratch / "dry-run.json"
        venv.pip(
            "install",
            "-q",
            "--dry-run",
            "--ignore-installed",
            "--report",
            str(report),
            *requirements,
            what="resolving what the install line pulls in",
            env=kernel_env,
        )
        closure = {
            canonical(p["metadata"]["name"]) for p in json.loads(report.read_text())["install"]
        }
    wanted = [colab[canonical(n)][0] for n in COLAB_BASE] + sorted(
        colab[k][0] for k in closure & colab.keys() - {canonical(n) for n in COLAB_BASE}
    )
    t2 = time.monotonic()
    venv.pip("install", "-q", *constrain, *wanted, what="installing Colab's packages")
    base = venv.freeze()
    t3 = time.monotonic()
    setup_seconds = round(t3 - t0, 1)
    steps = f"venv and pip {t1 - t0:.0f} s, dry run {t2 - t1:.0f} s, install {t3 - t2:.0f} s"
    extra = sorted(closure & base.keys() - dependencies_of(venv, COLAB_BASE))
    print(
        f"environment: {len(base)} packages at Colab's versions in {setup_seconds} s ({steps}): "
        f"{', '.join(COLAB_BASE)} and their dependencies"
        + (
            f", and {len(extra)} more that the install line pulls in: {', '.join(extra)}"
            if extra
            else ""
        )
    )

    context = Context(venv, colab, base, python, python_version, head, source)
    failed = []
    for number, notebook in zip(args.notebooks, notebooks, strict=True):
        folder = scratch / f"notebook-{number}"
        folder.mkdir()
        shutil.copy2(notebook, folder / notebook.name)
        before = venv.freeze()
        result = output / f"{notebook.stem}.run.json"
        done = subprocess.run(
            [
                venv.python,
                str(Path(__file__).resolve()),
                "_execute",
                str(folder / notebook.name),
                "--kernel",
                KERNEL_NAME,
                "--timeout",
                str(args.cell_timeout),
                "--result",
                str(result),
            ],
            env=kernel_env,
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"executing {notebook.name} failed:\n{done.stdout}{done.stderr}")
        run = json.loads(result.read_text(encoding="utf-8"))
        result.unlink()
        after = venv.freeze()
        report = notebook_report(
            notebook,
            run,
            before,
            after,
            context,
            left_over=sorted(p.name for p in folder.iterdir() if p.name != notebook.name),
        )
        (output / f"{number}.json").write_text(
            json.dumps(report, indent=1) + "\n", encoding="utf-8"
        )
        shutil.move(result.with_suffix(".ipynb"), output / notebook.name)
        print_report(report)
        if not report["passed"]:
            failed.append(number)
    print(
        f"\nColab rehearsal of {' '.join(args.notebooks)}: "
        f"{'FAILED: ' + ' '.join(failed) if failed else 'passed'} in {time.monotonic() - started:.0f} s "
        f"(environment {setup_seconds} s); reports in {output}"
    )
    return 1 if failed else 0


@dataclass
class Context:
    """What every notebook's report is measured against."""

    venv: Venv
    colab: dict  # Colab's pins
    base: dict  # the environment's freeze before the first notebook
    python: str
    python_version: str
    head: str
    source: dict  # course_source(): repository, tag, install_line


def notebook_report(notebook, run, before, after, context: Context, left_over) -> dict:
    venv, colab, source, head = context.venv, context.colab, context.source, context.head
    diff = diff_freeze(before, after)
    mismatches = colab_mismatches(after, colab)
    since_base = diff_freeze(context.base, after)
    cells = run["cells"]
    ran = [c for c in cells if not c["error"]]
    first_failure = next((c for c in cells if c["error"]), None)
    lines = install_lines(notebook)
    fixes = (
        [] if not (mismatches or diff.changed) else _fixes(venv, mismatches or diff.changed, colab)
    )
    if diff.removed:
        fixes.append(
            f"the install removed {', '.join(diff.removed)}: find out why (pip's log in the setup cell)"
        )
    if first_failure:
        fixes.append(
            f"code cell {first_failure['cell']} ({first_failure['first_line'][:60]!r}) failed with "
            f"{first_failure['error'][:300]}: make it run on Colab's versions "
            f"(the executed notebook with its traceback: {OUTPUT.name}/{notebook.name})"
        )
    if lines != [source["install_line"]]:
        fixes.append(
            f"the setup cell installs {lines}, not [{source['install_line']!r}]: "
            "run `python tools/colab.py sync`"
        )
    setup_cell = cells[0] if cells else {"seconds": None, "stream": ""}
    return {
        "notebook": notebook.name,
        "commit": head,
        "python": {"path": context.python, "version": context.python_version},
        "install_line": lines[0] if lines else None,
        "install_resolves_to": f"{source['repository']} -> the clone of {head[:7]}, tag {source['tag']}",
        "setup_cell_seconds": setup_cell["seconds"],
        "setup_cell_output": clean_output(setup_cell["stream"]),
        "changed": [str(c) for c in diff.changed],
        "removed": diff.removed,
        "added": diff.added,
        "added_since_colab": since_base.added,
        "colab_mismatches": [
            f"{c.name}: Colab ships {c.before}, installed {c.after}" for c in mismatches
        ],
        "colab_packages_checked": sum(1 for k in after if k in colab),
        "cells_ran": len(ran),
        "cells_total": run["cells_total"],
        "first_failure": first_failure,
        "cell_seconds": [c["seconds"] for c in cells],
        "notebook_seconds": run["seconds"],
        "files_left_in_folder": left_over,
        "fix": fixes,
        "passed": not (
            diff.changed
            or diff.removed
            or mismatches
            or first_failure
            or len(ran) != run["cells_total"]
            or lines != [source["install_line"]]
        ),
    }


def _fixes(venv: Venv, changes: list[Change], colab: dict) -> list[str]:
    """For each Colab package the install moved: which requirement moved it, and what to change."""
    whys = required_by(venv, changes)  # "ipython 9.1 requires traitlets>=5.13.0"
    moved = {canonical(c.name) for c in changes}
    fixes = []
    for change in changes:
        key = canonical(change.name)
        shipped = colab.get(key, (change.name, change.before))[1]
        mine = [
            w
            for w in whys
            if canonical(re.split(r"[\s<>=!~\[]", w.split(" requires ", 1)[1])[0]) == key
        ]
        if not mine:
            fixes.append(
                f"{change}, although nothing installed excludes Colab's {shipped}: "
                "see pip's output in the setup cell"
            )
        for why in mine:
            requirer = why.split()[0]
            if canonical(requirer) == "rnncourse":
                todo = f"lower the floor in pyproject.toml's dependencies so it admits {shipped}"
            elif canonical(requirer) in moved:
                todo = f"follows from moving {requirer} (fix that first)"
            else:
                todo = f"{requirer} is new here: require a version of it that admits {shipped}, or drop it"
            fixes.append(f"{why}, but Colab ships {change.name} {shipped}: {todo}")
    return fixes


def clean_output(text: str) -> str:
    """A cell's printed text without colour codes and this machine's pip index warnings."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r\n", "\n")
    return re.sub(r"^WARNING: Location 'file:.*is ignored.*\n?", "", text, flags=re.MULTILINE)


def print_report(r: dict) -> None:
    first = r["first_failure"]
    printed = r["setup_cell_output"].strip().splitlines()
    print(f"\n== {r['notebook']}: {'PASS' if r['passed'] else 'FAIL'}")
    print(f"python:        {r['python']['version']} ({r['python']['path']})")
    print(f"install line:  {r['install_line']}")
    print(f"               resolved: {r['install_resolves_to']}")
    print(
        f"setup cell:    {r['setup_cell_seconds']} s (the install, then the imports and setup()); "
        f"printed: {printed[-1] if printed else 'nothing'}"
    )
    print(
        f"changed:       {', '.join(r['changed'] + ['removed ' + p for p in r['removed']]) or 'none'}"
    )
    print(f"added:         {', '.join(r['added']) or 'none'}")
    if r["added"] != r["added_since_colab"]:
        print(
            f"               (on top of Colab's packages since the start: "
            f"{', '.join(r['added_since_colab']) or 'none'})"
        )
    mismatches = r["colab_mismatches"]
    print(
        f"Colab's versions: {r['colab_packages_checked'] - len(mismatches)} of the "
        f"{r['colab_packages_checked']} installed packages that Colab ships have Colab's version"
        + (f"; differ: {'; '.join(mismatches)}" if mismatches else "")
    )
    print(
        f"cells:         {r['cells_ran']}/{r['cells_total']} code cells ran"
        + (f"; first failure: cell {first['cell']}: {first['error'][:200]}" if first else "")
    )
    print(f"notebook:      {r['notebook_seconds']} s (kernel start to last cell)")
    for fix in r["fix"]:
        print(f"FIX: {fix}")


# ---------------------------------------------------------------- command line


def refresh(args: argparse.Namespace) -> int:
    freeze = Path(args.freeze).read_text(encoding="utf-8")
    if args.python_version:
        python = args.python_version
    elif args.os_info:
        python = python_of_os_info(Path(args.os_info).read_text(encoding="utf-8"))
    else:
        raise SystemExit(
            "say which Python the freeze is from: --os-info os-info.txt or --python-version X.Y.Z"
        )
    text = make_constraints(freeze, source=args.source, date=args.date, python=python)
    Path(args.output).write_text(text, encoding="utf-8")
    print(
        f"wrote {args.output}: {len(parse_freeze(text))} pins, Python {python}, {args.source} ({args.date})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["refresh"]:
        parser = argparse.ArgumentParser(
            prog="colab_rehearsal.py refresh",
            description="Rewrite the constraints from Colab's pip freeze.",
        )
        parser.add_argument("freeze", help="pip-freeze.txt of github.com/googlecolab/backend-info")
        parser.add_argument(
            "--os-info", help="os-info.txt of the same commit (gives the Python version)"
        )
        parser.add_argument(
            "--python-version", help="Colab's Python, e.g. 3.13.15 (instead of --os-info)"
        )
        parser.add_argument(
            "--source",
            required=True,
            help='e.g. "github.com/googlecolab/backend-info, commit a724079"',
        )
        parser.add_argument("--date", required=True, help="the date of that commit, YYYY-MM-DD")
        parser.add_argument("--output", default=str(CONSTRAINTS))
        return refresh(parser.parse_args(argv[1:]))
    if argv[:1] == ["_execute"]:  # internal: runs under the rehearsal environment's Python
        parser = argparse.ArgumentParser(prog="colab_rehearsal.py _execute")
        parser.add_argument("notebook", type=Path)
        parser.add_argument("--kernel", required=True)
        parser.add_argument("--timeout", type=int, required=True)
        parser.add_argument("--result", type=Path, required=True)
        args = parser.parse_args(argv[1:])
        execute(args.notebook, args.kernel, args.timeout, args.result)
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Also: `colab_rehearsal.py refresh FREEZE ...` rewrites the constraints (see --help there).",
    )
    parser.add_argument("notebooks", nargs="+", metavar="NN", help="notebook numbers, e.g. 01 09")
    parser.add_argument(
        "--python",
        help="a Python of Colab's minor version (default: python3.13 on PATH, else pyenv's)",
    )
    parser.add_argument(
        "--constraints", default=str(CONSTRAINTS), help="Colab's versions (default: %(default)s)"
    )
    parser.add_argument(
        "--output",
        default=str(OUTPUT),
        help="reports and executed notebooks (default: %(default)s)",
    )
    parser.add_argument(
        "--cell-timeout", type=int, default=900, help="seconds per cell (default: %(default)s)"
    )
    parser.add_argument("--workdir", help="scratch folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (venv, clone)")
    return rehearse(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
