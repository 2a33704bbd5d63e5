"""Built-ins and plugins go through the same registration; a plugin claiming
a built-in's scheme or content type is used only when preferred."""

from __future__ import annotations

import pytest

from connectors import registry as connectors
from connectors.local import LocalConnector
from scanner import plugins
from scanner.extractors import registry as extractors
from scanner.extractors.base import Extractor
from scanner.extractors.plaintext import PlainTextExtractor


@pytest.fixture(autouse=True)
def _restore():
    from detectors import catalog

    registries = (connectors.CONNECTORS, extractors.EXTRACTORS, catalog.RECOGNIZERS)
    for r in registries:
        r.load()
    snaps = [r.snapshot() for r in registries]
    yield
    for r, snap in zip(registries, snaps):
        r.restore(snap)


def test_builtin_kept_unless_plugin_preferred():
    connectors.schemes()  # built-ins loaded

    class MyFiles(LocalConnector):
        name = "myfiles"

    info = plugins.PluginInfo(group="piiscout.connectors", name="myfiles", module="x:MyFiles", dist="my-files")
    assert connectors.CONNECTORS.register_plugin(MyFiles, info) == ["file://"]
    assert info.status == plugins.SHADOWED and "--prefer-plugin myfiles" in info.error
    assert connectors.connector_class("file") is LocalConnector
    assert connectors.connector_class("file", prefer=["myfiles"]) is MyFiles
    assert connectors.connector_class("file", prefer=["MY-FILES"]) is MyFiles  # the package name works too
    assert plugins.status_of(info, ["myfiles"]) == plugins.PREFERRED and plugins.status_of(info) == plugins.SHADOWED
    # Nothing is remembered between lookups: the preference is passed each time.
    assert connectors.connector_class("file") is LocalConnector
    assert connectors.plugin_of(MyFiles) is info and connectors.plugin_of(LocalConnector) is None


def test_extractor_plugin_for_new_and_builtin_types():
    extractors.registered()

    class Text2(Extractor):
        content_types = ("text/plain", "application/x-new")

    info = plugins.PluginInfo(group="piiscout.extractors", name="text2", module="x:Text2")
    extractors.EXTRACTORS.register_plugin(Text2, info)
    assert extractors.for_type("application/x-new") is Text2  # nothing built in: no preference needed
    assert extractors.for_type("text/plain") is PlainTextExtractor
    assert extractors.for_type("text/plain", prefer=("text2",)) is Text2


def test_rejected_plugin_object():
    info = plugins.PluginInfo(group="piiscout.connectors", name="bad", module="x:bad")
    with pytest.raises(TypeError):
        connectors.CONNECTORS.register_plugin(object, info)


def test_recognizer_plugin_replaces_a_builtin_only_when_preferred():
    from presidio_analyzer import Pattern, PatternRecognizer

    from detectors import catalog
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    rec = PatternRecognizer(supported_entity="US_SSN", name="OtherSsn",
                            patterns=[Pattern("ssn", r"\bSSN#\d{9}\b", 0.9)])
    info = plugins.PluginInfo(group="piiscout.recognizers", name="otherssn", module="x:OtherSsn")
    assert catalog._register_plugin(rec, info) == ["US_SSN"]
    assert info.status == plugins.SHADOWED
    names = [r.name for r in catalog.build_recognizers(("US_SSN",))]
    assert "SsnRecognizer" in names and "OtherSsn" not in names
    names = [r.name for r in catalog.build_recognizers(("US_SSN",), prefer=("otherssn",))]
    assert names == ["OtherSsn"]
    engine = DetectionEngine(catalog.DetectorSettings(entities=("US_SSN",), prefer_plugins=("otherssn",)))
    res = engine.detect(Segment("id SSN#536221934 and SSN 536-22-1934"))
    assert [(r.recognition_metadata["recognizer_name"], r.score) for r in res] == [("OtherSsn", 0.9)]




def test_installed_plugins_are_part_of_the_results_fingerprint(monkeypatch):
    from detectors.catalog import DetectorSettings
    from scanner.incremental import result_fingerprint
    from scanner.model import TargetSpec
    from scanner.settings import ScanSettings

    spec = TargetSpec(name="t", url="/x", scheme="file")
    det = DetectorSettings(entities=("US_SSN",))
    monkeypatch.setattr(plugins, "signature", lambda: [])
    without = result_fingerprint(spec, ScanSettings(), det)
    monkeypatch.setattr(plugins, "signature", lambda: ["piiscout.recognizers:x=m:X@pkg-1.0"])
    with_one = result_fingerprint(spec, ScanSettings(), det)
    monkeypatch.setattr(plugins, "signature", lambda: ["piiscout.recognizers:x=m:X@pkg-1.1"])
    upgraded = result_fingerprint(spec, ScanSettings(), det)
    assert len({without, with_one, upgraded}) == 3


def test_builtin_scheme_map_matches_the_connectors():
    """connectors.registry.BUILTIN_SCHEMES (what a lookup of one scheme
    imports) names, for every built-in scheme, the module of its class."""
    connectors.schemes()
    builtins = {key: impl.__module__ for key, cands in connectors.CONNECTORS.by_key.items()
                for impl, origin in cands if origin == plugins.BUILTIN}
    assert builtins == connectors.BUILTIN_SCHEMES


def test_a_local_target_imports_no_other_connector():
    import subprocess
    import sys

    code = ("import sys; from connectors.registry import resolve; from scanner.installed import all_plugins; "
            "resolve('.'); resolve('file:///tmp'); all_plugins(); "
            "print(sorted(m for m in sys.modules if m.startswith('connectors.') or m.startswith('smbprotocol')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert not any(m in out for m in ("connectors.smb", "connectors.sql", "connectors.mail", "smbprotocol")), out
    assert "connectors.local" in out
