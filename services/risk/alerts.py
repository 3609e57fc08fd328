"""Early warnings: alert once when a risk crosses a threshold upwards, with hysteresis.

A rule is armed until its value reaches ``threshold``; then it fires once and stays
quiet until the value drops below ``rearm_below``, which re-arms it. The gap between the
two keeps a value that wobbles around the threshold from alerting on every re-score.
The state is a plain immutable value: ``step`` returns the next state and the alerts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class AlertRule:
    name: str
    threshold: float
    rearm_below: float

    def __post_init__(self) -> None:
        if self.rearm_below > self.threshold:
            raise ValueError(f"{self.name}: rearm_below must not exceed threshold")


DEFAULT_RULES = (
    AlertRule("task_late_risk_high", threshold=0.7, rearm_below=0.6),
    AlertRule("project_deadline_at_risk", threshold=0.5, rearm_below=0.4),
)


@dataclass(frozen=True)
class Observation:
    """A new value of the rule's metric for one subject (a task or a project id)."""

    rule: str
    subject: str
    value: float


@dataclass(frozen=True)
class Alert:
    rule: str
    subject: str
    value: float
    threshold: float


@dataclass(frozen=True)
class AlertState:
    """(rule, subject) pairs that have fired and not yet re-armed."""

    fired: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def step(
    state: AlertState, observations: Iterable[Observation], rules: Iterable[AlertRule]
) -> tuple[AlertState, tuple[Alert, ...]]:
    """Apply observations in order; unknown rules are an error, not a silent skip."""
    by_name: Mapping[str, AlertRule] = MappingProxyType({r.name: r for r in rules})
    fired = set(state.fired)
    alerts = []
    for obs in observations:
        rule = by_name.get(obs.rule)
        if rule is None:
            raise KeyError(f"no alert rule named {obs.rule!r}")
        key = (obs.rule, obs.subject)
        if key in fired:
            if obs.value < rule.rearm_below:
                fired.discard(key)
        elif obs.value >= rule.threshold:
            fired.add(key)
            alerts.append(Alert(obs.rule, obs.subject, obs.value, rule.threshold))
    return AlertState(frozenset(fired)), tuple(alerts)
