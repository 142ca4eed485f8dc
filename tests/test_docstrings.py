"""The examples in the docstrings run and print what they say (the API documentation stays true)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import reportkit

MODULES = sorted(m.name for m in pkgutil.iter_modules(reportkit.__path__)
                 if m.name != "__main__")


@pytest.mark.parametrize("name", ["", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module("reportkit" + (f".{name}" if name else ""))
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module.__name__} fail"
