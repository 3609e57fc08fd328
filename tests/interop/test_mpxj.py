"""The exported MSPDI file as ProjectLibre reads it: through MPXJ, the library ProjectLibre (and
many other tools) import MS Project XML with, in a JVM of its own."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from services.interop import mspdi
from services.interop.plan import Plan, PlanTask
from tests.interop.test_mspdi import PLAN

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None
        or importlib.util.find_spec("mpxj") is None
        or importlib.util.find_spec("jpype") is None,
        reason="needs a Java runtime and the mpxj and JPype1 packages (pip install -e .[test])",
    ),
]

# Run in a subprocess: a JVM started inside pytest would stay for the whole session.
READ = """
import json, sys
import jpype
import mpxj  # puts MPXJ's jars on the class path
jpype.startJVM()
from org.mpxj.reader import UniversalProjectReader

def day(value):
    return str(value)[:10] if value is not None else None

project = UniversalProjectReader().read(sys.argv[1])
calendar = project.getDefaultCalendar()
print(json.dumps({
    "title": str(project.getProjectProperties().getProjectTitle()),
    "tasks": [
        {
            "uid": int(str(t.getUniqueID())),
            "name": str(t.getName()),
            "start": day(t.getStart()),
            "finish": day(t.getFinish()),
            "working_days": float(t.getDuration().getDuration()),
            "work_hours": float(t.getWork().convertUnits(
                jpype.JClass("org.mpxj.TimeUnit").HOURS, project.getProjectProperties()
            ).getDuration()),
            "deadline": day(t.getDeadline()),
            "links": sorted(
                [int(str(r.getPredecessorTask().getUniqueID())), str(r.getType()),
                 float(r.getLag().getDuration())]
                for r in t.getPredecessors()
            ),
            "resources": [str(a.getResource().getName()) for a in t.getResourceAssignments()],
        }
        for t in project.getTasks()
        if int(str(t.getUniqueID())) != 0
    ],
    "exceptions": {day(e.getFromDate()): bool(e.getWorking()) for e in calendar.getCalendarExceptions()},
}, ensure_ascii=False))
"""


def read_with_mpxj(plan: Plan, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "plan.xml"
    path.write_bytes(mspdi.write(plan))
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_projectlibres_reader_sees_the_plans_tasks_links_and_assignments(tmp_path: Path) -> None:
    found = read_with_mpxj(PLAN, tmp_path)

    assert found["title"] == PLAN.title
    people = {p.name: p.display_name for p in PLAN.people}
    links = {
        t.number: sorted(
            [k.predecessor, k.type.value.upper(), float(k.lag_days)]
            for k in PLAN.links
            if k.successor == t.number
        )
        for t in PLAN.tasks
    }
    assert found["tasks"] == [
        {
            "uid": t.number,
            "name": t.title,
            "start": t.planned_start and t.planned_start.isoformat(),
            "finish": t.planned_end and t.planned_end.isoformat(),
            "working_days": (
                PLAN.calendar.working_days_between(t.planned_start, t.planned_end)
                if t.planned_start and t.planned_end
                else t.estimate_hours / 8
            ),
            "work_hours": t.estimate_hours,
            "deadline": t.due and t.due.isoformat(),
            "links": links[t.number],
            "resources": [people[t.assignee]] if t.assignee else [],
        }
        for t in PLAN.tasks
    ]


def test_projectlibres_reader_counts_the_same_working_days(tmp_path: Path) -> None:
    """China's National Day week off and its make-up Sunday worked, as PlanOps counts them."""
    task = PlanTask(
        number=1,
        title="Across National Day",
        planned_start=dt.date(2025, 9, 26),
        planned_end=dt.date(2025, 10, 10),
        estimate_hours=40,
    )
    plan = dataclasses.replace(PLAN, tasks=(task,), links=())

    found = read_with_mpxj(plan, tmp_path)

    tasks = found["tasks"]
    assert isinstance(tasks, list)
    assert (
        tasks[0]["working_days"]
        == 6
        == plan.calendar.working_days_between(dt.date(2025, 9, 26), dt.date(2025, 10, 10))
    )
    exceptions = found["exceptions"]
    assert isinstance(exceptions, dict)
    assert exceptions["2025-09-28"] is True
    assert exceptions["2025-10-01"] is False
