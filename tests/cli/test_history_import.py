from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from planops.core.v1 import task_pb2

from services.cli import history_import

HEADER = "title,opened,started,finished,due,priority,labels\n"


def read(tmp_path: Path, body: str) -> list[history_import.PastTask]:
    path = tmp_path / "history.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return history_import.read(path, file_format="planops")


def test_rows_become_finished_work_with_their_real_dates(tmp_path: Path) -> None:
    (task,) = read(tmp_path, "Banner,2025-03-03,2025-03-05,2025-03-12,2025-03-10,urgent,a;b\n")
    request = history_import.create_request(task, ref="import:abc#2")
    assert request.task.source == task_pb2.TASK_SOURCE_IMPORT
    assert request.task.priority == task_pb2.PRIORITY_URGENT
    assert list(request.task.labels) == ["a", "b"] and request.task.due_date == "2025-03-10"
    past = request.past
    assert past.open_time.ToDatetime(tzinfo=UTC) == datetime(2025, 3, 3, 12, tzinfo=UTC)
    assert past.actual_start.ToDatetime(tzinfo=UTC).date() == date(2025, 3, 5)
    assert past.actual_end.ToDatetime(tzinfo=UTC).date() == date(2025, 3, 12)
    assert not past.state  # the workflow's first done state


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x,2025-03-03,2025-03-01,2025-03-12,,,\n", "row 2, started"),
        ("x,2025-03-03,2025-03-13,2025-03-12,,,\n", "row 2, started"),
        ("x,2025-03-03,,2999-01-01,,,\n", "row 2, finished: in the future"),
        ("x,2025-03-03,,2025-03-01,,,\n", "row 2, finished: before opened"),
        ("x,2025-03-03,,2025-03-04,,soon,\n", "row 2, priority"),
        ("x,03/03/2025,,2025-03-04,,,\n", "row 2, opened"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(history_import.ImportFileError, match=message):
        read(tmp_path, body)


def test_jira_rows_reconstruct_due_and_finish(tmp_path: Path) -> None:
    path = tmp_path / "jira.csv"
    path.write_text(
        "issuekey,openeddate,delaydays,priority,type,ProgressTime,RemainingDay\n"
        "ABC-1,2015-01-01 10:00:00,3,Major,Bug,2,5\n",
        encoding="utf-8",
    )
    (task,) = history_import.read(path, file_format="jira")
    assert (task.opened, task.due, task.finished) == (
        date(2015, 1, 1),
        date(2015, 1, 8),
        date(2015, 1, 11),
    )
    assert task.labels == ("Bug",)
