"""pyproject.toml and environment.yml must list the same dependencies."""

import re
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement):
    """'TensorFlow >= 2.16' -> ('tensorflow', '>=2.16'); underscores and case ignored."""
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    name, spec = match.group(1), match.group(2).replace(" ", "")
    return re.sub(r"[-_.]+", "-", name).lower(), spec


def pyproject_requirements(path=ROOT / "pyproject.toml"):
    project = tomllib.loads(Path(path).read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return {_normalise(r) for r in reqs}


def environment_requirements(path=ROOT / "environment.yml"):
    env = yaml.safe_load(Path(path).read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_lists, "environment.yml has no pip: section"
    return {_normalise(r) for r in pip_lists[0] if not r.startswith("-")}


def test_environment_matches_pyproject():
    in_pyproject = pyproject_requirements()
    in_env = environment_requirements()
    only_pyproject = sorted(in_pyproject - in_env)
    only_env = sorted(in_env - in_pyproject)
    assert not only_pyproject and not only_env, (
        f"pyproject.toml and environment.yml disagree. Only in pyproject.toml: {only_pyproject}; "
        f"only in environment.yml: {only_env}. Add or remove them so both list the same."
    )


def test_environment_installs_the_package_with_extras():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e .[test,lab]" in pip_list
    assert any(str(d).startswith("python") for d in env["dependencies"] if isinstance(d, str))
    assert env["channels"] == ["conda-forge"]


def test_the_check_catches_a_dependency_in_one_file_only(tmp_path):
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    pip_list.append("scipy>=1.10")
    (tmp_path / "environment.yml").write_text(yaml.safe_dump(env))
    assert environment_requirements(tmp_path / "environment.yml") - pyproject_requirements() == {
        ("scipy", ">=1.10")
    }


def test_no_exact_pins_and_floors_admit_colab():
    """Lower bounds only; the floors must admit what Colab ships (TF 2.20, keras 3.13, numpy 2.1)."""
    colab = {"tensorflow": (2, 20), "keras": (3, 13), "numpy": (2, 1)}
    for name, spec in pyproject_requirements():
        assert "==" not in spec and "<" not in spec, f"{name}{spec}: use a lower bound, not a pin"
        if name in colab:
            floor = tuple(int(p) for p in re.findall(r">=([\d.]+)", spec)[0].split(".")[:2])
            assert floor <= colab[name], f"{name}{spec} would upgrade Colab's {colab[name]}"


def test_requires_python_and_dataset_files_ship_in_the_wheel():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.10"
    force = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {"datasets": "rnncourse/_datasets"}
