import subprocess
import sys

import pytest

from rnncourse import doctor, lab


@pytest.mark.slow
def test_doctor_passes_here():
    out = subprocess.run(
        [sys.executable, "-m", "rnncourse", "doctor"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok   tensorflow" in out.stdout and "data sets" in out.stdout
    assert "All checks passed" in out.stdout
    assert out.stderr.strip() == "", out.stderr


def test_doctor_checks_every_runtime_requirement():
    names = {name for name, _, _ in doctor.check_installation()}
    assert {"tensorflow", "keras", "numpy", "matplotlib", "data sets", "keras backend"} <= names
    assert {r.name for r in doctor.requirements()} <= names


@pytest.mark.slow
def test_doctor_fails_with_advice_when_data_is_broken(tmp_path):
    env = {"RNNCOURSE_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "rnncourse", "doctor"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 1
    assert "FAIL data sets" in out.stdout and "has no MANIFEST.json" in out.stdout
    assert "1 check(s) failed: data sets" in out.stdout


def test_unknown_command_is_refused():
    out = subprocess.run(
        [sys.executable, "-m", "rnncourse", "train"], capture_output=True, text=True
    )
    assert out.returncode == 2 and "invalid choice: 'train'" in out.stderr


def test_lab_command_builds_the_right_jupyter_call(monkeypatch):
    calls = []
    monkeypatch.setattr(
        lab.importlib, "import_module", lambda name: None
    )  # as if JupyterLab were installed
    monkeypatch.setattr(lab.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert lab.main(["--no-browser"]) == 0
    cmd, env = calls[0]
    assert cmd[1:3] == ["-m", "jupyterlab"] and cmd[-1] == "--no-browser"
    assert any(arg.startswith("--notebook-dir=") and arg.endswith("notebooks") for arg in cmd)
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_lab_command_without_jupyterlab_says_what_to_install(monkeypatch, capsys):
    def missing(name):
        raise ImportError(name)

    monkeypatch.setattr(lab.importlib, "import_module", missing)
    assert lab.main([]) == 1
    assert 'pip install -e ".[lab]"' in capsys.readouterr().err
