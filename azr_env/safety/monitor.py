"""``Monitor``: turns a batch of ``Response`` records into one ``SafetyReport`` each.

Three sources, none of which runs anything: the reasoning detectors read the text (one batched call per detector,
so a model classifier sees the whole batch); the executor's status and the AST of the response's program show what
the code tries in the sandbox (``azr_env.safety.code``); the ASTs of the program, the inputs and the answers show
reward hacking (``azr_env.safety.hacking``). Programs, inputs and answers are read from the response's fenced
blocks inside its answer envelope (the whole text when it has none), the convention of every built-in task type;
a caller that has the env's parse passes it in ``Response.program`` and ``Response.inputs`` (the safety observer
does for valid proposals, from their ``Task``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from azr_env.safety.code import parse_program, program_nodes, scan_program, scan_status
from azr_env.safety.detector import ReasoningDetector, RuleDetector
from azr_env.safety.findings import Finding, Response, SafetyReport, Scanned
from azr_env.safety.hacking import scan_always_equal, scan_answer, scan_degenerate, scan_envelopes, scan_input
from azr_env.tasks.base import Role
from azr_env.tasks.parsing import extract_answer, fenced_blocks, last_block

CACHE_SIZE = 4096
"""Default number of programs, answers and inputs (each) whose findings a monitor remembers, keyed by their text:
findings are pure functions of it."""


class Monitor:
    """Scans responses with the reasoning detectors and the code and reward-hacking checks.

    Args:
        detectors: reasoning detectors, applied in order (default: the built-in rule set); ``()`` watches code only.
        code: also read programs, inputs, answers and executor statuses.
        cache_size: how many distinct programs, answers and inputs each keep their findings (least recently used
            first out; the n attempts at a task often repeat one answer, solve episodes repeat buffer programs).
    """

    def __init__(
        self, detectors: Sequence[ReasoningDetector] | None = None, *, code: bool = True, cache_size: int = CACHE_SIZE
    ) -> None:
        self.detectors = tuple(detectors) if detectors is not None else (RuleDetector(),)
        self.code = code
        self._program = functools.lru_cache(maxsize=cache_size)(program_findings)
        self._answer = functools.lru_cache(maxsize=cache_size)(answer_findings)
        self._input = functools.lru_cache(maxsize=cache_size)(input_findings)

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
                per_text.extend(self.behaviour(response))
        return [SafetyReport(tuple(per_text)) for per_text in found]

    def behaviour(self, response: Response) -> list[Finding]:
        """The sandbox and reward-hacking findings of one response (everything but its reasoning)."""
        findings = scan_status(response.exec_status, response.error)
        proposing = response.role is Role.PROPOSE
        body = response.text
        if "```" in body:
            answer = extract_answer(body)
            body = answer if answer is not None else body
        program = response.program
        if program is None and "```python" in body.lower():
            program = last_block(body, "python")
        if program:
            findings += self._program(program, proposing)
        for expr in self._expressions(response, body):
            findings += self._input(expr) if proposing else self._answer(expr)
        return findings + scan_envelopes(response.text)

    def _expressions(self, response: Response, body: str) -> list[str]:
        """A proposal's inputs (the env's parse when given), or an answer's outputs and inputs."""
        if response.inputs is not None:
            return list(response.inputs)
        if "```" not in body:
            return []
        lowered = body.lower()
        tags = ("input",) if response.role is Role.PROPOSE else ("output", "input")
        return [expr for tag in tags if f"```{tag}" in lowered for expr in fenced_blocks(body, tag)]

    def read(self, responses: Sequence[Response]) -> list[Scanned]:
        """Each response with its report, in order (each distinct response is scanned once)."""
        position: dict[Response, int] = {}
        order = [position.setdefault(r, len(position)) for r in responses]
        reports = self.scan(list(position))
        return [Scanned(r, reports[i]) for r, i in zip(responses, order, strict=True)]


def program_findings(source: str, proposing: bool) -> tuple[Finding, ...]:
    """The AST findings of a program, from one parse and one walk."""
    tree = parse_program(source)
    if tree is None:
        return ()
    nodes = program_nodes(tree)
    found = scan_program(source, tree, nodes) + scan_always_equal(tree, nodes)
    return tuple(found + scan_degenerate(tree, nodes)) if proposing else tuple(found)


def answer_findings(expr: str) -> tuple[Finding, ...]:
    """``scan_answer`` as a tuple."""
    return tuple(scan_answer(expr))


def input_findings(expr: str) -> tuple[Finding, ...]:
    """``scan_input`` as a tuple."""
    return tuple(scan_input(expr))
