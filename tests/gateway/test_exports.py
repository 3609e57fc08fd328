"""The console's downloads: a project's plan as xlsx, CSV or MS Project XML through the gateway,
read with the caller's key; a stranger gets nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from openpyxl import load_workbook
from planops.core.v1 import task_pb2

from services.gateway.app import running_gateway
from services.gateway.backends import BACKENDS
from services.gateway.config import Config
from services.interop import mspdi
from tests.conftest import CoreUnderTest
from tests.core.helpers import VIEWER, Client


@pytest.fixture
async def gateway(core: CoreUnderTest) -> AsyncIterator[str]:
    """Only core behind the gateway: the export reads nothing else."""
    backends = tuple(b for b in BACKENDS if b.service.startswith("planops.core."))
    config = Config(
        address="127.0.0.1:0",
        addresses={b.service: f"127.0.0.1:{core.port}" for b in backends},
        log_level="INFO",
        backends=backends,
    )
    async with running_gateway(config) as running:
        yield running.url


async def test_a_plan_downloads_as_xlsx_csv_and_mspdi(core: CoreUnderTest, gateway: str) -> None:
    client = Client(core)
    await client.create_project("promo", display_name="Promo")
    first = await client.create_task(
        "promo", "设计海报", planned_start="2026-11-02", planned_end="2026-11-04", estimate_hours=20
    )
    second = await client.create_task("promo", "Print", priority=task_pb2.PRIORITY_URGENT)
    await client.depend("promo", first.name, second.name)
    auth = {"Authorization": f"Bearer {core.admin_key}"}
    url = f"{gateway}/export/projects/promo/plan"

    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.get(f"{url}.xlsx") as response:
            assert response.status == 200
            assert response.headers["Content-Disposition"] == (
                'attachment; filename="promo-plan.xlsx"'
            )
            book = load_workbook(io.BytesIO(await response.read()))
        async with session.get(f"{url}.csv") as response:
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
            rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        async with session.get(f"{url}.mspdi") as response:
            preview = mspdi.read(await response.read())

    assert [c.value for c in book["tasks"][2]][:3] == ["promo/1", "设计海报", "draft"]
    assert [r[:2] for r in rows[1:]] == [["promo/1", "设计海报"], ["promo/2", "Print"]]
    assert [(t.uid, t.title) for t in preview.tasks] == [(1, "设计海报"), (2, "Print")]
    assert [(k.predecessor, k.successor) for k in preview.links] == [(1, 2)]


async def test_a_viewer_downloads_a_stranger_or_a_bad_request_gets_no_file(
    core: CoreUnderTest, gateway: str
) -> None:
    client = Client(core)
    await client.create_project("promo", display_name="Promo")
    await client.create_task("promo", "Print")
    stranger = await client.add_person("eve")
    viewer = await client.add_person("vic", project="promo", roles=[VIEWER])

    async with aiohttp.ClientSession() as session:
        async with session.get(
            f"{gateway}/export/projects/promo/plan.csv",
            headers={"Authorization": f"Bearer {viewer}"},
        ) as response:
            assert response.status == 200
            assert "Print" in (await response.read()).decode("utf-8-sig")
        async with session.get(f"{gateway}/export/projects/promo/plan.csv") as response:
            assert response.status == 401
        headers = {"Authorization": f"Bearer {stranger}"}
        async with session.get(
            f"{gateway}/export/projects/promo/plan.csv", headers=headers
        ) as response:
            assert response.status == 403
        admin = {"Authorization": f"Bearer {core.admin_key}"}
        async with session.get(
            f"{gateway}/export/projects/promo/plan.pdf", headers=admin
        ) as response:
            assert response.status == 400
            assert (await response.json())["details"][0]["field"] == "format"
        async with session.get(
            f"{gateway}/export/projects/Promo!/plan.csv", headers=admin
        ) as response:
            assert response.status == 400
            assert (await response.json())["details"][0]["field"] == "project"
        async with session.get(
            f"{gateway}/export/projects/nope/plan.csv", headers=admin
        ) as response:
            assert response.status == 404
