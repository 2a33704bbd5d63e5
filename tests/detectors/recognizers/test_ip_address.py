import pytest
from tests.detectors.recognizers.table import table_tests

ENTITY = "IP_ADDRESS"

MUST_MATCH = [
    ("login from 8.8.8.8 ok", "8.8.8.8"),
    ("ip=145.250.70.245", "145.250.70.245"),
    ("client 2001:4860:4860::8888", "2001:4860:4860::8888"),
    ("2606:4700:4700:0:0:0:0:1111", "2606:4700:4700:0:0:0:0:1111"),
    # issue 22: a compressed IPv6 address at the end of a sentence
    ("connect from 2a00:1450:4001:81b::200e.", "2a00:1450:4001:81b::200e"),
    ("Connect to [2606:4700::1111]:8080", "2606:4700::1111"),
    # IPv4-mapped: one address
    ("peer ::ffff:8.8.4.4 closed", "::ffff:8.8.4.4"),
    # IPv4 as logs write it
    ("client=8.8.8.8:443 GET /", "8.8.8.8"),
    ('8.8.8.8 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200', "8.8.8.8"),
    ("src:145.250.70.245/32 action=drop", "145.250.70.245"),
    ("X-Forwarded-For: 145.250.70.245, 10.0.0.1", "145.250.70.245"),
    ('{"remote_addr":"145.250.70.245"}', "145.250.70.245"),
    # documentation and unallocated ranges stand for public addresses
    ("Alert: login by m@corp.io from 203.0.113.10 at 09:00", "203.0.113.10"),
    ("Connect to [2001:db8::1]:8080", "2001:db8::1"),
    ("address 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked", "6e40:4041:c617:e898:c11:40d2:c669:2eb4"),
    # internal, but labelled as somebody's address
    ("User Laura sent from IP 10.0.0.2 and email", "10.0.0.2"),
    ("client_ip=10.1.2.3 upstream=10.2.3.4:80", "10.1.2.3"),
    ('{"ip": "192.168.1.7"}', "192.168.1.7"),
    ("Joe White logged in from 192.168.4.5", "192.168.4.5"),
    ("my ip: ::1", "::1"),
    # a context word is a whole word in any Latin script: "Vītols" holds no "v"
    ("[2021-01-05T21:03:00Z] Edgars Vītols logged in from 34.12.193.61. Email: on file", "34.12.193.61"),
    ("Ieva Vītola changed password from 147.205.4.141.", "147.205.4.141"),
    # IPv6 with an embedded IPv4 tail after "::" is one address, not its tail
    ("client 2001:db8:1::192.0.2.1 connected", "2001:db8:1::192.0.2.1"),
    ("peer 2001:db8:85a3::8a2e:192.168.0.1", "2001:db8:85a3::8a2e:192.168.0.1"),
    ("NAT64 64:ff9b::198.51.100.7 seen", "64:ff9b::198.51.100.7"),
    ("host 2001:db8:0:0:0:0:192.168.1.1 up", "2001:db8:0:0:0:0:192.168.1.1"),
]
MUST_NOT_MATCH = [
    "192.168.1.10",  # internal: below the default threshold
    "10.0.0.1",
    "127.0.0.1",
    "::ffff:10.0.0.1",  # mapped, internal
    "version 1.2.3.4.5",
    "999.1.1.1",
    "std::vector",
    "10:23:45",
    "MAC 00:1A:2B:3C:4D:5E",
    "version 8.8.8.8",  # a version, not an address
    "build 145.250.70.245",
    "v 8.8.8.8",  # "v" alone is a version
    "a::b::c",
    # internal, infrastructure's or unlabelled
    "upstream=10.1.2.3:8080 took=3ms",
    'serverIp: "10.0.0.5"',
    "dst_ip=10.0.0.1",
    "Node 172.16.0.4 owned by ops",
    "skip 10.0.0.1",
    "dead::beef",
    "via 64:ff9b::10.0.0.1",  # NAT64 of an internal address is internal
]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_internal_addresses_score_low(engine):
    from detectors.catalog import DetectorSettings, default_entities
    from detectors.engine import DetectionEngine
    from scanner.model import Segment

    low = DetectionEngine(DetectorSettings(entities=default_entities(), min_score=0.3))
    text = "host 192.168.1.10 peer 2001:db8::1."
    assert [text[r.start:r.end] for r in low.detect(Segment(text)) if r.entity_type == "IP_ADDRESS"] == \
        ["192.168.1.10", "2001:db8::1"]
