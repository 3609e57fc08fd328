"""The OpenAPI 3.1 document of the gateway, generated from the services' proto descriptors."""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Iterable
from typing import Any

from google.protobuf import descriptor, descriptor_pb2

from services.gateway.backends import Route
from services.gateway.transcode import HTTP_STATUS

FD = descriptor.FieldDescriptor
Schema = dict[str, Any]

INT64_PATTERN = r"^-?[0-9]+$"
UINT64_PATTERN = r"^[0-9]+$"

_SCALARS: dict[int, Schema] = {
    FD.TYPE_DOUBLE: {"type": "number", "format": "double"},
    FD.TYPE_FLOAT: {"type": "number", "format": "float"},
    FD.TYPE_INT32: {"type": "integer", "format": "int32"},
    FD.TYPE_SINT32: {"type": "integer", "format": "int32"},
    FD.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    FD.TYPE_UINT32: {"type": "integer", "format": "uint32", "minimum": 0},
    FD.TYPE_FIXED32: {"type": "integer", "format": "uint32", "minimum": 0},
    # proto3 JSON writes 64-bit integers as strings (JavaScript numbers lose precision).
    FD.TYPE_INT64: {"type": "string", "format": "int64", "pattern": INT64_PATTERN},
    FD.TYPE_SINT64: {"type": "string", "format": "int64", "pattern": INT64_PATTERN},
    FD.TYPE_SFIXED64: {"type": "string", "format": "int64", "pattern": INT64_PATTERN},
    FD.TYPE_UINT64: {"type": "string", "format": "uint64", "pattern": UINT64_PATTERN},
    FD.TYPE_FIXED64: {"type": "string", "format": "uint64", "pattern": UINT64_PATTERN},
    FD.TYPE_BOOL: {"type": "boolean"},
    FD.TYPE_STRING: {"type": "string"},
    FD.TYPE_BYTES: {"type": "string", "contentEncoding": "base64"},
}

# Well-known types have their own JSON forms.
_WELL_KNOWN: dict[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$"},
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "Comma-separated lowerCamelCase field paths.",
    },
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
    },
    "google.protobuf.DoubleValue": {"type": "number"},
    "google.protobuf.FloatValue": {"type": "number"},
    "google.protobuf.Int64Value": {"type": "string", "pattern": INT64_PATTERN},
    "google.protobuf.UInt64Value": {"type": "string", "pattern": UINT64_PATTERN},
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32"},
    "google.protobuf.UInt32Value": {"type": "integer", "format": "uint32", "minimum": 0},
    "google.protobuf.BoolValue": {"type": "boolean"},
    "google.protobuf.StringValue": {"type": "string"},
    "google.protobuf.BytesValue": {"type": "string", "contentEncoding": "base64"},
}

ERROR_SCHEMA: Schema = {
    "type": "object",
    "description": "A refused or failed call: the gRPC code in snake case, the field violations "
    "and the UPPER_SNAKE reason of the service's google.rpc.Status.",
    "properties": {
        "code": {"type": "string", "enum": sorted({c.name.lower() for c in HTTP_STATUS})},
        "message": {"type": "string"},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "description": {"type": "string"},
                },
                "required": ["field", "description"],
            },
        },
        "reason": {"type": "string"},
    },
    "required": ["code", "message", "details", "reason"],
}

ERROR_RESPONSES = {
    "400": "A field is invalid (named in `details`) or the request breaks a precondition.",
    "401": "No API key, or an unknown or revoked one.",
    "403": "The key's principal lacks the role this call needs.",
    "404": "The named resource does not exist.",
    "405": "Only POST is served on an RPC's path.",
    "409": "The resource already exists, or its etag moved (a concurrent change).",
    "413": "The body is larger than 8 MiB.",
    "429": "The service is at its limit of concurrent calls.",
    "500": "An internal error; the service's log has it.",
    "503": "The service is not reachable.",
    "504": "The call ran out of time.",
}


@functools.cache
def comments() -> dict[str, str]:
    """The protos' comments by full name, which scripts/genproto.py writes next to the stubs."""
    text = importlib.resources.files("planops").joinpath("comments.json").read_text("utf-8")
    found: dict[str, str] = json.loads(text)
    return found


def _described(schema: Schema, *texts: str | None) -> Schema:
    """`schema` with `texts` (and a description it had, such as a well-known type's) joined."""
    text = "\n\n".join(t for t in (*texts, schema.get("description")) if t)
    if text:
        schema["description"] = text
    return schema


def schema_ref(full_name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{full_name}"}


def _enum(field: FD) -> descriptor.EnumDescriptor:
    assert field.enum_type is not None
    return field.enum_type


def _message(field: FD) -> descriptor.Descriptor:
    assert field.message_type is not None
    return field.message_type


def field_schema(field: FD, wanted: set[str]) -> Schema:
    """The JSON schema of one field's value (of one element, for a repeated field)."""
    if field.type == FD.TYPE_ENUM:
        # The enum's name, so the console's generated types can name the union once.
        enum = _enum(field)
        return {
            "type": "string",
            "enum": [v.name for v in enum.values],
            "x-planops-enum": enum.full_name,
        }
    if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        name = _message(field).full_name
        if name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[name])
        wanted.add(name)
        return schema_ref(name)
    return dict(_SCALARS[field.type])


