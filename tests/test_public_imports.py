"""No code of the project imports a private module or name: those may change in any release of their package.

A name is private when it starts with one underscore (``re._parser``, ``from re import _compiler``,
``from tests.conftest import _helper``); ``sre_*`` are CPython's old private regex modules. Dunder names
(``__future__``, ``__version__``) are public.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("app", "bench", "scripts", "tests", "migrations")


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__")) or name.startswith("sre_")


def private_imports(source: str) -> list[str]:
    """Each private module or name a Python source imports, as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if any(map(is_private, alias.name.split(".")))]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if any(map(is_private, module.split("."))):
                found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names if is_private(alias.name)]
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import re", []),
        ("from re import _parser", ["re._parser"]),
        ("import re._compiler", ["re._compiler"]),
        ("import sre_parse", ["sre_parse"]),
        ("from tests.conftest import ROOT, _helper", ["tests.conftest._helper"]),
        ("from __future__ import annotations", []),
        ("def f():\n    from re import _constants", ["re._constants"]),
    ],
)
def test_private_imports_are_found(source, expected):
    assert private_imports(source) == expected


def test_no_module_imports_a_private_name():
    offenders = {
        str(path.relative_to(ROOT)): names
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (names := private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
