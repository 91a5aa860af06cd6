"""Where the course's data files live, and the checks every loader runs first.

The data sets are committed under ``datasets/`` at the repository root and ship
inside the wheel as ``rnncourse/_datasets``. ``datasets/MANIFEST.json`` gives
each file's SHA-256 and size. :func:`data_path` returns a file's path only after
its hash matched, so a missing, truncated or altered file fails loudly, naming
the file, both hashes and the command that rebuilds it.
"""

import hashlib
import json
import os
from pathlib import Path

__all__ = [
    "DATA_ENV",
    "DataFileError",
    "data_path",
    "datasets_root",
    "file_sha256",
    "load_manifest",
    "rebuild_command",
    "verify",
]

#: Environment variable that overrides where the data sets are read from.
DATA_ENV = "RNNCOURSE_DATA"
MANIFEST_NAME = "MANIFEST.json"

_verified = {}  # absolute path -> (size, mtime_ns) of the last file that matched


class DataFileError(RuntimeError):
    """A course data file is missing, truncated or does not match the manifest."""


def datasets_root():
    """Return the folder that holds ``MANIFEST.json`` and one folder per data set.

    Looks, in order, at ``$RNNCOURSE_DATA``, the copy inside an installed wheel
    (``rnncourse/_datasets``) and the repository's ``datasets/`` folder (an
    editable install or a clone).
    """
    env = os.environ.get(DATA_ENV)
    if env:
        root = Path(env)
        if not (root / MANIFEST_NAME).is_file():
            raise DataFileError(
                f"${DATA_ENV} points at {root}, which has no {MANIFEST_NAME}. Unset "
                f"{DATA_ENV} or point it at a copy of the course's datasets/ folder."
            )
        return root
    here = Path(__file__).resolve().parent.parent  # .../rnncourse
    for root in (here / "_datasets", here.parent / "datasets"):
        if (root / MANIFEST_NAME).is_file():
            return root
    raise DataFileError(
        "The course data sets were not found: neither rnncourse/_datasets (a wheel "
        "install) nor datasets/ beside the package (a clone) holds "
        f"{MANIFEST_NAME}. Reinstall with `pip install rnncourse` or, in a clone, "
        "`pip install -e .`, or set $RNNCOURSE_DATA to a datasets/ folder."
    )


def load_manifest(root=None):
    """Return the manifest as ``{relative_path: {"sha256": ..., "size": ...}}``."""
    root = Path(root) if root is not None else datasets_root()
    path = root / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path} is missing; rebuild it with `{rebuild_command()}`.") from None
    except json.JSONDecodeError as err:
        raise DataFileError(f"{path} is not valid JSON ({err}); restore it from git.") from None
    return manifest["files"]


def file_sha256(path, chunk=1 << 20):
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


#: Data sets rebuilt from a source checkout, and the environment variable that names it.
_SOURCE_DIRS = {"fsdd": "FSDD_DIR=<path of an FSDD checkout> "}


def rebuild_command(name=None):
    """The documented command that rebuilds one data set (or all of them).

    Example:
        >>> rebuild_command("fsdd")
        'FSDD_DIR=<path of an FSDD checkout> python datasets/prepare/build.py fsdd'
    """
    prefix = _SOURCE_DIRS.get(name, "")
    return prefix + "python datasets/prepare/build.py" + (f" {name}" if name else "")


def data_path(relpath):
    """Return the absolute path of a data file after checking it against the manifest.

    Args:
        relpath: path relative to ``datasets/``, e.g. ``"shakespeare/shakespeare.txt"``.

    Raises:
        DataFileError: the file is not in the manifest, is missing, or its size
            or SHA-256 differs from the manifest's; the message names the file,
            the expected and actual hash, and the rebuild command.
    """
    root = datasets_root()
    manifest = load_manifest(root)
    relpath = str(relpath).replace(os.sep, "/")
    name = relpath.split("/", 1)[0]
    if relpath not in manifest:
        known = sorted(manifest)
        raise DataFileError(
            f"{relpath!r} is not a course data file. Files in the manifest: {known}."
        )
    entry = manifest[relpath]
    path = root / relpath
    if not path.is_file():
        raise DataFileError(
            f"Data file {path} is missing (expected sha256 {entry['sha256']}, "
            f"{entry['size']} bytes). Restore it with `git checkout -- datasets/{relpath}` "
            f"or rebuild it with `{rebuild_command(name)}`."
        )
    stat = path.stat()
    key = str(path)
    if _verified.get(key) == (stat.st_size, stat.st_mtime_ns):
        return path
    actual = file_sha256(path)
    if stat.st_size != entry["size"] or actual != entry["sha256"]:
        raise DataFileError(
            f"Data file {path} is corrupted or was changed: expected sha256 "
            f"{entry['sha256']} ({entry['size']} bytes), found sha256 {actual} "
            f"({stat.st_size} bytes). Restore it with `git checkout -- datasets/{relpath}` "
            f"or rebuild it with `{rebuild_command(name)}`."
        )
    _verified[key] = (stat.st_size, stat.st_mtime_ns)
    return path


def verify(raise_on_error=True):
    """Check every file in the manifest; return ``{relative_path: "ok" | problem}``.

    Args:
        raise_on_error: raise :class:`DataFileError` listing every problem when
            any file fails (the default); otherwise just return the report.
    """
    report = {}
    for relpath in sorted(load_manifest()):
        try:
            data_path(relpath)
            report[relpath] = "ok"
        except DataFileError as err:
            report[relpath] = str(err)
    bad = {k: v for k, v in report.items() if v != "ok"}
    if bad and raise_on_error:
        raise DataFileError(
            f"{len(bad)} of {len(report)} data files failed verification:\n"
            + "\n".join(f"- {msg}" for msg in bad.values())
        )
    return report
