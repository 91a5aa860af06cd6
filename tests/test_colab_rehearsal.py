"""The Colab rehearsal's parts (tools/colab_rehearsal.py), offline and in seconds.

The rehearsal itself (a fresh environment, TensorFlow, the notebooks) is slow and
runs in `.ci/colab-rehearsal`; here: Colab's constraints, the freeze comparison
that decides pass or fail, the google.colab stand-in, and git's insteadOf.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import colab_rehearsal as rehearsal  # tools/, on pytest's pythonpath
import pytest

ROOT = Path(__file__).resolve().parents[1]

COLAB = {
    "ipython": ("ipython", "7.34.0"),
    "numpy": ("numpy", "2.1.3"),
    "jupyter-client": ("jupyter_client", "7.4.9"),
}


def test_constraints_pin_colab_versions_and_python():
    pins, python = rehearsal.read_constraints()
    assert python == "3.13.15"
    assert pins["tensorflow"][1] == "2.20.0"
    assert pins["keras"][1] == "3.13.2"
    assert pins["numpy"][1] == "2.1.3"
    assert pins["ipython"][1] == "7.34.0"
    assert len(pins) > 600
    text = rehearsal.CONSTRAINTS.read_text(encoding="utf-8")
    assert "a724079" in text and "2026-08-19" in text and "refresh" in text
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all("==" in line and " @ " not in line for line in body)


def test_make_constraints_keeps_pins_drops_urls_and_says_so():
    freeze = "# a comment\nKeras==3.13.2\ntorch @ https://example.org/torch.whl\nabsl-py==1.4.0\n"
    text = rehearsal.make_constraints(
        freeze, source="somewhere, commit abc", date="2026-01-02", python="3.13.1"
    )
    assert text.splitlines()[-2:] == ["absl-py==1.4.0", "Keras==3.13.2"]
    assert "# Python: 3.13.1" in text and "somewhere, commit abc (2026-01-02)" in text
    assert "torch" in text.split("absl-py")[0]  # the dropped URL line is named in the header
    assert rehearsal.parse_freeze(text) == {
        "keras": ("Keras", "3.13.2"),
        "absl-py": ("absl-py", "1.4.0"),
    }


def test_parse_freeze_rejects_what_is_not_a_pin():
    with pytest.raises(ValueError, match="line 2"):
        rehearsal.parse_freeze("numpy==2.1.3\nnumpy>=2\n")


def test_freeze_diff_passes_when_nothing_changed():
    diff = rehearsal.diff_freeze(COLAB, dict(COLAB))
    assert diff.ok and not diff.added and not diff.changed
    assert rehearsal.colab_mismatches(COLAB, COLAB) == []


def test_freeze_diff_reports_upgrade_downgrade_and_addition():
    after = {
        "ipython": ("ipython", "8.18.1"),  # upgraded
        "numpy": ("numpy", "1.26.4"),  # downgraded
        "jupyter-client": ("jupyter-client", "7.4.9"),  # same package, other spelling
        "sacrebleu": ("sacrebleu", "2.5.1"),  # added
    }
    diff = rehearsal.diff_freeze(COLAB, after)
    assert not diff.ok
    assert [str(c) for c in diff.changed] == [
        "ipython 7.34.0 -> 8.18.1 (upgraded)",
        "numpy 2.1.3 -> 1.26.4 (downgraded)",
    ]
    assert diff.added == ["sacrebleu==2.5.1"]
    assert rehearsal.diff_freeze(after, {}).removed  # a package that went away fails too


def test_a_package_colab_ships_at_another_version_fails_even_if_new():
    # Not in the environment before the install, but Colab ships it: its version must be Colab's.
    colab = {**COLAB, "regex": ("regex", "2025.11.3")}
    after = {**COLAB, "regex": ("regex", "2026.1.1"), "portalocker": ("portalocker", "3.0")}
    assert [str(c) for c in rehearsal.colab_mismatches(after, colab)] == [
        "regex 2025.11.3 -> 2026.1.1 (upgraded)"
    ]


def test_version_order_without_packaging(monkeypatch):
    monkeypatch.setitem(sys.modules, "packaging.version", None)  # import fails: the fallback
    assert rehearsal.version_key("10.0") > rehearsal.version_key("9.1.2")
    assert rehearsal.version_key("2.1.3") < rehearsal.version_key("2.1.10")


def test_install_line_and_its_requirement(tmp_path):
    setup = 'import sys\nif "google.colab" in sys.modules:\n    %pip install -q "rnncourse @ git+https://github.com/o/r@v1"\n'
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# T"},
            {"cell_type": "code", "source": setup},
        ]
    }
    path = tmp_path / "01_t.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    [line] = rehearsal.install_lines(path)
    assert line == '%pip install -q "rnncourse @ git+https://github.com/o/r@v1"'
    assert rehearsal.requirements_of(line) == ["rnncourse @ git+https://github.com/o/r@v1"]


def test_every_notebook_setup_cell_has_one_install_line():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert len(rehearsal.install_lines(path)) == 1, path.name


def test_unknown_notebook_and_missing_python_say_what_to_do(tmp_path):
    with pytest.raises(SystemExit, match="name one by its number: 01"):
        rehearsal.resolve_notebook("99", ROOT / "notebooks")
    with pytest.raises(SystemExit, match="--python PATH"):
        rehearsal.find_python(str(tmp_path / "no-such-python"), "3.13")
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    path, version = rehearsal.find_python(sys.executable, minor)
    assert version.startswith(minor + ".")
    with pytest.raises(SystemExit, match="No Python 2.7"):  # the right file, the wrong version
        rehearsal.find_python(sys.executable, "2.7")


def _env_with(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "IPYTHONDIR"}}
    return env | extra


def _ipython(code, env):
    """Run ``code`` in IPython (startup files included) without colours or terminal-title codes.

    IPython 7 writes a terminal-title escape sequence before the output unless told not to.
    """
    return subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "--colors=NoColor",
         "--TerminalInteractiveShell.term_title=False", "-c", code],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_colab_stub_is_imported_at_kernel_start(tmp_path):
    env = _env_with(rehearsal.write_colab_stub(tmp_path))
    assert not (tmp_path / "pythonpath" / "google" / "__init__.py").exists()  # a namespace package
    probe = "import sys; print('google.colab' in sys.modules)"
    ipython = _ipython(probe, env)
    assert ipython.stdout.strip().splitlines()[-1] == "True", ipython.stderr
    # Plain Python does not run IPython's startup files; the package is importable there, and
    # google.protobuf (the same namespace) still imports beside it.
    plain = subprocess.run(
        [sys.executable, "-c", probe + "; import google.colab, google.protobuf; print('both')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.stdout.split() == ["False", "both"], plain.stderr
    without = _ipython(probe, _env_with({"IPYTHONDIR": str(tmp_path / "empty")}))
    assert without.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_insteadof_sends_the_github_url_to_the_clone(tmp_path):
    repo = tmp_path / "repo"
    quiet = {"capture_output": True, "text": True, "check": True}
    subprocess.run(["git", "init", "-q", str(repo)], **quiet)
    (repo / "f.txt").write_text("x\n")
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "-C", str(repo), "add", "f.txt"], **quiet)
    subprocess.run(["git", *ident, "-C", str(repo), "commit", "-qm", "one"], **quiet)
    subprocess.run(["git", "-C", str(repo), "tag", "v0.1.0"], **quiet)
    url = "https://github.com/rnncourse/rnncourse"
    env = _env_with(rehearsal.write_git_config(tmp_path / "gitconfig", repo, url))
    remote = subprocess.run(["git", "ls-remote", url], env=env, timeout=60, **quiet).stdout
    assert "refs/tags/v0.1.0" in remote
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], **quiet).stdout.strip()
    assert remote.split()[0] == head


def test_a_package_installed_from_git_counts_as_added():
    # pip freeze writes the course, installed from git, as "name @ url", not name==version.
    after = rehearsal.parse_freeze(
        "numpy==2.1.3\nrnncourse @ git+https://github.com/rnncourse/rnncourse@0123abc\n", urls=True
    )
    diff = rehearsal.diff_freeze({"numpy": ("numpy", "2.1.3")}, after)
    assert diff.ok and not diff.changed
    assert diff.added == ["rnncourse @ git+https://github.com/rnncourse/rnncourse@0123abc"]
    assert "rnncourse" not in rehearsal.parse_freeze("rnncourse @ git+https://x/y@1\n")


def test_setup_cell_output_loses_colour_codes_and_local_index_warnings():
    printed = (
        "\x1b[33mWARNING: Location 'file:///opt/pypi/simple/x/' is ignored: it is neither a file"
        " nor a directory.\x1b[0m\x1b[33m\r\n\x1b[0mNote: you may need to restart the kernel\r\n"
        "Python 3.13.0 | TensorFlow 2.20.0\n"
    )
    assert rehearsal.clean_output(printed) == (
        "Note: you may need to restart the kernel\nPython 3.13.0 | TensorFlow 2.20.0\n"
    )
