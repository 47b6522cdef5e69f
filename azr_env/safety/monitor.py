"""``Monitor``: turns a batch of ``Response`` records into one ``SafetyReport`` each.

Three sources, none of which runs anything: the reasoning detectors read the text (one batched call per detector,
so a model classifier sees the whole batch); the executor's status and the AST of the response's program show what
the code tries in the sandbox (``azr_env.safety.code``); the ASTs of the program, the inputs and the answers show
reward hacking (``azr_env.safety.hacking``). Programs, inputs and answers are read from the response's fenced
blocks inside its answer envelope (the whole text when it has none), the convention of every built-in task type;
a caller that parsed the program itself passes it in ``Response.program``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from azr_env.safety.code import parse_program, scan_program, scan_status
from azr_env.safety.detector import ReasoningDetector, RuleDetector
from azr_env.safety.findings import Finding, Response, SafetyReport, Scanned
from azr_env.safety.hacking import scan_always_equal, scan_answer, scan_degenerate, scan_envelopes, scan_input
from azr_env.tasks.base import Role
from azr_env.tasks.parsing import extract_answer, fenced_blocks, last_block

CACHE_SIZE = 4096
"""Programs and answer expressions whose findings are remembered (they are pure functions of the text)."""


class Monitor:
    """Scans responses with the reasoning detectors and the code and reward-hacking checks.

    Args:
        detectors: reasoning detectors, applied in order (default: the built-in rule set); ``()`` watches code only.
        code: also read programs, inputs, answers and executor statuses.
    """

    def __init__(self, detectors: Sequence[ReasoningDetector] | None = None, *, code: bool = True) -> None:
        self.detectors = tuple(detectors) if detectors is not None else (RuleDetector(),)
        self.code = code

    @property
    def name(self) -> str:
        """The detectors' names joined with ``+`` (``"rules@1"``), recorded with every flagged response."""
        return "+".join(d.name for d in self.detectors) or "code-only"

    def scan(self, responses: Sequence[Response]) -> list[SafetyReport]:
        """One report per response, in order."""
        texts = [r.text for r in responses]
        found: list[list[Finding]] = [[] for _ in responses]
        for detector in self.detectors:
            for per_text, extra in zip(found, detector.detect(texts), strict=True):
                per_text.extend(extra)
        if self.code:
            for per_text, response in zip(found, responses, strict=True):
                per_text.extend(behaviour(response))
        return [SafetyReport(tuple(per_text)) for per_text in found]

    def read(self, responses: Sequence[Response]) -> list[Scanned]:
        """Each response with its report, in order (each distinct response is scanned once)."""
        unique = list(dict.fromkeys(responses))
        reports = dict(zip(unique, self.scan(unique), strict=True))
        return [Scanned(r, reports[r]) for r in responses]


def behaviour(response: Response) -> list[Finding]:
    """The sandbox and reward-hacking findings of one response (everything but its reasoning)."""
    findings = scan_status(response.exec_status, response.error)
    answer = extract_answer(response.text)
    body = answer if answer is not None else response.text
    tags = body.lower()
    proposing = response.role is Role.PROPOSE
    program = response.program
    if program is None and "```python" in tags:
        program = last_block(body, "python")
    if program:
        findings += program_findings(program, proposing)
    for tag in ("input",) if proposing else ("output", "input"):
        if f"```{tag}" in tags:
            for expr in fenced_blocks(body, tag):
                findings += input_findings(expr) if proposing else answer_findings(expr)
    return findings + scan_envelopes(response.text)


@functools.lru_cache(maxsize=CACHE_SIZE)
def program_findings(source: str, proposing: bool) -> tuple[Finding, ...]:
    """The AST findings of a program (cached: the n attempts at a task often repeat one program)."""
    tree = parse_program(source)
    if tree is None:
        return ()
    found = scan_program(source, tree) + scan_always_equal(tree)
    return tuple(found + scan_degenerate(tree)) if proposing else tuple(found)


@functools.lru_cache(maxsize=CACHE_SIZE)
def answer_findings(expr: str) -> tuple[Finding, ...]:
    """``scan_answer``, cached (attempts at one task often give one answer)."""
    return tuple(scan_answer(expr))


@functools.lru_cache(maxsize=CACHE_SIZE)
def input_findings(expr: str) -> tuple[Finding, ...]:
    """``scan_input``, cached."""
    return tuple(scan_input(expr))
