from pathlib import Path

import numpy as np
import pytest

from services.risk.jira import (
    COLUMNS,
    NUMERIC_COLUMNS,
    JiraDataError,
    concat,
    data_dir,
    from_rows,
    list_files,
    load_file,
    split_chronological,
)


def row(
    key: str,
    opened: str,
    *,
    remaining: int = 5,
    delay: int = 0,
    type_: str = "Bug",
    priority: str = "Major",
) -> dict[str, str]:
    values = {name: "0" for name in NUMERIC_COLUMNS}
    values.update(
        issuekey=key,
        openeddate=f"{opened} 00:00:00",
        type=type_,
        priority=priority,
        delaydays=str(delay),
        RemainingDay=str(remaining),
    )
    return values


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    header = ["issuekey", "delaydays", "openeddate", "type", *NUMERIC_COLUMNS, "priority"]
    lines = [",".join(header)] + [",".join(r[h] for h in header) for r in rows]
    path.write_text("\n".join(lines) + "\n")


def test_load_file_reads_columns_and_target(tmp_path: Path) -> None:
    path = tmp_path / "demo_due.csv"
    write_csv(path, [row("A-1", "2015-01-01", delay=3), row("A-2", "2015-01-02")])
    issues = load_file(path)
    assert (issues.project, issues.prediction_time) == ("demo", "due")
    assert issues.late.tolist() == [True, False]
    assert issues.opened_day[1] - issues.opened_day[0] == 1
    assert issues.column("RemainingDay").tolist() == [5.0, 5.0]


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "demo_due.csv"
    path.write_text("issuekey,delaydays\nA-1,0\n")
    with pytest.raises(JiraDataError, match="missing columns"):
        load_file(path)


def test_misnamed_files_are_ignored_and_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("x\n")
    with pytest.raises(JiraDataError):
        list_files(tmp_path)


def test_split_is_chronological_and_concat_restores() -> None:
    rows = [row(f"A-{i}", f"2015-01-{10 - i:02d}") for i in range(1, 9)]
    issues = from_rows(rows, project="p", prediction_time="due")
    early, late = split_chronological(issues, 0.75)
    assert len(early) == 6 and len(late) == 2
    assert early.opened_day.max() <= late.opened_day.min()
    assert len(concat([early, late])) == 8


def test_data_dir_honours_the_environment(tmp_path: Path) -> None:
    assert data_dir({"PLANOPS_DATA_DIR": str(tmp_path)}) == tmp_path / "jira-delay"


def test_real_files_match_the_documented_format() -> None:
    folder = data_dir()
    if not folder.is_dir():
        pytest.skip(f"JIRA delay data not found at {folder}; set PLANOPS_DATA_DIR")
    files = list_files(folder)
    assert len(files) == 24
    issues = load_file(files[("jboss", "due")])
    assert len(issues) == 2820
    assert 0.5 < float(issues.late.mean()) < 0.53
    assert np.all(np.diff(issues.opened_day) >= 0)
    assert set(COLUMNS) >= {"RemainingDay", "delaydays"}
