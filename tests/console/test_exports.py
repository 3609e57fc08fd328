"""The console's download buttons in a real browser: the plan from the schedule page, the
board and the risk table, each as a file the user's spreadsheet program opens."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.console.conftest import DESKTOP, Stack, signed_in


def _download(page: Any, export: str) -> tuple[str, bytes]:
    with page.expect_download() as waiting:
        page.click(f"button[data-export='{export}']")
    download = waiting.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _header(body: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_plan_board_and_risk_table_download_as_xlsx_and_csv(
    browser: Any, console_stack: Stack
) -> None:
    page = signed_in(browser, console_stack, DESKTOP)

    name, body = _download(page, "board.xlsx")
    assert name == "promo-1212-board.xlsx"
    sheet = load_workbook(io.BytesIO(body))["board"]
    assert [c.value for c in sheet[1]][:3] == ["task", "title", "state"]
    assert sheet.max_row > 1
    name, body = _download(page, "board.csv")
    assert name == "promo-1212-board.csv"
    assert _header(body)[:4] == ["task", "title", "state", "assignee"]

    page.click("#nav a[data-page=schedule]")
    page.wait_for_selector("button[data-export='plan.mspdi']")
    name, body = _download(page, "plan.xlsx")
    assert name == "promo-1212-plan.xlsx"
    assert load_workbook(io.BytesIO(body)).sheetnames == ["tasks", "dependencies"]
    name, body = _download(page, "plan.csv")
    assert name == "promo-1212-plan.csv"
    assert _header(body)[:2] == ["task", "title"]
    name, body = _download(page, "plan.mspdi")
    assert name == "promo-1212-plan.xml"
    assert b"schemas.microsoft.com/project" in body

    page.click("#nav a[data-page=risk]")
    page.wait_for_selector("#risky tbody tr")
    shown = page.locator("#risky tbody tr").count()
    name, body = _download(page, "risks.xlsx")
    assert name == "promo-1212-risks.xlsx"
    sheet = load_workbook(io.BytesIO(body))["risks"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "task",
        "title",
        "P(late)",
        "P(late) low",
        "P(late) high",
        "similar tasks",
        "similar late",
        "P80 finish",
        "top reasons",
    ]
    # The file has every open task the page's top ten come from, riskiest first.
    chances = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(chances) >= shown and chances == sorted(chances, reverse=True)
    name, body = _download(page, "risks.csv")
    assert name == "promo-1212-risks.csv"
    assert _header(body) == header
    assert page.errors == []
