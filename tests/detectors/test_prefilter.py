"""Prefilter hits are character offsets of the text, whatever its bytes."""

from __future__ import annotations

import pytest

from detectors.prefilter import _bytes_to_chars


def test_a_hit_ending_inside_a_character_ends_after_it():
    text = "aī8 ŽŽ 9"
    data = text.encode("utf-8")
    # byte 2 is inside "ī" (2 bytes), byte 8 inside the second "Ž"
    ends = [(0, 2), (1, 4), (2, 8), (3, len(data))]
    assert _bytes_to_chars(data, ends) == [(0, 2), (1, 3), (2, 6), (3, len(text))]


@pytest.mark.parametrize("text", ["Vītols 34.12.193.61", "中文 8.8.8.8 😀 x", "plain ascii 8.8.8.8"])
def test_offsets_of_every_byte_boundary_match_the_decoded_prefix(text):
    data = text.encode("utf-8")
    ends = [(0, b) for b in range(len(data) + 1)]
    got = [c for _, c in _bytes_to_chars(data, ends)]
    for b, c in zip(range(len(data) + 1), got):
        # the whole character a byte belongs to counts as before the hit's end
        assert c == len(data[:b].decode("utf-8", "ignore")) + (0 if _boundary(data, b) else 1)


def _boundary(data: bytes, b: int) -> bool:
    return b == len(data) or data[b] & 0xC0 != 0x80
