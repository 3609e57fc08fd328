"""Hypothesis strategies for any request message, read from its descriptor.

Strings are chosen by what a field holds: resource names aim at the world's real resources
(and near misses of them), dates at edge dates and malformed ones, everything else at odd
unicode, NUL, injection attempts and huge values. Numbers reach their type's limits, NaN and
infinities; enums take unknown values; lists are empty, short or enormous.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Literal

from google.protobuf import field_mask_pb2, message_factory, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

from tests.fuzz.world import World

Strategy = st.SearchStrategy[Any]

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)
UINT64 = (0, 2**64 - 1)

REFERENCE_FIELDS = frozenset(
    {
        "name",
        "parent",
        "project",
        "projects",
        "task",
        "tasks",
        "predecessor",
        "successor",
        "assignee",
        "member",
        "principal",
        "iteration",
        "template",
        "person",
        "owner",
        "add_people",
        "remove_people",
        "resource",
        "actor",
        "webhook",
    }
)
DATE_FIELDS = frozenset(
    {
        "deadline",
        "due_before",
        "due_after",
        "planned_start",
        "planned_end",
        "days_off",
        "extra_working_days",
        "anchor_date",
    }
)
ODD_STRINGS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "שלום",
    "👩\u200d👩\u200d👧 🎉",
    "e\u0301\u0301\u0301\u0301",
    "ｆｕｌｌ ｗｉｄｔｈ",
    "İstanbul ß Ω",
    "\ufeffbom",
    "\u200b",
    "\n\r\t",
    "null",
    "None",
    "-1",
    "0",
    "9" * 30,
    "%",
    "_",
    "\\",
    "'",
    '"',
    "'; DROP TABLE tasks; --",
    "x' OR '1'='1",
    "$$; DELETE FROM audit_log; $$",
    "../../etc/passwd",
    "*",
    "林伟 will write the copy by Friday",
)
EDGE_DATES = (
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "1900-01-01",
    "2200-12-31",
    "2201-01-01",
    "2030-02-29",
    "2028-02-29",
    "2030-13-01",
    "2030-00-10",
    "2030-04-31",
    "2030-1-1",
    "20300101",
    "2030-W03",
    "2030-03-04T00:00:00",
    "٢٠٣٠-٠٣-٠٤",
    "２０３０-０３-０４",
    "-2030-03-04",
    "2030-03-04\x00",
)
HUGE_LENGTHS = (65, 101, 129, 201, 501, 2_001, 10_001, 20_001, 100_001, 200_001)


def huge_strings() -> Strategy:
    return st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["x", "é", "😀", "\x00", " ", "a b "]),
        st.sampled_from(HUGE_LENGTHS),
    )


def any_text() -> Strategy:
    return st.one_of(
        st.sampled_from(ODD_STRINGS),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
        huge_strings(),
    )


def near_misses(name: str) -> list[str]:
    """Names a careless parser might accept: wrong numbers, unicode digits, extra parts."""
    head, _, last = name.rpartition("/")
    return [
        f"{name}/",
        f"{name}/x",
        f"{name}\x00",
        name.upper(),
        f" {name}",
        f"{head}/{last}9999999999999999999",
        f"{head}/99999999999999999999",
        f"{head}/-1",
        f"{head}/0",
        f"{head}/²",
        f"{head}/٣",
        f"{head}/1e3",
        f"{head}/{last}'--",
        f"{head}/*",
    ]


TAME_TEXT = (
    "Launch email",
    "שלום עולם",
    "\u202eevil\u202c title",
    "👩\u200d👩\u200d👧 🎉",
    "e\u0301\u0301\u0301",
    "林伟 will write the copy",
    "'; DROP TABLE tasks; --",
    "x' OR '1'='1",
    "%_\\",
)


def tame_text() -> Strategy:
    """Text a validator should accept: letters, digits and spaces, odd scripts, quotes."""
    return st.one_of(
        st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20),
        st.sampled_from(TAME_TEXT),
    )


def aimed(field: str, world: World) -> list[str]:
    """The world's resources a field of this name most likely refers to."""
    people = list(world.people.values())
    tasks = [*world.tasks, *world.b_tasks]
    kinds = {
        "project": [world.a, world.b],
        "projects": [world.a, world.b],
        "parent": [world.a, world.a, world.b, *tasks],
        "task": tasks,
        "tasks": tasks,
        "predecessor": tasks,
        "successor": tasks,
        "iteration": [world.iteration, world.b_iteration],
        "template": [world.template],
        "webhook": [world.webhook, world.b_webhook],
    }
    return [n for n in kinds.get(field, people if field in PERSON_FIELDS else world.names()) if n]


