"""MS Project XML: a plan written and read back is the same plan; a file's refused rows are named;
hostile XML is refused before anything expands."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from services.common.workcal import WorkingCalendar
from services.interop import mspdi
from services.interop.plan import Link, Plan, PlanLink, PlanPerson, PlanTask, Priority

D = dt.date
NS = {"p": mspdi.NAMESPACE}

PLAN = Plan(
    project="projects/promo",
    title="双十一 promotion",
    start=D(2026, 11, 2),
    calendar=WorkingCalendar(holiday_country="CN"),
    tasks=(
        PlanTask(
            number=1,
            title="设计海报 design the poster",
            assignee="people/li-lei",
            planned_start=D(2026, 11, 2),
            planned_end=D(2026, 11, 4),
            due=D(2026, 11, 6),
            estimate_hours=20,
            priority=Priority.HIGH,
        ),
        PlanTask(
            number=2,
            title="Print",
            assignee="people/ana",
            planned_start=D(2026, 11, 5),
            planned_end=D(2026, 11, 5),
            estimate_hours=6.5,
        ),
        PlanTask(
            number=4,
            title="Ship & hang",
            assignee="people/ana",
            planned_start=D(2026, 11, 9),
            planned_end=D(2026, 11, 10),
            estimate_hours=16,
            priority=Priority.URGENT,
        ),
        PlanTask(
            number=7,
            title="Brief the shops",
            planned_start=D(2026, 11, 3),
            planned_end=D(2026, 11, 3),
            estimate_hours=2,
            priority=Priority.LOW,
        ),
        PlanTask(number=9, title="Unplanned clean-up", estimate_hours=4),
    ),
    links=(
        PlanLink(predecessor=1, successor=2),
        PlanLink(predecessor=2, successor=4, type=Link.FS, lag_days=1),
        PlanLink(predecessor=1, successor=7, type=Link.SS, lag_days=1),
        PlanLink(predecessor=7, successor=4, type=Link.FF, lag_days=-2),
        PlanLink(predecessor=4, successor=9, type=Link.SF),
    ),
    people=(
        PlanPerson(name="people/li-lei", display_name="李雷", email="li@example.com"),
        PlanPerson(name="people/ana", display_name="Ana Lima"),
        PlanPerson(name="people/bo", display_name="Bo"),
    ),
)


def test_a_plan_written_and_read_back_is_the_same_plan() -> None:
    preview = mspdi.read(mspdi.write(PLAN))

    assert preview.refused == ()
    assert preview.title == PLAN.title
    people = {p.display_name: p.name for p in PLAN.people}
    back = {
        t.uid: (t.title, t.planned_start, t.planned_end, t.due, t.estimate_hours, t.priority)
        for t in preview.tasks
    }
    assert back == {
        t.number: (t.title, t.planned_start, t.planned_end, t.due, t.estimate_hours, t.priority)
        for t in PLAN.tasks
    }
    assert {t.uid: people.get(t.resource, "") for t in preview.tasks} == {
        t.number: t.assignee for t in PLAN.tasks
    }
    assert {(k.predecessor, k.successor, k.type, k.lag_days) for k in preview.links} == {
        (k.predecessor, k.successor, k.type, k.lag_days) for k in PLAN.links
    }
    mapping, unmatched = mspdi.match_people(preview.resources, PLAN.people)
    assert unmatched == []
    assert mapping == {"李雷": "people/li-lei", "Ana Lima": "people/ana"}


def test_the_written_file_holds_what_ms_project_reads() -> None:
    root = ET.fromstring(mspdi.write(PLAN))

    assert root.tag == f"{{{mspdi.NAMESPACE}}}Project"
    assert root.findtext("p:MinutesPerDay", namespaces=NS) == "480"
    task = root.find("p:Tasks/p:Task[p:UID='1']", NS)
    assert task is not None
    # Three working days of eight hours; 20 hours of work; a deadline.
    assert task.findtext("p:Start", namespaces=NS) == "2026-11-02T08:00:00"
    assert task.findtext("p:Finish", namespaces=NS) == "2026-11-04T17:00:00"
    assert task.findtext("p:Duration", namespaces=NS) == "PT24H0M0S"
    assert task.findtext("p:Work", namespaces=NS) == "PT20H0M0S"
    assert task.findtext("p:Deadline", namespaces=NS) == "2026-11-06T17:00:00"
    # Children in the schema's order: MS Project refuses a file whose elements are out of order.
    tags = [child.tag.split("}")[1] for child in task]
    assert tags.index("UID") < tags.index("Name") < tags.index("Start") < tags.index("Work")
    assert tags.index("ConstraintType") < tags.index("Deadline")
    link = root.find("p:Tasks/p:Task[p:UID='7']/p:PredecessorLink", NS)
    assert link is not None
    assert [link.findtext(f"p:{n}", namespaces=NS) for n in ("Type", "LinkLag", "LagFormat")] == [
        "3",  # SS
        "4800",  # one day of 480 minutes, in tenths of a minute
        "7",
    ]
    assert [
        r.findtext("p:Name", namespaces=NS) for r in root.iterfind("p:Resources/p:Resource", NS)
    ] == [
        "李雷",
        "Ana Lima",
    ]
    assert len(root.findall("p:Assignments/p:Assignment", NS)) == 3


def test_the_calendar_carries_the_holidays_of_the_plan() -> None:
    """China's National Day week and its make-up Sunday, so MS Project counts the same days."""
    plan = Plan(
        project="projects/p",
        title="p",
        calendar=WorkingCalendar(holiday_country="CN"),
        tasks=(
            PlanTask(
                number=1, title="a", planned_start=D(2025, 9, 26), planned_end=D(2025, 10, 10)
            ),
        ),
    )
    root = ET.fromstring(mspdi.write(plan))
    exceptions = {
        day.findtext("p:TimePeriod/p:FromDate", "", NS)[:10]: day.findtext("p:DayWorking", "", NS)
        for day in root.iterfind("p:Calendars/p:Calendar/p:WeekDays/p:WeekDay[p:DayType='0']", NS)
    }
    assert exceptions["2025-10-01"] == "0"
    assert exceptions["2025-09-28"] == "1"  # a Sunday worked (调休)


