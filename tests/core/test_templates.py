from __future__ import annotations

import grpc
from planops.core.v1 import (
    project_pb2,
    project_service_pb2,
    task_pb2,
    task_service_pb2,
    template_pb2,
    template_service_pb2,
)

from tests.conftest import CoreUnderTest
from tests.core.helpers import MANAGER, Client, count, invalid_fields, refused

Code = grpc.StatusCode


def instantiate(
    template: str, project_id: str, anchor: str, request_id: str = "", **project: object
) -> template_service_pb2.InstantiateTemplateRequest:
    project.setdefault("display_name", project_id.title())
    return template_service_pb2.InstantiateTemplateRequest(
        template=template,
        project_id=project_id,
        anchor_date=anchor,
        request_id=request_id,
        project=project_pb2.Project(**project),  # type: ignore[arg-type]
    )


async def test_builtin_templates_are_listed(core: CoreUnderTest) -> None:
    c = Client(core)
    listed = await c.templates.ListTemplates(
        template_service_pb2.ListTemplatesRequest(), metadata=c.md
    )
    assert [t.name for t in listed.templates] == [
        "templates/equipment-repair",
        "templates/promo-campaign",
    ]
    promo = (
        await c.templates.GetTemplate(
            template_service_pb2.GetTemplateRequest(name="templates/promo-campaign"), metadata=c.md
        )
    ).template
    assert promo.anchor == "launch day"
    assert len(promo.tasks) == 12 and len(promo.dependencies) == 15
    await refused(
        c.templates.GetTemplate(
            template_service_pb2.GetTemplateRequest(name="templates/nope"), metadata=c.md
        ),
        Code.NOT_FOUND,
    )


async def test_instantiate_dates_tasks_on_the_chinese_calendar(core: CoreUnderTest) -> None:
    admin = Client(core)
    ann = Client(core, await admin.add_person("ann", project_creator=True))
    request = instantiate(
        "templates/promo-campaign",
        "golden-week",
        "2025-10-09",
        request_id="inst-1",
        time_zone="Asia/Shanghai",
        calendar=project_pb2.Calendar(holiday_country="CN"),
    )
    created = await ann.templates.InstantiateTemplate(request, metadata=ann.md)
    assert created.project.name == "projects/golden-week"
    assert created.task_count == 12
    assert created.project.start_date == "2025-09-04"

    tasks = {t.source_ref.rsplit("#", 1)[1]: t for t in await ann.list_tasks("golden-week")}
    assert len(tasks) == 12
    # 20 working days before launch; 3 before is Sunday 28 September, a shifted working day
    # (调休) before the National Day holiday of 1-8 October; a week after launch crosses
    # Saturday 11 October, another shifted working day.
    assert (tasks["brief"].planned_start, tasks["brief"].planned_end) == (
        "2025-09-04",
        "2025-09-05",
    )
    assert (tasks["qa"].planned_start, tasks["qa"].planned_end) == ("2025-09-28", "2025-09-29")
    assert (tasks["launch"].planned_start, tasks["launch"].due_date) == ("2025-10-09", "2025-10-09")
    assert tasks["review"].planned_start == "2025-10-17"
    launch = tasks["launch"]
    assert launch.title == "Launch and watch the first day"
    assert launch.priority == task_pb2.PRIORITY_URGENT
    assert launch.source == task_pb2.TASK_SOURCE_TEMPLATE
    assert launch.state == "draft"
    assert [(s.skill, s.level) for s in launch.required_skills] == [("marketing", 2)]
    assert list(launch.labels) == ["launch"]
    holidays = {f"2025-10-0{d}" for d in range(1, 9)}
    for t in tasks.values():
        assert t.planned_start not in holidays and t.planned_end not in holidays, t.title

    deps = await ann.tasks.ListDependencies(
        task_service_pb2.ListDependenciesRequest(parent="projects/golden-week"), metadata=ann.md
    )
    key_of = {t.name: key for key, t in tasks.items()}
    edges = {(key_of[d.predecessor], key_of[d.successor], d.lag_days) for d in deps.dependencies}
    assert len(edges) == 15
    assert ("launch", "review", 5) in edges
    assert ("qa", "launch", 0) in edges

    members = await ann.projects.ListMemberships(
        project_service_pb2.ListMembershipsRequest(parent="projects/golden-week"), metadata=ann.md
    )
    assert [(m.member, list(m.roles)) for m in members.memberships] == [("people/ann", [MANAGER])]

    again = await ann.templates.InstantiateTemplate(request, metadata=ann.md)
    assert again.project == created.project and again.task_count == 12
    assert await count(core, "SELECT count(*) FROM core.projects") == 1
    assert await count(core, "SELECT count(*) FROM core.tasks") == 12
    assert await count(core, "SELECT count(*) FROM core.dependencies") == 15

    request.request_id = "inst-2"
    await refused(ann.templates.InstantiateTemplate(request, metadata=ann.md), Code.ALREADY_EXISTS)
    assert await count(core, "SELECT count(*) FROM core.tasks") == 12


