"""Which events a feed holds, without a database: milestones, the window, secrets."""

from __future__ import annotations

import dataclasses
import datetime as dt

from services.core import feeds

DAY = dt.date(2026, 12, 7)
TASK = feeds.FeedTask(
    project="promo",
    project_name="Promo",
    number=42,
    title="Poster",
    state_name="Scheduled",
    assignee_name="Ana",
    estimate_hours=8,
    labels=(),
    planned_start=DAY,
    planned_end=DAY + dt.timedelta(days=2),
    due_date=None,
    version=3,
    update_time=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
)


def kinds(task: feeds.FeedTask) -> list[str]:
    return [e.kind for e in feeds.task_events(task, subject="people/ana", project_feed=False)]


def test_a_milestone_is_labelled_so_or_a_one_day_plan_without_work() -> None:
    assert kinds(TASK) == ["planned_work"]
    assert kinds(dataclasses.replace(TASK, labels=("Milestone",))) == ["milestone"]
    one_day = dataclasses.replace(TASK, estimate_hours=0, planned_end=DAY)
    assert kinds(one_day) == ["milestone"]
    # Not yet estimated but spread over days: work, not a milestone.
    assert kinds(dataclasses.replace(TASK, estimate_hours=0)) == ["planned_work"]


def test_uids_differ_by_what_and_whose_calendar_and_not_by_revision() -> None:
    due = dataclasses.replace(TASK, due_date=DAY)
    mine = feeds.task_events(due, subject="people/ana", project_feed=False)
    project = feeds.task_events(due, subject="projects/promo", project_feed=True)
    later = feeds.task_events(
        dataclasses.replace(due, version=9, title="Poster v2"),
        subject="people/ana",
        project_feed=False,
    )

    assert len({e.uid for e in mine + project}) == 4
    assert [e.uid for e in later] == [e.uid for e in mine]
    assert [e.sequence for e in later] == [8, 8]


def test_the_window_drops_work_that_ended_over_a_year_ago_and_caps_the_count() -> None:
    old = dataclasses.replace(
        TASK, planned_start=DAY - dt.timedelta(days=400), planned_end=DAY - dt.timedelta(days=366)
    )
    events = feeds.task_events(old, subject="s", project_feed=False) + feeds.task_events(
        TASK, subject="s", project_feed=False
    )
    assert [e.start for e in feeds.window(events, today=DAY)] == [DAY]
    many = [
        dataclasses.replace(e, uid=str(i), start=DAY + dt.timedelta(days=i))
        for i, e in enumerate(events[1:] * (feeds.MAX_EVENTS + 5))
    ]
    kept = feeds.window(many, today=DAY)
    assert len(kept) == feeds.MAX_EVENTS and kept[0].start == DAY


def test_a_secret_names_its_feed_and_nothing_else_passes() -> None:
    feed_id, secret = feeds.new_secret()

    assert feeds.feed_id_of(secret) == feed_id
    assert feeds.feed_id_of(f"planops_{feed_id}_{secret[25:]}") is None
    assert feeds.feed_id_of(secret[:30]) is None
