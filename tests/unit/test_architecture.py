"""The house as docs/architecture.md draws it: arrows point down, no import cycle, one owner per outside thing.

The page's tables and its diagram are read here, so the page cannot drift from the code: an arrow the
code has and the page does not (or the other way round) fails, and so does an import of yt-dlp, Redis,
Kubernetes or Apprise outside the module that owns it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "architecture.md").read_text()
PACKAGES = ("config", "front_app", "downloads_app", "channels_app", "tokens_app", "library_app", "text_app",
            "search_app", "archiver",
            "ytarchive_cli")
DJANGO_FREE = ("archiver", "ytarchive_cli")
FRAMEWORKS = {"django", "rest_framework", "celery", "kombu", "knox", "drf_spectacular"}


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table under ``heading`` in the page, as lists of cell texts."""
    lines = DOC.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[2:]  # past the header and its rule


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at its top or inside a function (a lazy import is an arrow too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names
                      if f"{node.module}.{alias.name}" in MODULES]
    return found


GRAPH = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def _package(module: str) -> str:
    return module.split(".")[0]


def test_every_package_is_on_the_page_and_imports_only_what_its_row_names():
    rows = {_names(row[0])[0]: set(_names(row[2])) for row in _table("## Packages and their arrows")}
    assert set(rows) == set(PACKAGES)
    wrong = sorted(f"{module} imports {target}" for module, targets in GRAPH.items() for target in targets
                   if _package(target) != _package(module) and _package(target) not in rows[_package(module)])
    assert not wrong, "arrows the page does not allow:\n" + "\n".join(wrong)


def test_the_diagram_draws_exactly_the_arrows_the_code_has():
    drawn = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", DOC.split("```mermaid", 1)[1].split("```", 1)[0], re.M))
    actual = {(_package(m), _package(t)) for m, targets in GRAPH.items() for t in targets
              if _package(m) != _package(t)}
    assert drawn == actual, f"drawn but not in the code: {drawn - actual}; in the code, not drawn: {actual - drawn}"


def test_no_import_cycle():
    """Tarjan's strongly connected components over every module of ours: each must be alone."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("package", DJANGO_FREE)
def test_the_core_and_the_cli_import_no_framework(package):
    used = sorted(f"{name}: {m}" for name, path in MODULES.items() if _package(name) == package
                  for m in _imports(path) if m.split(".")[0] in FRAMEWORKS)
    assert not used


@pytest.mark.parametrize("row", [r for r in _table("## Where each outside thing lives") if len(_names(r[2])) == 1],
                         ids=lambda row: row[0])
def test_each_outside_thing_is_imported_by_its_owner_alone(row):
    owner = _names(row[1])[0].rstrip("/").removesuffix(".py").replace("/", ".")
    library = _names(row[2])[0]
    assert owner in MODULES, f"{owner} (the page's owner of {row[0]}) is no module"
    others = sorted(name for name, path in MODULES.items()
                    if not (name == owner or name.startswith(owner + "."))
                    and any(m.split(".")[0] == library for m in _imports(path)))
    assert not others, f"{library} is imported outside {owner}: {others}"
