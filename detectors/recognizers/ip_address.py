"""IPv4 and IPv6 addresses. Internal addresses (private, loopback, link-local,
reserved) score below the default threshold: on a file share they are mostly
infrastructure, not a person's address; `--min-score 0.3` reports them."""

from __future__ import annotations

from detectors.base import PiiRecognizer, Rule, Trigger
from detectors.validators import ip_kind

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_H = r"[0-9A-Fa-f]{1,4}"


class IpAddressRecognizer(PiiRecognizer):
    ENTITY = "IP_ADDRESS"
    RULES = (
        Rule("ipv4", rf"(?<![\w.])((?:{_OCTET}\.){{3}}{_OCTET})(?!\w|\.\d)", 0.6, 0.8),
        Rule("ipv6_full", rf"(?<![\w:.])((?:{_H}:){{7}}{_H})(?![\w:])", 0.6, 0.8),
        Rule("ipv6_short", rf"(?<![\w:.])((?:{_H}(?::{_H})*)?::(?:{_H}(?::{_H})*)?)(?![\w:.])", 0.6, 0.8),
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

    def validate(self, value: str) -> bool:
        return ip_kind(value) is not None

    def adjust(self, value: str, score: float, has_context: bool) -> float:
        if ip_kind(value) == "internal":
            return min(score, 0.3)
        return score
