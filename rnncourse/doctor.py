"""``python -m rnncourse doctor``: check that this machine can run the course.

Each check prints one line, ``ok`` or ``FAIL`` with what to do about it; the
command exits non-zero when any check fails.
"""

import argparse
import importlib
import importlib.metadata as md
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rnncourse.session import QUIET_ENV, import_tensorflow_quietly

__all__ = ["check_installation", "lab_main", "main", "notebooks_dir", "requirements"]


def requirements():
    """The course's runtime requirements, read from the installed package metadata.

    Returns a list of ``packaging.requirements.Requirement`` (the same list as
    ``pyproject.toml``'s ``dependencies``, extras excluded).
    """
    from packaging.requirements import Requirement

    reqs = [Requirement(text) for text in (md.requires("rnncourse") or [])]
    return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]


def check_installation():
    """Run every check; return a list of ``(name, ok, message)``."""
    results = []
    py_ok = sys.version_info >= (3, 10)
    results.append(
        (
            "python",
            py_ok,
            sys.version.split()[0]
            if py_ok
            else f"Python {sys.version.split()[0]} is too old: install Python 3.10 or newer.",
        )
    )
    try:
        reqs = requirements()
    except md.PackageNotFoundError:
        reqs = []
        results.append(
            ("rnncourse", False, "not installed as a package: run `pip install -e .` in the clone.")
        )
    for req in reqs:
        try:
            version = md.version(req.name)
        except md.PackageNotFoundError:
            results.append((req.name, False, f"not installed: run `pip install '{req}'`."))
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            results.append(
                (
                    req.name,
                    False,
                    f"{version} does not satisfy {req}: run `pip install -U '{req}'`.",
                )
            )
        else:
            results.append((req.name, True, version))
    try:
        import_tensorflow_quietly()
        import keras

        backend = keras.backend.backend()
        results.append(("keras backend", True, backend))
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            results.append(
                (
                    "devices",
                    True,
                    f"GPU x{len(gpus)}" if gpus else "CPU only (fine: every notebook runs on CPU)",
                )
            )
    except Exception as err:  # report anything that stops Keras from starting
        results.append(
            (
                "keras import",
                False,
                f"{type(err).__name__}: {err}. Reinstall with `pip install -U tensorflow keras`.",
            )
        )
    try:
        from rnncourse.data import verify

        report = verify(raise_on_error=False)
        bad = [k for k, v in report.items() if v != "ok"]
        if bad:
            results.append(
                (
                    "data sets",
                    False,
                    f"{len(bad)} of {len(report)} files failed: "
                    + "; ".join(report[k] for k in bad[:3]),
                )
            )
        else:
            results.append(("data sets", True, f"{len(report)} files match datasets/MANIFEST.json"))
    except Exception as err:
        results.append(("data sets", False, str(err)))
    nb = notebooks_dir()
    results.append(
        (
            "notebooks",
            nb is not None,
            str(nb) if nb else "notebooks/ not found: clone the course repository to get them.",
        )
    )
    return results


def notebooks_dir():
    """The ``notebooks/`` folder of a clone, or ``None`` for a wheel install."""
    candidate = Path(__file__).resolve().parent.parent / "notebooks"
    return candidate if candidate.is_dir() else None


def main(argv=None):
    argparse.ArgumentParser(prog="python -m rnncourse doctor", description=__doc__).parse_args(argv)
    results = check_installation()
    width = max(len(name) for name, _, _ in results)
    for name, ok, message in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name:<{width}}  {message}")
    failed = [name for name, ok, _ in results if not ok]
    if failed:
        print(
            f"\n{len(failed)} check(s) failed: {', '.join(failed)}. Fix them as said above, then rerun "
            "`python -m rnncourse doctor`."
        )
        return 1
    print("\nAll checks passed: open the course with `python -m rnncourse lab`.")
    return 0


def lab_main(argv=None):
    """Open JupyterLab on the notebooks folder (adds ``--allow-root`` when run as root)."""
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse lab", description="Open the course notebooks in JupyterLab."
    )
    _, extra = parser.parse_known_args(argv)  # everything else goes to `jupyter lab`
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
