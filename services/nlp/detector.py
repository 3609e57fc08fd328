"""The trained detector of action sentences: a logistic regression stored as readable JSON.

Scoring is a dictionary lookup per feature, so the service needs neither scikit-learn nor a
pickle at run time; `python -m services.nlp.train` rebuilds the JSON from the data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MODEL_PATH", "Detector", "DetectorError"]

DEFAULT_MODEL_PATH = Path(__file__).with_name("detector.json")


class DetectorError(Exception):
    """The weights file is missing or malformed."""


@dataclass(frozen=True)
class Detector:
    """Weights of a binary linear model over sparse binary features."""

    weights: Mapping[str, float]
    bias: float
    threshold: float = 0.5
    info: Mapping[str, Any] = field(default_factory=dict)

    def score(self, features: Iterable[str]) -> float:
        """Probability that a sentence with these features is an action item."""
        total = self.bias + sum(self.weights.get(name, 0.0) for name in set(features))
        if total >= 0:
            return 1.0 / (1.0 + math.exp(-total))
        exp = math.exp(total)
        return exp / (1.0 + exp)

    def contributions(self, features: Iterable[str]) -> list[tuple[str, float]]:
        """The features present that carry a weight, heaviest for the item first."""
        found = [(name, self.weights[name]) for name in set(features) if name in self.weights]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "planops.nlp.detector/1",
            "model": "logistic regression over binary features",
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "info": dict(self.info),
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items())},
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n", "utf-8")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Detector:
        if data.get("format") != "planops.nlp.detector/1":
            raise DetectorError("unknown detector format")
        weights = data.get("weights")
        if not isinstance(weights, dict):
            raise DetectorError("detector weights must be an object")
        return cls(
            weights={str(k): float(v) for k, v in weights.items()},
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", 0.5)),
            info=dict(data.get("info", {})),
        )

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> Detector:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise DetectorError(f"cannot read detector weights {path}: {error}") from error
        return cls.from_json(data)
