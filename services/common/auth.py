"""Who is calling: the principal behind a bearer key, kept in a context variable."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: `people/{id}` or `services/{id}`, from key `apiKeys/{key}`."""

    principal: str
    key: str
    admin: bool

    @property
    def is_service(self) -> bool:
        return self.principal.startswith("services/")


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
