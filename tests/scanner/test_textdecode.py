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


LEGACY = [
    # (text, encoding): what old file servers hold; piiscout before this
    # change read every one of them as cp1252.
    ("Małgorzata Wójcik z Łodzi: PESEL 44051401359, urlop macierzyński od czerwca.\n" * 8, "cp1250"),
    ("Анна Кузнецова, СНИЛС 112-233-445 95, уходит в декретный отпуск.\n" * 8, "cp1251"),
    ("Анна Кузнецова, СНИЛС 112-233-445 95, уходит в декретный отпуск.\n" * 8, "koi8-r"),
    ("Η κυρία Παπαδοπούλου, ΑΜΚΑ 01017012345, παίρνει άδεια μητρότητας.\n" * 8, "cp1253"),
    ("大阪の田中花子さん（電話 06-6123-4567）は六月から産休に入ります。\n" * 8, "cp932"),
    ("来自广州的王丽女士（身份证 11010519491231002X）将于六月开始休产假。\n" * 8, "gb18030"),
    ("부산의 김지은 씨는 6월부터 출산 휴가에 들어갑니다. 전화 051-123-4567\n" * 8, "euc-kr"),
]


@pytest.mark.parametrize("text,encoding", LEGACY)
def test_legacy_encodings_fall_back_to_charset_normalizer(text, encoding):
    data = text.encode(encoding)
    enc = detect_encoding(data[:8192])
    assert "".join(iter_text(io.BytesIO(data), enc)) == text


def test_an_ascii_head_leaves_the_encoding_open():
    """A CSV export: 8 KiB of ASCII, then accented names in cp1250. The head
    says nothing; the first block that is not UTF-8 decides."""
    text = "id,name,ssn\n" + "".join(f"{i},Smith,234-56-{i:04d}\n" for i in range(600))
    names = ["Małgorzata Wójcik", "Łukasz Woźniak", "Paweł Kamiński", "Agnieszka Dąbrowska",
             "Krzysztof Zieliński", "Józef Szymański", "Grażyna Kozłowska"]
    text += "".join(f"{i},{names[i % 7]},234-56-{i:04d}\n" for i in range(600, 900))
    data = text.encode("cp1250")
    enc = detect_encoding(data[:8192])
    assert enc.name == "utf-8" and enc.tentative
    from scanner.textdecode import DecodeStats

    stats = DecodeStats()
    assert "".join(iter_text(io.BytesIO(data), enc, stats, block=4096)) == text
    assert stats.replaced == 0 and stats.switched_to == "cp1250"
