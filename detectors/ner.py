"""Names (and other NER entities) from spaCy, run the cheap way.

Presidio's own path runs the whole spaCy pipeline (tok2vec, tagger,
parser, lemmatizer...) on every text for every request. Only `ner` produces
entities (in the small English model it has a tok2vec layer of its own), so
only it runs here: on windows around possible names, skipping names and
values the recognizers already decided, batched through `nlp.pipe`.
Results carry the same entity mapping and score as Presidio's
SpacyRecognizer.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Sequence

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

    nlp = spacy.load(name)
    # Only the NER component runs. In the small English model NER embeds its
    # own tok2vec layer; the shared `tok2vec` pipe feeds only the tagger and
    # parser, so it is dropped with them (half of what NER cost).
    keep = {"ner"} | set(_needed_by_ner(nlp))
    for pipe in list(nlp.pipe_names):
        if pipe not in keep:
            nlp.remove_pipe(pipe)
    nlp.max_length = 2 * CHUNK
    return nlp


def _needed_by_ner(nlp) -> list[str]:
    """Pipes NER listens to (a model whose NER shares a tok2vec keeps it)."""
    out = []
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        if "ner" in (getattr(pipe, "listening_components", None) or ()):
            out.append(name)
    return out


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
# Text on each side of a candidate that spaCy sees with it: a dozen words or so
# (its NER layers look four tokens each way; measured on bench/ner_speed.py and
# the benchmark share, 80 characters give the same names as 160).
WINDOW = 80


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 8) : pos].rstrip(" \t\"'(“[*-")
    return not before or before[-1] in _SENTENCE_END


def candidate_spans(text: str, window: int = WINDOW, decided: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Merged ranges of `text` around possible names, widened to whitespace.
    Most text on a file share (logs, exports, code, lower-case prose) holds
    none, and spaCy costs the same per character whether it finds one or not.
    A candidate inside a `decided` span (a value another recognizer found:
    a name under a name column, an address, an e-mail) opens no window."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    decided = _merged(decided)
    starts = [s for s, _ in decided]
    for m in _CANDIDATE.finditer(text):
        if m.group(1) is None and m.group(2) is None and _starts_sentence(text, m.start()):
            continue  # "Report ..." at the start of a sentence: an ordinary word
        if decided and _inside(m.start(), m.end(), decided, starts):
            continue
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


def _inside(start: int, end: int, decided: list[tuple[int, int]], starts: list[int]) -> bool:
    """Is [start, end) within one of `decided` (merged, sorted spans)?"""
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and decided[i][1] >= end


def _merged(spans) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


class NerDetector:
    def __init__(self, model: str, entities: tuple[str, ...], everywhere: bool = False):
        self.nlp = load_model(model)
        self.entities = set(entities)
        # everywhere=True: run spaCy on all text, not only around candidates
        # (for comparisons; the results differ little, the cost a lot).
        self.everywhere = everywhere

    def detect(self, text: str) -> list[RecognizerResult]:
        return self.detect_many([text])[0]

    def _pieces(self, i: int, text: str, decided=()):
        if self.everywhere:
            yield from ((i, off, chunk) for off, chunk in chunks(text))
            return
        for lo, hi in candidate_spans(text, decided=decided):
            for off, chunk in chunks(text[lo:hi]):
                yield i, lo + off, chunk

    def detect_many(self, texts: list[str], decided: Sequence[Sequence[tuple[int, int]]] | None = None
                    ) -> list[list[RecognizerResult]]:
        """Entities per text; all chunks of all texts go through one nlp.pipe.
        `decided`: per text, spans other recognizers found (see candidate_spans)."""
        decided = decided if decided is not None else [()] * len(texts)
        pieces = [p for i, (t, d) in enumerate(zip(texts, decided)) for p in self._pieces(i, t, d)]
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
