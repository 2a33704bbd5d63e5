"""US driver's licence numbers. State formats differ wildly (A1234567,
123456789, AB123456, 123-456-789): only with context such as "driver's
license" or "DL#", since each shape alone matches half the numbers in a
document."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger


class DriverLicenseRecognizer(PiiRecognizer):
    ENTITY = "US_DRIVER_LICENSE"
    RULES = (
        Rule("dl_alnum", r"([A-Za-z](?<![\w-].)[A-Za-z]?\d{4,14})(?!\w|-\d)", 0.0, 0.6),
        Rule("dl_digits", r"(\d(?<![\w.-]\d)\d{5,11})(?!\w|\.\d)", 0.0, 0.55),
        Rule("dl_dashed", r"(\d(?<![\w-]\d)\d{2}-\d{3}-\d{3})(?!\w|-\d)", 0.0, 0.6),
    )
    CONTEXT = (
        "driver license", "drivers license", "driver's license", "driver’s license", "driving licence",
        "driving license", "driver licence", "license number", "licence number", "license no",
        "license #", "license#", "lic#", "lic no", "dl", "dl#", "dl no", "dln", "dmv",
    )
    TRIGGERS = (
        Trigger(r"[A-Za-z]{1,2}\d{4,14}", bare=True),
        Trigger(r"(?:^|[^0-9.])\d{6,12}(?:[^0-9]|$)", bare=True),
        Trigger(r"\d{3}-\d{3}-\d{3}", bare=True),
    )
    MAX_LEN = 16
