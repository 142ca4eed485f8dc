"""The package's shape, read from its own source with ``ast`` (nothing is imported).

Layers, bottom to top: the ground (``errors``, ``progress``, ``version``), ``io``, ``core``,
``analysis``, ``report``, then the entry points (``cli``, ``__init__``, ``__main__``). A module
imports only from its own layer or a lower one, the import graph has no cycle, and a module
imports another of the package at its top, never inside a function. Imports under
``if TYPE_CHECKING:`` serve annotations only and draw no arrow.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportkit"
LAYER = {"errors": 0, "progress": 0, "version": 0, "io": 1, "core": 2, "analysis": 3,
         "report": 4, "cli": 5, "__init__": 5, "__main__": 5}

#: Imports that point up (none: no analysis imports the report's words any more; an upward
#: import added later fails here)
KNOWN_UPWARD: set[tuple[str, str]] = set()


@functools.cache
def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, path: Path, node: ast.ImportFrom, alias: str, known: set[str]) -> str:
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    candidate = f"{target}.{alias}"
    return candidate if candidate in known else target


@functools.cache
def _imports(inner: bool) -> frozenset[tuple[str, str]]:
    """(importer, imported) pairs inside the package: top-level ones, or those in functions."""
    mods = _modules()
    known = set(mods)
    edges = set()
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        in_funcs = {id(n) for f in funcs for n in ast.walk(f)}
        # ``if TYPE_CHECKING:`` imports are for annotations only: no arrow at run time (the
        # sections name the Audit they render, the pipeline imports the sections)
        typing_only = {id(n) for node in ast.walk(tree)
                       if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                       and node.test.id == "TYPE_CHECKING" for n in ast.walk(node)}
        for node in ast.walk(tree):
            if (id(node) in in_funcs) != inner or id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    target = _resolve(module, path, node, a.name, known)
                    if target.startswith("reportkit") and target != module:
                        edges.add((module, target))
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("reportkit"):
                        edges.add((module, a.name))
    return frozenset(edges)


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYER[parts[1]] if len(parts) > 1 else LAYER["__init__"]


def test_the_layers_are_the_folders():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == ["analysis", "core", "io", "report"]
    assert {m.split(".")[1] for m in _modules() if m != "reportkit"} <= set(LAYER)


def test_imports_point_down():
    up = {(a, b) for a, b in _imports(inner=False) | _imports(inner=True)
          if _layer(b) > _layer(a) and b != "reportkit"}
    assert up == KNOWN_UPWARD


def test_no_cycles():
    graph: dict[str, set[str]] = {}
    for a, b in _imports(inner=False) | _imports(inner=True):
        if b != "reportkit" and b in _modules():
            graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt):] + [node, nxt] if nxt in stack else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*stack, node]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if state.get(start) is None and visit(start, []):
            break
    assert not cycle


@pytest.mark.parametrize("module", sorted(_modules()))
def test_package_imports_stand_at_the_top(module):
    inner = sorted(b for a, b in _imports(inner=True) if a == module)
    assert not inner, f"{module} imports {inner} inside a function"