async def test_instantiate_on_a_weekday_calendar_and_bad_requests(core: CoreUnderTest) -> None:
    c = Client(core)
    created = await c.templates.InstantiateTemplate(
        instantiate("templates/equipment-repair", "pump", "2026-03-06"), metadata=c.md
    )
    assert created.task_count == 7
    tasks = {t.source_ref.rsplit("#", 1)[1]: t for t in await c.list_tasks("pump")}
    assert {k: (t.planned_start, t.planned_end) for k, t in tasks.items()} == {
        "report": ("2026-03-06", "2026-03-06"),
        "diagnose": ("2026-03-06", "2026-03-06"),
        "work-order": ("2026-03-09", "2026-03-09"),
        "parts": ("2026-03-09", "2026-03-11"),
        "repair": ("2026-03-12", "2026-03-13"),
        "test": ("2026-03-16", "2026-03-16"),
        "accept": ("2026-03-17", "2026-03-17"),
    }

    before = await count(core, "SELECT count(*) FROM core.tasks")
    assert await invalid_fields(
        c.templates.InstantiateTemplate(
            instantiate("templates/equipment-repair", "p2", "2026-02-30"), metadata=c.md
        )
    ) == {"anchor_date"}
    assert await invalid_fields(
        c.templates.InstantiateTemplate(
            instantiate(
                "templates/equipment-repair",
                "p2",
                "2026-03-06",
                calendar=project_pb2.Calendar(holiday_country="XX"),
            ),
            metadata=c.md,
        )
    ) == {"project.calendar.holiday_country"}
    assert await invalid_fields(
        c.templates.InstantiateTemplate(
            instantiate("equipment-repair", "p2", "2026-03-06"), metadata=c.md
        )
    ) == {"template"}
    await refused(
        c.templates.InstantiateTemplate(
            instantiate("templates/nope", "p2", "2026-03-06"), metadata=c.md
        ),
        Code.NOT_FOUND,
    )
    assert await count(core, "SELECT count(*) FROM core.tasks") == before
    assert await count(core, "SELECT count(*) FROM core.projects") == 1


async def test_create_and_delete_templates(core: CoreUnderTest) -> None:
    c = Client(core)
    template = template_pb2.Template(
        display_name="Audit",
        anchor="audit day",
        tasks=[
            template_pb2.TemplateTask(key="prep", title="Prepare", duration_days=2),
            template_pb2.TemplateTask(key="audit", title="Audit", start_offset_days=2),
        ],
        dependencies=[
            template_pb2.TemplateDependency(predecessor_key="prep", successor_key="audit")
        ],
    )
    bad = template_pb2.Template()
    bad.CopyFrom(template)
    bad.dependencies.add(predecessor_key="audit", successor_key="prep")
    bad.dependencies.add(predecessor_key="audit", successor_key="ghost")
    assert await invalid_fields(
        c.templates.CreateTemplate(
            template_service_pb2.CreateTemplateRequest(template=bad, template_id="audit"),
            metadata=c.md,
        )
    ) == {
        "template.tasks[1].duration_days",
        "template.dependencies[1]",
        "template.dependencies[2].successor_key",
    }
    template.tasks[1].duration_days = 1
    created = await c.templates.CreateTemplate(
        template_service_pb2.CreateTemplateRequest(template=template, template_id="audit"),
        metadata=c.md,
    )
    assert created.template.name == "templates/audit"
    assert [t.key for t in created.template.tasks] == ["prep", "audit"]
    await refused(
        c.templates.CreateTemplate(
            template_service_pb2.CreateTemplateRequest(template=template, template_id="audit"),
            metadata=c.md,
        ),
        Code.ALREADY_EXISTS,
    )
    ann = Client(core, await c.add_person("ann"))
    await refused(
        ann.templates.CreateTemplate(
            template_service_pb2.CreateTemplateRequest(template=template, template_id="mine"),
            metadata=ann.md,
        ),
        Code.PERMISSION_DENIED,
    )
    await refused(
        ann.templates.DeleteTemplate(
            template_service_pb2.DeleteTemplateRequest(name="templates/audit"), metadata=ann.md
        ),
        Code.PERMISSION_DENIED,
    )
    await c.templates.DeleteTemplate(
        template_service_pb2.DeleteTemplateRequest(name="templates/audit"), metadata=c.md
    )
    listed = await ann.templates.ListTemplates(
        template_service_pb2.ListTemplatesRequest(), metadata=ann.md
    )
    assert "templates/audit" not in [t.name for t in listed.templates]
    assert len(listed.templates) == 2