PERSON_FIELDS = frozenset(
    {"assignee", "person", "member", "principal", "owner", "add_people", "remove_people", "actor"}
)


def references(world: World, field: str, *, wild: bool) -> Strategy:
    real = [n for n in world.names() if n]
    if not wild:
        return st.sampled_from(aimed(field, world))
    misses = [m for n in real for m in near_misses(n)]
    return st.one_of(
        st.sampled_from(real),
        st.sampled_from(misses),
        st.builds(lambda a, b: f"{a}/{b}", st.sampled_from(real), any_text()),
        st.builds(lambda t: f"projects/{t}", any_text()),
        any_text(),
    )


def tame_dates() -> Strategy:
    return st.dates(min_value=dt.date(2029, 1, 1), max_value=dt.date(2031, 12, 31)).map(
        lambda d: d.isoformat()
    )


def for_string(field: Any, world: World, *, wild: bool) -> Strategy:
    name = field.name
    if name in REFERENCE_FIELDS:
        return references(world, name, wild=wild)

    def pick(*tame: str) -> Strategy:
        return st.one_of(st.sampled_from(tame), any_text()) if wild else st.sampled_from(tame)

    if name in DATE_FIELDS or name.endswith("_date"):
        return (
            st.one_of(
                tame_dates(),
                st.dates().map(dt.date.isoformat),
                st.sampled_from(EDGE_DATES),
                any_text(),
            )
            if wild
            else tame_dates()
        )
    if name == "time_zone":
        return pick(
            "UTC",
            "Europe/Berlin",
            "Asia/Shanghai",
            "America/St_Johns",
            "",
            "utc",
            "Mars/Olympus",
            "../../etc/passwd",
            "/etc/localtime",
        )
    if name in ("holiday_country", "holiday_subdivision"):
        return pick("CN", "DE", "US", "CA", "BY", "")
    if name == "language":
        return pick("", "en", "zh", "auto", "fr")
    if name in ("to_state", "from_state", "initial_state", "id", "state", "states"):
        return pick(
            "draft", "submitted", "in_review", "scheduled", "done", "cancelled", "blocked", "item-1"
        )
    if name in ("skill", "labels", "label"):
        return pick("copy", "ops", "design", "launch")
    if name == "text":
        return pick(NOTES, "Mia to review the banner next week. 林伟 负责周五前完成文案。")
    if name == "url":
        return pick(
            "http://127.0.0.1:9/hook",
            "https://127.0.0.1:9/h?x=1#y",
            "ftp://127.0.0.1/",
            "http://",
            "http://[::1",
            "http://[x]/",
            "https://ex\uff0fample.com",
        )
    if name == "event_types":
        return pick("core.task.created", "core.task.*", "*", "risk.alert.raised", "core.", "**")
    if name == "field":
        return pick("state", "priority", "labels", "due_date", "estimate_hours", "add_label")
    if name == "values":
        return pick("high", "urgent", "done", "2030-03-04", "7.5", "launch")
    if name in ("page_token", "etag"):
        return pick("", 'W/"1"', 'W/"2"', "eyJrIjogWzFdLCAicSI6ICJ4In0")
    return st.one_of(tame_text(), any_text()) if wild else tame_text()


NOTES = "Ana will write the launch email by Friday. Mia to review the banner next week."


