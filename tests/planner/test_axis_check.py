"""The axis checker the planner's tests lean on must itself catch what it claims to."""

from __future__ import annotations

from services.planner.model import (
    AxisActivity,
    AxisLink,
    AxisMode,
    AxisProblem,
    AxisResource,
    AxisSchedule,
    DependencyType,
)
from tests.planner.axis_check import violations

PROBLEM = AxisProblem(
    activities=(
        AxisActivity(modes=(AxisMode(2, ((0, 1),)),)),
        AxisActivity(modes=(AxisMode(2, ((0, 1),)),), release=1),
        AxisActivity(modes=(AxisMode(1, ((0, 1),)),), fixed_start=5, closed=((7, 8),)),
    ),
    resources=(AxisResource(capacity=1, blocked=((9, 10, 2),)),),
    links=(AxisLink(0, 1, DependencyType.FS, 0),),
    horizon=12,
)


def test_a_valid_plan_passes_and_a_blocked_day_alone_is_not_the_plans_fault() -> None:
    assert violations(PROBLEM, AxisSchedule(starts=(0, 2, 5), modes=(0, 0, 0))) == []


def test_each_broken_rule_is_named() -> None:
    found = violations(PROBLEM, AxisSchedule(starts=(0, 0, 9), modes=(0, 0, 0)))
    assert any("before its release" in f for f in found)
    assert any("link 0->1 FS" in f for f in found)
    assert any("resource 0 day 0: 2 > 1" in f for f in found)
    assert any("pinned at 5" in f for f in found)
    assert any("resource 0 day 9" in f for f in found)  # its own use on a blocked day
    closed = violations(PROBLEM, AxisSchedule(starts=(0, 2, 7), modes=(0, 0, 0)))
    assert any("closed days 7-8" in f for f in closed)
    late = violations(PROBLEM, AxisSchedule(starts=(0, 11, 5), modes=(0, 0, 0)))
    assert any("after the horizon" in f for f in late)
    assert violations(PROBLEM, AxisSchedule(starts=(0, 2), modes=(0, 0))) == ["wrong length"]
