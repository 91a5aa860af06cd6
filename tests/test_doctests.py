"""The Example sections of the package's docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = [
    "rnncourse.outcomes",
    "rnncourse.session",
    "rnncourse.exercises._registry",
    "rnncourse.data.text",
    "rnncourse.data.series",
    "rnncourse.data.audio",
    "rnncourse.data.images",
    "rnncourse.report",
    "rnncourse.runner",
    "rnncourse.cells",
    "rnncourse.layers",
    "rnncourse.bptt",
    "rnncourse.forecast",
    "rnncourse.tasks",
    "rnncourse.textgen",
    "rnncourse.baselines",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    importlib.import_module("rnncourse.exercises")  # registers every exercise first
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
