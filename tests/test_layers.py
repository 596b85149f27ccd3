"""The house's layers hold: every import of the package, at module level or inside a function, goes down.

Layers, bottom to top (docs/architecture.md)::

    errors, inputs, outputs, resources  <  rules  <  policy  <  analysis, registers, versions, cases
        <  api  <  bdd, serve  <  cli

A module may import its own layer and the layers below it, never one above (``if TYPE_CHECKING:``
imports count too: a type a module names is a dependency of its meaning).  Nothing imports ``cli``.
The modules import no cycle of each other, counting imports inside functions.  And ``workreg.api``
is the one door: ``cli``, ``serve`` and ``bdd`` reach the layers under the API only through it,
except for the presentation of text beside its domain (``_presentation`` below), values
named for type checkers only, and the explicit, commented allowlists.

The imports are read from the source with ``ast`` (nothing is imported), so the test is fast and sees
imports that a run would only reach on some path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine" / "workreg"
PACKAGE = "workreg"

#: The layer of each top-level module or sub-package of workreg (higher numbers are higher layers).
LAYERS = {
    "errors": 0, "inputs": 0, "outputs": 0, "resources": 0, "scalars": 0, "redact": 0, "digests": 0,
    "rules": 1,
    "policy": 2,
    "analysis": 3, "registers": 3, "versions": 3, "cases": 3,
    "api": 4,
    "bdd": 5, "serve": 5,
    "cli": 6,
}
#: The package itself (a lazy facade over the API, by name) and ``python -m workreg`` (the CLI's entry) stand
#: outside the layers: they are the outside world's way in.
OUTSIDE = {PACKAGE, f"{PACKAGE}.__main__"}
#: The layers the API is the door to, for the layers above it.
BEHIND_THE_DOOR = {"rules", "policy", "analysis", "registers", "versions", "cases"}
#: Who must come through the door.
CALLERS = {"cli", "serve", "bdd"}

#: Formatting of text output stays beside its domain (COMMON.md): what cli/, serve/ and bdd/ may import from below
#: the API directly: any ``format_*`` function (``format_text``, ``format_diff_markdown``, ``format_status_text``, ...),
#: and these other names of text and JSON presentation.
PRESENTATION_NAMES = {"render_text", "table", "approvals_json", "list_row", "describe_event"}


def _presentation(name: str) -> bool:
    return name.startswith("format_") or name in PRESENTATION_NAMES


# -- the allowlists: each entry is a known debt, with its reason and who is paying it -------------------------
#
# Keys name modules or, as a prefix, packages (``workreg.serve`` matches every module of serve/).  The entries
# name other engineers' areas of this wave (issue 19); each goes when that area's change lands.  An entry that
# matches nothing any more, for a module that exists, fails the test, so the lists only shrink.

#: Imports that go up a layer (or into cli/): (importer, imported) → reason.
UPWARD_ALLOWED: dict[tuple[str, str], str] = {
    ("workreg.cli", "workreg"): "the console entry point's Ctrl-C handler is installed by the package itself "
                                "(engine/workreg/__init__.py), before anything else is imported (issue 18)",
}

#: Module cycles allowed inside a package: package → reason (none left: kept so that a new one says why).
CYCLES_ALLOWED: dict[str, str] = {}

#: Imports by cli/, serve/ or bdd/ of the layers under the API, not through it: (importer, imported) → reason.
DOOR_ALLOWED: dict[tuple[str, str], str] = {
    # serve/: the server's pool and its own tables (serve/store.py: its migrations) are built on the case store's
    # connections, pool and migration machinery, which is not case-specific: it belongs below the layers (a
    # database module), the step left after issue 19.  Not a move alone: Store.transaction yields the cases'
    # Transaction (lock_case, append, ...), the machinery raises CaseError, and the decision log's table has a
    # foreign key into the cases' `policies` table, which the log fills with the cases' Transaction.put_policy in
    # the decision's own transaction: serve rests on the cases' schema as data, not on the machinery alone.
    ("workreg.serve", "workreg.cases.store"): "the server's pool and tables on the case store's machinery",
}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _allowed(pair: tuple[str, str], allowlist: dict[tuple[str, str], str]) -> bool:
    return any(_within(pair[0], importer) and _within(pair[1], imported) for importer, imported in allowlist)


# -- reading the imports ----------------------------------------------------------------------------------------

def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ENGINE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


MODULES = {_module_name(path): path for path in sorted(ENGINE.rglob("*.py"))}


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of the import nodes under ``if TYPE_CHECKING:``."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(sub) for sub in ast.walk(child))
    return inside


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(module: str) -> list[tuple[str, set[str], bool]]:
    """Every workreg module ``module`` imports: (module, the names taken from it, only for type checkers)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    typing_only = _type_checking_only(tree)
    found: list[tuple[str, set[str], bool]] = []
    for node in ast.walk(tree):
        typed = id(node) in typing_only
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found.append((_known(alias.name), set(), typed))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node)
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            names: set[str] = set()
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:  # ``from workreg.cases import subjects``
                    found.append((f"{base}.{alias.name}", set(), typed))
                else:
                    names.add(alias.name)
            if names:
                found.append((_known(base), names, typed))
    return found


