import pytest

from services.common.probability import percent, span, with_evidence


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.0, "<1%"),
        (0.004, "<1%"),
        (0.0099, "<1%"),
        (0.01, "1%"),
        (0.374, "37%"),
        (0.99, "99%"),
        (0.995, ">99%"),
        (0.9999, ">99%"),
        (1.0, ">99%"),
        (float("nan"), "-"),
    ],
)
def test_a_probability_is_never_shown_as_certain_unless_it_is(p: float, shown: str) -> None:
    assert percent(p) == shown


def test_certain_outcomes_may_say_so() -> None:
    assert percent(1.0, certain=True) == "100%"
    assert percent(0.0, certain=True) == "0%"


def test_evidence_reads_as_a_range_and_a_count() -> None:
    assert (
        with_evidence(0.374, low=0.25, high=0.5, similar=41, late=15)
        == "37% (25–50%, 41 similar tasks, 15 late)"
    )
    assert with_evidence(0.5, low=0.1, high=0.9, similar=1) == "50% (10–90%, 1 similar task)"
    assert with_evidence(0.999, low=0.0, high=1.0, similar=0) == ">99% (no past tasks: a default)"


def test_a_range_widens_to_whole_points_and_stays_off_the_ends() -> None:
    assert span(0.254, 0.501) == "25–51%"
    assert span(0.003, 0.45) == "1–45%"
    assert span(0.55, 0.9991) == "55–99%"
    assert span(0.999, 1.0) == "99–99%"
