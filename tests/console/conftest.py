"""A whole PlanOps stack (`planops up` against this test's own database and NATS) with the
demo's operations loaded, and a headless Chromium driven by Playwright.

The browser is Debian's `chromium` (`.ci/run` installs it); Playwright's own browser
downloads are never used. Without a browser the tests skip, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import conninfo

from services.cli import demo, stack
from services.cli.client import Client, Settings
from services.common.embedded import EmbeddedNats, free_port

CHROMIUM = os.environ.get("PLANOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}


@dataclass
class Stack:
    url: str
    key: str
    admin_key: str
    home: Path
    addresses: dict[str, str]

    def api(self, service: str, method: str, body: dict[str, Any], key: str | None = None) -> Any:
        """One call through the gateway, as the console makes it."""
        request = urllib.request.Request(
            f"{self.url}/api/{service}/{method}",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key or self.key}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")


def _free_block(size: int) -> int:
    """A first port of `size` consecutive free ports (`planops up` numbers its services)."""
    for _ in range(50):
        first = free_port()
        if first + size > 65000:
            continue
        if all(_bindable(first + i) for i in range(size)):
            return first
    raise RuntimeError("no block of free ports")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# One stack for the whole console suite (English and Chinese): starting it and loading the
# demo is most of the suite's time.
@pytest.fixture(scope="session")
def console_stack(pg_server_url: str, template_database: str) -> Iterator[Stack]:
    directory = Path(tempfile.mkdtemp(prefix="planops-console-"))
    database = f"t_console_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template_database}"')
    # Its own NATS: the stack's durable consumers must not share a stream with other tests.
    nats = EmbeddedNats(directory / "nats")
    log = (directory / "stack.log").open("wb")
    process: subprocess.Popen[bytes] | None = None
    try:
        nats_url = nats.start()
        core_port = _free_block(4)
        gateway_port = free_port()
        home = directory / "home"
        env = {
            **os.environ,
            "DATABASE_URL": conninfo.make_conninfo(pg_server_url, dbname=database),
            "NATS_URL": nats_url,
            "PLANOPS_HOME": str(home),
            **demo.STACK_ENV,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from services.cli.main import run; run()",
                "up",
                "--core-port",
                str(core_port),
                "--gateway-port",
                str(gateway_port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        names = [name for name, _ in stack.SERVICES]
        addresses = {name: f"127.0.0.1:{core_port + i}" for i, name in enumerate(names)}
        url = f"http://127.0.0.1:{gateway_port}"
        try:
            for address in addresses.values():
                stack.wait_serving(address, process, timeout=180)
            stack.wait_http(f"{url}/healthz", process, timeout=60)
        except (RuntimeError, TimeoutError) as error:
            log.flush()
            tail = (directory / "stack.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the stack did not start: {error}\n{tail}") from None
        with Client(Settings(address=addresses["core"], key=None, home=home)) as client:
            _, key = demo.load_everything(
                client, addresses=addresses, home=home, today=date.today(), history_runs=(3, 3)
            )
        yield Stack(
            url=url,
            key=key,
            admin_key=(home / "admin.key").read_text().strip(),
            home=home,
            addresses=addresses,
        )
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        nats.stop()
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's `chromium` (`.ci/run` does, with apt-get) "
            "or point PLANOPS_CHROMIUM at one"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: PLANOPS_SCREENSHOTS (the README's docs/screenshots) or a temp dir."""
    target = os.environ.get("PLANOPS_SCREENSHOTS")
    path = Path(target) if target else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def signed_in(
    browser: Any, console_stack: Stack, viewport: dict[str, int], locale: str = "en-GB"
) -> Any:
    """A fresh tab of a browser set to `locale`, signed in with the demo manager's key, on
    the board."""
    page = browser.new_page(viewport=viewport, locale=locale)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Chromium reports what the Content-Security-Policy refused as console errors; the
    # console warns of a message missing from its catalogue.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if (message.type == "error" and "Content Security Policy" in message.text)
            or (message.type == "warning" and message.text.startswith("i18n:"))
            else None
        ),
    )
    page.errors = errors
    page.goto(f"{console_stack.url}/#/board?project=promo-1212")
    page.fill("#api-key", console_stack.key)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#board .task-card")
    return page
