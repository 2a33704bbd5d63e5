"""Phone numbers, validated with phonenumbers.

* North American numbers in the forms people write them, (212) 555-0147,
  212-555-0147, 212.555.0147, +1 212 555 0147, 001-212-555-0147. A number
  phonenumbers knows as assigned scores highest; a well-formed one in an
  unassigned range (synthetic data, new area codes) a little lower; one
  whose exchange starts with 0 or 1 (never dialled, but printed in forms
  and fictional data) is still reported when written as a phone number.
* A bare 2125550147 only with phone context: a ten-digit number alone is a
  counter, a timestamp or an id far more often than a phone. Written as
  E.164 (+12125550147) it counts alone: the plus and country code say phone.
* International numbers written with a leading +country code: reported
  when phonenumbers knows the range, or when phone context is near.
* National numbers of other countries (0490 75 40 81, (37) 788-063,
  07700 063 966) only with phone context: without a country code almost
  any run of digit groups is valid somewhere.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, _word_alternation, context_tokens, rule_name
from detectors.gates import InWindow
from detectors.recognizers.sql_insert import column_at
from detectors.validators import digits, is_valid_card, phone_quality

# After the number: not a digit, letter or a separator followed by one
# ("555-123-4567-A" is a part number), but an extension may follow
# ("x123", "ext. 4").
_END = r"(?![0-9A-WYZa-wyz_]|[-.][0-9A-Za-z])"

NANP = r"(?:(?:\+1|001|1)[-. ]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])\d{3}[-. ]\d{4}"
# The rules' regexes below consume the value's first character before any
# look-behind (see detectors.base.Rule): each is NANP and the others written
# that way, with the same matches. `re` then skips to candidate first
# characters instead of trying the look-behind at every position (2-8x
# faster in the windows of a share).
_AREA = r"(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])"
_NANP_RULE = (r"([+(0-9](?<![\w+.-][+(0-9])(?:(?<=\+)1[-. ]?" + _AREA + r"|(?<=0)01[-. ]?" + _AREA
              + r"|(?<=1)[-. ]?" + _AREA + r"|(?<=\()[2-9]\d{2}\) ?|(?<=[2-9])\d{2}[-. ])\d{3}[-. ]\d{4})")
# 3-3-4 digits however separated: the North American rules accept or reject it.
_NANP_LIKE = re.compile(r"(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}")
_SSN_LIKE = re.compile(r"\d{3}([-. ])\d{2}\1\d{4}")
_EIN_LIKE = re.compile(r"\d{2}-\d{7}")  # a US employer identification number
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")
_AFTER_COUNTRY_CODE = re.compile(r"\+\d{1,3}[ -]?$")
_LAST_GROUP = re.compile(r"[-. ]\(?\d+\)?$")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


class PhoneNumberRecognizer(PiiRecognizer):
    ENTITY = "PHONE_NUMBER"
    RULES = (
        Rule("nanp", _NANP_RULE + _END, 0.7, 0.95),
        Rule("nanp_bare", r"([+0-9](?<![\w+.-][+0-9])(?:(?<=\+)1[2-9]|(?<=1)[2-9]|(?<=[2-9]))\d{9})" + _END,
             0.0, 0.7),
        Rule("nanp_e164", r"(\+(?<![\w+.-]\+)1[2-9]\d{9})" + _END, 0.7, 0.95, anchor="+"),
        Rule(
            "international",
            r"(\+(?<![\w+]\+)(?!1\D?[2-9(])[1-9]\d{0,2}(?:[-. ]?\(?\d{1,5}\)?){2,6})(?!\w|[-.]\d)",
            0.7,
            0.95,
            anchor="+",
        ),
        Rule(
            "national",
            r"([(\d](?<![\w+.:/-][(\d])(?<!\d,[(\d])(?<!\d[ .-][(\d])(?:(?<=\()\d{1,5}\)[ -]?\d{1,8}|(?<=\d)\d{0,7})"
            # Not followed by another group or a decimal part ("1 234,56");
            # the next cell of a comma-separated row may start with digits.
            r"(?:[-. ]\d{1,8}){1,5})(?![\w)]|[-./: ]\d|,\d{1,2}(?!\d))",
            0.0,
            0.65,
        ),
    )
    CONTEXT = (
        "phone", "phones", "telephone", "tel", "tel.", "mobile", "cell", "cellphone", "fax", "call", "contact",
        "ph", "ph#", "phone#", "whatsapp", "sms", "called", "calling", "dial", "cell#", "mobile#", "tel#",
        "telefon", "telefono", "teléfono", "téléphone", "tél", "landline", "office", "desk", "ext",
        "extension", "mob", "hotline", "helpline", "msisdn", "handy",
    )
    TRIGGERS = (
        # The separator (or parentheses) after the area code is required by
        # the rule too: without it, build numbers (20250417.7957) would hit.
        Trigger(r"(?:^|[^0-9])(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])\d{3}[-. ]\d{4}"),
        Trigger(r"\+[1-9]\d{0,2}[-. ]?\(?\d"),
        # A bare ten-digit number counts only with context: armed only under
        # a phone header; the context words (added by `triggers`) wake the
        # rest.
        Trigger(r"(?:^|[^0-9A-Za-z_.])\+?1?[2-9]\d{9}(?:[^0-9]|$)", bare=True),
        # A national number (trunk prefix 0, or an area code in brackets)
        # under a phone header: `Mobile` over `0412 345 678`, `06 10 12 70 95`.
        Trigger(r"(?:^|[^0-9A-Za-z_.+])(?:0\d{1,5}|\(\d{1,5}\))[-. ]?\d{1,8}(?:[-. ]\d{1,8}){0,5}", bare=True),
    )
    # The context words wake the rules that count only with context
    # (nanp_bare, national): each of their matches holds seven digits joined
    # as those rules join digit groups. A context word's window without them
    # is not examined: prose is full of "office", "contact" and "call".
    CONTEXT_GATE = InWindow(r"\d(?:(?:[-. ]|\)[ -]?)?\d){6}")
    ID_LABELS_NEGATIVE = True
    MAX_LEN = 32
    NORMALISE = "phone"

    # Near a number that only context can make a phone (bare, national),
    # these say it is something else.
    NOT_A_PHONE = ("sin", "social insurance", "insurance number", "ssn", "social security", "employee id",
                   "emp id", "account", "acct", "routing", "npi", "member id", "policy")

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self._not_a_phone = _word_alternation(sorted(self.NOT_A_PHONE, key=len, reverse=True))

    def refine_rule(self, rule: Rule, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        if rule.name == "national":
            if _AFTER_COUNTRY_CODE.search(text, max(0, start - 6), start):
                return None  # the rest of an international number
            return (start, end) if _national_shape(value) else None
        if rule.name == "international":
            # A greedy match may run into the next column ("+91 74466 51737 456"):
            # drop trailing groups while that makes a valid number of it.
            if phone_quality(value) != "valid":
                m = _LAST_GROUP.search(value)
                while m and len(digits(value[: m.start()])) >= 7:
                    value = value[: m.start()]
                    if phone_quality(value) == "valid":
                        return start, start + len(value)
                    m = _LAST_GROUP.search(value)
                value = text[start:end]
        return (start, end) if phone_quality(value) is not None else None

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        return [r for r in out if rule_name(r) not in ("national", "nanp_bare")
                or not self._labelled_other(text, r.start, r.end, context)]

    def _labelled_other(self, text: str, start: int, end: int, context) -> bool:
        """Does a word of NOT_A_PHONE label the value? A value of a SQL
        INSERT has its column for a label, not the other columns of the
        statement's line (`[phone], [ssn]`)."""
        column = column_at(text, start)
        if column is not None:
            return bool(self._not_a_phone.search(context_tokens((column,))))
        return (self._near_scoped(self._not_a_phone, text, start, end, context)
                or self._cell_label_matches(self._not_a_phone, text, start, context))

    def adjust_rule(self, rule: Rule, value: str, score: float, has_context: bool) -> float:
        quality = phone_quality(value) if rule.name != "national" else None
        if rule.name == "international":
            if quality == "valid":
                return score
            return 0.7 if has_context else 0.0  # possible, in no range phonenumbers knows
        if rule.name == "nanp_e164":
            # +12125550147: the plus and country code say phone, when the
            # number is one North America could dial.
            return {"valid": score, "possible": score - 0.1}.get(quality, 0.85 if has_context else 0.0)
        if rule.name in ("nanp", "nanp_bare"):
            if quality == "possible":
                return score - 0.1  # right shape, unassigned area code: still reported
            if quality == "shape":
                if rule.name == "nanp":
                    return 0.85 if has_context else 0.5
                return score - 0.15
        return score


def _national_shape(value: str) -> bool:
    """A national number as written: 7-13 digits in at least two groups,
    not a date, a dotted quad, a placeholder or anything shaped like a
    North American number (its own rules decide those)."""
    d = digits(value)
    if not 7 <= len(d) <= 13 or d.count("0") * 10 >= len(d) * 7 or len(set(d)) == 1:
        return False
    if len(d) >= 12 and is_valid_card(d):
        return False  # a card number (4-6-5, 4-4-4-4) is the card recognizer's
    # 3-3-4 digits are North American unless the trunk prefix 0 starts them
    # (Irish 085 510 4031): no area code starts with 0.
    if _NANP_LIKE.fullmatch(value) and not value.lstrip("(").startswith("0"):
        return False
    if _SSN_LIKE.fullmatch(value) or _EIN_LIKE.fullmatch(value) \
            or _DATE.fullmatch(value) \
            or _DOTTED_QUAD.fullmatch(value):
        return False
    if len(d) == 7 and d.startswith("55501"):
        return False  # 555-01XX: reserved for fiction
    seps = {c for c in value if c in "-. "}
    return len(seps) <= 2