def _known(name: str) -> str:
    """The module an imported name lives in (``workreg.x.y`` or its nearest package)."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _area(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and module not in OUTSIDE else None


IMPORTS = {module: _imports(module) for module in MODULES}


# -- the checks ---------------------------------------------------------------------------------------------------

def test_every_area_has_a_layer():
    areas = {_area(module) for module in MODULES} - {None}
    assert not areas - LAYERS.keys(), f"give these a layer in LAYERS and docs/architecture.md: {areas - LAYERS.keys()}"


def _upward() -> dict[tuple[str, str], str]:
    found = {}
    for importer, imports in IMPORTS.items():
        low = _area(importer)
        if low is None:
            continue
        for imported, names, _typed in imports:
            high = _area(imported)
            if high is None:
                if imported == PACKAGE and names <= {"__version__"}:
                    continue  # the version string is all the package itself holds
                found[(importer, imported)] = f"imports the package facade {imported}"
            elif high == "cli" and low != "cli":
                found[(importer, imported)] = "imports cli/ (nothing below the command line may)"
            elif LAYERS[high] > LAYERS[low]:
                found[(importer, imported)] = f"layer {low} ({LAYERS[low]}) imports layer {high} ({LAYERS[high]})"
    return found


def test_no_module_imports_a_layer_above_it():
    found = _upward()
    unexpected = {pair: why for pair, why in found.items() if not _allowed(pair, UPWARD_ALLOWED)}
    assert not unexpected, "\n".join(f"{a} → {b}: {why}" for (a, b), why in sorted(unexpected.items()))


def _graph() -> dict[str, set[str]]:
    return {importer: {imported for imported, _n, _t in imports if imported in MODULES and imported != importer}
            for importer, imports in IMPORTS.items() if importer not in OUTSIDE}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(frozenset(component))
    return components


def test_no_import_cycles():
    unexpected = [cycle for cycle in _cycles(_graph())
                  if not any(all(_within(module, package) for module in cycle) for package in CYCLES_ALLOWED)]
    assert not unexpected, "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in unexpected)


def _through_the_door() -> set[tuple[str, str]]:
    found = set()
    for importer, imports in IMPORTS.items():
        if _area(importer) not in CALLERS:
            continue
        for imported, names, typed in imports:
            if typed or _area(imported) not in BEHIND_THE_DOOR:
                continue
            if names and all(map(_presentation, names)):
                continue
            found.add((importer, imported))
    return found


def test_cli_serve_and_bdd_reach_the_engine_through_the_api():
    unexpected = sorted(pair for pair in _through_the_door() if not _allowed(pair, DOOR_ALLOWED))
    assert not unexpected, (
        "cli/, serve/ and bdd/ reach the engine through workreg.api (add what they need there):\n"
        + "\n".join(f"{a} → {b}" for a, b in unexpected))


def _stale(allowlist: dict[tuple[str, str], str], found: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Entries for a module that exists which match no import found (entries for modules to come are kept)."""
    return sorted(entry for entry in allowlist
                  if any(_within(module, entry[0]) for module in MODULES)
                  and not any(_within(a, entry[0]) and _within(b, entry[1]) for a, b in found))


def test_allowlists_only_name_what_is_still_there():
    stale = _stale(UPWARD_ALLOWED, set(_upward())) + _stale(DOOR_ALLOWED, _through_the_door())
    cycles = _cycles(_graph())
    stale += [(package, "cycle") for package in CYCLES_ALLOWED
              if not any(all(_within(module, package) for module in cycle) for cycle in cycles)]
    assert not stale, f"remove from the allowlists (fixed): {stale}"


def test_the_checks_see_function_level_and_type_checking_imports():
    # A check that cannot fail proves nothing: the walker must see what the rules are about.
    api_imports = {imported for imported, _n, _t in IMPORTS["workreg.api"]}
    assert "workreg.cases.service" in api_imports  # imported inside functions only
    typed = {imported for imported, _n, typed in IMPORTS["workreg.api"] if typed}
    assert "workreg.policy.decide" in typed
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]


def test_registers_report_does_not_import_the_api():
    assert "workreg.api" not in {imported for imported, _n, _t in IMPORTS["workreg.registers.report"]}


def test_the_package_re_exports_the_whole_api():
    import workreg
    import workreg.api

    tree = ast.parse(MODULES["workreg.api"].read_text(encoding="utf-8"))
    public = {node.name for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")}
    assert public <= set(workreg.api.__all__), f"add to workreg.api.__all__: {sorted(public - set(workreg.api.__all__))}"
    assert set(workreg._API_NAMES) == set(workreg.api.__all__)
    assert all(getattr(workreg, name) is getattr(workreg.api, name) for name in workreg.api.__all__)
