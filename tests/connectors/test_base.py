"""The connector interface's shared pieces (no server needed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connectors.base import Connector
from connectors.smb import SmbConnector
from connectors.smb_session import SmbLoginError
from connectors.sql import SqlConnector
from scanner.errors import TargetError
from scanner.model import TargetSpec
from scanner.settings import ScanSettings

_VAR = "PIISCOUT_TEST_BASE_PASSWORD"


@pytest.mark.parametrize("env, value, expected", [(None, None, None), (_VAR, "s3cret", "s3cret"), (_VAR, "", "")])
def test_password_reads_the_named_variable(monkeypatch, env, value, expected):
    if value is not None:
        monkeypatch.setenv(_VAR, value)
    c = Connector(TargetSpec(name="t", url="x://t", scheme="x", password_env=env), ScanSettings())
    assert c.password(TargetError) == expected


def test_an_unset_variable_raises_the_connectors_own_error(monkeypatch):
    """SMB logins fail with SmbLoginError, SQL connections with TargetError;
    the message names the variable, never a value."""
    monkeypatch.delenv(_VAR, raising=False)
    smb = SmbConnector(TargetSpec(name="s", url="smb://h/d", scheme="smb", options=(("host", "h"), ("share", "d")),
                                  password_env=_VAR), ScanSettings())
    with pytest.raises(SmbLoginError, match=f"\\${_VAR} is not set"):
        smb.session._password()
    sql = SqlConnector(replace(SqlConnector.parse("postgresql://app@db/x"), password_env=_VAR), ScanSettings())
    with pytest.raises(TargetError, match=f"\\${_VAR} is not set"):
        sql.engine  # before any connection is tried
