"""Measure a learner's install of the course: packages, size on disk, seconds.

A fresh virtual environment gets exactly what a learner runs,
``pip install "rnncourse @ git+<this repository>@<revision>"`` (through a
``file://`` URL, so it works offline and measures the committed revision, not
the working tree), and the script prints and returns:

- ``packages``: distributions installed besides pip itself (upgraded first);
- ``site_mb``: size of the environment's site-packages in MB;
- ``seconds``: wall time of the ``pip install`` (pip's cache as it is: run it
  twice and read the second number when comparing two revisions).

Usage, from the repository root::

    python benchmarks/learner_install.py               # HEAD
    python benchmarks/learner_install.py --rev 9026b63 # an older revision
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(rev: str = "HEAD", python: str = sys.executable) -> dict:
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="learner-install-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        # A current pip, as Colab has (pip 23.2, bundled with Python 3.11.7, cannot
        # parse a git+file:// requirement); not counted in the time.
        subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
        requirement = f"rnncourse @ git+file://{ROOT}@{sha}"
        start = time.perf_counter()
        done = subprocess.run([*pip, "install", "-q", requirement], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"pip install {requirement!r} failed:\n{done.stdout}{done.stderr}")
        seconds = time.perf_counter() - start
        listed = json.loads(
            subprocess.run(
                [*pip, "list", "--format=json"], check=True, capture_output=True, text=True
            ).stdout
        )
        names = sorted(d["name"].lower() for d in listed if d["name"].lower() != "pip")
        site = next((venv / "lib").glob("python3*/site-packages"))
        return {
            "revision": sha,
            "packages": len(names),
            "site_mb": round(_du_mb(site), 1),
            "seconds": round(seconds, 1),
            "names": names,
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="HEAD", help="git revision to install (default HEAD)")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)
    result = measure(args.rev)
    print(
        f"{result['revision']}: {result['packages']} packages, "
        f"{result['site_mb']} MB in site-packages, pip install took {result['seconds']} s"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
