"""`planops nats-config` and `planops database-password` (#13 findings 6 and 10)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from services.cli.main import app
from services.common import nats_auth

runner = CliRunner()


def test_nats_config_gives_every_user_a_url_for_every_server(tmp_path: Path) -> None:
    servers = "nats://n0:4222,n1:4222"
    result = runner.invoke(app, ["nats-config", str(tmp_path), "--url", servers])
    assert result.exit_code == 0, result.output
    passwords = json.loads((tmp_path / "users.json").read_text())
    names = {u.name for u in nats_auth.SERVICES}
    assert {f.name for f in (tmp_path / "urls").iterdir()} == names == set(passwords)
    for name in names:
        url = (tmp_path / "urls" / name).read_text().strip()
        assert (
            url
            == f"nats://{name}:{passwords[name]}@n0:4222,nats://{name}:{passwords[name]}@n1:4222"
        )
        assert (tmp_path / "urls" / name).stat().st_mode & 0o777 == 0o600
        assert passwords[name] not in result.output
    # A second run keeps the users: the services' URLs and the server's config still agree.
    assert runner.invoke(app, ["nats-config", str(tmp_path), "--url", servers]).exit_code == 0
    assert json.loads((tmp_path / "users.json").read_text()) == passwords


def test_database_password_is_generated_once_or_taken_from_the_old_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://planops@postgres:5432/planops"
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    result = runner.invoke(app, ["database-password", str(tmp_path / "a"), "--url", url])
    assert result.exit_code == 0, result.output
    password = (tmp_path / "a" / "db_password").read_text()
    assert len(password) >= 32 and password not in result.output
    database_url = (tmp_path / "a" / "database_url").read_text()
    assert database_url == f"postgresql://planops:{password}@postgres:5432/planops"
    runner.invoke(app, ["database-password", str(tmp_path / "a"), "--url", url])
    assert (tmp_path / "a" / "db_password").read_text() == password

    # A database created when compose took POSTGRES_PASSWORD keeps that password.
    monkeypatch.setenv("POSTGRES_PASSWORD", "p@ss/word:1")
    runner.invoke(app, ["database-password", str(tmp_path / "b"), "--url", url])
    parts = urlsplit((tmp_path / "b" / "database_url").read_text())
    assert unquote(parts.password or "") == "p@ss/word:1" and parts.hostname == "postgres"

    refused = runner.invoke(
        app, ["database-password", str(tmp_path / "c"), "--url", "postgresql://u:pw@h/d"]
    )
    assert refused.exit_code == 2 and "--url" in refused.output
    assert not (tmp_path / "c").exists()
