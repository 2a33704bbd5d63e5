"""A broken plugin: `missing` fails to import; BoomExtractor raises."""

from scanner.extractors.base import Extractor


class BoomExtractor(Extractor):
    name = "boom"
    content_types = ("application/x-boom",)
    extensions = (".boom",)

    def extract(self, blob, ctx):
        raise RuntimeError("boom: this extractor always fails")
        yield  # pragma: no cover