def numbers(kind: int, *, wild: bool) -> Strategy:
    t = FieldDescriptor
    if kind in (t.TYPE_DOUBLE, t.TYPE_FLOAT):
        if not wild:
            return st.one_of(st.integers(0, 40).map(float), st.floats(0, 100))
        width: Literal[32, 64] = 64 if kind == t.TYPE_DOUBLE else 32
        return st.one_of(
            st.floats(width=width),
            st.sampled_from(
                [0.0, -0.0, -1.0, 0.5, 1.0, 24.0, 24.5, 168.0, 100_000.0, 1e-300]
                + [math.nan, math.inf, -math.inf]
                + ([1e308, -1e308] if width == 64 else [3e38])
            ),
        )
    if not wild:
        return st.integers(0, 10)
    low, high = {
        t.TYPE_INT32: INT32,
        t.TYPE_SINT32: INT32,
        t.TYPE_SFIXED32: INT32,
        t.TYPE_INT64: INT64,
        t.TYPE_SINT64: INT64,
        t.TYPE_SFIXED64: INT64,
        t.TYPE_UINT32: UINT32,
        t.TYPE_FIXED32: UINT32,
        t.TYPE_UINT64: UINT64,
        t.TYPE_FIXED64: UINT64,
    }[kind]
    edges = [
        v
        for v in (low, high, -1, 0, 1, 7, 8, 99, 100, 101, 365, 366, 501, 20_001)
        if low <= v <= high
    ]
    return st.one_of(
        st.integers(max(low, -5), min(high, 30)), st.sampled_from(edges), st.integers(low, high)
    )


def field_masks(paths: Sequence[str], *, wild: bool) -> Strategy:
    path = (
        st.one_of(st.sampled_from([*paths, "*"]), any_text())
        if wild
        else st.sampled_from([*paths, "*"])
    )
    return st.builds(lambda ps: field_mask_pb2.FieldMask(paths=ps), st.lists(path, max_size=4))


def timestamps(*, wild: bool) -> Strategy:
    seconds = st.integers(1_800_000_000, 1_950_000_000)
    if wild:
        seconds = st.one_of(
            seconds,
            st.sampled_from([-62_135_596_800, 253_402_300_799, -62_135_596_801, 253_402_300_800]),
            st.integers(*INT64),
        )
    nanos = st.one_of(st.just(0), st.integers(*INT32)) if wild else st.just(0)
    return st.builds(lambda s, n: timestamp_pb2.Timestamp(seconds=s, nanos=n), seconds, nanos)


def messages(
    descriptor: Any,
    world: World,
    *,
    wild: bool,
    depth: int = 0,
    mask_paths: Sequence[str] = (),
) -> Strategy:
    """Messages of `descriptor`'s type: each field set or left out, at random."""
    cls = message_factory.GetMessageClass(descriptor)
    if descriptor.full_name == "google.protobuf.FieldMask":
        return field_masks(mask_paths or ["title"], wild=wild)
    if descriptor.full_name == "google.protobuf.Timestamp":
        return timestamps(wild=wild)
    optional: dict[str, Strategy] = {}
    for field in descriptor.fields:
        if depth >= 4 and field.type == FieldDescriptor.TYPE_MESSAGE:
            continue
        optional[field.name] = _field(field, world, wild=wild, depth=depth, mask_paths=mask_paths)
    return st.fixed_dictionaries({}, optional=optional).map(lambda values: cls(**values))


def _field(
    field: Any, world: World, *, wild: bool, depth: int, mask_paths: Sequence[str]
) -> Strategy:
    single = _single(field, world, wild=wild, depth=depth, mask_paths=mask_paths)
    if not field.is_repeated:
        return single
    if not wild:
        return st.lists(single, max_size=3)
    # Enormous lists repeat one tame element: big in count, not in bytes.
    tame = _single(field, world, wild=False, depth=depth, mask_paths=mask_paths)
    return st.one_of(
        st.lists(single, max_size=3),
        st.lists(single, max_size=3),
        st.builds(lambda e, n: [e] * n, tame, st.sampled_from([8, 51, 201, 501, 1_001])),
    )


def _single(
    field: Any, world: World, *, wild: bool, depth: int, mask_paths: Sequence[str]
) -> Strategy:
    t = FieldDescriptor
    if field.type == t.TYPE_STRING:
        return for_string(field, world, wild=wild)
    if field.type == t.TYPE_BYTES:
        return st.binary(max_size=64)
    if field.type == t.TYPE_BOOL:
        return st.booleans()
    if field.type == t.TYPE_ENUM:
        values = st.sampled_from([v.number for v in field.enum_type.values])
        return st.one_of(values, st.integers(*INT32)) if wild else values
    if field.type == t.TYPE_MESSAGE:
        return messages(
            field.message_type, world, wild=wild, depth=depth + 1, mask_paths=mask_paths
        )
    return numbers(field.type, wild=wild)


