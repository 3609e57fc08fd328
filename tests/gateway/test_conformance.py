"""OpenAPI conformance: schemathesis generates requests from the gateway's own document and
checks what the real services answer through it (status codes, content types and bodies as
the document says, no server errors, 401 without a key)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from services.gateway import openapi
from services.gateway.backends import BACKENDS, routes
from tests.gateway.conftest import STACK_PACKAGES, GatewayStack

STACK = tuple(b for b in BACKENDS if b.service.startswith(STACK_PACKAGES))
DOCUMENT = openapi.document(routes(STACK, {b.service: "" for b in STACK}).values())

# Examples and fuzzing, valid and invalid bodies, a few cases per RPC; the coverage phase
# (every boundary of every field) would take minutes for 57 RPCs.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 7,
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "max-examples": 4},
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)

CHECKS: list[Any] = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.ignored_auth,
]


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_gateway_conforms_to_its_openapi_document(
    case: schemathesis.Case[Any], gateway_stack: GatewayStack
) -> None:
    case.call_and_validate(
        base_url=gateway_stack.url,
        headers={"Authorization": f"Bearer {gateway_stack.admin_key}"},
        checks=CHECKS,
        timeout=60,
    )
