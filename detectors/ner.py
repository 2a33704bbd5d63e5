"""Names (and other NER entities) from spaCy, run the cheap way.

Presidio's own path runs the whole spaCy pipeline (tagger, parser,
lemmatizer...) on every text for every request. Only `tok2vec` and `ner`
produce entities, so only those run here, on bounded chunks, batched with
`nlp.pipe`. Results carry the same entity mapping and score as Presidio's
SpacyRecognizer.
"""

from __future__ import annotations

import re
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


# Where a name can be: a capitalised word that does not merely start a
# sentence or a line, two capitalised words in a row (a first name that
# starts a sentence is followed by its surname), or a title ("Mr", "Dr").
_CAP = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+"
_CANDIDATE = re.compile(rf"\b{_CAP}(?:[ \t]+(?:[A-Z]\.[ \t]*)?({_CAP}))?|\b(Mr|Mrs|Ms|Miss|Dr|Prof)\b")
_SENTENCE_END = frozenset(".!?\n\r")
# Text on each side of a candidate that spaCy sees with it: a sentence or so,
# what its NER uses as context.
WINDOW = 160


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 8) : pos].rstrip(" \t\"'(“[*-")
    return not before or before[-1] in _SENTENCE_END


def candidate_spans(text: str, window: int = WINDOW) -> list[tuple[int, int]]:
    """Merged ranges of `text` around possible names, widened to whitespace.
    Most text on a file share (logs, exports, code, lower-case prose) holds
    none, and spaCy costs the same per character whether it finds one or not."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    for m in _CANDIDATE.finditer(text):
        if m.group(1) is None and m.group(2) is None and _starts_sentence(text, m.start()):
            continue  # "Report ..." at the start of a sentence: an ordinary word
        lo, hi = max(0, m.start() - window), min(n, m.end() + window)
        if lo > 0:
            sp = text.find(" ", lo, m.start())
            lo = sp + 1 if sp >= 0 else lo
        if hi < n:
            sp = text.rfind(" ", m.end(), hi)
            hi = sp if sp >= 0 else hi
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


class NerDetector:
    def __init__(self, model: str, entities: tuple[str, ...], everywhere: bool = False):
        self.nlp = load_model(model)
        self.entities = set(entities)
        # everywhere=True: run spaCy on all text, not only around candidates
        # (for comparisons; the results differ little, the cost a lot).
        self.everywhere = everywhere

    def detect(self, text: str) -> list[RecognizerResult]:
        return self.detect_many([text])[0]

    def _pieces(self, i: int, text: str):
        if self.everywhere:
            yield from ((i, off, chunk) for off, chunk in chunks(text))
            return
        for lo, hi in candidate_spans(text):
            for off, chunk in chunks(text[lo:hi]):
                yield i, lo + off, chunk

    def detect_many(self, texts: list[str]) -> list[list[RecognizerResult]]:
        """Entities per text; all chunks of all texts go through one nlp.pipe."""
        pieces = [p for i, t in enumerate(texts) for p in self._pieces(i, t)]
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
