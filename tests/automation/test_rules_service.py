"""Rules end to end: each trigger and action through real core, the rule as the audit actor,
no double firing, loop refusal, revisions."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import grpc
import nats
import psycopg
from planops.automation.v1 import automation_service_pb2, automation_service_pb2_grpc, rule_pb2
from planops.core.v1 import (
    actor_pb2,
    events_pb2,
    person_pb2,
    person_service_pb2,
    project_pb2,
    task_pb2,
    task_service_pb2,
)
from planops.planner.v1 import planner_service_pb2, planner_service_pb2_grpc
from planops.risk.v1 import events_pb2 as risk_events_pb2
from planops.risk.v1 import risk_pb2

from services.common.embedded import EmbeddedNats
from services.common.errors import reason_of
from services.common.streams import ensure_stream
from services.planner.app import running_planner
from tests.automation.conftest import (
    PROJECT,
    Receiver,
    Stack,
    automation_for,
    create_rule,
    eventually,
    finished_runs,
    planner_config,
    runs,
    service_key,
    subscribe,
)
from tests.conftest import start_core
from tests.core.helpers import MANAGER, REVIEWER, Client, invalid_fields, refused

R = rule_pb2


def condition(field: str, op: int, *values: str) -> rule_pb2.Condition:
    return R.Condition(field=field, operator=op, values=values)  # type: ignore[arg-type]


def move(state: str) -> rule_pb2.Action:
    return R.Action(move_to_state=R.MoveToState(state=state))


async def comments(stack: Stack, task: str) -> list[task_pb2.Comment]:
    reply = await stack.client.tasks.ListComments(
        task_service_pb2.ListCommentsRequest(parent=task), metadata=stack.md
    )
    return list(reply.comments)


async def rule_actors(client: Client, task: str) -> list[actor_pb2.Actor]:
    return [
        e.actor
        for e in await client.audit_entries(resource=task)
        if e.actor.type == actor_pb2.ACTOR_TYPE_RULE
    ]


async def test_rules_are_checked_versioned_and_a_loop_is_refused_with_its_reason(
    stack: Stack,
) -> None:
    looping = R.Rule(
        display_name="spin", trigger=R.TRIGGER_TASK_STATE_CHANGED, actions=[move("in_progress")]
    )
    error = await refused(
        stack.stub.CreateRule(
            automation_service_pb2.CreateRuleRequest(
                parent=f"projects/{PROJECT}", rule_id="spin", rule=looping
            ),
            metadata=stack.md,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert reason_of(error) == "RULE_WOULD_LOOP"
    assert "moves the task to in_progress" in (error.details() or "")

    # A cycle through two rules is refused for the rule that closes it.
    await create_rule(
        stack,
        "block-to-ana",
        R.Rule(
            trigger=R.TRIGGER_TASK_STATE_CHANGED,
            conditions=[condition("state", R.OPERATOR_EQUALS, "blocked")],
            actions=[R.Action(assign=R.Assign(person="people/ana"))],
        ),
    )
    closing = R.Rule(
        display_name="closing",
        trigger=R.TRIGGER_TASK_ASSIGNEE_CHANGED,
        actions=[move("blocked")],
    )
    error = await refused(
        stack.stub.CreateRule(
            automation_service_pb2.CreateRuleRequest(
                parent=f"projects/{PROJECT}", rule_id="closing", rule=closing
            ),
            metadata=stack.md,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "projects/promo/rules/block-to-ana" in (error.details() or "")

    bad = R.Rule(
        display_name="bad",
        trigger=R.TRIGGER_TASK_CREATED,
        conditions=[condition("priority", R.OPERATOR_EQUALS, "whenever")],
        actions=[move("nowhere")],
    )
    assert await invalid_fields(
        stack.stub.CreateRule(
            automation_service_pb2.CreateRuleRequest(
                parent=f"projects/{PROJECT}", rule_id="bad", rule=bad
            ),
            metadata=stack.md,
        )
    ) == {"rule.conditions[0].values[0]", "rule.actions[0].move_to_state.state"}

    # Disabling the first rule lets the second in; the change is a new revision.
    first = (
        await stack.stub.GetRule(
            automation_service_pb2.GetRuleRequest(name="projects/promo/rules/block-to-ana"),
            metadata=stack.md,
        )
    ).rule
    first.enabled = False
    updated = await stack.stub.UpdateRule(
        automation_service_pb2.UpdateRuleRequest(rule=first, update_mask={"paths": ["enabled"]}),
        metadata=stack.md,
    )
    assert updated.rule.revision == 2 and not updated.rule.enabled
    await create_rule(stack, "closing", closing)
    await refused(
        stack.stub.UpdateRule(
            automation_service_pb2.UpdateRuleRequest(
                rule=first, update_mask={"paths": ["enabled"]}
            ),
            metadata=stack.md,
        ),
        grpc.StatusCode.ABORTED,
    )
    await stack.stub.DeleteRule(
        automation_service_pb2.DeleteRuleRequest(name=first.name), metadata=stack.md
    )
    history = await stack.stub.ListRuleRevisions(
        automation_service_pb2.ListRuleRevisionsRequest(parent=first.name), metadata=stack.md
    )
    assert [(r.rule.revision, r.action) for r in history.revisions] == [
        (1, "created"),
        (2, "updated"),
        (3, "deleted"),
    ]
    assert history.revisions[1].actor and not history.revisions[1].rule.enabled


async def test_task_created_sets_fields_comments_assigns_and_sends_as_the_rule(
    stack: Stack, receiver: Receiver
) -> None:
    await receiver.start()
    hook = await subscribe(stack, receiver.url, "automation.rule.fired")
    await stack.client.add_person("ana", project=PROJECT, roles=[MANAGER])
    rule = await create_rule(
        stack,
        "triage-ads",
        R.Rule(
            trigger=R.TRIGGER_TASK_CREATED,
            conditions=[condition("labels", R.OPERATOR_CONTAINS, "ads")],
            actions=[
                R.Action(set_field=R.SetField(field="priority", value="urgent")),
                R.Action(set_field=R.SetField(field="add_label", value="triaged")),
                R.Action(add_comment=R.AddComment(body="{title}: triaged by {rule}")),
                R.Action(assign=R.Assign(person="people/ana")),
                R.Action(send_webhook=R.SendWebhook(webhook=hook.webhook.name)),
            ],
        ),
    )
    ads = await stack.client.create_task(PROJECT, "Ad set", labels=["ads"])
    other = await stack.client.create_task(PROJECT, "Copy")
    done = await finished_runs(stack, rule.name, 2)
    by_task = {r.task: r for r in done}
    assert by_task[other.name].state == R.RUN_STATE_SKIPPED
    fired = by_task[ads.name]
    assert fired.state == R.RUN_STATE_SUCCEEDED, fired.error
    assert fired.revision == 1 and len(fired.results) == 5

    task = await stack.client.get_task(ads.name)
    assert task.priority == task_pb2.PRIORITY_URGENT
    assert list(task.labels) == ["ads", "triaged"]
    assert task.assignee == "people/ana"
    [note] = await comments(stack, ads.name)
    assert note.body == f"Ad set: triaged by {rule.name}"
    assert note.author.type == actor_pb2.ACTOR_TYPE_RULE and note.author.rule == rule.name

    actors = await rule_actors(stack.client, ads.name)
    assert len(actors) == 4  # priority, labels, the comment, assignee
    for actor in actors:
        assert actor.rule == rule.name and actor.id == "services/automation"
        assert actor.version == "1" and actor.reference == f"events/{fired.event_id}"
    assert await rule_actors(stack.client, other.name) == []

    async def sent() -> bool:
        return any(
            json.loads(b)["data"].get("rule") == rule.name
            and json.loads(b)["data"].get("cause_event_id") == fired.event_id
            for _, b in receiver.received
        )

    await eventually(sent)


async def test_review_goes_to_the_reviewer_and_an_assignment_starts_scheduled_work(
    stack: Stack,
) -> None:
    installed = await stack.stub.InstallDefaultRules(
        automation_service_pb2.InstallDefaultRulesRequest(parent=f"projects/{PROJECT}"),
        metadata=stack.md,
    )
    assert {r.default_rule for r in installed.installed} == {
        "review-assign",
        "critical-risk-replan",
        "overdue-notify",
    }
    again = await stack.stub.InstallDefaultRules(
        automation_service_pb2.InstallDefaultRulesRequest(parent=f"projects/{PROJECT}"),
        metadata=stack.md,
    )
    assert not again.installed and len(again.existing) == 3
    await stack.client.add_person("rey", project=PROJECT, roles=[REVIEWER])
    await stack.client.add_person("ana", project=PROJECT, roles=[MANAGER])
    start = await create_rule(
        stack,
        "start-on-assign",
        R.Rule(
            trigger=R.TRIGGER_TASK_ASSIGNEE_CHANGED,
            conditions=[condition("state", R.OPERATOR_EQUALS, "scheduled")],
            actions=[R.Action(move_to_state=R.MoveToState(state="in_progress", comment="go"))],
        ),
    )
    task = await stack.client.create_task(PROJECT, "Landing page")
    await stack.client.move(task.name, "submitted")
    await stack.client.move(task.name, "in_review")
    review = "projects/promo/rules/review-assign"
    # Two state changes, two runs: draft -> submitted does not match, submitted -> in_review does.
    states = sorted(r.state for r in await finished_runs(stack, review, 2))
    assert states == [R.RUN_STATE_SUCCEEDED, R.RUN_STATE_SKIPPED]
    assert (await stack.client.get_task(task.name)).assignee == "people/rey"
    # The reviewer's assignment is an assignee change, but the task is in review: skipped.
    [skipped] = await finished_runs(stack, start.name)
    assert skipped.state == R.RUN_STATE_SKIPPED

    await stack.client.move(task.name, "scheduled")
    current = await stack.client.get_task(task.name)
    current.assignee = "people/ana"
    await stack.client.update_task(current, "assignee")
    await finished_runs(stack, start.name, 2)
    moved = await stack.client.get_task(task.name)
    assert moved.state == "in_progress" and moved.assignee == "people/ana"
    rules_seen = {a.rule for a in await rule_actors(stack.client, task.name)}
    assert rules_seen == {review, start.name}


async def test_due_soon_and_overdue_fire_once_per_task_and_due_date(
    stack: Stack, receiver: Receiver
) -> None:
    await receiver.start()
    await subscribe(stack, receiver.url, "automation.*")
    await stack.client.add_person("mia", project=PROJECT, roles=[MANAGER])
    soon = await create_rule(
        stack,
        "due-soon",
        R.Rule(
            trigger=R.TRIGGER_TASK_DUE_SOON,
            actions=[R.Action(add_comment=R.AddComment(body="{title} is due soon"))],
        ),
    )
    late = await create_rule(
        stack,
        "late",
        R.Rule(
            trigger=R.TRIGGER_TASK_OVERDUE,
            conditions=[condition("priority", R.OPERATOR_IN, "high", "urgent")],
            actions=[R.Action(notify_managers=R.NotifyManagers(message="{title} is late"))],
        ),
    )
    today = await _today(stack)
    overdue = await stack.client.create_task(
        PROJECT, "Old", due_date="2020-01-01", priority=task_pb2.PRIORITY_HIGH
    )
    due_today = await stack.client.create_task(PROJECT, "Today", due_date=today)
    await stack.client.create_task(PROJECT, "Later", due_date="2099-01-01")
    await stack.client.create_task(PROJECT, "Undated")

    async def learned() -> bool:
        return await _count(stack, "SELECT count(*) FROM automation.tasks") == 4

    await eventually(learned)
    scheduler = stack.automation.scheduler
    assert await scheduler.tick() == 2
    assert await scheduler.tick() == 0
    [a] = await finished_runs(stack, soon.name)
    [b] = await finished_runs(stack, late.name)
    assert (a.task, a.state) == (due_today.name, R.RUN_STATE_SUCCEEDED)
    assert (b.task, b.state) == (overdue.name, R.RUN_STATE_SUCCEEDED), b.error
    [note] = await comments(stack, overdue.name)
    assert note.body == "@people/mia: Old is late"
    assert [c.body for c in await comments(stack, due_today.name)] == ["Today is due soon"]

    # A new due date is a new notice; the same one never is.
    moved = await stack.client.get_task(due_today.name)
    moved.due_date = "2020-06-01"
    await stack.client.update_task(moved, "due_date")

    async def relearned() -> bool:
        return (
            await _count(
                stack, "SELECT count(*) FROM automation.tasks WHERE due_date = '2020-06-01'"
            )
            == 1
        )

    await eventually(relearned)
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    # Medium priority: the overdue rule runs and skips.
    await finished_runs(stack, late.name, 2)

    async def published() -> bool:
        types = [json.loads(body)["type"] for _, body in receiver.received]
        return (
            types.count("automation.task.overdue") == 2
            and types.count("automation.task.due_soon") == 1
            and "automation.managers.notified" in types
        )

    await eventually(published)


async def test_a_rule_never_fires_twice_for_one_event(stack: Stack) -> None:
    rule = await create_rule(
        stack,
        "hello",
        R.Rule(
            trigger=R.TRIGGER_TASK_CREATED,
            actions=[R.Action(add_comment=R.AddComment(body="hello"))],
        ),
    )
    task = await stack.client.create_task(PROJECT, "Once")
    [run] = await finished_runs(stack, rule.name)
    async with await psycopg.AsyncConnection.connect(stack.core.database_url) as conn:
        row = await (
            await conn.execute(
                "SELECT subject, payload FROM core.outbox WHERE event_id = %s", (run.event_id,)
            )
        ).fetchone()
    assert row is not None
    subject, payload = row[0], bytes(row[1])
    consumer = stack.automation.consumer
    # An unreadable message is skipped rather than retried forever.
    assert not await consumer.handle("planops.core.v1.task.created", b"\xff\xfe not protobuf")
    # A redelivery of a seen event is dropped ...
    assert not await consumer.handle(subject, payload)
    # ... and even with the event's id forgotten, the rule's run for it is not repeated.
    await _execute(
        stack, "DELETE FROM automation.processed_events WHERE event_id = %s", run.event_id
    )
    assert await consumer.handle(subject, payload)
    # The same bytes arriving over NATS again, past JetStream's duplicate window.
    handled = consumer.handled
    nc = await nats.connect(stack.core.nats_url)
    try:
        await nc.jetstream().publish(subject, payload, headers={"Nats-Msg-Id": "replay-1"})
    finally:
        await nc.drain()

    async def seen() -> bool:
        return consumer.handled > handled

    await eventually(seen)
    await stack.automation.runner.run_due()
    assert len(await runs(stack, rule.name)) == 1
    assert [c.body for c in await comments(stack, task.name)] == ["hello"]


async def test_a_risk_alert_on_the_critical_path_requests_a_replan(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        await client.create_project("plan", time_zone="UTC", start_date="2030-03-04")
        await client.people.CreatePerson(
            person_service_pb2.CreatePersonRequest(
                person_id="ana", person=person_pb2.Person(display_name="Ana")
            ),
            metadata=client.md,
        )
        await client.add_member("plan", "people/ana", project_pb2.ROLE_MANAGER)
        first = await client.create_task("plan", "Build", estimate_hours=16)
        second = await client.create_task("plan", "Test", estimate_hours=8)
        await client.depend("plan", first.name, second.name)
        planner_key = await client.service_key("planner")
        config = planner_config(core, database_url=database_url, key=planner_key, home=tmp_path)
        async with running_planner(config) as planner:
            address = f"127.0.0.1:{planner.port}"
            key = await service_key(client)
            async with (
                automation_for(core, key, planner_address=address) as (automation, stub),
                grpc.aio.insecure_channel(address) as channel,
            ):
                plans = planner_service_pb2_grpc.PlannerServiceStub(channel)
                proposed = await plans.ProposeSchedule(
                    planner_service_pb2.ProposeScheduleRequest(
                        project="projects/plan", time_limit_seconds=2
                    ),
                    metadata=core.auth(),
                    timeout=60,
                )
                assert first.name in proposed.proposal.critical_path
                await stub.InstallDefaultRules(
                    automation_service_pb2.InstallDefaultRulesRequest(parent="projects/plan"),
                    metadata=core.auth(),
                )
                nc = await nats.connect(core.nats_url)
                try:
                    js = nc.jetstream()
                    await ensure_stream(js, name="PLANOPS_RISK", subjects=["planops.risk.v1.>"])
                    alert = risk_events_pb2.AlertRaised(
                        id="alert-1",
                        alert=risk_pb2.Alert(
                            name="projects/plan/alerts/1",
                            subject=first.name,
                            kind="TASK_LIKELY_LATE",
                            value=0.9,
                            threshold=0.7,
                        ),
                    )
                    await js.publish(
                        "planops.risk.v1.alert.raised",
                        alert.SerializeToString(),
                        headers={"Nats-Msg-Id": alert.id},
                    )
                finally:
                    await nc.drain()
                rule = "projects/plan/rules/critical-risk-replan"

                md = core.auth()
                await eventually(functools.partial(any_finished, stub, rule, md), seconds=90)
                [run] = (
                    await stub.ListRuleRuns(
                        automation_service_pb2.ListRuleRunsRequest(parent=rule),
                        metadata=core.auth(),
                    )
                ).runs
                assert run.state == R.RUN_STATE_SUCCEEDED, run.error
                listed = await plans.ListProposals(
                    planner_service_pb2.ListProposalsRequest(parent="projects/plan"),
                    metadata=core.auth(),
                )
                assert len(listed.proposals) == 2
                reply = await client.tasks.ListComments(
                    task_service_pb2.ListCommentsRequest(parent=first.name), metadata=client.md
                )
                [note] = reply.comments
                assert note.body.startswith("@people/ana: Build is at risk")
                assert automation.runner.finished >= 1


async def any_finished(
    stub: automation_service_pb2_grpc.AutomationServiceStub,
    rule: str,
    md: tuple[tuple[str, str], ...],
) -> bool:
    reply = await stub.ListRuleRuns(
        automation_service_pb2.ListRuleRunsRequest(parent=rule), metadata=md
    )
    return any(r.state != R.RUN_STATE_PENDING for r in reply.runs)


async def rule_count_is(
    stub: automation_service_pb2_grpc.AutomationServiceStub,
    project: str,
    count: int,
    md: tuple[tuple[str, str], ...],
) -> bool:
    reply = await stub.ListRules(
        automation_service_pb2.ListRulesRequest(parent=project), metadata=md
    )
    return len(reply.rules) == count


async def _today(stack: Stack) -> str:
    async with await psycopg.AsyncConnection.connect(stack.core.database_url) as conn:
        row = await (await conn.execute("SELECT (now() AT TIME ZONE 'UTC')::date")).fetchone()
    assert row is not None
    return str(row[0])


async def _count(stack: Stack, query: str) -> int:
    async with await psycopg.AsyncConnection.connect(stack.core.database_url) as conn:
        row = await (await conn.execute(query)).fetchone()
    assert row is not None
    return int(row[0])


async def _execute(stack: Stack, query: str, *params: object) -> None:
    async with await psycopg.AsyncConnection.connect(
        stack.core.database_url, autocommit=True
    ) as conn:
        await conn.execute(query, params)


async def test_a_new_project_gets_the_default_rules_when_configured(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    async for core in start_core(
        database_url=database_url, nats_url=own_nats.url, home=tmp_path / "home"
    ):
        client = Client(core)
        key = await service_key(client)
        async with automation_for(core, key, install_default_rules=True) as (_, stub):
            await client.create_project("fresh")

            md = core.auth()
            await eventually(functools.partial(rule_count_is, stub, "projects/fresh", 3, md))
            history = await stub.ListRuleRevisions(
                automation_service_pb2.ListRuleRevisionsRequest(
                    parent="projects/fresh/rules/review-assign"
                ),
                metadata=core.auth(),
            )
            assert [(r.action, r.actor) for r in history.revisions] == [("created", "system")]


async def test_a_forged_event_naming_another_projects_task_makes_no_rule_act(
    stack: Stack,
) -> None:
    """#13 finding 6: a publisher names this project in a task.created about B's task."""
    rule = await create_rule(
        stack,
        "forged",
        R.Rule(
            trigger=R.TRIGGER_TASK_CREATED,
            actions=[R.Action(add_comment=R.AddComment(body="seen by {rule}"))],
        ),
    )
    await stack.client.create_project("elsewhere")
    victim = await stack.client.create_task("elsewhere", "Victim")
    forged = events_pb2.ChangeEvent(
        id="forged-event",
        type="task.created",
        aggregate=victim.name,
        aggregate_version=1,
        project=f"projects/{PROJECT}",
        task=victim,
    )
    nc = await nats.connect(stack.core.nats_url)
    try:
        await nc.jetstream().publish("planops.core.v1.task.created", forged.SerializeToString())
    finally:
        await nc.drain()
    # A genuine event after it: once its run is done, the forged one was handled too.
    mine = await stack.client.create_task(PROJECT, "Mine")
    done = await finished_runs(stack, rule.name)
    assert [r.task for r in done] == [mine.name]
    assert victim.name not in [r.task for r in await runs(stack, rule.name)]
    assert await comments(stack, victim.name) == []
