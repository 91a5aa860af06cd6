"""Shared test set-up: the same TensorFlow environment as the notebooks, and a scratch
copy of the course data."""

import json
import os
import shutil

import pytest

from rnncourse.session import QUIET_ENV

for _key, _value in QUIET_ENV.items():
    os.environ.setdefault(_key, _value)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: starts a fresh Python or kernel that imports TensorFlow, or builds a wheel or "
        "a site (seconds each); the fast loop is pytest tests -m 'not slow'",
    )


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A function that copies ``MANIFEST.json`` and the given ``datasets/`` files or folders
    into a scratch folder, points ``$RNNCOURSE_DATA`` at it and returns it, so that a test
    can break a data file without touching the real one::

        root = data_copy("reviews/reviews.csv", "spoken_digits")
    """

    from rnncourse.data import _store

    def copy(*relpaths):
        source = _store.datasets_root()
        shutil.copy(source / _store.MANIFEST_NAME, tmp_path / _store.MANIFEST_NAME)
        for relpath in relpaths:
            target = tmp_path / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            if (source / relpath).is_dir():
                shutil.copytree(source / relpath, target)
            else:
                shutil.copy(source / relpath, target)
        monkeypatch.setenv(_store.DATA_ENV, str(tmp_path))
        return tmp_path

    return copy


@pytest.fixture
def accept_edit():
    """A function ``accept_edit(root, relpath)`` that makes the manifest of a ``data_copy``
    accept an edited file, so that a loader's own consistency check is reached rather than
    the hash check."""

    from rnncourse.data import _store

    def accept(root, relpath):
        manifest_path = root / _store.MANIFEST_NAME
        manifest = json.loads(manifest_path.read_text())
        path = root / relpath
        manifest["files"][relpath] = {
            "sha256": _store.file_sha256(path),
            "size": path.stat().st_size,
        }
        manifest_path.write_text(json.dumps(manifest))

    return accept
