"""What pyproject.toml and environment.yml declare: true, minimal, and admitting Colab."""

import ast
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
    # "rnncourse[run,tfds]" in an extra names other extras, not a dependency
    return {_normalise(r) for r in reqs if _normalise(r)[0] != "rnncourse"}


def test_environment_yml_derives_from_pyproject():
    """environment.yml installs the package with extras and lists nothing twice."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_lists == [["-e .[test,lab]"]], (
        "environment.yml's pip: section should hold only `-e .[test,lab]` (pip reads the "
        f"dependencies from pyproject.toml), got {pip_lists}"
    )
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert {"test", "lab"} <= set(extras)
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    # an exact minor version TensorFlow has wheels for (conda-forge's newest may not)
    assert len(pythons) == 1 and re.fullmatch(r"python=3\.1[0-3]", pythons[0]), pythons


def _colab_versions():
    """Colab's package versions, from the committed constraints file (name -> version)."""
    from colab_rehearsal import read_constraints  # tools/, on pytest's pythonpath

    pins, _python = read_constraints()
    return {name: version for name, (_, version) in pins.items()}


def _learner_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_normalise(r) for r in project["dependencies"]}


def test_no_exact_pins_and_floors_admit_colab():
    """Lower bounds only, and a learner's install changes nothing Colab ships."""
    from packaging.version import Version

    colab = _colab_versions()
    assert colab["tensorflow"] == "2.20.0" and colab["ipython"] == "7.34.0"
    for name, spec in pyproject_requirements():
        assert "==" not in spec and "<" not in spec, f"{name}{spec}: use a lower bound, not a pin"
    for name, spec in _learner_requirements():
        if name in colab:
            floor = re.findall(r">=([\d.]+)", spec)[0]
            assert Version(floor) <= Version(colab[name]), (
                f"{name}{spec} would upgrade Colab's {name} {colab[name]}: lower the floor"
            )


# Top-level modules a notebook or the learner's part of the package may import,
# and the distribution that provides each (the standard library aside).
_MODULE_TO_DIST = {
    "tensorflow": "tensorflow",
    "keras": "keras",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "pandas": "pandas",
    "IPython": "ipython",
    "packaging": "packaging",
    "sacrebleu": "sacrebleu",
    "rnncourse": None,
}
# Modules only the runner, the TFDS loaders and the solved-notebook writer import (extras run, tfds).
_EXTRA_MODULES = {
    "rnncourse/runner.py",
    "rnncourse/report.py",
    "rnncourse/data/tfds.py",
    "rnncourse/exercises/_cli.py",
}


def _imports(source):
    return set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)", source, re.MULTILINE))


def test_learner_dependencies_are_what_the_notebooks_and_package_import():
    import json

    found = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        found |= _imports(
            "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        )
    for path in sorted((ROOT / "rnncourse").rglob("*.py")):
        if str(path.relative_to(ROOT)) not in _EXTRA_MODULES:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    found.add(node.module.split(".")[0])
    # jax: imported only when a learner picks the JAX backend (KERAS_BACKEND=jax)
    third_party = {m for m in found if m not in sys.stdlib_module_names} - {"jax"}
    unknown = sorted(third_party - set(_MODULE_TO_DIST))
    assert not unknown, (
        f"imported but not declared for learners: {unknown}; add them to dependencies"
    )
    needed = {_MODULE_TO_DIST[m] for m in third_party} - {None}
    declared = {name for name, _ in _learner_requirements()}
    assert needed == declared, (
        f"dependencies should be exactly what is imported: missing {sorted(needed - declared)}, "
        f"not imported {sorted(declared - needed)}"
    )


def test_requires_python_and_dataset_files_ship_in_the_wheel():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.10"
    force = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {"datasets": "rnncourse/_datasets"}


def test_the_version_is_written_once():
    import rnncourse

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert rnncourse.__version__ == pyproject
    assert pyproject not in (ROOT / "rnncourse" / "__init__.py").read_text()
