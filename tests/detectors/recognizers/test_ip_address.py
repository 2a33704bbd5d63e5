import pytest

MUST_MATCH = [
    ("login from 8.8.8.8 ok", "8.8.8.8"),
    ("ip=145.250.70.245", "145.250.70.245"),
    ("client 2001:4860:4860::8888", "2001:4860:4860::8888"),
    ("2606:4700:4700:0:0:0:0:1111", "2606:4700:4700:0:0:0:0:1111"),
]
MUST_NOT_MATCH = [
    "192.168.1.10",  # internal: below the default threshold
    "10.0.0.1",
    "127.0.0.1",
    "version 1.2.3.4.5",
    "999.1.1.1",
    "std::vector",
    "10:23:45",
    "MAC 00:1A:2B:3C:4D:5E",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_ip_found(found, text, value):
    assert found(text, "IP_ADDRESS") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_ip_not_found(found, text):
    assert found(text, "IP_ADDRESS") == []
