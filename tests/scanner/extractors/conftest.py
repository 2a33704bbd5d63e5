from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.scanner.extractors.mail_helpers import scan


@pytest.fixture(scope="session")
def mail_scan(tmp_path_factory):
    """A scan of fixtures/mail (mbox, EML, Maildir, MSG) through the file
    connector and the real CLI, as cron would run it."""
    inv = tmp_path_factory.mktemp("mail-inv")
    code, items, findings = scan(str(FIXTURES / "mail"), inv, cli=True)
    return inv, code, items, findings
