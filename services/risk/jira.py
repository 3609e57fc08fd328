"""Loader for the JIRA delayed-issue dataset (Choetkiertikul et al., EMSE 2017).

The CSVs live outside the repository, in ``$PLANOPS_DATA_DIR/jira-delay`` or the shared
data folder; see ``PROVENANCE.md`` there. One file holds one project at one prediction
time and is named ``<project>_<time>.csv``.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

PREDICTION_TIMES = ("creation", "due", "discussion")

NUMERIC_COLUMNS = (
    "discussion",
    "repetition",
    "perofdelay",
    "workload",
    "no_comment",
    "no_priority_change",
    "no_fixversion",
    "no_fixversion_change",
    "no_issuelink",
    "no_blocking",
    "no_blockedby",
    "no_affectversion",
    "reporterrep",
    "no_des_change",
    "ProgressTime",
    "RemainingDay",
    "topic_10",
    "topic_100",
    "topic_200",
    "topic_300",
    "topic_400",
)
TEXT_COLUMNS = ("issuekey", "openeddate", "type", "priority")
TARGET_COLUMN = "delaydays"
COLUMNS = frozenset((*NUMERIC_COLUMNS, *TEXT_COLUMNS, TARGET_COLUMN))

_FILE_NAME = re.compile(r"^(?P<project>[A-Za-z0-9-]+)_(?P<time>creation|due|discussion)\.csv\Z")
_EPOCH = date(1970, 1, 1)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]


class JiraDataError(ValueError):
    """A file is missing, misnamed or lacks a column the model needs."""


@dataclass(frozen=True)
class JiraIssues:
    """Issues of one project at one prediction time, column by column, in file order.

    ``opened_day`` counts days since 1970-01-01, so differences are day counts.
    """

    project: str
    prediction_time: str
    issue_key: StrArray
    opened_day: IntArray
    issue_type: StrArray
    priority: StrArray
    numeric: Mapping[str, FloatArray]
    delay_days: FloatArray

    def __len__(self) -> int:
        return int(self.issue_key.shape[0])

    @property
    def late(self) -> npt.NDArray[np.bool_]:
        return self.delay_days > 0

    def column(self, name: str) -> FloatArray:
        return self.numeric[name]

    def take(self, index: npt.NDArray[np.intp] | slice) -> JiraIssues:
        return JiraIssues(
            project=self.project,
            prediction_time=self.prediction_time,
            issue_key=self.issue_key[index],
            opened_day=self.opened_day[index],
            issue_type=self.issue_type[index],
            priority=self.priority[index],
            numeric={k: v[index] for k, v in self.numeric.items()},
            delay_days=self.delay_days[index],
        )


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The jira-delay folder: ``$PLANOPS_DATA_DIR/jira-delay`` or the shared data folder."""
    environ = os.environ if env is None else env
    root = environ.get("PLANOPS_DATA_DIR")
    base = Path(root) if root else Path(__file__).resolve().parents[3] / "shared" / "data"
    return base / "jira-delay"


def parse_file_name(path: Path) -> tuple[str, str]:
    """``apache_due.csv`` -> ``("apache", "due")``."""
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise JiraDataError(f"{path.name}: expected <project>_<creation|due|discussion>.csv")
    return match["project"], match["time"]


def list_files(folder: Path) -> dict[tuple[str, str], Path]:
    """All dataset files in ``folder`` keyed by (project, prediction time)."""
    if not folder.is_dir():
        raise JiraDataError(f"{folder}: not a folder")
    found: dict[tuple[str, str], Path] = {}
    for path in sorted(folder.glob("*.csv")):
        if _FILE_NAME.match(path.name):
            found[parse_file_name(path)] = path
    if not found:
        raise JiraDataError(f"{folder}: no <project>_<time>.csv files")
    return found


def _day(text: str) -> int:
    return (datetime.fromisoformat(text.strip()).date() - _EPOCH).days


def load_file(path: Path) -> JiraIssues:
    project, prediction_time = parse_file_name(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise JiraDataError(f"{path.name}: missing columns {sorted(missing)}")
        rows = list(reader)
    return from_rows(rows, project=project, prediction_time=prediction_time)


def from_rows(
    rows: Sequence[Mapping[str, str]], *, project: str, prediction_time: str
) -> JiraIssues:
    """Build issues from CSV-like rows (strings), e.g. for tests."""

    def floats(name: str) -> FloatArray:
        return np.array([float(r[name]) if r[name] != "" else np.nan for r in rows], np.float64)

    return JiraIssues(
        project=project,
        prediction_time=prediction_time,
        issue_key=np.array([r["issuekey"] for r in rows], dtype=np.str_),
        opened_day=np.array([_day(r["openeddate"]) for r in rows], dtype=np.int64),
        issue_type=np.array([r["type"].strip() for r in rows], dtype=np.str_),
        priority=np.array([r["priority"].strip() for r in rows], dtype=np.str_),
        numeric={name: floats(name) for name in NUMERIC_COLUMNS},
        delay_days=floats(TARGET_COLUMN),
    )


def load_folder(folder: Path) -> dict[tuple[str, str], JiraIssues]:
    return {key: load_file(path) for key, path in list_files(folder).items()}


def concat(parts: Sequence[JiraIssues]) -> JiraIssues:
    """Issues of one project and prediction time from consecutive periods, in order."""
    first = parts[0]
    return JiraIssues(
        project=first.project,
        prediction_time=first.prediction_time,
        issue_key=np.concatenate([p.issue_key for p in parts]),
        opened_day=np.concatenate([p.opened_day for p in parts]),
        issue_type=np.concatenate([p.issue_type for p in parts]),
        priority=np.concatenate([p.priority for p in parts]),
        numeric={k: np.concatenate([p.numeric[k] for p in parts]) for k in first.numeric},
        delay_days=np.concatenate([p.delay_days for p in parts]),
    )


def split_chronological(issues: JiraIssues, fraction: float) -> tuple[JiraIssues, JiraIssues]:
    """The earliest ``fraction`` of issues by opening date, and the rest.

    A stable sort keeps file order within a day, so the cut falls where the dataset's
    own 80% cut would, and the three prediction times of a project split identically.
    """
    if not 0.0 < fraction < 1.0:
        raise JiraDataError(f"split fraction must be in (0, 1), got {fraction}")
    order = np.argsort(issues.opened_day, kind="stable")
    cut = int(len(issues) * fraction)
    return issues.take(order[:cut]), issues.take(order[cut:])
