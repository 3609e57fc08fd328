import pytest

from services.risk.alerts import AlertRule, AlertState, Observation, step

RULE = AlertRule("late", threshold=0.7, rearm_below=0.6)


def run(values: list[float]) -> list[float]:
    state = AlertState()
    fired: list[float] = []
    for value in values:
        state, alerts = step(state, [Observation("late", "T-1", value)], [RULE])
        fired.extend(a.value for a in alerts)
    return fired


def test_alert_fires_once_per_upward_crossing() -> None:
    assert run([0.5, 0.72, 0.8, 0.75, 0.9]) == [0.72]


def test_wobble_inside_the_hysteresis_band_stays_quiet() -> None:
    assert run([0.71, 0.65, 0.72, 0.61, 0.7]) == [0.71]


def test_rearms_after_dropping_below_the_band() -> None:
    assert run([0.75, 0.55, 0.74, 0.2, 0.7]) == [0.75, 0.74, 0.7]


def test_subjects_are_independent() -> None:
    state, alerts = step(
        AlertState(),
        [
            Observation("late", "A", 0.9),
            Observation("late", "B", 0.9),
            Observation("late", "A", 0.95),
        ],
        [RULE],
    )
    assert [a.subject for a in alerts] == ["A", "B"]
    assert state.fired == frozenset({("late", "A"), ("late", "B")})


def test_step_does_not_mutate_the_old_state() -> None:
    before = AlertState()
    step(before, [Observation("late", "A", 0.9)], [RULE])
    assert before.fired == frozenset()


def test_unknown_rule_is_an_error() -> None:
    with pytest.raises(KeyError):
        step(AlertState(), [Observation("nope", "A", 1.0)], [RULE])


def test_rearm_level_above_threshold_is_rejected() -> None:
    with pytest.raises(ValueError):
        AlertRule("bad", threshold=0.5, rearm_below=0.6)
