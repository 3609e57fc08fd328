"""Reading typed settings from an environment mapping, failing loudly on bad values."""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Env:
    """Typed access to a mapping of environment variables; tests pass a dict."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(os.environ if values is None else values)

    def _get(self, key: builtins.str) -> builtins.str:
        """The variable's value, or else the contents of the file `<key>_FILE` names: how
        compose and Kubernetes hand over secrets without putting them in the environment."""
        value = self._values.get(key, "")
        path = self._values.get(f"{key}_FILE", "")
        if value or not path:
            return value
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"{key}_FILE: cannot read {path} ({error.strerror})") from None
        if not value:
            raise ConfigError(f"{key}_FILE: {path} is empty")
        return value

    def str(self, key: builtins.str, default: builtins.str | None = None) -> builtins.str:
        value = self._get(key)
        if value:
            return value
        if default is None:
            raise ConfigError(f"{key} must be set")
        return default

    def optional(self, key: builtins.str) -> builtins.str | None:
        return self._get(key) or None

    def int(self, key: builtins.str, default: builtins.int) -> builtins.int:
        raw = self._get(key)
        if not raw:
            return default
        try:
            return builtins.int(raw)
        except ValueError:
            raise ConfigError(f"{key} must be an integer, not {raw!r}") from None

    def float(self, key: builtins.str, default: builtins.float) -> builtins.float:
        raw = self._get(key)
        if not raw:
            return default
        try:
            return builtins.float(raw)
        except ValueError:
            raise ConfigError(f"{key} must be a number, not {raw!r}") from None

    def bool(self, key: builtins.str, default: builtins.bool) -> builtins.bool:
        raw = self._get(key).strip().lower()
        if not raw:
            return default
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{key} must be true or false, not {raw!r}")

    def home(self) -> Path:
        """PLANOPS_HOME, where embedded servers and the admin key live."""
        raw = self._values.get("PLANOPS_HOME")
        return Path(raw) if raw else Path(platformdirs.user_data_dir("planops"))
