"""Checks that hold for every field of every request, whatever the RPC."""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.errors import FieldViolation

NUL = "\x00"


def nul_violations(message: Message, *, prefix: str = "") -> list[FieldViolation]:
    """Every string field holding a NUL character, by its path (`task.labels[2]`).

    PostgreSQL cannot store NUL in text or jsonb, so no API accepts it anywhere: refusing it
    here turns what would be a database error deep in a handler into a named bad field.
    """
    found: list[FieldViolation] = []
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        repeated = field.is_repeated
        if field.type == FieldDescriptor.TYPE_STRING:
            values = list(value) if repeated else [value]
            for i, text in enumerate(values):
                if NUL in text:
                    where = f"{path}[{i}]" if repeated else path
                    found.append(FieldViolation(where, "must not contain NUL characters"))
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            entry = field.message_type
            if entry is not None and entry.GetOptions().map_entry:
                for key, item in value.items():
                    where = f"{path}[{key!r}]"
                    if isinstance(key, str) and NUL in key:
                        found.append(FieldViolation(where, "must not contain NUL characters"))
                    if isinstance(item, Message):
                        found += nul_violations(item, prefix=f"{where}.")
                    elif isinstance(item, str) and NUL in item:
                        found.append(FieldViolation(where, "must not contain NUL characters"))
            elif repeated:
                for i, item in enumerate(value):
                    found += nul_violations(item, prefix=f"{path}[{i}].")
            else:
                found += nul_violations(value, prefix=f"{path}.")
    return found
