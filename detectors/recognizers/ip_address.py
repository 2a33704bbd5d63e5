"""IPv4 and IPv6 addresses. Internal addresses (private, loopback, link-local,
reserved) score below the default threshold: on a file share they are mostly
infrastructure, not a person's address; `--min-score 0.3` reports them."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import ip_kind

INTERNAL_SCORE = 0.3


def _public_ipv4_trigger() -> str:
    """IPv4 addresses outside the internal ranges, as a Hyperscan pattern
    (no lookarounds): logs are full of 10.x and 192.168.x addresses, which
    score below the default threshold, so they should not even wake Python."""
    internal_first = {0, 10, 127} | set(range(224, 256))
    special_second = {169: {254}, 172: set(range(16, 32)), 192: {168}, 100: set(range(64, 128))}
    plain = [str(i) for i in range(1, 224) if i not in internal_first and i not in special_second]
    alts = ["(?:" + "|".join(plain) + r")\.\d{1,3}"]
    for first, excluded in special_second.items():
        seconds = [str(j) for j in range(256) if j not in excluded]
        alts.append(f"{first}\\.(?:" + "|".join(seconds) + ")")
    return r"(?:^|[^0-9.])(?:" + "|".join(alts) + r")\.\d{1,3}\.\d{1,3}"

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_H = r"[0-9A-Fa-f]{1,4}"


class IpAddressRecognizer(PiiRecognizer):
    ENTITY = "IP_ADDRESS"
    RULES = (
        Rule("ipv4", rf"(?<![\w.])((?:{_OCTET}\.){{3}}{_OCTET})(?!\w|\.\d)", 0.6, 0.8),
        Rule("ipv6_full", rf"(?<![\w:.])((?:{_H}:){{7}}{_H})(?![\w:])", 0.6, 0.8),
        # A full stop may end the sentence an address ends ("... from 2001:db8::1.").
        Rule("ipv6_short", rf"(?<![\w:.])((?:{_H}(?::{_H})*)?::(?:{_H}(?::{_H})*)?)(?![\w:]|\.\d)", 0.6, 0.8),
        # IPv4-mapped and -embedded (::ffff:192.0.2.1, 64:ff9b::198.51.100.1): one address, not two.
        Rule("ipv6_v4", rf"(?<![\w:.])((?:{_H}|:)(?::{_H}){{0,5}}:(?:{_OCTET}\.){{3}}{_OCTET})(?!\w|\.\d)", 0.6, 0.8),
    )
    CONTEXT = ("ip", "ip address", "ipv4", "ipv6", "client", "src", "dst", "source", "remote",
               "address", "addr", "login from", "host")
    NEGATIVE_CONTEXT = ("version", "ver", "v", "build", "release", "oid", "snmp")
    TRIGGERS = (
        Trigger(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"),
        Trigger(r"::"),
        Trigger(rf"{_H}:{_H}:{_H}:{_H}:{_H}:{_H}:{_H}:{_H}"),
    )
    MAX_LEN = 45
    NORMALISE = "text"

    def triggers(self) -> list[Trigger]:
        if self.score_floor > INTERNAL_SCORE:
            return [Trigger(_public_ipv4_trigger()), *self.TRIGGERS[1:]]
        return list(self.TRIGGERS)

    def validate(self, value: str) -> bool:
        kind = ip_kind(value)
        if kind == "internal" and self.score_floor > INTERNAL_SCORE:
            return False  # could never be reported
        return kind is not None

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if ip_kind(value) == "internal":
            return min(score, INTERNAL_SCORE)
        return score
