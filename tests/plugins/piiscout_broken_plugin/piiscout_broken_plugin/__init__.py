"""A broken plugin: `missing` fails to import; BoomExtractor raises on every
file, RaisingRecognizer on every text holding "explode"."""

from presidio_analyzer import EntityRecognizer

from scanner.extractors.base import Extractor


class BoomExtractor(Extractor):
    name = "boom"
    content_types = ("application/x-boom",)
    extensions = (".boom",)

    def extract(self, blob, ctx):
        raise RuntimeError("boom: this extractor always fails")
        yield  # pragma: no cover


class RaisingRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["BROKEN_THING"], name="RaisingRecognizer")

    def load(self):
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if "explode" in text:
            raise RuntimeError("this recognizer exploded")
        return []
