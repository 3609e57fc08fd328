"""The OpenAPI document is generated from the descriptors: every unary RPC, every message."""

from __future__ import annotations

from typing import Any

from planops.core.v1 import task_pb2

from services.gateway import openapi, transcode
from services.gateway.backends import BACKENDS, routes, service_descriptor

ROUTES = routes(BACKENDS, {b.service: "127.0.0.1:1" for b in BACKENDS})
DOCUMENT = openapi.document(ROUTES.values())


def resolve(ref: dict[str, Any]) -> dict[str, Any]:
    name = ref["$ref"].removeprefix("#/components/schemas/")
    schema: dict[str, Any] = DOCUMENT["components"]["schemas"][name]
    return schema


def test_one_path_per_unary_rpc_of_every_registered_service() -> None:
    expected = {
        f"/api/{b.service}/{m.name}"
        for b in BACKENDS
        for m in service_descriptor(b).methods
        if not (m.client_streaming or m.server_streaming)
    }
    assert set(DOCUMENT["paths"]) == expected
    operation = DOCUMENT["paths"]["/api/planops.core.v1.TaskService/CreateTask"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert resolve(body)["title"] == "CreateTaskRequest"
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert resolve(ok)["title"] == "CreateTaskResponse"
    assert {"400", "401", "403", "404", "409"} <= set(operation["responses"])
    assert operation["x-planops-read-only"] is False
    assert DOCUMENT["paths"]["/api/planops.core.v1.TaskService/ListTasks"]["post"][
        "x-planops-read-only"
    ]


def test_every_reference_resolves() -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(DOCUMENT):
        assert resolve({"$ref": ref}), ref


def test_message_schemas_follow_the_proto3_json_mapping() -> None:
    task = DOCUMENT["components"]["schemas"]["planops.core.v1.Task"]
    assert task["additionalProperties"] is False
    # The shapes, without the descriptions (the proto comments, tested below).
    fields = {
        name: {k: v for k, v in schema.items() if k != "description"}
        for name, schema in task["properties"].items()
    }
    assert set(fields) == {f.json_name for f in task_pb2.Task.DESCRIPTOR.fields}
    assert fields["estimateHours"]["type"] == "number"
    assert fields["labels"] == {"type": "array", "items": {"type": "string"}}
    assert fields["priority"]["enum"][0] == "PRIORITY_UNSPECIFIED"
    assert fields["createTime"] == {"type": "string", "format": "date-time"}
    assert resolve(fields["requiredSkills"]["items"])["title"] == "Skill"
    mask = DOCUMENT["components"]["schemas"]["planops.core.v1.UpdateTaskRequest"]["properties"]
    assert mask["updateMask"]["type"] == "string"
    assert "Comma-separated lowerCamelCase" in mask["updateMask"]["description"]


def test_64_bit_integers_are_strings_and_maps_are_objects() -> None:
    from google.protobuf import descriptor_pb2, descriptor_pool

    file = descriptor_pb2.FileDescriptorProto(name="gateway_test.proto", package="gwtest")
    message = file.message_type.add(name="Sample")
    message.field.add(name="big", number=1, type=3, label=1)  # int64
    message.field.add(
        name="values", number=2, type=11, label=3, type_name=".gwtest.Sample.ValuesEntry"
    )
    entry = message.nested_type.add(name="ValuesEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=9, label=1)
    entry.field.add(name="value", number=2, type=5, label=1)  # int32
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    schemas = openapi.schemas_for([pool.FindMessageTypeByName("gwtest.Sample")])
    properties = schemas["gwtest.Sample"]["properties"]
    assert properties["big"]["type"] == "string"
    assert properties["big"]["pattern"] == openapi.INT64_PATTERN
    assert properties["values"] == {
        "type": "object",
        "additionalProperties": {"type": "integer", "format": "int32"},
    }
    assert "gwtest.Sample.ValuesEntry" not in schemas


def test_the_document_is_valid_openapi_3_1() -> None:
    import schemathesis

    schema = schemathesis.openapi.from_dict(DOCUMENT)
    operations = list(schema.get_all_operations())
    assert len(operations) == len(DOCUMENT["paths"])
    assert all(not isinstance(op, schemathesis.core.result.Err) for op in operations)


def test_every_operation_message_and_field_is_described_from_the_proto_comments() -> None:
    undescribed = [
        f"{name}.{prop}" if prop else name
        for name, schema in DOCUMENT["components"]["schemas"].items()
        if name.startswith("planops.") and not name.startswith("planops.gateway")
        for prop in ["", *schema.get("properties", {})]
        if not (schema["properties"][prop] if prop else schema).get("description")
    ]
    assert undescribed == [], "comment these in protos/ and run scripts/genproto.py"
    plan = DOCUMENT["components"]["schemas"]["planops.risk.v1.ForecastProjectRequest"]
    assert "Nothing is written" in plan["properties"]["plan"]["description"]
    forecast = DOCUMENT["paths"]["/api/planops.risk.v1.RiskService/ForecastProject"]["post"]
    assert forecast["description"].startswith("Forecasts the project's finish date.")
    # An enum field lists what each value means.
    priority = DOCUMENT["components"]["schemas"]["planops.core.v1.Task"]["properties"]["priority"]
    assert "`PRIORITY_URGENT`:" in priority["description"]
    undocumented_ops = [
        path
        for path, item in DOCUMENT["paths"].items()
        if item["post"]["description"].startswith("The gRPC method")
    ]
    assert undocumented_ops == []


def test_each_message_lists_the_fields_every_response_prints() -> None:
    task = DOCUMENT["components"]["schemas"]["planops.core.v1.Task"]
    # What the gateway answers for an empty task is exactly what the document promises.
    assert set(task["x-planops-printed"]) == set(transcode.to_json(task_pb2.Task()))
    assert "title" in task["x-planops-printed"]
    assert "createTime" not in task["x-planops-printed"]


def test_enum_fields_name_their_enum() -> None:
    state = DOCUMENT["components"]["schemas"]["planops.core.v1.WorkflowState"]
    assert state["properties"]["category"]["x-planops-enum"] == "planops.core.v1.StateCategory"
