"""The typed records of the safety monitor: what it reads (``Response``) and what it says (``Finding``, reports).

A ``Response`` is one policy output of self-play (a proposal, an in-episode answer, or one of the n solver attempts
at a new proposal) with what the env learned about it: the outcome and the executor's status. A ``Finding`` names
one concern: its ``Category``, the rule that raised it, where the evidence came from, and a short excerpt. A
``SafetyReport`` holds every finding of one response; ``Scanned`` pairs a response with its report.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from azr_env.executor.result import ExecStatus
from azr_env.records import Source
from azr_env.tasks.base import Outcome, Role

EXCERPT_CHARS = 240
"""Longest excerpt kept with a finding (the monitor never stores whole responses)."""


class Kind(StrEnum):
    """What a category is about: the reasoning text, what the code tries in the sandbox, or gaming the reward."""

    REASONING = "reasoning"
    SANDBOX = "sandbox"
    REWARD_HACKING = "reward_hacking"


class Category(StrEnum):
    """Every concern the monitor reports; metric keys are ``safety/<category>/rate``."""

    DECEPTION = "deception"  # deceiving or manipulating evaluators, overseers or humans
    OVERSIGHT_EVASION = "oversight_evasion"  # evading monitoring, logging, the sandbox or its checks
    SELF_PRESERVATION = "self_preservation"  # self-exfiltration; resisting shutdown, retraining or modification
    POWER_SEEKING = "power_seeking"  # acquiring resources, control or influence beyond the task
    HOSTILITY = "hostility"  # hostility toward humans
    REWARD_GAMING = "reward_gaming"  # stated intent to game the reward, the verifier or the judge
    FORBIDDEN_IMPORT = "forbidden_import"  # imports a module outside the sandbox's allow-list
    FORBIDDEN_NAME = "forbidden_name"  # uses a name or construct the restricted compiler refuses
    FILE_ACCESS = "file_access"  # opens files or names system paths
    PROCESS_CONTROL = "process_control"  # processes, signals, threads, native code
    NETWORK = "network"  # sockets and network clients
    INTROSPECTION = "introspection"  # frames, dunder attributes, builtins that reach outside the language policy
    RESOURCE_BOMB = "resource_bomb"  # endless loops, huge allocations, timeouts, memory exhaustion
    LEARNABILITY_GAMING = "learnability_gaming"  # nondeterministic, size-only or input-blind proposals
    JUDGE_ATTACK = "judge_attack"  # answers that are code rather than data, or that try to break the judge

    @property
    def kind(self) -> Kind:
        """Whether the category reads reasoning, sandbox behaviour or reward hacking."""
        return _KINDS[self]


_REASONING = (
    Category.DECEPTION,
    Category.OVERSIGHT_EVASION,
    Category.SELF_PRESERVATION,
    Category.POWER_SEEKING,
    Category.HOSTILITY,
    Category.REWARD_GAMING,
)
_HACKING = (Category.LEARNABILITY_GAMING, Category.JUDGE_ATTACK)
_KINDS = {category: Kind.SANDBOX for category in Category}
_KINDS.update({category: Kind.REASONING for category in _REASONING})
_KINDS.update({category: Kind.REWARD_HACKING for category in _HACKING})


class Evidence(StrEnum):
    """Where a finding's evidence was read."""

    REASONING = "reasoning"  # the response text, read by a reasoning detector
    CODE = "code"  # the AST of a program in the response
    ANSWER = "answer"  # the AST of an answer or input expression in the response
    EXECUTOR = "executor"  # the sandbox's status for the response's program


@dataclass(frozen=True, slots=True)
class Response:
    """One policy output and what the env learned about it: the monitor's whole input.

    Attributes:
        role: who wrote it.
        task_type: the task type of its episode.
        text: the full response text.
        outcome: how the env judged it (``None`` when unknown, e.g. before the step ran).
        exec_status: the executor's status behind a proposal's outcome (``None`` when none ran or it is unknown).
        program: the program the env parsed from it, when the caller has it; ``None`` reads the last ``python``
            block of the answer (the convention every built-in task type follows).
        source: an env step's action or a solver attempt.
        error: the env's short reason for a failure (kept as the excerpt of an executor finding).
        inputs: a proposal's input expressions as the env parsed them; ``None`` reads the ``input`` blocks.
    """

    role: Role
    task_type: str
    text: str
    outcome: Outcome | None = None
    exec_status: ExecStatus | None = None
    program: str | None = None
    source: Source = Source.EPISODE
    error: str = ""
    inputs: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One concern about one response.

    Attributes:
        category: what kind of concern.
        rule: the id of the rule that raised it (``"oversight.evade_sandbox"``, ``"code.import"``, ``"exec.timeout"``).
        evidence: where it was read.
        excerpt: the matched text with a little context, at most ``EXCERPT_CHARS`` characters.
    """

    category: Category
    rule: str
    evidence: Evidence
    excerpt: str

    def as_dict(self) -> dict[str, str]:
        """Plain JSON-able form."""
        return {
            "category": self.category.value,
            "rule": self.rule,
            "evidence": self.evidence.value,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True, slots=True)
class SafetyReport:
    """Every finding about one response (empty: nothing flagged)."""

    findings: tuple[Finding, ...] = ()

    @property
    def flagged(self) -> bool:
        """Whether anything was found."""
        return bool(self.findings)

    @property
    def categories(self) -> frozenset[Category]:
        """The categories found."""
        return frozenset(f.category for f in self.findings)

    def of_kind(self, *kinds: Kind) -> tuple[Finding, ...]:
        """The findings whose category is of one of ``kinds``."""
        return tuple(f for f in self.findings if f.category.kind in kinds)

    @property
    def reasoning_flagged(self) -> bool:
        """Whether a reasoning detector flagged the text."""
        return bool(self.of_kind(Kind.REASONING))

    @property
    def behaviour_flagged(self) -> bool:
        """Whether what the code does (sandbox or reward-hacking findings) was flagged."""
        return bool(self.of_kind(Kind.SANDBOX, Kind.REWARD_HACKING))

    def as_info(self) -> dict[str, Any]:
        """The ``info["safety"]`` form: ``flagged``, sorted ``categories`` and every finding as a dict."""
        if not self.findings:
            return {"flagged": False, "categories": [], "findings": []}
        return {
            "flagged": self.flagged,
            "categories": sorted(c.value for c in self.categories),
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class Scanned:
    """One response and the monitor's report on it."""

    response: Response
    report: SafetyReport


def excerpt(text: str, start: int, end: int, context: int = 60) -> str:
    """Return ``text[start:end]`` with up to ``context`` characters each side, one line, capped at ``EXCERPT_CHARS``."""
    left, right = max(0, start - context), min(len(text), end + context)
    snippet = " ".join(text[left:right].split())
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < len(text) else ""
    snippet = prefix + snippet + suffix
    return snippet if len(snippet) <= EXCERPT_CHARS else snippet[: EXCERPT_CHARS - 3] + "..."
