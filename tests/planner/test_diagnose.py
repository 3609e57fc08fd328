from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.planner.diagnose import precheck, validate
from services.planner.model import (
    Dependency,
    Period,
    PlannedSlot,
    Problem,
    SkillRequirement,
    SolveStatus,
    Task,
)
from services.planner.solver import solve
from tests.planner.scenarios import MONDAY, job_shop, team_project, with_current


def codes(problem: Problem) -> list[str]:
    return [d.code for d in precheck(problem)]


def test_nobody_with_the_skill_level_names_skill_task_and_closest_person() -> None:
    base = team_project()
    problem = replace(
        base,
        tasks=(*base.tasks, Task("frame", "Weld frame", 8, (SkillRequirement("welding", 3),))),
    )
    proposal = solve(problem)
    assert proposal.status is SolveStatus.INFEASIBLE
    (found,) = proposal.diagnosis
    assert found.code == "NO_QUALIFIED_PERSON"
    assert "Nobody has welding at level 3" in found.message
    assert "Weld frame" in found.message and "Eli at level 2" in found.message
    assert found.task_ids == ("frame",)


def test_skills_that_exist_only_in_different_people() -> None:
    base = team_project()
    needs_both = Task("x", "Cross", 8, (SkillRequirement("welding", 1), SkillRequirement("qa", 1)))
    (found,) = precheck(replace(base, tasks=(*base.tasks, needs_both)))
    assert found.code == "NO_QUALIFIED_PERSON" and "Nobody has all of" in found.message


def test_hard_deadline_shorter_than_critical_path_says_by_how_much() -> None:
    problem = replace(job_shop(), deadline=date(2026, 6, 5), hard_deadline=True)
    (found,) = precheck(problem)
    # Jobs 0 and 1 each need 7 days in a row; 1..5 June holds 5.
    assert found.code == "DEADLINE_BEFORE_CRITICAL_PATH"
    assert "Deadline 2026-06-05 is 2 working days shorter than the critical path" in found.message
    assert "job 0 op 0 → job 0 op 1 → job 0 op 2" in found.message


def test_time_off_that_makes_a_pinned_task_impossible() -> None:
    base = team_project()
    problem = with_current(base, {"ui": PlannedSlot(MONDAY, date(2026, 6, 9), "cy")}, pinned={"ui"})
    (found,) = precheck(problem)
    assert found.code == "PINNED_TASK_DURING_TIME_OFF"
    assert "Cy is off on 2026-06-08, 2026-06-09" in found.message
    assert found.person_ids == ("cy",) and found.task_ids == ("ui",)


def test_dependency_cycle_is_named() -> None:
    base = job_shop()
    problem = replace(base, dependencies=(*base.dependencies, Dependency("j0o2", "j0o0")))
    (found,) = precheck(problem)
    assert found.code == "DEPENDENCY_CYCLE"
    assert "job 0 op 0 → job 0 op 1 → job 0 op 2 → job 0 op 0" in found.message


def test_conflict_found_only_by_solving_names_the_deadline() -> None:
    # Every op of machine 0 alone needs 5 days, the chain only 3: resources, not the
    # network, make 4 days impossible.
    base = replace(job_shop(), dependencies=())
    problem = replace(base, deadline=date(2026, 6, 4), hard_deadline=True)
    assert precheck(problem) == []
    proposal = solve(problem)
    assert proposal.status is SolveStatus.INFEASIBLE
    (found,) = proposal.diagnosis
    assert found.code == "CONFLICTING_CONSTRAINTS"
    assert "the hard deadline 2026-06-04" in found.message


def test_pinned_task_over_other_project_load_is_explained() -> None:
    problem = with_current(
        team_project(), {"spec": PlannedSlot(MONDAY, MONDAY, "dee")}, pinned={"spec"}
    )
    proposal = solve(problem)
    assert proposal.status is SolveStatus.INFEASIBLE
    message = proposal.diagnosis[0].message
    assert "pinned task 'Write spec'" in message and "Dee's time off" in message


def test_validate_names_fields() -> None:
    base = team_project()
    problem = replace(
        base,
        tasks=(
            replace(base.tasks[0], priority=9),
            replace(base.tasks[1], id=base.tasks[0].id),
            replace(base.tasks[2], required_skills=(SkillRequirement("backend", 7),)),
            replace(base.tasks[3], pinned=True),
        ),
        people=(replace(base.people[0], time_off=(Period(MONDAY, date(2026, 5, 1)),)),),
        dependencies=(Dependency("spec", "nope", lag_days=5000),),
        time_limit_s=0,
        hard_deadline=True,
        deadline=None,
    )
    fields = {v.field for v in validate(problem)}
    assert fields >= {
        "tasks[0].priority",
        "tasks[1].id",
        "tasks[2].required_skills[0].min_level",
        "tasks[3].current",
        "people[0].time_off[0]",
        "dependencies[0].successor",
        "dependencies[0].lag_days",
        "time_limit_s",
        "deadline",
    }


def test_oversized_input_is_refused_before_anything_else() -> None:
    many = tuple(Task(f"t{i}", "t", 1) for i in range(5001))
    (violation,) = validate(replace(job_shop(), tasks=many, dependencies=()))
    assert violation.field == "tasks"