def project(tasks: str, *, extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Title>Plant shutdown</Title><MinutesPerDay>480</MinutesPerDay>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Plant shutdown</Name><OutlineLevel>0</OutlineLevel><Summary>1</Summary></Task>
    {tasks}
  </Tasks>
  {extra}
</Project>""".encode()


def task(
    uid: int,
    name: str,
    *,
    start: str = "2026-03-02T08:00:00",
    finish: str = "2026-03-03T17:00:00",
    more: str = "",
) -> str:
    return (
        f"<Task><UID>{uid}</UID><Name>{name}</Name><OutlineLevel>2</OutlineLevel>"
        f"<Start>{start}</Start><Finish>{finish}</Finish><Duration>PT16H0M0S</Duration>{more}</Task>"
    )


def link(uid: object, *, kind: int = 1, lag: str = "0", lag_format: int = 7, more: str = "") -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{uid}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{lag_format}</LagFormat>{more}</PredecessorLink>"
    )


def test_every_refused_row_is_named_with_its_reason() -> None:
    data = project(
        "<Task><UID>1</UID><Name>Phase 1</Name><OutlineLevel>1</OutlineLevel>"
        "<Summary>1</Summary></Task>"
        + task(2, "Drain", more=link(9))
        + task(3, "Inspect", more=link(2) + link(1) + link(99))
        + "<Task><UID>4</UID><IsNull>1</IsNull></Task>"
        + task(5, "No finish", finish="", more=link(2))
        + task(6, "Weld", more=link(3, lag="2400") + link(2, lag="9600", lag_format=8))
        + task(7, "Paint", more=link(6, lag="50", lag_format=19) + link(6) + link(6))
        + task(8, "Test", more=link(7) + link(8) + link(2, kind=5))
        + task(3, "Second three")
        + task(9, "Restart", more=link(8) + link(3, more="<CrossProject>1</CrossProject>"))
        + task(11, "Forever", more="<Work>PT200000H0M0S</Work>")
        + task(12, "Far future", start="2500-01-01T08:00:00", finish="2500-01-02T17:00:00")
    )
    preview = mspdi.read(data)

    assert sorted(str(r) for r in preview.refused) == sorted(
        [
            "task UID 0 'Plant shutdown': the project's summary row",
            "task UID 1 'Phase 1': a summary task: its subtasks are imported, and its links go"
            " to them",
            "task UID 4: a blank row",
            "task UID 5 'No finish': has a Start or a Finish but not both",
            "link from task UID 2 to 5: task UID 5 is a task with one date missing, not imported",
            "task UID 3 'Second three': a second task with this UID",
            "link from task UID 1 to 3: links a summary task with its own subtask",
            "link from task UID 99 to 3: no task has UID 99",
            "link from task UID 2 to 6: an elapsed (calendar time) lag; PlanOps lags are working"
            " days",
            "link from task UID 6 to 7: a lag in percent of the predecessor's duration; PlanOps"
            " lags are working days",
            "link from task UID 6 to 7: the same two tasks are already linked",
            "link from task UID 8 to 8: links a task to itself",
            "link from task UID 2 to 8: link type '5' is not FF (0), FS (1), SF (2) or SS (3)",
            "link from task UID 3 to 9: links to a task of another project",
            # 9 is read last: its predecessor 8 follows 2, and 2 follows 9.
            "link from task UID 8 to 9: closes a cycle of links",
            "task UID 11 'Forever': 200,000 hours of work; PlanOps holds at most 100,000",
            "task UID 12 'Far future': dates outside the years 1900 to 2200",
        ]
    )
    assert [t.uid for t in preview.tasks] == [2, 3, 6, 7, 8, 9]
    assert {(k.predecessor, k.successor, k.lag_days) for k in preview.links} == {
        (9, 2, 0),
        (2, 3, 0),
        (3, 6, 1),  # 2400 tenths of a minute is half a day: rounded up to a whole one
        (6, 7, 0),
        (7, 8, 0),
    }
    assert "link from task UID 3 to 6: lag of 0.50 working days rounded to 1" in preview.notes


def test_resources_map_to_people_by_name_alias_or_email_and_one_assignee_is_kept() -> None:
    resources = """
    <Resources>
      <Resource><UID>0</UID><ID>0</ID><Type>1</Type></Resource>
      <Resource><UID>1</UID><Name>Han Meimei</Name><Type>1</Type></Resource>
      <Resource><UID>2</UID><Name>老王</Name><Type>1</Type></Resource>
      <Resource><UID>3</UID><Name>Steel plate</Name><Type>0</Type></Resource>
      <Resource><UID>4</UID><Name>Contractor</Name><Type>1</Type><EmailAddress>c@example.com</EmailAddress></Resource>
      <Resource><UID>5</UID><Name>Nobody we know</Name><Type>1</Type></Resource>
    </Resources>
    <Assignments>
      <Assignment><UID>1</UID><TaskUID>2</TaskUID><ResourceUID>1</ResourceUID><Work>PT4H0M0S</Work></Assignment>
      <Assignment><UID>2</UID><TaskUID>2</TaskUID><ResourceUID>2</ResourceUID><Work>PT12H0M0S</Work></Assignment>
      <Assignment><UID>3</UID><TaskUID>3</TaskUID><ResourceUID>3</ResourceUID></Assignment>
      <Assignment><UID>4</UID><TaskUID>3</TaskUID><ResourceUID>4</ResourceUID></Assignment>
      <Assignment><UID>5</UID><TaskUID>4</TaskUID><ResourceUID>5</ResourceUID></Assignment>
      <Assignment><UID>6</UID><TaskUID>5</TaskUID><ResourceUID>-65535</ResourceUID></Assignment>
    </Assignments>"""
    preview = mspdi.read(
        project(
            task(2, "Drain") + task(3, "Weld") + task(4, "Paint") + task(5, "Test"), extra=resources
        )
    )
    assert {t.uid: t.resource for t in preview.tasks} == {
        2: "老王",
        3: "Contractor",
        4: "Nobody we know",
        5: "",
    }
    assert {str(r) for r in preview.refused} >= {
        "resource UID 3 'Steel plate': a material or cost resource, not a person",
        "assignment of 'Han Meimei' to task UID 2: PlanOps keeps one assignee per task; '老王' does most of its work",
        "assignment UID 3: resource UID 3 is not a person in the file",
    }
    people = [
        PlanPerson(name="people/wang", display_name="Wang Wei", aliases=("老王",)),
        PlanPerson(name="people/cai", display_name="Cai", email="c@example.com"),
        PlanPerson(name="people/han", display_name="Han Meimei"),
    ]
    mapping, unmatched = mspdi.match_people(preview.resources, people)
    assert mapping == {"老王": "people/wang", "Contractor": "people/cai"}
    assert [str(r) for r in unmatched] == [
        "resource 'Nobody we know': matches no person in PlanOps; its tasks come in unassigned"
    ]


def test_dates_durations_and_milestones_read_as_planops_days() -> None:
    preview = mspdi.read(
        project(
            task(1, "Ends at midnight", start="2026-03-02T08:00:00", finish="2026-03-04T00:00:00")
            + task(
                2,
                "Gate",
                start="2026-03-05T17:00:00",
                finish="2026-03-05T17:00:00",
                more="<Milestone>1</Milestone>",
            )
            + "<Task><UID>3</UID><Name>Undated</Name><Duration>PT12H30M0S</Duration><Work>PT0H0M0S</Work></Task>"
        )
    )
    tasks = {t.uid: t for t in preview.tasks}
    assert (tasks[1].planned_start, tasks[1].planned_end) == (D(2026, 3, 2), D(2026, 3, 3))
    assert (tasks[2].planned_start, tasks[2].planned_end, tasks[2].estimate_hours) == (
        D(2026, 3, 5),
        D(2026, 3, 5),
        0.0,
    )
    # No work assigned: the duration is the effort of one person.
    assert (tasks[3].planned_start, tasks[3].estimate_hours) == (None, 12.5)
    assert any("no dates" in note for note in preview.notes)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Project xmlns="http://schemas.microsoft.com/project"><Title>&lol9;</Title></Project>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID>
<Name>&secret;</Name><Start>2026-03-02T08:00:00</Start><Finish>2026-03-02T17:00:00</Finish></Task></Tasks></Project>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/evil.dtd">
<Project xmlns="http://schemas.microsoft.com/project"/>"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "entity", "dtd"]
)
def test_hostile_xml_is_refused_with_a_clear_error(data: bytes) -> None:
    with pytest.raises(mspdi.MspdiError, match="declares a DTD or entities"):
        mspdi.read(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Project><Tasks>", "not well-formed XML"),
        (b"<Workbook/>", "not an MSPDI file: the root element is Workbook"),
        (b"<Project>" + b"<a>" * 100 + b"</a>" * 100 + b"</Project>", "deeper than 64"),
        (b" " * (mspdi.MAX_BYTES + 1), "larger than 20 MB"),
    ],
    ids=["broken", "not-project", "deep", "large"],
)
def test_a_file_that_is_not_mspdi_is_refused_in_one_line(data: bytes, message: str) -> None:
    with pytest.raises(mspdi.MspdiError, match=message) as raised:
        mspdi.read(data)
    assert "\n" not in str(raised.value)


def test_control_characters_core_accepts_in_titles_still_make_a_readable_file() -> None:
    plan = Plan(project="projects/p", title="p\x01", tasks=(PlanTask(number=1, title="a\x07b"),))

    preview = mspdi.read(mspdi.write(plan))

    assert [t.title for t in preview.tasks] == ["ab"]


def test_an_assignee_the_reader_cannot_see_is_still_assigned_by_id() -> None:
    plan = Plan(
        project="projects/p",
        title="p",
        tasks=(PlanTask(number=1, title="a", assignee="people/ghost", estimate_hours=3),),
    )

    preview = mspdi.read(mspdi.write(plan))

    assert [(t.uid, t.resource) for t in preview.tasks] == [(1, "ghost")]


def test_a_summary_tasks_links_go_to_its_subtasks_where_they_mean_the_same() -> None:
    """A phase finishes with its last subtask and starts with its first: "after Design" holds for
    every Design subtask, "Build starts after ..." for every Build subtask; a link that ties a
    phase's start as predecessor, or its finish as successor, stands for no one subtask."""
    phase = "<Task><UID>{uid}</UID><Name>{name}</Name><OutlineLevel>1</OutlineLevel>"
    phase += "<Summary>1</Summary>{more}</Task>"
    data = project(
        phase.format(uid=1, name="Design", more="")
        + task(2, "Sketch")
        + task(3, "Review")
        + phase.format(uid=4, name="Build", more=link(1, lag="4800"))
        + task(5, "Frame")
        + task(6, "Wire", more=link(2, kind=3))
        + task(7, "Paint", more=link(1, kind=3))
        + phase.format(uid=8, name="Launch", more=link(4, kind=0))
        + task(9, "Party")
        + phase.format(uid=10, name="Empty", more="")
        + task(11, "After empty", more=link(10)).replace("<OutlineLevel>2<", "<OutlineLevel>1<")
    )
    preview = mspdi.read(data)

    # Build (4) waits a day after Design (1): each of Build's subtasks after each of Design's.
    assert {(k.predecessor, k.successor, k.type, k.lag_days) for k in preview.links} == {
        (design, build, Link.FS, 1) for design in (2, 3) for build in (5, 6, 7)
    }
    assert sorted(str(r) for r in preview.refused if r.row.startswith("link")) == [
        "link from task UID 1 to 7: ties a summary task's start, which no one subtask stands for",
        "link from task UID 10 to 11: a summary task with no imported subtask",
        "link from task UID 2 to 6: the same two tasks are already linked",
        "link from task UID 4 to 8: ties a summary task's finish, which no one subtask stands for",
    ]
    assert "link from task UID 1 to 4: a summary task's link, made for its subtasks (6)" in (
        preview.notes
    )
