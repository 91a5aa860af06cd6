"""Rebuild the course's data sets and their manifest.

Usage (from the repository root)::

    python datasets/prepare/build.py                # every data set, then the manifest
    python datasets/prepare/build.py shakespeare    # one data set, then the manifest
    python datasets/prepare/build.py --manifest     # only rewrite MANIFEST.json
    python datasets/prepare/build.py --list         # the data sets it knows

Each data set ``NAME`` has a script ``datasets/prepare/NAME.py`` that writes
``datasets/NAME/``; its docstring names the packages it needs (pip and apt; see
``datasets/prepare/README.md``). Every script is deterministic: a rerun writes
the same bytes, so the manifest's hashes do not change.
"""

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

PREPARE = Path(__file__).resolve().parent
ROOT = PREPARE.parent
SKIP_SUFFIXES = {".md"}


def available():
    return sorted(
        p.stem
        for p in PREPARE.glob("*.py")
        if p.stem not in {"build", "common"} and not p.stem.startswith("_")
    )


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest():
    files = {}
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT)
        if (
            not path.is_file()
            or rel.parts[0] in {"prepare", "MANIFEST.json"}
            or path.suffix in SKIP_SUFFIXES
            or "__pycache__" in rel.parts
        ):
            continue
        files[rel.as_posix()] = {"sha256": sha256(path), "size": path.stat().st_size}
    manifest = {
        "about": "SHA-256 and size of every course data file; rewritten by datasets/prepare/build.py",
        "files": files,
    }
    (ROOT / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total = sum(f["size"] for f in files.values())
    print(f"MANIFEST.json: {len(files)} files, {total / 1e6:.2f} MB")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="data sets to rebuild (default: all)")
    parser.add_argument("--manifest", action="store_true", help="only rewrite MANIFEST.json")
    parser.add_argument("--list", action="store_true", help="list the data sets and exit")
    args = parser.parse_args(argv)
    known = available()
    if args.list:
        print("\n".join(known))
        return 0
    if not args.manifest:
        unknown = [n for n in args.names if n not in known]
        if unknown:
            parser.error(f"unknown data set(s) {unknown}; known: {known}")
        for name in args.names or known:
            print(f"== rebuilding {name}", flush=True)
            subprocess.run(
                [sys.executable, str(PREPARE / f"{name}.py")], check=True, cwd=ROOT.parent
            )
    write_manifest()
    return 0


if __name__ == "__main__":
    sys.exit(main())
