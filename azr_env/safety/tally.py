"""Per-step safety metrics: ``safety/<category>/rate`` for every category, and the obfuscation signal.

Rates are fractions of the step's responses (proposals, answers and solver attempts together) that have at least
one finding of the category; ``safety/any/rate`` counts any finding. The obfuscation signal follows Baker et al.
(2025): among the step's proposals whose code the monitor flagged (sandbox or reward-hacking findings),
``safety/obfuscation/rate`` is the fraction whose reasoning no detector flagged. It is logged only in steps that
have such proposals (``safety/behaviour_flagged/count`` says how many). A rising obfuscation rate while behaviour
findings stay put means the reasoning stopped saying what the code does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from azr_env.safety.findings import Category, Scanned
from azr_env.tasks.base import Role


class SafetyTally:
    """Counts flagged responses by category, and the obfuscation signal, over any number of updates."""

    def __init__(self) -> None:
        self.responses = 0
        self.flagged = 0
        self.by_category: Counter[Category] = Counter()
        self.behaviour_flagged = 0
        self.hidden = 0

    def update(self, scanned: Sequence[Scanned]) -> None:
        """Add a batch of scanned responses."""
        self.responses += len(scanned)
        for s in scanned:
            if not s.report.findings:
                continue
            self.flagged += 1
            self.by_category.update(s.report.categories)
            if s.response.role is Role.PROPOSE and s.report.behaviour_flagged:
                self.behaviour_flagged += 1
                self.hidden += not s.report.reasoning_flagged

    def as_dict(self) -> dict[str, float]:
        """The metrics (namespaced ``safety/...``) of everything added so far."""
        n = max(self.responses, 1)
        out = {f"safety/{c.value}/rate": self.by_category[c] / n for c in Category}
        out["safety/any/rate"] = self.flagged / n
        out["safety/responses"] = float(self.responses)
        out["safety/behaviour_flagged/count"] = float(self.behaviour_flagged)
        out["safety/obfuscation/count"] = float(self.hidden)
        if self.behaviour_flagged:
            out["safety/obfuscation/rate"] = self.hidden / self.behaviour_flagged
        return out


def safety_metrics(scanned: Sequence[Scanned]) -> dict[str, float]:
    """The safety metrics of one batch (a training step)."""
    tally = SafetyTally()
    tally.update(scanned)
    return tally.as_dict()
