"""The detector's training data: which blind batches it may read, and grouped scoring."""

from __future__ import annotations

import json

import pytest

from services.nlp.train import BLIND, _ami_extra, ami_examples, blind_notes, grouped_scores


def test_blind_batches_after_the_cutoff_stay_out_of_training() -> None:
    def ids(*names: str) -> set[str]:
        return {
            note["id"]
            for name in names
            for lang in ("en", "zh")
            for note in json.loads((BLIND / lang / name).read_text("utf-8"))
        }

    assert blind_notes(0) == []
    got = {note["id"] for note in blind_notes(2)}
    assert got == ids("batch-01.json", "batch-02.json")
    assert not got & ids("batch-03.json")


def test_a_note_is_never_scored_by_a_model_that_saw_it() -> None:
    # Each kind of sentence in each note has a feature no other note has, and it gives the
    # label away: a model that had seen the note would score its positives near 1; one that
    # had not knows nothing of the feature and gives every sentence the base rate.
    rows = [[f"note{note}_kind{i % 2}"] for note in range(10) for i in range(6)]
    labels = [int(i % 2 == 0) for _ in range(10) for i in range(6)]
    groups = [f"n{note}" for note in range(10) for _ in range(6)]
    scores = grouped_scores(rows, labels, groups, [], [], c=100.0, extra_weight=0.0)
    assert all(0.3 < score < 0.7 for score in scores)


def _act(i: int, text: str, role: str = "PM", start: float | None = None) -> dict[str, object]:
    start = float(i * 10) if start is None else start
    return {"text": text, "role": role, "start": start, "end": start + 5}


def test_ami_extra_groups_read_only_what_they_say() -> None:
    meeting = [_act(i, f"filler act {i}") for i in range(9)]
    meeting.append(_act(9, "You will send the drawings", role="ID"))
    rows = _ami_extra(meeting, {"latew", "bigram", "rolew", "pos20"})
    last, first = set(rows[-1]), set(rows[0])
    # The last act is in the meeting's last fifth, so its words are late ones; the first's not.
    assert {"late:send", "bg:the_drawings", "rw:ID:drawings", "pos20:20", "tte:0"} <= last
    assert not any(f.startswith("late:") for f in first)
    assert "tte:1" in first  # 95 s before the end: one whole minute
    # A group not asked for adds nothing; an act with no time says so.
    assert _ami_extra(meeting, {"bigram"})[0] == ["bg:filler_act"]  # words are letters
    meeting[0]["start"] = None
    assert "tte:na" in _ami_extra(meeting, {"pos20"})[0]


def test_an_unknown_ami_feature_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown AMI feature groups"):
        ami_examples("train", extra={"bigrams"})
