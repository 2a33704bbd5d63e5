"""IPv4 and IPv6 addresses.

Internal addresses (private, loopback, link-local, multicast, broadcast,
unspecified) are what every log and config file is full of: they score 0.3,
below the default threshold (`--min-score 0.3` reports them), unless the
address is labelled as somebody's: its own key, column or label names an IP
and no piece of infrastructure (`ip`, `client_ip`, "IP address:", not
`server_ip`, `upstream`, `host`), "IP" is written right before it ("sent
from IP 10.0.0.2"), or a login or access is said to come from it ("logged in
from", "access from", "password from"). Those score 0.5.

Documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)
and unallocated ranges are not internal: no network uses them, so they are
not in logs; examples and test records write them for a public address.
"""

from __future__ import annotations

import re

from detectors.base import PiiRecognizer, Rule, Trigger, context_tokens, own_label, value_key
from detectors.validators import ip_kind

INTERNAL_SCORE = 0.3
# An internal address labelled as somebody's (see the module docstring).
LABELLED_SCORE = 0.5


def _public_ipv4_trigger() -> str:
    """IPv4 addresses outside the internal ranges, as a Hyperscan pattern
    (no lookarounds): logs are full of 10.x and 192.168.x addresses, which
    score below the default threshold, so they should not even wake Python."""
    internal_first = {0, 10, 127} | set(range(224, 240))  # 240-255: class E counts as public
    special_second = {169: {254}, 172: set(range(16, 32)), 192: {168}, 100: set(range(64, 128))}
    plain = [str(i) for i in range(1, 256) if i not in internal_first and i not in special_second]
    alts = ["(?:" + "|".join(plain) + r")\.\d{1,3}"]
    for first, excluded in special_second.items():
        seconds = [str(j) for j in range(256) if j not in excluded]
        alts.append(f"{first}\\.(?:" + "|".join(seconds) + ")")
    return r"(?:^|[^0-9.])(?:" + "|".join(alts) + r")\.\d{1,3}\.\d{1,3}"

_V4 = r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
# Prefilter: an IPv4 address after an IP label or a login phrase (internal
# addresses are woken only so).
_LABELLED_TRIGGERS = (
    Trigger(r"ip(?:v4)?(?:[ _.-]?addr(?:ess)?)?[\"']?\s*[:=]?\s*[\"'\[(]?" + _V4, caseless=True),
    Trigger(r"(?:in|on|login|logon|access|accessed|password)\s+from\s+" + _V4, caseless=True),
    Trigger(_V4, bare=True),  # under an IP column
)

# A label that names an IP address, and the words that make it a piece of
# infrastructure's (tokens as context_tokens spells them).
_IP_WORD = re.compile(r" (?:ip|ips|ipv4|ipv6|ipaddr|ipaddress)(?= )")
_INFRA_WORD = re.compile(
    r" (?:server|srv|host|hostname|node|gateway|gw|router|dns|nameserver|upstream|backend|proxy|lb|balancer|"
    r"vip|nat|bind|listen|listening|local|subnet|mask|netmask|broadcast|interface|iface|cluster|pod|service|"
    r"svc|container|docker|db|database|ntp|dhcp|route|nexthop|endpoint|target|dest|dst|destination|bridge|"
    r"vpn|tunnel|public|external|internal|private|static|allowed|allow|deny|whitelist|blacklist|range|cidr)(?= )")
# Right before the address: "IP", "IP address", "logged in from", "access from".
_BEFORE = re.compile(
    r"(?:(?<![a-z0-9])ip(?:v[46])?(?: ?addr(?:ess)?)?|(?:(?:logged|signed) ?(?:in|on)|log ?(?:in|on)|sign ?(?:in|on)"
    r"|access(?:ed)?|password) +from(?: +ip)?)[ :=#\"'\[(]*$")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_H = r"[0-9A-Fa-f]{1,4}"


