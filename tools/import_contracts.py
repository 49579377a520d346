"""A contract type for import-linter: no module imports another unit's private names.

import-linter checks which modules import which, not which names they take; its
`private_modules` contract covers modules named `_x`, not a function named `_x`. This one reads
the names. A *unit* is one of the contract's `containers` (an app, or a step of the inspections
app); a module belongs to the deepest container that holds it, or else to its top-level package.
A module may import a private name (one starting with a single underscore: `_locked`, not
`__version__`) only from a module of its own unit. A name another unit needs has become part of
an interface: it gets a public name and a test (style.md, rule 16).

Registered in pyproject.toml ([tool.importlinter] contract_types). Options:

- containers: the units, as module names (required).

grimp gives each import's line (`get_import_details`); the importing module's source is parsed
there with `ast` to read the names, so `from x import (a, _b)` over several lines counts too. An
import of a private module (`import x._y`, `from x import _y`) counts as a private name. What a
module reaches through an attribute (`x._y` after `import x`) is not an import, and not checked.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def unit_of(module: str, containers: list[str]) -> str:
    """The deepest container that is `module` or holds it, or else its top-level package."""
    holding = [c for c in containers if module == c or module.startswith(c + ".")]
    return max(holding, key=len) if holding else module.split(".")[0]


@cache
def _source_path(module: str) -> Path | None:
    """The module's file, found from its top-level package without importing anything else (a
    package's __init__ may need Django's settings)."""
    root, *rest = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


@cache
def _source_tree(module: str) -> ast.Module | None:
    path = _source_path(module)
    if path is None:
        return None
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def private_names_imported(graph: grimp.ImportGraph, importer: str, imported: str) -> list[tuple]:
    """(line, name) of each private name `importer` takes from `imported` (or of `imported`
    itself, when it is a private module)."""
    found = []
    if is_private(imported.rsplit(".", 1)[-1]):
        for detail in graph.get_import_details(importer=importer, imported=imported):
            found.append((detail["line_number"], imported.rsplit(".", 1)[-1]))
        return found
    tree = _source_tree(importer)
    if tree is None:
        return found
    details = graph.get_import_details(importer=importer, imported=imported)
    lines = {detail["line_number"] for detail in details}
    path = _source_path(importer)
    is_package = path is not None and path.name == "__init__.py"
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.lineno not in lines:
            continue
        if _absolute(node, importer, is_package) != imported:
            continue
        found.extend((node.lineno, alias.name) for alias in node.names if is_private(alias.name))
    return found


class PrivateNamesContract(Contract):
    """No module imports a private name (`_name`) from a module of another unit."""

    type_name = "private_names"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        containers = list(self.containers)  # type: ignore[arg-type]
        unknown = sorted(c for c in containers if c not in graph.modules)
        if unknown:
            raise ValueError(f"Containers not found in the graph: {', '.join(unknown)}")
        violations = []
        for importer in sorted(graph.modules):
            unit = unit_of(importer, containers)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if unit_of(imported, containers) == unit:
                    continue
                for line, name in private_names_imported(graph, importer, imported):
                    violations.append(
                        {"importer": importer, "imported": imported, "line": line, "name": name}
                    )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names imported from another app or step:", bold=False)
        output.new_line()
        for v in check.metadata["violations"]:
            output.print_error(
                f"- {v['importer']} (l.{v['line']}) imports {v['name']} from {v['imported']}",
                bold=False,
            )
        output.new_line()
        output.print(
            "A name that another app or step needs is part of its interface: give it a public "
            "name (and a test) in the module that owns it."
        )
