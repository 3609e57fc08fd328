"""Who is calling: the principal behind a bearer key, kept in a context variable."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

ROLES = frozenset({"manager", "executor", "reviewer", "viewer"})
# A service key's scopes (ServiceScope in api_key.proto, lower-cased without the prefix).
READ_PROJECTS = "read_projects"
ACT_FOR_PEOPLE = "act_for_people"
ACT_FOR_RULES = "act_for_rules"
CREATE_PROJECTS = "create_projects"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: `people/{id}` or `services/{id}`, from key `apiKeys/{key}`.

    A service whose key has a scope to act for someone names them in a header; the call
    then has exactly their rights (`acting_for`), never the service's own, so a service
    cannot be used to do what its caller could not.
    """

    principal: str
    key: str
    admin: bool
    scopes: frozenset[str] = frozenset()
    acting_for: str = ""

    @property
    def is_service(self) -> bool:
        return self.principal.startswith("services/")

    @property
    def rule_project(self) -> str | None:
        """The project of the automation rule this call acts for, if it acts for one."""
        parts = self.acting_for.split("/")
        return parts[1] if len(parts) == 4 and parts[0] == "projects" else None

    @property
    def member(self) -> str:
        """Whose memberships count: the person or service acted for, else the caller."""
        return self.acting_for or self.principal

    @property
    def reads_all(self) -> bool:
        """Whether the call may read every project (an admin, or a reading service on its own)."""
        return not self.acting_for and (self.admin or READ_PROJECTS in self.scopes)

    def granted(self, project: str, held: set[str]) -> set[str]:
        """The roles the call has in `project`, given the roles `member` holds there."""
        if self.acting_for:
            rule_project = self.rule_project
            if rule_project is not None:
                return {"manager"} if rule_project == project else set()
            return set(held)
        if self.admin:
            return set(ROLES) | held
        if READ_PROJECTS in self.scopes:
            return held | {"viewer"}
        return set(held)


principal_var: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "principal", default=None
)
method_var: contextvars.ContextVar[str] = contextvars.ContextVar("method", default="")
metadata_var: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "metadata", default=None
)


def bearer_token(metadata: tuple[tuple[str, str | bytes], ...] | None) -> str | None:
    """The token of an `authorization: Bearer <token>` header, or None."""
    for key, value in metadata or ():
        if key.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def current_principal() -> Principal:
    principal = principal_var.get()
    if principal is None:
        raise RuntimeError("no principal: the auth interceptor did not run")
    return principal
