"""Who may do what in core: project roles, the admin check and optimistic concurrency.

Shared by every core servicer, so no servicer imports another.
"""

from __future__ import annotations

from services.common.auth import Principal
from services.common.errors import Aborted, PermissionDenied
from services.core import convert

EDITORS = ("manager", "executor")
MEMBERS = ("manager", "executor", "reviewer", "viewer")
CONTRIBUTORS = ("manager", "executor", "reviewer")


def check_etag(given: str, version: int, resource: str) -> None:
    if given and convert.version_of(given) != version:
        raise Aborted(
            f"{resource} changed since you read it (etag {given} is stale); read it again",
            reason="ETAG_MISMATCH",
            metadata={"resource": resource, "etag": convert.etag(version)},
        )


def require_admin(principal: Principal, what: str) -> None:
    if not principal.admin:
        raise PermissionDenied(f"only an admin may {what}", reason="ADMIN_REQUIRED")
