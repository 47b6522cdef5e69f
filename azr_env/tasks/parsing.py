r"""The one answer parser: how a response's answer is found (an ``AnswerRule``) and split into fenced blocks.

Every task type reads responses through this module only, and only once: the judge (``azr_env.judge``) applies
the env's ``EnvConfig.answer_rule`` to each response and hands the task type an ``Answer``, the answer region's
fenced blocks, instead of the raw text. Everything here is pure string work on capped text; nothing is evaluated.

**Answer rules** (where the answer region of a response is):

- ``STRICT``, the paper's R1 envelope (default for ``prompt_format="r1"``): the last complete
  ``<answer>...</answer>``. Anything else is a format error.
- ``OPEN``: the last ``<answer>``, closed or not: an ``<answer>`` that is never closed runs to the end of the
  response. Instruct models often stop without closing it.
- ``FENCES`` (default for ``prompt_format="chat"``): as ``OPEN``; and when the response has no ``<answer>`` at all,
  the text after the last ``</think>`` (the whole response when it has no ``<think>`` either; nothing when a
  ``<think>`` is left open, since the model never finished reasoning).

Under ``OPEN`` and ``FENCES``, a solver's answer that needs one block (a deduction output, an abduction input, an
induction program) may also come without its tag (``Answer.sole``): the region's only fenced block when that block
has no tag, or the whole region when it was found inside an ``<answer>`` and holds no fence at all
(``<answer>[1, 'two']</answer>``). The value is still read under the data rule, so prose is a format error.

``OPEN`` and ``FENCES`` are deviations from the paper for chat-format models (README, "Deviations"); the default
chat rule is chosen from measured responses (``score_response`` scores a saved response under every rule).

**Fenced blocks** are found by their language tag (```` ```python ````, ```` ```input ````, ```` ```output ````,
```` ```message ````), never by position. A block opens with a line of three or more backticks and a tag, and closes
at the next line made only of at least as many backticks: a line that merely ends in backticks (``return x```
``) does not close it, and a block opened with four backticks may hold three-backtick lines. A block written on one
line, ```` ```output 5``` ````, counts too. Lines are split at line feeds only (a U+2028 inside a string literal of
a program stays in its line), and a block never closed is no block.

**Line breaks.** Python reads a carriage return, alone or before a line feed, as a line break, anywhere in source
(in a triple-quoted string too), so every response's carriage returns become line feeds before its answer region is
found: the blocks a task is built from, and so the program a solver is shown, break lines where Python does. A
lone ``\r`` inside a comment (``y = x  # keep x\r    y = x + 100``) hid a statement from every reader that splits
lines at line feeds, the solver included; the sandbox ran it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

MAX_RESPONSE_CHARS = 32768
"""Longest response text that is parsed at all; longer texts count as having no answer (never truncated)."""

ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
FENCE = "```"

_ONE_LINE = re.compile(r"(`{3,})([A-Za-z][\w+.-]*)[ \t]+(.*?)[ \t]*\1")


class AnswerRule(StrEnum):
    """Where the answer region of a response is (see the module docstring)."""

    STRICT = "strict"
    OPEN = "open"
    FENCES = "fences"


class ValueSyntax(StrEnum):
    """How value answers (a deduction output, an abduction input) are read.

    ``DATA`` (training and the default): an answer is data under ``azr_env.executor.literals``; anything computed is
    a format error, and a value is read in the env's process without running anything. ``EXPRESSION`` (benchmark
    scoring as CRUXEval's scorer does it): an answer that is not data may be any Python expression, evaluated in the
    sandbox, never in the env. Proposed inputs are always data, whatever this says.
    """

    DATA = "data"
    EXPRESSION = "expression"


class ValueEquality(StrEnum):
    """When a value answer (a deduction output, the output an abduction answer makes) equals the gold output.

    ``CANONICAL`` (training and the default): the executor's type-strict rule, equal canonical reprs
    (``azr_env.executor.canonical``: ``1``, ``1.0`` and ``True`` differ; NaN equals NaN). ``PYTHON`` (benchmark
    scoring as CRUXEval's scorer does it): Python's ``gold == answer`` on the two values, evaluated in the sandbox,
    never in the env (``azr_env.tasks.equality``).
    """

    CANONICAL = "canonical"
    PYTHON = "python"


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """Text that could not be parsed; ``reason`` says what was missing or malformed."""

    reason: str


class Block(NamedTuple):
    """One fenced block: its language tag (lower case, ``""`` when untagged) and its body."""

    tag: str
    body: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer region of one response, as the env's answer rule found it, split into fenced blocks.

    Attributes:
        text: the region's text (inside the envelope, or the fallback region of a chat rule).
        blocks: every fenced block of the region, in order.
        found_by: the rule clause that found the region (``STRICT`` for a complete envelope, even under a chat rule).
        syntax: how value answers are read (``ValueSyntax.DATA`` unless the env scores a benchmark).
        equality: when a value answer equals the gold (``ValueEquality.CANONICAL`` unless the env scores a benchmark).
        rule: the env's answer rule that read the response (``sole`` reads untagged answers under a chat rule).
    """

    text: str
    blocks: tuple[Block, ...]
    found_by: AnswerRule = AnswerRule.STRICT
    syntax: ValueSyntax = ValueSyntax.DATA
    equality: ValueEquality = ValueEquality.CANONICAL
    rule: AnswerRule = AnswerRule.STRICT

    def tagged(self, tag: str) -> list[str]:
        """Return the bodies of every block tagged ``tag`` (case-insensitive), in order."""
        wanted = tag.lower()
        return [block.body for block in self.blocks if block.tag == wanted]

    def last(self, tag: str) -> str | None:
        """Return the last block tagged ``tag`` (the model's final word), or ``None`` when there is none."""
        bodies = self.tagged(tag)
        return bodies[-1] if bodies else None

    def sole(self, tag: str) -> str | None:
        """Return the last ``tag`` block of an answer that needs only that block, or its untagged form.

        Under ``STRICT`` this is ``last``. Under a chat rule, when there is no ``tag`` block: the region's only
        block if its tag is empty, else the whole region if an ``<answer>`` held it and it has no fence.
        """
        block = self.last(tag)
        if block is not None or self.rule is AnswerRule.STRICT:
            return block
        if len(self.blocks) == 1 and not self.blocks[0].tag:
            return self.blocks[0].body
        if self.found_by is not AnswerRule.FENCES and FENCE not in self.text:
            return self.text
        return None


@dataclass(frozen=True, slots=True)
class RuleScore:
    """How one saved response fares under one rule (``score_response``).

    Attributes:
        parsed: the rule found a region holding every required tag.
        found_by: the clause that found the region, ``None`` when none did.
        blocks: the region's blocks (empty when no region).
        reason: why it did not parse (``""`` when it did).
    """

    parsed: bool
    found_by: AnswerRule | None
    blocks: tuple[Block, ...]
    reason: str = ""


def read_answer(
    text: str,
    rule: AnswerRule,
    syntax: ValueSyntax = ValueSyntax.DATA,
    equality: ValueEquality = ValueEquality.CANONICAL,
) -> Answer | ParseFailure:
    """Find the answer region of a full response under ``rule`` and split it into fenced blocks."""
    region = answer_region(text, rule)
    if isinstance(region, ParseFailure):
        return region
    body, found_by = region
    return Answer(body, tuple(parse_blocks(body)), found_by, syntax, equality, rule)


def answer_region(text: str, rule: AnswerRule) -> tuple[str, AnswerRule] | ParseFailure:
    """Return the answer region of ``text`` under ``rule`` and the clause that found it, or why there is none."""
    if len(text) > MAX_RESPONSE_CHARS:
        return ParseFailure(f"the response has more than {MAX_RESPONSE_CHARS} characters")
    text = python_line_breaks(text)
    if rule is AnswerRule.STRICT:
        return _strict(text)
    opened = _open(text)
    if opened is not None or rule is AnswerRule.OPEN:
        return opened or ParseFailure(f"no {ANSWER_OPEN} in the response")
    return _after_think(text)


def python_line_breaks(text: str) -> str:
    r"""Return ``text`` with its line breaks as Python reads them in source: ``\r\n`` and a lone ``\r`` become ``\n``.

    Python's meaning of source text is unchanged (its tokenizer does the same); only the line breaks become visible
    to readers that split at line feeds.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _strict(text: str) -> tuple[str, AnswerRule] | ParseFailure:
    end = text.rfind(ANSWER_CLOSE)
    start = text.rfind(ANSWER_OPEN, 0, end) if end >= 0 else -1
    if start < 0:
        return ParseFailure(f"no complete {ANSWER_OPEN}...{ANSWER_CLOSE} in the response")
    return text[start + len(ANSWER_OPEN) : end].strip(), AnswerRule.STRICT


def _open(text: str) -> tuple[str, AnswerRule] | None:
    start = text.rfind(ANSWER_OPEN)
    if start < 0:
        return None
    end = text.find(ANSWER_CLOSE, start)
    if end < 0:
        return text[start + len(ANSWER_OPEN) :].strip(), AnswerRule.OPEN
    return text[start + len(ANSWER_OPEN) : end].strip(), AnswerRule.STRICT


def _after_think(text: str) -> tuple[str, AnswerRule] | ParseFailure:
    end = text.rfind(THINK_CLOSE)
    if end >= 0:
        return text[end + len(THINK_CLOSE) :].strip(), AnswerRule.FENCES
    if THINK_OPEN in text:
        return ParseFailure(f"no {ANSWER_OPEN} and the {THINK_OPEN} section is never closed")
    return text.strip(), AnswerRule.FENCES


def parse_blocks(text: str) -> list[Block]:
    """Return every fenced block of ``text`` in order (see the module docstring); one linear pass, no backtracking.

    Only lines holding three backticks are looked at closely; a body is the lines between its opening and closing.
    """
    if len(text) > MAX_RESPONSE_CHARS or FENCE not in text:
        return []
    lines = text.split("\n")
    blocks: list[Block] = []
    fence, tag, start = 0, "", 0
    for index, line in enumerate(lines):
        if FENCE not in line:
            continue
        stripped = line.strip()
        if fence:
            if len(stripped) >= fence and stripped.count("`") == len(stripped):
                blocks.append(Block(tag, "\n".join(lines[start:index]).rstrip()))
                fence = 0
        elif stripped.startswith(FENCE):
            info = stripped.lstrip("`")
            if "`" not in info:  # an opener: backticks, then an info string whose first word is the tag
                fence, tag, start = len(stripped) - len(info), (info.split() or [""])[0].lower(), index + 1
                continue
            one_line = _ONE_LINE.fullmatch(stripped)
            if one_line:
                blocks.append(Block(one_line.group(2).lower(), one_line.group(3)))
    return blocks


def fenced_blocks(text: str, tag: str) -> list[str]:
    """Return the bodies of every fenced block of ``text`` tagged ``tag`` (case-insensitive), in order."""
    wanted = tag.lower()
    return [block.body for block in parse_blocks(text) if block.tag == wanted]


def last_block(text: str, tag: str) -> str | None:
    """Return the last fenced block tagged ``tag`` (the model's final word), or ``None`` when there is none."""
    blocks = fenced_blocks(text, tag)
    return blocks[-1] if blocks else None


def extract_answer(text: str) -> str | None:
    """Return the content of the last complete ``<answer>...</answer>`` (the strict rule), or ``None``."""
    region = answer_region(text, AnswerRule.STRICT)
    return None if isinstance(region, ParseFailure) else region[0]


def score_response(text: str, required: Sequence[str] = ()) -> dict[AnswerRule, RuleScore]:
    """Score a saved response under every rule: whether it parses (with every ``required`` tag) and its blocks.

    Pure, for comparing rules offline on measured model responses: ``required=("output",)`` for a deduction answer,
    ``("python", "input")`` for a deduction or abduction proposal.
    """
    scores = {}
    for rule in AnswerRule:
        answer = read_answer(text, rule)
        if isinstance(answer, ParseFailure):
            scores[rule] = RuleScore(False, None, (), answer.reason)
            continue
        missing = [tag for tag in required if answer.last(tag) is None]
        reason = f"no ```{missing[0]} block in the answer" if missing else ""
        scores[rule] = RuleScore(not missing, answer.found_by, answer.blocks, reason)
    return scores
