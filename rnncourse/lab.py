"""Where the course's notebooks are, and ``python -m rnncourse lab``, which opens them in JupyterLab."""

import argparse
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rnncourse.session import QUIET_ENV

__all__ = ["main", "notebooks_dir"]


def notebooks_dir():
    """The ``notebooks/`` folder of a clone, or ``None`` for a wheel install."""
    candidate = Path(__file__).resolve().parent.parent / "notebooks"
    return candidate if candidate.is_dir() else None


def main(argv=None):
    """Open JupyterLab on the notebooks folder (adds ``--allow-root`` when run as root).

    Every argument this command does not know goes on to ``jupyter lab``
    (e.g. ``--no-browser``). TensorFlow's quiet settings are passed to the
    kernels unless the environment already sets them.
    """
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse lab", description="Open the course notebooks in JupyterLab."
    )
    _, extra = parser.parse_known_args(argv)
    nb = notebooks_dir()
    if nb is None:
        print(
            "notebooks/ not found: clone the course repository, then run this inside it.",
            file=sys.stderr,
        )
        return 1
    try:
        importlib.import_module("jupyterlab")
    except ImportError:
        print('JupyterLab is not installed: run `pip install -e ".[lab]"`.', file=sys.stderr)
        return 1
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={nb}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in QUIET_ENV.items()}}
    if shutil.which("jupyter") is None:
        print("note: `jupyter` is not on PATH; starting JupyterLab through this Python.")
    return subprocess.call(cmd + extra, env=env)
