"""The shape of the code, checked on its source with `ast` so it stays true:

* imports point one way: cli -> config -> scan -> executors -> pipeline ->
  {connectors, extractors, detectors, inventory} -> shared settings ->
  model/privacy/errors, and the four components do not import each other
  (detectors know text, not sources; the inventory knows rows, not
  detectors; connectors hand over content and know nothing of detection);
* no import circle among scanner/, connectors/ and detectors/, counting
  imports inside functions (TYPE_CHECKING blocks aside);
* nothing imports the CLI;
* no function is longer than 80 lines;
* one place builds an ItemRecord (ItemRecord.of).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scanner", "connectors", "detectors")
MAX_FUNCTION_LINES = 80

# Layers, top to bottom. A module belongs to the layer of its longest
# matching prefix ("=name": that module only); it may import its own layer's
# modules and lower layers'. A scanner module listed nowhere is in the scan
# layer: it may import anything but the CLI, and nothing below may import it.
LAYERS = [
    ("cli", ("scanner.cli",)),
    ("config", ("scanner.config",)),
    # A scan from plan to summary, and what reads finished inventories (report, export, diff).
    # scanner.executors.dask_preload: the entry point `dask worker --preload` runs, like the CLI.
    ("scan", ("scanner.scan", "scanner.request", "scanner.executors.dask_preload", "scanner.installed", "scanner.incremental", "scanner.overlap", "scanner.locate",
              "scanner.ui", "scanner.entity_names", "scanner.report", "scanner.reporting", "scanner.export",
              "scanner.export_xlsx", "scanner.diff", "scanner.risk", "scanner.evaluation")),
    ("executors", ("scanner.executors",)),
    ("pipeline", ("scanner.pipeline", "scanner.tables", "scanner.job", "scanner.findings_batch", "scanner.namescan")),
    ("components", ("connectors", "scanner.extractors", "scanner.mail", "scanner.refine", "scanner.sniff",
                    "detectors", "scanner.inventory", "scanner.exposure")),
    ("shared", ("scanner.settings", "scanner.options", "scanner.plugins")),
    # detectors.validators and detectors.dates are value rules (Luhn, E.164, written dates) that
    # privacy's normalisation shares with the recognizers: they import nothing of piiscout's.
    ("foundation", ("=scanner", "detectors.validators", "detectors.dates", "scanner.model", "scanner.privacy", "scanner.scrub", "scanner.errors",
                    "scanner.streams", "scanner.textdecode", "scanner.names", "scanner.cachedir",
                    "scanner.safewords", "scanner.atomic", "scanner.entity_labels")),
]
# Within the components layer: which component may use which (besides itself).
COMPONENTS = {
    "connectors": ("connectors",),
    "extractors": ("scanner.extractors", "scanner.mail", "scanner.refine", "scanner.sniff"),
    "detectors": ("detectors",),
    "inventory": ("scanner.inventory",),
    "exposure": ("scanner.exposure",),
}
MAY_USE = {
    "connectors": {"exposure"},  # who may read an object is part of listing it
    "extractors": set(),
    "detectors": set(),
    "inventory": set(),
    "exposure": set(),
}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or \
        (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(module: str) -> set[str]:
    """Modules of the three packages `module` imports, anywhere in it
    (functions included), TYPE_CHECKING blocks and importlib.import_module
    of a literal name included."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
               for n in ast.walk(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out |= {r for a in node.names if (r := _resolve(a.name))}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            for a in node.names:
                r = _resolve(f"{base}.{a.name}") or _resolve(base)
                if r:
                    out.add(r)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            if r := _resolve(node.args[0].value):
                out.add(r)
    out.discard(module)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _longest(module: str, prefixes) -> str | None:
    best = None
    for p in prefixes:
        exact = p.startswith("=")
        name = p.lstrip("=")
        if (module == name or (not exact and module.startswith(name + "."))) and \
                (best is None or len(name) > len(best)):
            best = name
    return best


def layer_of(module: str) -> int:
    best, rank = None, None
    for i, (_, prefixes) in enumerate(LAYERS):
        p = _longest(module, prefixes)
        if p is not None and (best is None or len(p) > len(best)):
            best, rank = p, i
    if rank is None and module.startswith("scanner."):
        rank = [n for n, _ in LAYERS].index("scan")
    assert rank is not None, f"{module} is in no layer: add it to LAYERS in {__file__}"
    return rank


def component_of(module: str) -> str | None:
    best, name = None, None
    for comp, prefixes in COMPONENTS.items():
        p = _longest(module, prefixes)
        if p is not None and (best is None or len(p) > len(best)):
            best, name = p, comp
    return name


def test_every_module_has_a_layer():
    for m in MODULES:
        layer_of(m)
    components = LAYERS[[n for n, _ in LAYERS].index("components")][1]
    for m in MODULES:
        if _longest(m, components) is not None and layer_of(m) == [n for n, _ in LAYERS].index("components"):
            assert component_of(m), m


def test_imports_point_down_and_components_stay_apart():
    wrong = []
    comp_rank = [n for n, _ in LAYERS].index("components")
    for m, targets in sorted(GRAPH.items()):
        for t in sorted(targets):
            lm, lt = layer_of(m), layer_of(t)
            if lt < lm:
                wrong.append(f"{m} ({LAYERS[lm][0]}) -> {t} ({LAYERS[lt][0]}): upward")
            elif lm == lt == comp_rank:
                cm, ct = component_of(m), component_of(t)
                if cm != ct and ct not in MAY_USE[cm]:
                    wrong.append(f"{m} ({cm}) -> {t} ({ct}): across components")
    assert not wrong, "\n".join(wrong)


def test_nothing_imports_the_cli():
    assert not [m for m, targets in GRAPH.items() if "scanner.cli" in targets]


def _cycles() -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    assert not _cycles(), _cycles()


def test_the_checks_can_fail():
    """The graph walk sees imports inside functions and finds a planted circle."""
    assert "scanner.pipeline" in GRAPH["scanner.executors.base"]  # imported inside a method
    saved = GRAPH["scanner.model"]
    GRAPH["scanner.model"] = saved | {"scanner.pipeline"}
    try:
        assert _cycles()
    finally:
        GRAPH["scanner.model"] = saved


def _functions():
    for m, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield path.relative_to(ROOT), node


def test_no_function_over_80_lines():
    long = [f"{p}:{n.lineno} {n.name}: {n.end_lineno - n.lineno + 1} lines" for p, n in _functions()
            if n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def test_one_place_builds_an_item_record():
    """ItemRecord.of (and listing_record, which calls it) is the only builder:
    a new column is filled in one place."""
    calls = []
    for m, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ItemRecord":
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not calls, calls


@pytest.mark.parametrize("package", PACKAGES)
def test_package_docstrings_say_what_lives_there_and_what_it_may_import(package):
    for init in [ROOT / package / "__init__.py", *(ROOT / package).glob("*/__init__.py")]:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "may import" in doc.lower(), f"{init.relative_to(ROOT)}: say what it may import"


def may_import(importer: str, imported: str) -> bool:
    """What LAYERS, COMPONENTS and MAY_USE allow (the rule
    test_imports_point_down_and_components_stay_apart applies)."""
    lm, lt = layer_of(importer), layer_of(imported)
    if lt < lm or imported == "scanner.cli":
        return False
    if lm == lt == [n for n, _ in LAYERS].index("components"):
        cm, ct = component_of(importer), component_of(imported)
        return cm == ct or ct in MAY_USE[cm]
    return True


# Words of a docstring's "not ..." clause and the module each stands for.
_FORBIDDEN_WORDS = {"connectors": "connectors", "detectors": "detectors", "extractors": "scanner.extractors",
                    "inventory": "scanner.inventory", "pipeline": "scanner.pipeline", "CLI": "scanner.cli"}
_DOTTED = r"\b(?:scanner|connectors|detectors)(?:\.[a-z_]+)+"


def _may_import_claims(doc: str) -> tuple[set[str], set[str]]:
    """The modules a docstring's "may import" statement names as allowed
    (dotted names before its first "not") and as forbidden (dotted names and
    the component words after it)."""
    import re

    at = doc.lower().index("may import")
    said = " ".join(doc[at:].split())
    m = re.search(r"\bnot\b", said, re.I)
    allowed, forbidden = (said[:m.start()], said[m.end():]) if m else (said, "")
    ok = {_resolve(n) for n in re.findall(_DOTTED, allowed)}
    no = {_resolve(n) for n in re.findall(_DOTTED, forbidden)}
    no |= {mod for w, mod in _FORBIDDEN_WORDS.items() if re.search(rf"\b{w}\b", forbidden)}
    return ok - {None}, no - {None}


@pytest.mark.parametrize("init", sorted(str(p.relative_to(ROOT)) for pkg in PACKAGES
                                        for p in [ROOT / pkg / "__init__.py", *(ROOT / pkg).glob("*/__init__.py")]
                                        if pkg != "scanner" or p.parent.name != "scanner"))
def test_may_import_statements_match_the_layers(init):
    """Each package docstring's "may import" statement is true of LAYERS:
    what it names as allowed is, and what it names after "not" is not."""
    path = ROOT / init
    package = ".".join(path.relative_to(ROOT).parent.parts)
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    if "may import nothing" in doc.lower():
        assert not [m for m in MODULES if m.startswith(package) and GRAPH[m]], f"{init}: it imports something"
        return
    ok, no = _may_import_claims(doc)
    assert ok or no, f"{init}: the statement names no module"
    wrong = [f"says it may import {t}" for t in sorted(ok) if not may_import(package, t)]
    wrong += [f"says it may not import {t}" for t in sorted(no - {package}) if may_import(package, t)]
    assert not wrong, f"{init}: " + "; ".join(wrong)


def test_the_statement_check_can_fail():
    ok, no = _may_import_claims("May import scanner.pipeline and scanner.model; not the inventory.")
    assert ok == {"scanner.pipeline", "scanner.model"} and no == {"scanner.inventory"}
    assert not may_import("connectors", "scanner.pipeline") and may_import("connectors", "scanner.model")
    assert may_import("scanner.pipeline", "scanner.inventory")
    assert _chain("cli -> scan -> executors") != [n for n, _ in LAYERS]


def _chain(text: str) -> list[str]:
    """A layer chain as written ("cli -> config -> ... -> model/privacy/errors")
    in LAYERS' names: a {braced} group is the components, "shared settings"
    the shared layer, the last step the foundation."""
    import re

    steps = [re.sub(r"\(.*?\)", "", " ".join(s.split())).strip() for s in text.split("->")]
    names = [n for n, _ in LAYERS]
    out = []
    for i, step in enumerate(steps):
        word = step.split()[-1] if i == 0 else step.split()[0]
        if step.startswith("{"):
            out.append("components")
        elif step.startswith("shared"):
            out.append("shared")
        elif i == len(steps) - 1:
            out.append("foundation")
        else:
            out.append(word if word in names else step)
    return out


def test_the_layer_chains_written_down_are_the_layers():
    """scanner/__init__.py, this module's docstring and docs/architecture.md
    draw the layers as a chain: the same as LAYERS."""
    import re

    names = [n for n, _ in LAYERS]
    scanner_doc = ast.get_docstring(ast.parse((ROOT / "scanner" / "__init__.py").read_text(encoding="utf-8")))
    mine = __doc__
    texts = {
        "scanner/__init__.py": re.search(r"Imports point one way: (.*?)\. ", " ".join(scanner_doc.split())).group(1),
        "tests/test_architecture.py": re.search(r"imports point one way: (.*?) and the four", " ".join(mine.split()))
        .group(1).rstrip(","),
    }
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", doc, re.S)
    texts["docs/architecture.md"] = next(b for b in blocks if b.lstrip().startswith("cli ->"))
    for where, text in texts.items():
        assert _chain(text) == names, (where, _chain(text))
    # Every file the diagrams and the text name is there.
    named = set(re.findall(r"(?<![\w/])(?:scanner|connectors|detectors)/[\w/]+\.py\b", doc))
    assert not [p for p in sorted(named) if not (ROOT / p).exists()]


def _table_counts(classes) -> dict[str, tuple[int, int]]:
    """class name -> (MUST_MATCH, MUST_NOT_MATCH) cases of its own in the
    test module mirroring its module (tests/detectors/recognizers/table.py)."""
    import importlib

    from tests.detectors.recognizers.table import module_cases

    counts = {}
    for cls in classes:
        test_module = ".".join(["tests", *cls.__module__.split(".")[:-1], "test_" + cls.__module__.split(".")[-1]])
        try:
            mod = importlib.import_module(test_module)
        except ModuleNotFoundError:
            counts[cls.__name__] = (0, 0)
            continue
        pos, neg = module_cases(mod)
        # The tables must be the ones the module runs (table_tests).
        assert getattr(getattr(mod, "test_must_match", None), "cases", None) == pos, test_module
        assert getattr(getattr(mod, "test_must_not_match", None), "cases", None) == neg, test_module
        counts[cls.__name__] = (sum(c.recognizer == cls.__name__ and not c.xfail for c in pos),
                                sum(c.recognizer == cls.__name__ and not c.xfail for c in neg))
    return counts


def test_every_recognizer_has_a_table():
    """Each recognizer class the catalog registers has at least MIN_CASES
    positive and MIN_CASES negative cases of its own, run through a scan: a
    new recognizer without its table fails here."""
    from detectors.catalog import recognizer_classes
    from tests.detectors.recognizers.table import MIN_CASES

    counts = _table_counts(recognizer_classes())
    short = {name: n for name, n in counts.items() if min(n) < MIN_CASES}
    assert not short, f"recognizers with fewer than {MIN_CASES} MUST_MATCH / MUST_NOT_MATCH cases: {short}"

    class Untested:  # the check can fail: a recognizer with no test module
        __module__ = "detectors.recognizers.no_such_module"

    assert _table_counts([Untested]) == {"Untested": (0, 0)}
