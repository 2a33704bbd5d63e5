import codecs
import io

import pytest

from scanner.textdecode import Encoding, detect_encoding, iter_text, segments

TEXT = "Zoë’s café: SSN 234-56-7890, naïve résumé\n" * 3


@pytest.mark.parametrize(
    "data,name",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_round_trip(data, name):
    enc = detect_encoding(data[:8192])
    assert enc is not None and enc.name == name
    assert "".join(iter_text(io.BytesIO(data), enc)) == TEXT


def test_binary_is_recognised():
    assert detect_encoding(bytes(range(256)) * 4) is None
    assert detect_encoding(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100) is None


def test_utf8_cut_mid_character_is_still_utf8():
    data = "é".encode("utf-8") * 100
    assert detect_encoding(data[:-1]).name == "utf-8"


def test_incremental_decoding_across_block_edges():
    data = ("€" * 1000).encode("utf-8")
    out = "".join(iter_text(io.BytesIO(data), Encoding("utf-8"), block=7))
    assert out == "€" * 1000


def test_segments_own_every_position_once():
    text = "".join(f"line {i:05d} 234-56-7890\n" for i in range(5000))
    segs = list(segments([text[i : i + 1000] for i in range(0, len(text), 1000)], size=4096, overlap=128))
    assert len(segs) > 10
    covered = []
    for s in segs:
        lo, hi = s.core or (0, len(s.text))
        assert s.text[lo:hi] == text[s.offset + lo : s.offset + hi]
        covered.append((s.offset + lo, s.offset + hi))
        # line numbers are those of the whole text
        assert s.line == text.count("\n", 0, s.offset) + 1
    covered.sort()
    assert covered[0][0] == 0 and covered[-1][1] == len(text)
    for (a, b), (c, d) in zip(covered, covered[1:]):
        assert b == c
