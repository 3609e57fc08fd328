"""Whether a change event's resources lie in the project it names (#13 finding 6).

Anyone who can publish on NATS could name project A in an event about project B's task;
consumers act per project, so an event whose resources lie elsewhere is ignored.
"""

from __future__ import annotations

import logging

from planops.core.v1 import events_pb2

from services.common import metrics

log = logging.getLogger(__name__)

_warned: set[str] = set()


def _names(event: events_pb2.ChangeEvent) -> list[str]:
    kind = event.WhichOneof("resource")
    if kind == "project_resource":
        return [event.project_resource.name]
    if kind == "task":
        return [event.task.name, event.task.parent]
    if kind == "dependency":
        d = event.dependency
        return [d.name, d.predecessor, d.successor]
    if kind in ("membership", "iteration", "comment", "time_entry"):
        return [getattr(event, kind).name]
    return []


def outside(event: events_pb2.ChangeEvent) -> list[str]:
    """The resource names the event carries that are not its project's (empty when none)."""
    project = event.project
    kind = event.WhichOneof("resource")
    if kind in (None, "person", "template"):
        # Installation-wide resources: no project to check them against.
        return []
    names = [n for n in (event.aggregate, *_names(event)) if n]
    if not project.startswith("projects/") or "/" in project.removeprefix("projects/"):
        return names or [project]
    return [n for n in names if n != project and not n.startswith(project + "/")]


def in_project(event: events_pb2.ChangeEvent, *, consumer: str) -> bool:
    """False (counted, and logged once per consumer at WARNING) for a forged-looking event."""
    foreign = outside(event)
    if not foreign:
        return True
    metrics.CONSUMER_EVENTS.labels(consumer, "foreign").inc()
    if consumer not in _warned:
        _warned.add(consumer)
        log.warning(
            "%s ignored event %s (%s) of %s: %s not in that project",
            consumer,
            event.id,
            event.type,
            event.project,
            ", ".join(foreign),
        )
    return False
