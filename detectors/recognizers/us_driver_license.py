"""US driver's licence numbers. State formats differ wildly (A1234567,
123456789, AB123456, 123-456-789, D123-4567-8901, NV-632595): only with
context such as "driver's license" or "DL#", since each shape alone matches
half the numbers in a document.

Two labels count beside the context words, each for the value it labels
only:

* a field labelled just "License" (`License:`, `Notary License:`, a
  `License` column): on a person's record that is their licence number,
  whatever issued it. Software and product licences (`License key:`,
  `Software License:`, `License: MIT`) are not: their label says so, or
  their value has no licence-number shape;
* the value's own `DL-` prefix (`DL-V12985-85` in a headerless record), as
  `DL#` or "DL" before it would be, unless the line calls it a part or
  model number.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, context_tokens, own_label


class DriverLicenseRecognizer(PiiRecognizer):
    ENTITY = "US_DRIVER_LICENSE"
    RULES = (
        Rule("dl_alnum", r"([A-Za-z](?<![\w-].)[A-Za-z]?\d{4,14})(?!\w|-\d)", 0.0, 0.6),
        Rule("dl_digits", r"(\d(?<![\w.-]\d)\d{5,11})(?!\w|\.\d)", 0.0, 0.55),
        Rule("dl_dashed", r"(\d(?<![\w-]\d)\d{2}-\d{3}-\d{3})(?!\w|-\d)", 0.0, 0.6),
        # A state or type prefix joined by a dash, a check group after the
        # number: NV-632595, DL-V12985-85.
        Rule("dl_prefixed", r"([A-Z](?<![\w-].)[A-Z]{1,2}-[A-Z]{0,2}\d{4,14}(?:-\d{1,4})?)(?![\w-])", 0.0, 0.6),
        # A letter and dashed digit groups, as Florida, Illinois and
        # Wisconsin licences are written: D123-4567-8901, A123-456-78-901-0.
        Rule("dl_letter_dashed", r"([A-Z](?<![\w-].)\d{3}-\d{3,4}-\d{2,4}(?:-\d{1,3}){0,2})(?![\w-])", 0.0, 0.6),
    )
    CONTEXT = (
        "driver license", "drivers license", "driver's license", "driver’s license", "driving licence",
        "driving license", "driver licence", "license number", "licence number", "license no",
        "license #", "license#", "lic#", "lic no", "dl", "dl#", "dl no", "dln", "dmv",
    )
    NEGATIVE_CONTEXT = ("part number", "part no", "p/n", "model", "sku")
    TRIGGERS = (
        Trigger(r"[A-Za-z]{1,2}\d{4,14}", bare=True),
        Trigger(r"(?:^|[^0-9.])\d{6,12}(?:[^0-9]|$)", bare=True),
        Trigger(r"\d{3}-\d{3}-\d{3}", bare=True),
        # The "License" label: the value after it has no other context word.
        Trigger(r"licen[cs]e\s*[:=]", caseless=True, context=True),
    )
    MAX_LEN = 20

    def has_context(self, text: str, start: int, end: int, context) -> bool:
        return (super().has_context(text, start, end, context) or _dl_prefixed(text, start, end)
                or licence_labelled(text, start, context))

    def context_matches(self, words) -> bool:
        return super().context_matches(words) or _licence_label(context_tokens(words))


def _dl_prefixed(text: str, start: int, end: int) -> bool:
    return end - start > 7 and text.startswith("DL-", start)


# "License" as the last word of a label, with no word before it that makes
# it a software or product licence.
_LICENCE_LABEL = re.compile(r" (?:licen[cs]e|lic) $")
_NOT_A_PERSON_LICENCE = re.compile(
    r" (?:software|product|app|application|os|windows|office|server|client|site|volume|seat|seats|user|users|"
    r"open|source|code|content|music|media|font|image|photo|stock|api|cal|oem|retail|trial|subscription|saas|"
    r"plan|key|keys|type|count|file|agreement|terms|model|version|spdx|creative|commons|cc) ")


def _licence_label(tokens: str) -> bool:
    return bool(_LICENCE_LABEL.search(tokens)) and not _NOT_A_PERSON_LICENCE.search(tokens)


def licence_labelled(text: str, start: int, context) -> bool:
    """Is the value at `start` labelled just "License" by its own key or
    column (`Notary License: NI-240806`, a `License` header)?"""
    label = own_label(text, start, context)
    return label is not None and _licence_label(label)
