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
    conn = {k: list(v) for k, v in connectors._BY_SCHEME.items()}
    ext = {k: list(v) for k, v in extractors._BY_TYPE.items()}
    yield
    connectors._BY_SCHEME.clear()
    connectors._BY_SCHEME.update(conn)
    extractors._BY_TYPE.clear()
    extractors._BY_TYPE.update(ext)
    plugins.set_preferred(())


def test_builtin_kept_unless_plugin_preferred():
    connectors.schemes()  # built-ins loaded

    class MyFiles(LocalConnector):
        name = "myfiles"

    info = plugins.PluginInfo(group="piiscout.connectors", name="myfiles", module="x:MyFiles", dist="my-files")
    assert connectors._register_plugin(MyFiles, info) == ["file://"]
    assert info.status == plugins.SHADOWED and "--prefer-plugin myfiles" in info.error
    assert connectors.connector_class("file") is LocalConnector
    plugins.set_preferred(["myfiles"])
    assert connectors.connector_class("file") is MyFiles
    plugins.set_preferred(["MY-FILES"])  # the package name works too
    assert connectors.connector_class("file") is MyFiles
    assert connectors.plugin_of(MyFiles) is info and connectors.plugin_of(LocalConnector) is None


def test_extractor_plugin_for_new_and_builtin_types():
    extractors.registered()

    class Text2(Extractor):
        content_types = ("text/plain", "application/x-new")

    info = plugins.PluginInfo(group="piiscout.extractors", name="text2", module="x:Text2")
    extractors._register_plugin(Text2, info)
    assert extractors.for_type("application/x-new") is Text2  # nothing built in: no preference needed
    assert extractors.for_type("text/plain") is PlainTextExtractor
    plugins.set_preferred(["text2"])
    assert extractors.for_type("text/plain") is Text2


def test_rejected_plugin_object():
    info = plugins.PluginInfo(group="piiscout.connectors", name="bad", module="x:bad")
    with pytest.raises(TypeError):
        connectors._register_plugin(object, info)
