"""Installing the rules the default workflow needs into a project."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Set

from services.automation import rules, store
from services.automation.store import RuleRecord
from services.common import metrics
from services.common.db import Connection

log = logging.getLogger(__name__)

DEFAULT_CATEGORIES = {
    "draft": "planned",
    "submitted": "planned",
    "in_review": "planned",
    "scheduled": "planned",
    "in_progress": "active",
    "in_acceptance": "active",
    "done": "done",
    "blocked": "blocked",
    "cancelled": "cancelled",
}


async def install(
    conn: Connection, project: str, *, states: Set[str], actor: str
) -> tuple[list[RuleRecord], list[RuleRecord]]:
    """(installed, already there). A default that does not fit the project's workflow, or
    that would loop with the project's own rules, is left out (and logged)."""
    await store.lock_rules(conn, project)
    present = {r.rule_id: r for r in await store.rules(conn, project)}
    enabled = {r.name: r.spec for r in present.values() if r.enabled}
    installed: list[RuleRecord] = []
    existing: list[RuleRecord] = []
    for default in rules.DEFAULT_RULES:
        if default.rule_id in present:
            existing.append(present[default.rule_id])
            continue
        name = f"projects/{project}/rules/{default.rule_id}"
        problems = rules.validate(default.spec, project=project, states=states or None)
        loop = rules.find_loop(name, default.spec, enabled)
        if loop:
            metrics.AUTOMATION_LOOPS_REFUSED.inc()
        if problems or loop:
            log.info(
                "default rule %s not installed in %s: %s",
                default.rule_id,
                project,
                loop or problems[0].description,
            )
            continue
        now = dt.datetime.now(dt.UTC)
        record = RuleRecord(
            project=project,
            rule_id=default.rule_id,
            revision=await store.latest_revision(conn, project, rule_id=default.rule_id) + 1,
            display_name=default.display_name,
            description=default.description,
            enabled=True,
            spec=default.spec,
            default_rule=default.rule_id,
            create_time=now,
            update_time=now,
        )
        saved = await store.save_rule(conn, record, action="created", actor=actor)
        enabled[saved.name] = saved.spec
        installed.append(saved)
    return installed, existing
