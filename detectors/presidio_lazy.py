"""Presidio's base classes without Presidio's start-up cost.

`import presidio_analyzer` runs the package's `__init__`, which imports
spaCy, every predefined recognizer of every country and their regexes:
1.5-3 seconds before a scan can start, in a process that needs only
`EntityRecognizer` and `RecognizerResult` (the fast engine runs
piiscout's own recognizers; spaCy only with NER).

`install()` registers `presidio_analyzer` as a package whose light modules
(those two classes and what they import) are loaded at once, and whose real
`__init__` runs on first use of anything else: an attribute
(`presidio_analyzer.AnalyzerEngine`, `from presidio_analyzer import
PatternRecognizer`) or a submodule (`presidio_analyzer.nlp_engine`). From
then on it is the ordinary package, with the same class objects, so
plugins, the full Presidio engine and NER see no difference.

If Presidio is already imported, or its layout is not what this expects,
`install()` does nothing and the ordinary import happens.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types

PACKAGE = "presidio_analyzer"
# Modules that import nothing heavy, in dependency order, and the names
# the package's __init__ would export from them.
LIGHT = {
    "analysis_explanation": ("AnalysisExplanation",),
    "recognizer_result": ("RecognizerResult",),
    "score_thresholds": (),
    "entity_recognizer": ("EntityRecognizer",),
}

_lock = threading.RLock()
_state = {"installed": False, "loaded": False}


class _LazyPackage(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__") or _state["loaded"]:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        load_all()
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None


def load_all() -> None:
    """Run the package's real __init__ (once)."""
    with _lock:
        if _state["loaded"]:
            return
        _state["loaded"] = True
        pkg = sys.modules[PACKAGE]
        code = pkg.__spec__.loader.get_code(PACKAGE)
        exec(code, pkg.__dict__)  # noqa: S102 - the installed package's own __init__


class _AlreadyLoaded(importlib.abc.Loader):
    """For a submodule the real __init__ imported while it was being asked
    for: hand the import system that module instead of a second copy."""

    def create_module(self, spec):
        return sys.modules[spec.name]

    def exec_module(self, module) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if _state["loaded"] or not fullname.startswith(PACKAGE + "."):
            return None
        if fullname.split(".")[1] in LIGHT:
            return None
        load_all()
        mod = sys.modules.get(fullname)
        if mod is None:
            return None  # not imported by __init__: the ordinary finders load it
        orig = mod.__spec__
        spec = importlib.machinery.ModuleSpec(fullname, _AlreadyLoaded(), origin=orig.origin,
                                              is_package=orig.submodule_search_locations is not None)
        if orig.submodule_search_locations is not None:
            spec.submodule_search_locations = orig.submodule_search_locations
        spec.has_location = orig.has_location
        spec.cached = orig.cached
        return spec


def install() -> None:
    with _lock:
        if _state["installed"] or PACKAGE in sys.modules:
            return
        _state["installed"] = True
        try:
            spec = importlib.util.find_spec(PACKAGE)
        except (ImportError, ValueError):
            return
        if spec is None or spec.submodule_search_locations is None or not hasattr(spec.loader, "get_code"):
            return
        pkg = _LazyPackage(PACKAGE)
        pkg.__spec__ = spec
        pkg.__loader__ = spec.loader
        pkg.__file__ = spec.origin
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__package__ = PACKAGE
        sys.modules[PACKAGE] = pkg
        sys.meta_path.insert(0, _Finder())
        try:
            for mod, names in LIGHT.items():
                m = importlib.import_module(f"{PACKAGE}.{mod}")
                for n in names:
                    setattr(pkg, n, getattr(m, n))
        except Exception:  # noqa: BLE001 - another Presidio layout: import it the ordinary way
            load_all()
