import os
import stat

import pytest

from scanner import privacy


@pytest.mark.parametrize(
    "entity,value,masked",
    [
        ("US_SSN", "123-45-6789", "***-**-6789"),
        ("CREDIT_CARD", "4111111111111111", "************1111"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("EMAIL_ADDRESS", "jane.doe@example.com", "j***@example.com"),
        ("PHONE_NUMBER", "(212) 555-0147", "(***) ***-0147"),
        ("PERSON", "Jane Doe", "J*** D**"),
    ],
)
def test_mask(entity, value, masked):
    assert privacy.mask(entity, value) == masked


@pytest.mark.parametrize(
    "entity,a,b",
    [
        ("US_SSN", "123-45-6789", "123 45 6789"),
        ("US_SSN", "123-45-6789", "123456789"),
        ("CREDIT_CARD", "4111-1111-1111-1111", "4111111111111111"),
        ("IBAN_CODE", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("PHONE_NUMBER", "(212) 555-0147", "+1 212 555 0147"),
        ("EMAIL_ADDRESS", "Jane.Doe@Example.com", "jane.doe@example.com"),
        ("PERSON", "Jane   DOE", "jane doe"),
    ],
)
def test_hash_is_stable_across_formats(entity, a, b):
    assert privacy.value_hash(entity, a) == privacy.value_hash(entity, b)


def test_hash_is_keyed(monkeypatch):
    h1 = privacy.value_hash("US_SSN", "123-45-6789")
    monkeypatch.setenv("PIISCOUT_HASH_KEY", "another key")
    privacy.hash_key.cache_clear()
    assert privacy.value_hash("US_SSN", "123-45-6789") != h1
    assert len(h1) == 64


@pytest.mark.parametrize("key", [b"k", b"piiscout-test-key", b"x" * 64, b"y" * 65, "ключ".encode() * 30])
@pytest.mark.parametrize("value", ["123456789", "+12125550147", "jane.doe@example.com", "", "ü" * 100])
def test_hash_is_hmac_sha256_of_the_normalised_value(key, value):
    import hashlib
    import hmac

    expected = hmac.new(key, privacy.normalise("US_SSN", value).encode(), hashlib.sha256).hexdigest()
    assert privacy.value_hash("US_SSN", value, key) == expected


def test_key_file_created_once_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv("PIISCOUT_HASH_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    privacy.hash_key.cache_clear()
    k1 = privacy.hash_key()
    path = tmp_path / "piiscout" / "hash.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    privacy.hash_key.cache_clear()
    assert privacy.hash_key() == k1
    assert path.read_text().strip().encode() == k1


def test_snippet_masks_everything_but_structure():
    text = "Patient Jane Doe, SSN 234-56-7890, card 4111 1111 1111 1111, mail jd@example.com"
    s = text.index("234")
    snip = privacy.snippet(text, s, s + 11, "***-**-7890", radius=60)
    assert "234-56" not in snip and "4111" not in snip and "jd@" not in snip
    assert "Jane" not in snip and "Doe" not in snip
    assert "SSN" in snip and "***-**-7890" in snip


def test_scrub():
    assert privacy.scrub("bad value '123-45-6789' from jane@example.com") == "bad value '###-##-####' from j***@example.com"


@pytest.mark.parametrize("message,expected", [
    # be6bffa masked every digit: inv# , Errno ##, utf-#.
    ("[Errno 13] Permission denied: '/var/lib/piiscout/inv2/.lock'",
     "[Errno 13] Permission denied: '/var/lib/piiscout/inv2/.lock'"),
    ("'utf-8' codec can't decode byte 0xe9 in position 3", "'utf-8' codec can't decode byte 0xe9 in position 3"),
    ("connect to 127.0.0.1 port 4450 failed", "connect to ###.#.#.# port 4450 failed"),
    ("bad card 4111 1111 1111 1111 in Smith_531-74-2190.pdf", "bad card #### #### #### #### in Smith_###-##-####.pdf"),
    ("call (212) 555-0147", "call (###) ###-####"),
    ("account 021000021", "account #########"),
])
def test_scrub_keeps_digits_that_are_not_values(message, expected):
    assert privacy.scrub(message) == expected


def test_fast_tail_mask_equals_the_character_loop():
    import random

    rnd = random.Random(5)
    alphabet = "0123456789 -().+/abcXYZ#_"
    samples = ["", "-", "1", "12", "123", "12345", "(212) 555-0147", "4111 1111 1111 1111", "DE89 3704"]
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24))) for _ in range(3000)]
    for v in samples:
        assert privacy._mask_tail(v) == privacy._mask_tail_slow(v), v
    assert privacy._mask_tail("Ω12345678") == privacy._mask_tail_slow("Ω12345678")


def test_builtin_entity_table_agrees_with_every_builtin_recognizer():
    """The built-in normalisation and masking table is the one declaration
    for built-in entity types (nothing registers into it at run time): each
    built-in recognizer must say the same, or its hashes would depend on
    which process computed them."""
    from detectors.catalog import recognizer_classes
    from scanner import privacy

    for cls in recognizer_classes():
        assert cls.ENTITY in privacy.BUILTIN_KINDS, cls.ENTITY
        assert (privacy.kind_of(cls.ENTITY), privacy.mask_of(cls.ENTITY)) == (cls.NORMALISE, cls.MASK), cls
    with pytest.raises(TypeError):
        privacy.BUILTIN_KINDS["NEW_THING"] = privacy.TEXT  # read-only
