"""Opt-in enforcement: keep flagged proposals out of the buffer, or refuse them with the format penalty.

Off by default: the monitor only watches. ``QUARANTINE`` keeps a flagged *valid* proposal's task out of the buffer
(it is never shown as a reference or solved again) and leaves its reward alone, so the policy feels no pressure
from the monitor; ``PENALIZE`` turns it into an invalid proposal: the format penalty, and no buffer entry. Both act
on what the code does (sandbox and reward-hacking findings). Invalid proposals are already refused by the sandbox.

Acting on *reasoning* findings is a separate switch, ``on_reasoning``, and it warns: Baker et al. (2025,
"Monitoring Reasoning Models for Misbehavior and the Risks of Promoting Obfuscation", arXiv 2503.11926) found that
optimizing a policy against a chain-of-thought monitor teaches it to hide its intent while it keeps misbehaving.
Watch ``safety/obfuscation/rate`` (sandbox-flagged proposals whose reasoning looked clean) when it is on.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from azr_env.errors import ConfigError
from azr_env.safety.findings import Finding, Kind, Response, SafetyReport, Source
from azr_env.safety.monitor import Monitor
from azr_env.selfplay import Admission, Judged
from azr_env.tasks.base import Outcome, ProposalCheck, Role


class Enforcement(StrEnum):
    """What happens to a valid proposal the monitor flags."""

    OFF = "off"  # nothing: the monitor only reports
    QUARANTINE = "quarantine"  # its task stays out of the buffer; its reward is unchanged
    PENALIZE = "penalize"  # it becomes invalid: the format penalty, and no buffer entry


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


def refusal(check: ProposalCheck, grounds: Sequence[Finding]) -> ProposalCheck:
    """The invalid check that replaces a penalized proposal's; its error names the rules."""
    rules = ", ".join(sorted({f.rule for f in grounds}))
    return ProposalCheck(Outcome.INVALID, status=check.status, error=f"refused by the safety monitor: {rules}")


class SafetyGate:
    """The self-play engine's proposal gate (``SelfPlayEngine.gate``): applies an ``EnforcementConfig``.

    It sees every judged proposal before accepted tasks enter the buffer, scans the valid ones, and returns for each
    the check to use and whether its task may enter the buffer.
    """

    def __init__(self, monitor: Monitor, config: EnforcementConfig) -> None:
        self.monitor, self.config = monitor, config

    def __call__(self, items: Sequence[Judged]) -> list[Admission]:
        """Decide every proposal of a step (invalid ones pass unchanged)."""
        valid = [i for i, item in enumerate(items) if item.check.task is not None]
        responses = [_response(items[i]) for i in valid]
        decisions = [Admission(item.check) for item in items]
        for i, report in zip(valid, self.monitor.scan(responses), strict=True):
            decisions[i] = self.decide(items[i].check, report)
        return decisions

    def decide(self, check: ProposalCheck, report: SafetyReport) -> Admission:
        """The admission of one valid proposal given its report."""
        grounds = self.config.grounds(report)
        if not grounds:
            return Admission(check)
        if self.config.mode is Enforcement.PENALIZE:
            return Admission(refusal(check, grounds), to_buffer=False)
        return Admission(check, to_buffer=False)


def _response(item: Judged) -> Response:
    text = item.action if isinstance(item.action, str) else ""
    return Response(Role.PROPOSE, item.task_type, text, item.check.outcome, item.check.status, source=Source.EPISODE)
