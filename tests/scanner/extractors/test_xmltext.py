"""The office-XML text walker: runs, text boxes and their fallback copies."""

from __future__ import annotations

import io

from scanner.extractors.base import ExtractContext
from scanner.extractors.ooxml import WORD
from scanner.extractors.xmltext import DocumentWalker
from scanner.settings import ScanSettings

W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
     'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
     'xmlns:v="urn:schemas-microsoft-com:vml"')


def walk(body: str) -> str:
    xml = f'<w:document {W}><w:body>{body}</w:body></w:document>'.encode()
    return "".join(s.text for s in DocumentWalker(WORD, ExtractContext(ScanSettings())).run(io.BytesIO(xml)))


def test_runs_split_inside_a_value_join_without_spaces():
    text = walk('<w:p><w:r><w:t>SSN 078-1</w:t></w:r><w:proofErr w:type="spellStart"/>'
                '<w:r><w:rPr><w:b/></w:rPr><w:t>1-29</w:t></w:r><w:r><w:t>34</w:t></w:r></w:p>')
    assert text == "SSN 078-11-2934\n"


def test_text_box_read_once_beside_its_vml_fallback():
    box = '<w:txbxContent><w:p><w:r><w:t>Card 4556 7375 8689 9855</w:t></w:r></w:p></w:txbxContent>'
    text = walk('<w:p><w:r><w:t>Before</w:t></w:r><w:r><mc:AlternateContent>'
                f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
                f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
                '</mc:AlternateContent></w:r><w:r><w:t> after</w:t></w:r></w:p><w:p><w:r><w:t>Next</w:t></w:r></w:p>')
    assert text.count("4556 7375 8689 9855") == 1
    assert text.startswith("Before") and "Next" in text


def test_table_cells_stay_apart():
    text = walk('<w:tbl><w:tr><w:tc><w:p><w:r><w:t>SSN</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc></w:tr>'
                '<w:tr><w:tc><w:p><w:r><w:t>078112934</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Jane</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    assert text.split("\n")[:2] == ["SSN\tName", "078112934\tJane"]