class IpAddressRecognizer(PiiRecognizer):
    ENTITY = "IP_ADDRESS"
    RULES = (
        Rule("ipv4", rf"(?<![\w.])((?:{_OCTET}\.){{3}}{_OCTET})(?!\w|\.\d)", 0.6, 0.8),
        Rule("ipv6_full", rf"(?<![\w:.])((?:{_H}:){{7}}{_H})(?![\w:])", 0.6, 0.8),
        # A full stop may end the sentence an address ends ("... from 2001:db8::1.").
        Rule("ipv6_short", rf"(?<![\w:.])((?:{_H}(?::{_H})*)?::(?:{_H}(?::{_H})*)?)(?![\w:]|\.\d)", 0.6, 0.8),
        # IPv4-mapped and -embedded (::ffff:192.0.2.1, 64:ff9b::198.51.100.1,
        # 2001:db8:1::192.0.2.1): one address, not two.
        Rule("ipv6_v4", rf"(?<![\w:.])((?:(?:{_H}:){{6}}|(?:{_H}(?::{_H}){{0,4}})?::(?:{_H}:){{0,4}})"
                        rf"(?:{_OCTET}\.){{3}}{_OCTET})(?!\w|\.\d)", 0.6, 0.8),
    )
    CONTEXT = ("ip", "ip address", "ipv4", "ipv6", "client", "src", "dst", "source", "remote",
               "address", "addr", "login from", "host")
    NEGATIVE_CONTEXT = ("version", "ver", "v", "build", "release", "oid", "snmp")
    TRIGGERS = (
        Trigger(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"),
        Trigger(r"::"),
        Trigger(rf"{_H}:{_H}:{_H}:{_H}:{_H}:{_H}:{_H}:{_H}"),
        Trigger(rf"{_H}:{_H}:{_H}:{_H}:{_H}:{_H}:\d{{1,3}}\."),  # six groups and an IPv4 tail
    )
    MAX_LEN = 45
    NORMALISE = "text"

    USES_LAYOUT = True  # analyze_range gets the segment's context (an IP column)

    def triggers(self) -> list[Trigger]:
        if self.score_floor > INTERNAL_SCORE:
            if self.score_floor > LABELLED_SCORE:
                return [Trigger(_public_ipv4_trigger()), *self.TRIGGERS[1:]]
            return [Trigger(_public_ipv4_trigger()), *self.TRIGGERS[1:], *_LABELLED_TRIGGERS]
        return list(self.TRIGGERS)

    def context_matches(self, words) -> bool:
        return any(labelled_ip(context_tokens((w,))) for w in words)

    def analyze_range(self, text, lo, hi, entities=None, context=None):
        found = super().analyze_range(text, lo, hi, entities)
        if self.score_floor <= INTERNAL_SCORE or context is None:
            return found
        # Internal addresses that cannot reach the threshold: dropped here,
        # before context scoring (results do not change, only the work).
        return [r for r in found if ip_kind(text[r.start:r.end]) != "internal"
                or (self.score_floor <= LABELLED_SCORE and self._labelled(text, r.start, context))]

    def validate(self, value: str) -> bool:
        return ip_kind(value) is not None

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if ip_kind(value) == "internal":
            return min(score, INTERNAL_SCORE)
        return score

    def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
                              context=None):
        out = super().enhance_using_context(text, raw_recognizer_results, other_raw_recognizer_results,
                                            nlp_artifacts, context)
        for r in out:
            if r.score == INTERNAL_SCORE and self._labelled(text, r.start, context):
                r.score = LABELLED_SCORE
        return out

    def _labelled(self, text: str, start: int, context) -> bool:
        """Is the internal address at `start` labelled as somebody's?"""
        label = own_label(text, start, context)
        if label is not None and labelled_ip(label):
            return True
        if value_key(text, start) is not None:  # its own key decides (`dst_ip=` beside `src_ip=`)
            return False
        line = text.rfind("\n", max(0, start - 48), start) + 1
        return bool(_BEFORE.search(text[max(line, start - 48):start].lower()))


def labelled_ip(tokens: str) -> bool:
    """Header or key tokens (' client ip ') that name an IP address and no
    piece of infrastructure."""
    return bool(_IP_WORD.search(tokens)) and not _INFRA_WORD.search(tokens)
