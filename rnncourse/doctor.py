"""``python -m rnncourse doctor``: check that this machine can run the course.

Each check prints one line, ``ok`` or ``FAIL`` with what to do about it; the
command exits non-zero when any check fails.
"""

import argparse
import importlib.metadata as md
import sys

from rnncourse import machine
from rnncourse.lab import notebooks_dir
from rnncourse.session import import_tensorflow_quietly

__all__ = ["check_installation", "main", "requirements"]


def requirements(extra=""):
    """The course's requirements, read from the installed package metadata.

    Args:
        extra: ``""`` for ``pyproject.toml``'s ``dependencies``; the name of an
            extra (``"run"``, ``"tfds"``...) for that extra's own additions.

    Returns:
        A list of ``packaging.requirements.Requirement``.
    """
    from packaging.requirements import Requirement

    reqs = [Requirement(text) for text in (md.requires("rnncourse") or [])]
    if not extra:
        return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]
    return [
        r
        for r in reqs
        if r.marker is not None
        and r.marker.evaluate({"extra": extra})
        and not r.marker.evaluate({"extra": ""})
    ]


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
            found = machine.device()
            note = " only (fine: every notebook runs on CPU)" if found == "CPU" else ""
            results.append(("devices", True, found + note))
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
