"""`planops nats-config` and `planops database-password`: the secrets a compose or Kubernetes
deployment needs, generated on the machine that runs it and never kept in the repository
(#13 findings 6 and 10)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit, urlunsplit

import typer

from services.common import nats_auth


def nats_config(
    directory: Annotated[Path, typer.Argument(help="Where to write; kept across runs.")],
    url: Annotated[
        str, typer.Option(help="The NATS server(s) the services connect to, comma-separated.")
    ],
) -> None:
    """Write NATS's users (`auth.conf`, an `authorization` block for nats-server) and each
    service's NATS_URL with its credentials (`urls/<service>`). Passwords are generated on
    the first run and kept in `users.json`; every file is readable by its owner alone."""
    urls = nats_auth.prepare_deployment(directory, url=url)
    typer.echo(f"{directory / 'auth.conf'}: {', '.join(u.name for u in nats_auth.SERVICES)}")
    typer.echo(f"{urls}/<service>: each service's NATS_URL")


def database_password(
    directory: Annotated[Path, typer.Argument(help="Where to write; kept across runs.")],
    url: Annotated[
        str, typer.Option(help="DATABASE_URL without a password, e.g. postgresql://u@host/db.")
    ],
) -> None:
    """Write `db_password` (for POSTGRES_PASSWORD_FILE) unless it exists, generating it (or
    taking POSTGRES_PASSWORD, for a database created with it), and `database_url`: `url` with
    that password, for the services' DATABASE_URL_FILE. Both readable by their owner alone."""
    parts = urlsplit(url)
    if parts.password is not None or not parts.username or not parts.hostname:
        raise typer.BadParameter("give a user and host and no password", param_hint="--url")
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / "db_password"
    if stored.exists():
        password = stored.read_text(encoding="utf-8").strip()
    else:
        password = os.environ.get("POSTGRES_PASSWORD") or secrets.token_urlsafe(32)
        nats_auth.write_private(stored, password)
    netloc = f"{parts.username}:{quote(password, safe='')}@{parts.netloc.rpartition('@')[2]}"
    nats_auth.write_private(directory / "database_url", urlunsplit(parts._replace(netloc=netloc)))
    typer.echo(f"{stored}, {directory / 'database_url'}")
