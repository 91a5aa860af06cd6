"""The Example sections of the package's docstrings run and print what they claim.

Every module of ``rnncourse`` is collected, so a new module's examples run
without being listed here.
"""

import doctest
import importlib
import pkgutil

import pytest

import rnncourse

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(rnncourse.__path__, prefix="rnncourse.")
    if info.name != "rnncourse.__main__"
)


def test_every_module_is_collected():
    assert {
        "rnncourse.ctc",
        "rnncourse.seq2seq",
        "rnncourse.plotting",
        "rnncourse.checks",
        "rnncourse.runner",
        "rnncourse.data.text",
    } <= set(MODULES)
    assert set(EXAMPLES_AT_LEAST) <= set(MODULES)


# Modules whose examples are their documentation: at least this many must stay.
EXAMPLES_AT_LEAST = {
    "rnncourse.checks": 1,
    "rnncourse.data.series": 9,
    "rnncourse.data.text": 16,
    "rnncourse.forecast": 6,
    "rnncourse.tasks": 1,
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    importlib.import_module("rnncourse.exercises")  # registers every exercise first
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
    assert result.attempted >= EXAMPLES_AT_LEAST.get(name, 0), f"{name} lost its examples"
