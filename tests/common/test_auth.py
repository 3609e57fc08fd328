from __future__ import annotations

from services.common.auth import ACT_FOR_PEOPLE, ACT_FOR_RULES, READ_PROJECTS, ROLES, Principal

PLANNER = frozenset({READ_PROJECTS, ACT_FOR_PEOPLE})


def test_a_reading_service_is_a_viewer_everywhere_and_no_more() -> None:
    planner = Principal(principal="services/planner", key="apiKeys/p", admin=False, scopes=PLANNER)
    assert planner.granted("promo", set()) == {"viewer"}
    assert planner.granted("promo", {"executor"}) == {"executor", "viewer"}
    assert planner.reads_all and planner.member == "services/planner"


def test_acting_for_a_person_has_exactly_their_roles() -> None:
    for_ann = Principal(
        principal="services/planner",
        key="apiKeys/p",
        admin=False,
        scopes=PLANNER,
        acting_for="people/ann",
    )
    assert for_ann.member == "people/ann"
    assert for_ann.granted("promo", set()) == set()
    assert for_ann.granted("promo", {"executor"}) == {"executor"}
    assert not for_ann.reads_all


def test_a_rule_manages_its_own_project_only() -> None:
    rule = Principal(
        principal="services/automation",
        key="apiKeys/a",
        admin=False,
        scopes=frozenset({READ_PROJECTS, ACT_FOR_RULES}),
        acting_for="projects/promo/rules/3",
    )
    assert rule.rule_project == "promo"
    assert rule.granted("promo", set()) == {"manager"}
    assert rule.granted("plant", {"manager"}) == set()
    assert not rule.reads_all


def test_an_admin_has_every_role() -> None:
    admin = Principal(principal="services/admin", key="apiKeys/x", admin=True)
    assert admin.granted("promo", set()) == set(ROLES)
    assert admin.reads_all
