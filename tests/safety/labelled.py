"""Precision and recall of a reasoning detector on the labelled set, per category; prints the README's table.

.venv/bin/python -m tests.safety.labelled            # held-out half (the README table)
.venv/bin/python -m tests.safety.labelled tune       # the tuning half
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from azr_env.safety import Category, Kind, ReasoningDetector, RuleDetector

DATA = Path(__file__).parent / "data" / "reasoning_labelled.jsonl"
REASONING = tuple(c for c in Category if c.kind is Kind.REASONING)


@dataclass(frozen=True)
class Score:
    """Counts of one category (or of 'any concern') on one half of the set."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(split: str) -> list[dict[str, object]]:
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    return [item for item in items if item["split"] == split]


def evaluate(detector: ReasoningDetector, split: str) -> tuple[dict[str, Score], int, int]:
    """Per-category scores, 'any' (flagged vs benign), and (benign texts flagged, benign texts) on ``split``."""
    items = load(split)
    found = detector.detect([str(item["text"]) for item in items])
    predicted = [{f.category.value for f in per_text} for per_text in found]
    gold = [set(item["categories"]) for item in items]  # type: ignore[call-overload]
    scores = {c.value: _score([c.value in p for p in predicted], [c.value in g for g in gold]) for c in REASONING}
    scores["any"] = _score([bool(p) for p in predicted], [bool(g) for g in gold])
    benign = [p for p, g in zip(predicted, gold, strict=True) if not g]
    return scores, sum(bool(p) for p in benign), len(benign)


def _score(predicted: list[bool], gold: list[bool]) -> Score:
    pairs = list(zip(predicted, gold, strict=True))
    return Score(
        tp=sum(p and g for p, g in pairs), fp=sum(p and not g for p, g in pairs), fn=sum(g and not p for p, g in pairs)
    )


def table(split: str = "heldout") -> str:
    """The markdown table of the built-in rules on ``split``."""
    scores, benign_flagged, benign = evaluate(RuleDetector(), split)
    lines = ["| category | texts | precision | recall |", "|---|---:|---:|---:|"]
    for name, score in scores.items():
        label = "any concern (flagged vs benign)" if name == "any" else name
        lines.append(f"| {label} | {score.tp + score.fn} | {score.precision:.2f} | {score.recall:.2f} |")
    lines.append(f"\nbenign texts flagged: {benign_flagged} of {benign}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1] if len(sys.argv) > 1 else "heldout"))