def requests(request: type[Message], world: World) -> Strategy:
    """Requests of type `request` aimed at `world`: half plausible, half malformed."""
    descriptor = request.DESCRIPTOR
    paths = _resource_fields(descriptor)
    return st.one_of(
        messages(descriptor, world, wild=False, mask_paths=paths),
        messages(descriptor, world, wild=True, mask_paths=paths),
    )


def _resource_fields(descriptor: Any) -> list[str]:
    """Field names of the resource messages a request carries (what an update_mask names)."""
    names: list[str] = []
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.full_name.startswith(
            "planops."
        ):
            names += [f.name for f in field.message_type.fields]
    return names


Step = tuple[Any, bool]
"""A field on the way to a leaf; True: step into the first element of a repeated message."""


def leaf_paths(message: Message, *, depth: int = 0) -> list[tuple[Step, ...]]:
    """Paths to every field of `message` and of the PlanOps messages it holds."""
    paths: list[tuple[Step, ...]] = []
    for field in message.DESCRIPTOR.fields:
        paths.append(((field, False),))
        if field.type != FieldDescriptor.TYPE_MESSAGE or depth >= 3:
            continue
        if field.message_type is None or not field.message_type.full_name.startswith("planops."):
            continue
        value = getattr(message, field.name)
        if field.is_repeated:
            if len(value):
                paths += [((field, True), *rest) for rest in leaf_paths(value[0], depth=depth + 1)]
        else:
            paths += [((field, False), *rest) for rest in leaf_paths(value, depth=depth + 1)]
    return paths


def set_field(message: Message, path: tuple[Step, ...], value: Any) -> None:
    for field, first in path[:-1]:
        holder = getattr(message, field.name)
        if first and not len(holder):
            holder.add()
        message = holder[0] if first else holder
    leaf = path[-1][0]
    message.ClearField(leaf.name)
    if leaf.is_repeated:
        getattr(message, leaf.name).extend(value)
    elif leaf.type == FieldDescriptor.TYPE_MESSAGE:
        getattr(message, leaf.name).CopyFrom(value)
    else:
        setattr(message, leaf.name, value)


def _get(message: Message, path: tuple[Step, ...]) -> Any:
    for field, first in path[:-1]:
        holder = getattr(message, field.name)
        if first and not len(holder):
            return None
        message = holder[0] if first else holder
    return getattr(message, path[-1][0].name)


def _collections(name: str) -> list[str]:
    return name.split("/")[::2]


def _kin(value: Any, world: World) -> list[str]:
    """The world's resources of the same kind as the name `value` (other tasks for a task)."""
    if not isinstance(value, str) or "/" not in value:
        return []
    return [n for n in world.names() if n and _collections(n) == _collections(value)]


def mutations(base: Message, world: World) -> Strategy:
    """`base` (a valid request) with one or two of its fields replaced by drawn values."""
    paths = leaf_paths(base)
    masks = _resource_fields(base.DESCRIPTOR)
    if not paths:
        return st.just(base)

    @st.composite
    def mutated(draw: st.DrawFn) -> Message:
        message = type(base)()
        message.CopyFrom(base)
        chosen = draw(
            st.lists(
                st.sampled_from(paths),
                min_size=1,
                max_size=2,
                unique_by=lambda p: tuple(f.name for f, _ in p),
            )
        )
        for path in chosen:
            leaf = path[-1][0]
            wild = draw(st.booleans())
            kin = _kin(_get(base, path), world)
            if not wild and kin:
                value: Any = draw(st.sampled_from(kin))
            else:
                value = draw(_field(leaf, world, wild=wild, depth=len(path), mask_paths=masks))
            set_field(message, path, value)
        return message

    return mutated()


def fuzzed(base: Message, world: World) -> Strategy:
    """Mostly near-valid requests (a valid one with a field or two changed), else random ones."""
    return st.one_of(mutations(base, world), mutations(base, world), requests(type(base), world))
