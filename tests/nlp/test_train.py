"""The detector's training data: which blind batches it may read, and grouped scoring."""

from __future__ import annotations

import json

from services.nlp.train import BLIND, blind_notes, grouped_scores


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
