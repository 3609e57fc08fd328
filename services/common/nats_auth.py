"""NATS users with least-privilege permissions, one per service (#13 finding 6).

Each service publishes only its own subjects and reads only the streams it consumes, through
its own durable consumer; a consumer that could publish `planops.core.v1.>` could forge
core's events. The passwords are generated when the config is first written, never stored
in the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.common.messaging import nats_servers

CORE_STREAM = "PLANOPS_CORE"
RISK_STREAM = "PLANOPS_RISK"
AUTOMATION_STREAM = "PLANOPS_AUTOMATION"


@dataclass(frozen=True)
class NatsUser:
    """A service's NATS identity: the subjects it publishes, its stream, what it consumes."""

    name: str
    publishes: tuple[str, ...] = ()
    stream: str = ""
    consumes: tuple[str, ...] = ()
    durable: str = ""


SERVICES: tuple[NatsUser, ...] = (
    NatsUser("core", publishes=("planops.core.v1.>",), stream=CORE_STREAM),
    NatsUser(
        "risk",
        publishes=("planops.risk.v1.>",),
        stream=RISK_STREAM,
        consumes=(CORE_STREAM,),
        durable="risk",
    ),
    NatsUser(
        "automation",
        publishes=("planops.automation.v1.>",),
        stream=AUTOMATION_STREAM,
        consumes=(CORE_STREAM, RISK_STREAM, AUTOMATION_STREAM),
        durable="automation",
    ),
    # nlp and the planner follow only project deletions, to purge what they keep.
    NatsUser("nlp", consumes=(CORE_STREAM,), durable="nlp"),
    NatsUser("planner", consumes=(CORE_STREAM,), durable="planner"),
)


def permissions(user: NatsUser) -> dict[str, dict[str, list[str]]]:
    """The subjects `user` may publish and subscribe to."""
    publish = ["$JS.API.INFO", *user.publishes]
    if user.stream:
        # A service creates its own stream at start-up, and no other.
        publish += [f"$JS.API.STREAM.{verb}.{user.stream}" for verb in ("CREATE", "UPDATE")]
    for stream in sorted({user.stream, *user.consumes} - {""}):
        publish.append(f"$JS.API.STREAM.INFO.{stream}")
    for stream in user.consumes:
        d = user.durable
        publish += [
            f"$JS.API.CONSUMER.CREATE.{stream}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{d}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{d}.>",
            f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{d}",
            f"$JS.API.CONSUMER.INFO.{stream}.{d}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{d}",
            f"$JS.ACK.{stream}.{d}.>",
        ]
    # Replies (JetStream API answers, publish acks, pulled messages) come to an inbox.
    return {"publish": {"allow": publish}, "subscribe": {"allow": ["_INBOX.>"]}}


def new_passwords() -> dict[str, str]:
    """A fresh random password for every service user."""
    return {user.name: secrets.token_urlsafe(24) for user in SERVICES}


def server_config(passwords: Mapping[str, str]) -> str:
    """The `authorization` block of a nats-server config: every service user, no anonymous."""
    users = [
        {"user": u.name, "password": passwords[u.name], "permissions": permissions(u)}
        for u in SERVICES
    ]
    # nats-server's config format accepts JSON values.
    return f"authorization {{\n  users = {json.dumps(users, indent=2)}\n}}\n"


def url_for(url: str, *, user: str, password: str) -> str:
    """`url` with the user's credentials in it, as the services' NATS_URL takes them."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{user}:{password}@{rest}"


def urls_for(url: str, *, user: str, password: str) -> str:
    """`url`, one server or a comma-separated list, with the user's credentials on each."""
    return ",".join(url_for(s, user=user, password=password) for s in nats_servers(url))


def prepare_deployment(directory: Path, *, url: str) -> Path:
    """`prepare(directory)` plus `urls/<service>`: each service's NATS_URL for the servers in
    `url`, with its own credentials. compose mounts these files, Kubernetes makes Secrets of
    them; generating both from `SERVICES` keeps the server's users and the services' URLs one
    list. Returns the `urls` directory."""
    _, passwords = prepare(directory)
    urls = directory / "urls"
    urls.mkdir(exist_ok=True)
    for user in SERVICES:
        text = urls_for(url, user=user.name, password=passwords[user.name])
        write_private(urls / user.name, text + "\n")
    return urls


def prepare(directory: Path) -> tuple[Path, dict[str, str]]:
    """The server config in `directory` and the passwords it holds, generated on first use
    and kept (readable by the owner alone) so restarts keep the same users."""
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / "users.json"
    if stored.exists():
        passwords: dict[str, str] = json.loads(stored.read_text())
    else:
        passwords = {}
    if set(passwords) != {u.name for u in SERVICES}:
        passwords = {**new_passwords(), **passwords}
        write_private(stored, json.dumps(passwords))
    config = directory / "auth.conf"
    write_private(config, server_config(passwords))
    return config, passwords


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable and writable by its owner alone."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # A file that existed keeps its mode through O_CREAT; secrets must not.
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
