"""The integrity checks every loader relies on (rnncourse.data._store)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnncourse.data import DataFileError, data_path, datasets_root, verify
from rnncourse.data._store import DATA_ENV, file_sha256, load_manifest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny_store(tmp_path, monkeypatch):
    """A datasets folder with two files and a manifest, selected through $RNNCOURSE_DATA."""
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "a.txt").write_text("hello\n")
    (tmp_path / "toy" / "b.csv").write_text("x,y\n1,2\n")
    files = {
        f"toy/{n}": {
            "sha256": file_sha256(tmp_path / "toy" / n),
            "size": (tmp_path / "toy" / n).stat().st_size,
        }
        for n in ("a.txt", "b.csv")
    }
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": files}))
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    return tmp_path


def test_the_course_data_verifies():
    report = verify()
    assert report and set(report.values()) == {"ok"}
    assert datasets_root() == ROOT / "datasets"


def test_manifest_lists_every_data_file_and_nothing_else():
    root = ROOT / "datasets"
    listed = set(load_manifest(root))
    on_disk = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix != ".md"
        and p.relative_to(root).parts[0] not in {"prepare", "MANIFEST.json"}
        and "__pycache__" not in p.parts
    }
    assert listed == on_disk, (
        f"not in manifest: {sorted(on_disk - listed)}; missing: {sorted(listed - on_disk)}"
    )


def test_datasets_stay_under_40_mb():
    total = sum(entry["size"] for entry in load_manifest(ROOT / "datasets").values())
    assert total < 40e6, f"datasets/ holds {total / 1e6:.1f} MB; the budget is 40 MB"


def test_good_file_is_returned(tiny_store):
    assert data_path("toy/a.txt").read_text() == "hello\n"


def test_missing_file_names_file_hash_and_fix(tiny_store):
    (tiny_store / "toy" / "a.txt").unlink()
    with pytest.raises(DataFileError) as err:
        data_path("toy/a.txt")
    msg = str(err.value)
    assert "toy/a.txt is missing" in msg and "expected sha256" in msg
    assert (
        "python datasets/prepare/build.py toy" in msg
        and "git checkout -- datasets/toy/a.txt" in msg
    )


def test_corrupted_file_names_both_hashes(tiny_store):
    expected = file_sha256(tiny_store / "toy" / "b.csv")
    (tiny_store / "toy" / "b.csv").write_text("x,y\n1,3\n")  # same size, other bytes
    with pytest.raises(DataFileError) as err:
        data_path("toy/b.csv")
    msg = str(err.value)
    assert expected in msg and file_sha256(tiny_store / "toy" / "b.csv") in msg
    assert "corrupted" in msg and "python datasets/prepare/build.py toy" in msg


def test_truncated_file_is_caught(tiny_store):
    with open(tiny_store / "toy" / "b.csv", "r+b") as fh:
        fh.truncate(3)
    with pytest.raises(DataFileError, match=r"\(3 bytes\)"):
        data_path("toy/b.csv")


def test_unknown_file_lists_known(tiny_store):
    with pytest.raises(DataFileError, match=r"'toy/c.txt' is not a course data file.*toy/a.txt"):
        data_path("toy/c.txt")


def test_verify_reports_every_problem(tiny_store):
    (tiny_store / "toy" / "a.txt").write_text("HELLO\n")
    (tiny_store / "toy" / "b.csv").unlink()
    report = verify(raise_on_error=False)
    assert report["toy/a.txt"].startswith("Data file") and "is missing" in report["toy/b.csv"]
    with pytest.raises(DataFileError, match="2 of 2 data files failed"):
        verify()


def test_bad_data_env_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    with pytest.raises(DataFileError, match="has no MANIFEST.json"):
        datasets_root()


def test_changed_file_is_caught_even_after_a_good_read(tiny_store):
    data_path("toy/a.txt")
    (tiny_store / "toy" / "a.txt").write_text("howdy\n")  # new mtime: checked again
    with pytest.raises(DataFileError):
        data_path("toy/a.txt")


def test_build_manifest_is_deterministic(tmp_path):
    """build.py --manifest rewrites the committed manifest byte for byte."""
    copy = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets", copy)
    subprocess.run(
        [sys.executable, str(copy / "prepare" / "build.py"), "--manifest"],
        check=True,
        capture_output=True,
    )
    assert (copy / "MANIFEST.json").read_bytes() == (
        ROOT / "datasets" / "MANIFEST.json"
    ).read_bytes()
