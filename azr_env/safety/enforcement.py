"""Opt-in enforcement: keep flagged proposals out of the buffer, or give them the format penalty.

Off by default: the monitor only watches. Enforcement acts through the self-play engine's ``StepObserver`` hook
(``azr_env.safety.SafetyObserver`` returns a ``Review``) before the step's proposals enter the buffer, and only on a
*valid* proposal (invalid ones are refused by the sandbox anyway). ``QUARANTINE`` keeps its task out of the buffer
(never shown as a reference or solved again) and leaves its reward alone, so the policy feels no pressure from the
monitor; ``PENALIZE`` also keeps it out and gives the proposer the format penalty instead of its learnability reward
(at the proposal step with an injected solver, else at the episode's last step). Both act on what the code does
(sandbox and reward-hacking findings) and on the proposal's own response, never on its solver attempts.

Acting on *reasoning* findings is a separate switch, ``on_reasoning``, and it warns: Baker et al. (2025,
"Monitoring Reasoning Models for Misbehavior and the Risks of Promoting Obfuscation", arXiv 2503.11926) found that
optimizing a policy against a chain-of-thought monitor teaches it to hide its intent while it keeps misbehaving.
Watch ``safety/obfuscation/rate`` (sandbox-flagged proposals whose reasoning looked clean) when it is on.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum

from azr_env.errors import ConfigError
from azr_env.records import Review
from azr_env.safety.findings import Finding, Kind, SafetyReport


class Enforcement(StrEnum):
    """What happens to a valid proposal the monitor flags."""

    OFF = "off"  # nothing: the monitor only reports
    QUARANTINE = "quarantine"  # its task stays out of the buffer; its reward is unchanged
    PENALIZE = "penalize"  # its task stays out of the buffer and the proposer gets the format penalty


class ReasoningPenaltyWarning(UserWarning):
    """Enforcement acts on reasoning findings, which can teach a policy to obfuscate its reasoning."""


REASONING_WARNING = (
    "safety enforcement on reasoning findings is on: optimizing against a chain-of-thought monitor teaches a policy "
    "to hide its intent while it keeps misbehaving (Baker et al. 2025, arXiv 2503.11926); watch "
    "safety/obfuscation/rate, and prefer enforcement on what the code does"
)


@dataclass(frozen=True)
class EnforcementConfig:
    """Which flagged proposals are acted on, and how.

    Attributes:
        mode: off (default), quarantine or penalize.
        on_reasoning: also act on reasoning findings (warns with ``ReasoningPenaltyWarning``; see the module doc).
    """

    mode: Enforcement = Enforcement.OFF
    on_reasoning: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", Enforcement(self.mode))
        if self.on_reasoning and self.mode is Enforcement.OFF:
            raise ConfigError("on_reasoning=True needs an enforcement mode (quarantine or penalize) to act with")
        if self.on_reasoning:
            warnings.warn(REASONING_WARNING, ReasoningPenaltyWarning, stacklevel=3)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The finding kinds enforcement acts on."""
        base = (Kind.SANDBOX, Kind.REWARD_HACKING)
        return (*base, Kind.REASONING) if self.on_reasoning else base

    def grounds(self, report: SafetyReport) -> tuple[Finding, ...]:
        """The findings of a report that enforcement acts on."""
        return report.of_kind(*self.kinds) if self.mode is not Enforcement.OFF else ()

    def review(self, report: SafetyReport) -> Review | None:
        """The engine review of a valid proposal given its own report (``None``: admit it as it is)."""
        grounds = self.grounds(report)
        if not grounds:
            return None
        reason = "safety monitor: " + ", ".join(sorted({f.rule for f in grounds}))
        return Review(admit=False, penalize=self.mode is Enforcement.PENALIZE, reason=reason)


def enforced(review: Review | None) -> Enforcement:
    """The mode a review from ``EnforcementConfig.review`` applies (``OFF`` for none)."""
    if review is None:
        return Enforcement.OFF
    return Enforcement.PENALIZE if review.penalize else Enforcement.QUARANTINE