def is_map(field: FD) -> bool:
    return (
        field.type == FD.TYPE_MESSAGE
        and field.is_repeated
        and _message(field).GetOptions().map_entry
    )


def message_schema(message: descriptor.Descriptor, wanted: set[str]) -> Schema:
    """A message as a JSON object with its lowerCamelCase fields; nested messages go to `wanted`.

    `x-planops-printed` lists the fields every response holds: those without presence, which
    the gateway prints at their defaults. A request may leave any field out, so they are not
    `required`.
    """
    properties: Schema = {}
    for field in message.fields:
        if is_map(field):
            value_field = _message(field).fields_by_name["value"]
            schema: Schema = {
                "type": "object",
                "additionalProperties": field_schema(value_field, wanted),
            }
        elif field.is_repeated:
            schema = {"type": "array", "items": field_schema(field, wanted)}
        else:
            schema = field_schema(field, wanted)
        oneof = field.containing_oneof
        _described(
            schema,
            comments().get(field.full_name),
            f"One of `{oneof.name}`."
            if oneof is not None and not oneof.name.startswith("_")
            else "",
            _enum_values(field),
        )
        properties[field.json_name] = schema
    return _described(
        {
            "type": "object",
            "title": message.name,
            "properties": properties,
            "additionalProperties": False,
            "x-planops-printed": [f.json_name for f in message.fields if not f.has_presence],
        },
        comments().get(message.full_name),
    )


def _enum_values(field: FD) -> str:
    """`NAME`: meaning, for the values of an enum field that have a comment."""
    if field.type != FD.TYPE_ENUM:
        return ""
    enum = _enum(field)
    lines = [
        f"- `{v.name}`: {comments()[f'{enum.full_name}.{v.name}']}"
        for v in enum.values
        if f"{enum.full_name}.{v.name}" in comments()
    ]
    return "\n".join(lines)


def schemas_for(messages: Iterable[descriptor.Descriptor]) -> dict[str, Schema]:
    """Every message reachable from `messages`, by full name."""
    pool = {m.full_name: m for m in messages}
    found: dict[str, Schema] = {}
    todo = set(pool)
    while todo:
        name = todo.pop()
        wanted: set[str] = set()
        found[name] = message_schema(pool[name], wanted)
        for nested in _nested_descriptors(pool[name]):
            pool.setdefault(nested.full_name, nested)
        todo |= {w for w in wanted if w not in found}
    return dict(sorted(found.items()))


def _nested_descriptors(message: descriptor.Descriptor) -> list[descriptor.Descriptor]:
    return [
        _message(f)
        for f in message.fields
        if f.type == FD.TYPE_MESSAGE and _message(f).full_name not in _WELL_KNOWN
    ]


def operation(route: Route) -> Schema:
    method = route.method
    responses: Schema = {
        "200": {
            "description": f"`{method.output_type.name}` as proto3 JSON.",
            "content": {"application/json": {"schema": schema_ref(method.output_type.full_name)}},
        }
    }
    for status, text in ERROR_RESPONSES.items():
        responses[status] = {
            "description": text,
            "content": {"application/json": {"schema": schema_ref("planops.gateway.Error")}},
        }
    reads_only = (
        method.GetOptions().idempotency_level == descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS
    )
    return {
        "operationId": f"{route.service}.{method.name}",
        "x-planops-read-only": reads_only,
        "tags": [route.service],
        "summary": f"{route.service.rsplit('.', 1)[-1]}/{method.name}",
        "description": (
            f"{comments()[method.full_name]}\n\n" if method.full_name in comments() else ""
        )
        + f"The gRPC method `{route.grpc_path}` over HTTP: the body is "
        f"`{method.input_type.full_name}` as proto3 JSON."
        + (" It changes nothing." if reads_only else ""),
        "requestBody": {
            "description": "An empty body is the empty message.",
            "required": False,
            "content": {"application/json": {"schema": schema_ref(method.input_type.full_name)}},
        },
        "responses": responses,
    }


def document(routes: Iterable[Route], *, version: str = "v1") -> Schema:
    """The OpenAPI 3.1 document: one POST path per unary RPC, one schema per message."""
    ordered = sorted(routes, key=lambda r: r.path)
    messages: list[descriptor.Descriptor] = []
    for route in ordered:
        messages += [route.method.input_type, route.method.output_type]
    schemas = schemas_for(messages)
    schemas["planops.gateway.Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PlanOps HTTP/JSON API",
            "version": version,
            "description": "Every unary RPC of the PlanOps gRPC services as "
            "`POST /api/<package>.<Service>/<Method>` with proto3 JSON bodies "
            "(lowerCamelCase or the proto's own field names; responses use lowerCamelCase, "
            "enum names, 64-bit integers as strings, and print fields at their defaults). "
            "Generated from the protos, with their comments as the descriptions.",
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "tags": [{"name": name} for name in sorted({r.service for r in ordered})],
        "paths": {route.path: {"post": operation(route)} for route in ordered},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A PlanOps API key: `Authorization: Bearer planops_...`.",
                }
            },
        },
    }
