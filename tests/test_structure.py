"""The tree shows the pipeline, and imports only point down it.

``search/`` holds one package per stage, in the order the data flows:
``ingest`` (corpus files -> Article), ``entities`` (Article -> Entities), ``indexing`` (Article + Entities ->
index) and ``retrieve`` (SearchRequest -> SearchPage). Beside them are the top-level modules ``models``,
``errors``, ``settings``, ``facets``, ``cli`` and ``console``, and the Flask app lives next door in ``web/``.

These tests read every module's imports with ``ast`` and import none of the project's modules. An import
counts wherever it stands (module level or inside a function), except in an ``if TYPE_CHECKING:`` block.
``from package import name`` is an import of ``package.name`` when that is a module, and otherwise of the
package (its ``__init__``, which counts as a module).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP_PACKAGES = ("search", "web")
STAGES = ("search.ingest", "search.entities", "search.indexing", "search.retrieve")
TOP_LEVEL_MODULES = {"__init__", "models", "errors", "settings", "facets", "cli", "console"}
INDEX_FORMAT = (
    "search.indexing.schema",
    "search.indexing.analysis",
    "search.indexing.document",
    "search.indexing.segments",
    "search.indexing.segment_contents",
    "search.indexing.vocabulary",
    "search.indexing.derived",
    "search.indexing.storage",
)  # what the query side may read of indexing
MAX_LINES = 350

# Importer (a package or module, with everything under it) -> what it must not import.
DOWN_THE_PIPELINE: dict[str, tuple[str, ...]] = {
    "search.ingest": ("search.entities", "search.indexing", "search.retrieve", "search.cli"),
    "search.entities": ("search.indexing", "search.retrieve", "search.cli"),
    "search.indexing": ("search.retrieve", "search.cli"),
    "search.retrieve": ("search.ingest", "search.entities", "search.cli"),
    "search.models": STAGES,
    "search.errors": STAGES,
    "search.settings": STAGES,
    "search.facets": STAGES,
    "search": ("flask", "werkzeug", "jinja2", "web"),
    "web": ("whoosh",),
}
# Importer -> the only modules of search.indexing it may import (the index format, not the indexer).
INDEXING_ALLOWED: dict[str, tuple[str, ...]] = {
    "search.retrieve": INDEX_FORMAT,
    "web": INDEX_FORMAT,
}


@dataclass(frozen=True)
class Import:
    """One imported module, where it is imported and on which line."""

    importer: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.target}"


def module_name(path: Path) -> str:
    """The dotted name of the module at ``path`` (a package's ``__init__.py`` is named as the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every Python module under ``search/`` and ``web/``: dotted name -> file."""
    return {
        module_name(path): path
        for top in TOP_PACKAGES
        for path in sorted((ROOT / top).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def is_within(name: str, prefix: str) -> bool:
    """Whether the module ``name`` is ``prefix`` or lies inside the package ``prefix``."""
    return name == prefix or name.startswith(prefix + ".")


def is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` test is ``TYPE_CHECKING`` (or ``typing.TYPE_CHECKING``)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, at any depth, except the body of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        skip_body = isinstance(child, ast.If) and is_type_checking(child.test)
        for statement in child.orelse if skip_body else [child]:  # type: ignore[attr-defined]
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                yield statement
            else:
                yield from import_nodes(statement)


def imported_base(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The module a ``from ... import`` names, with relative imports resolved against ``importer``."""
    if not node.level:
        return node.module or ""
    package = importer if is_package else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_in(importer: str, source: str, is_package: bool, known: set[str]) -> list[Import]:
    """The modules the code ``source`` of module ``importer`` imports (the project's, named in ``known``,
    and third-party ones), one entry per name imported."""
    found = []
    for node in import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(importer, alias.name, node.lineno) for alias in node.names]
            continue
        base = imported_base(importer, is_package, node)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            found.append(Import(importer, submodule if submodule in known else base, node.lineno))
    return found


def all_imports() -> list[Import]:
    """Every import of every module under ``search/`` and ``web/``."""
    modules = project_modules()
    return [
        imp
        for name, path in modules.items()
        for imp in imports_in(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", set(modules))
    ]


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a module importing itself is no cycle, so left out)."""
    modules = project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for imp in all_imports():
        if imp.target in modules and imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan), groups of one left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def one_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest import cycle through the first module of ``group`` (breadth first, within the group)."""
    start = group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & set(group)):
            if other == start:
                return paths[node] + [start]
            if other not in paths:
                paths[other] = paths[node] + [other]
                queue.append(other)
    return group


def violations(rules: dict[str, tuple[str, ...]]) -> list[str]:
    """Imports that break ``rules`` (importer -> forbidden modules), as readable lines."""
    return [
        str(imp)
        for imp in all_imports()
        for importer, forbidden in rules.items()
        if is_within(imp.importer, importer) and any(is_within(imp.target, bad) for bad in forbidden)
    ]


def line_count(path: Path) -> int:
    """The number of lines in the file at ``path``."""
    return len(path.read_text(encoding="utf-8").splitlines())


# -- the tests --------------------------------------------------------------------------------------------


def test_the_helpers_see_every_kind_of_import() -> None:
    """Guards the other tests against passing because they see nothing."""
    source = """
import os, search.models
from typing import TYPE_CHECKING
from search.entities import nlp, EntityExtractor
from .. import cli
from .corpus import discover
if TYPE_CHECKING:
    from search.retrieve import NewsIndex
else:
    from flask import Flask
def later():
    from search.indexing.indexer import build_index
"""
    known = {"search.cli", "search.models", "search.entities", "search.entities.nlp", "search.ingest.corpus"}
    found = [(imp.target, imp.line) for imp in imports_in("search.ingest", source, True, known)]
    assert found == [
        ("os", 2),
        ("search.models", 2),
        ("typing", 3),
        ("search.entities.nlp", 4),
        ("search.entities", 4),
        ("search.cli", 5),
        ("search.ingest.corpus", 6),
        ("flask", 10),
        ("search.indexing.indexer", 12),
    ]
    graph = import_graph()
    assert set(STAGES) | {"search", "web"} <= set(graph) and sum(map(len, graph.values())) > 50


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = [
        " -> ".join(one_cycle(graph, group)) + f"  (modules in the cycle: {', '.join(group)})"
        for group in strongly_connected(graph)
    ]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_imports_point_down_the_pipeline() -> None:
    """ingest < entities < indexing < retrieve; the shared top-level modules import no stage; search/ knows
    nothing of the web (Flask, Werkzeug, Jinja, ``web``), and ``web`` nothing of Whoosh."""
    broken = violations(DOWN_THE_PIPELINE)
    assert not broken, "imports against the pipeline:\n" + "\n".join(broken)


def test_only_the_index_format_is_read_from_indexing() -> None:
    """``search.retrieve`` and ``web`` may read ``search.indexing.schema`` and ``search.indexing.document``, never the
    indexer, its worker pipeline or the registry (which would load NLTK into every web worker)."""
    broken = [
        str(imp)
        for imp in all_imports()
        for importer, allowed in INDEXING_ALLOWED.items()
        if is_within(imp.importer, importer) and is_within(imp.target, "search.indexing") and imp.target not in allowed
    ]
    allowed_names = ", ".join(INDEX_FORMAT)
    assert not broken, f"only {allowed_names} may be imported from search.indexing here:\n" + "\n".join(broken)


def test_no_module_is_over_the_line_limit() -> None:
    sizes = {str(path.relative_to(ROOT)): line_count(path) for path in project_modules().values()}
    too_long = sorted((f"{name}: {lines} lines" for name, lines in sizes.items() if lines > MAX_LINES))
    assert not too_long, f"modules over {MAX_LINES} lines:\n" + "\n".join(too_long)


def test_search_lists_the_stages() -> None:
    """``ls search/`` shows the four stage packages and a handful of shared modules, nothing else."""
    entries = [entry for entry in (ROOT / "search").iterdir() if entry.name != "__pycache__"]
    packages = {entry.name for entry in entries if entry.is_dir()}
    modules = {entry.stem for entry in entries if entry.suffix == ".py"}
    stages = {stage.rpartition(".")[2] for stage in STAGES}
    assert packages == stages, (
        f"folders in search/ besides the stages: {sorted(packages - stages)}, "
        f"stages missing: {sorted(stages - packages)}"
    )
    no_init = sorted(name for name in packages if not (ROOT / "search" / name / "__init__.py").is_file())
    assert not no_init, f"stage folders without __init__.py: {no_init}"
    assert modules <= TOP_LEVEL_MODULES, f"unexpected top-level modules: {sorted(modules - TOP_LEVEL_MODULES)}"
