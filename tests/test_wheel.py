"""`pip install rnncourse` alone must give a learner the whole course data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnncourse.data._store import load_manifest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds and installs a wheel


def test_wheel_carries_the_data_and_verifies_it(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("rnncourse-*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import rnncourse.data as d; from pathlib import Path; r = d.datasets_root(); "
        "print(r); rep = d.verify(); print(len(rep), set(rep.values()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "RNNCOURSE_DATA"}
    env["PYTHONPATH"] = str(target)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    root_line, report_line = out.stdout.strip().splitlines()
    assert root_line == str(target / "rnncourse" / "_datasets")
    assert report_line.endswith("{'ok'}")
    assert int(report_line.split()[0]) == len(load_manifest(ROOT / "datasets"))
