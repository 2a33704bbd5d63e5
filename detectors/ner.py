"""Names (and other NER entities) from spaCy, run the cheap way.

Presidio's own path runs the whole spaCy pipeline (tagger, parser,
lemmatizer...) on every text for every request. Only `tok2vec` and `ner`
produce entities, so only those run here, on bounded chunks, batched with
`nlp.pipe`. Results carry the same entity mapping and score as Presidio's
SpacyRecognizer.
"""

from __future__ import annotations

from functools import lru_cache

from presidio_analyzer import RecognizerResult

# spaCy label -> Presidio entity, as Presidio's default spaCy configuration.
LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "NORP": "NRP",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
}
# Presidio scores every spaCy entity 0.85, except those it distrusts.
SCORE = 0.85
LOW_SCORE = {"ORGANIZATION": 0.4}
RECOGNIZER_NAME = "SpacyRecognizer"

CHUNK = 20_000  # characters; spaCy's cost per chunk is linear, memory is not


@lru_cache(maxsize=2)
def load_model(name: str):
    import spacy

    keep = {"tok2vec", "ner"}
    nlp = spacy.load(name)
    for pipe in list(nlp.pipe_names):
        if pipe not in keep:
            nlp.remove_pipe(pipe)
    nlp.max_length = 2 * CHUNK
    return nlp


def chunks(text: str, size: int = CHUNK) -> list[tuple[int, str]]:
    """Split at a line break or blank into pieces of at most `size` characters."""
    out, pos, n = [], 0, len(text)
    while pos < n:
        end = pos + size
        if end >= n:
            end = n
        else:
            lo = pos + size // 2
            cut = text.rfind("\n", lo, end)
            if cut < 0:
                cut = max(text.rfind(" ", lo, end), text.rfind("\t", lo, end))
            if cut >= 0:
                end = cut + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


class NerDetector:
    def __init__(self, model: str, entities: tuple[str, ...]):
        self.nlp = load_model(model)
        self.entities = set(entities)

    def detect(self, text: str) -> list[RecognizerResult]:
        return self.detect_many([text])[0]

    def detect_many(self, texts: list[str]) -> list[list[RecognizerResult]]:
        """Entities per text; all chunks of all texts go through one nlp.pipe."""
        pieces = [(i, off, chunk) for i, t in enumerate(texts) for off, chunk in chunks(t)]
        out: list[list[RecognizerResult]] = [[] for _ in texts]
        docs = self.nlp.pipe((c for _, _, c in pieces), batch_size=64)
        for (i, off, _), doc in zip(pieces, docs):
            for ent in doc.ents:
                entity = LABELS.get(ent.label_)
                if entity not in self.entities:
                    continue
                out[i].append(
                    RecognizerResult(
                        entity_type=entity,
                        start=off + ent.start_char,
                        end=off + ent.end_char,
                        score=LOW_SCORE.get(entity, SCORE),
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: RECOGNIZER_NAME,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: RECOGNIZER_NAME,
                        },
                    )
                )
        return out
