"""Candidate rules for reading a response's answer, used only to re-score saved responses (``azr bench models``).

The env reads an answer with the paper's strict R1 envelope: the last complete ``<answer>...</answer>``. Instruct
models often write a well-formed reply that misses it. A rule here is a pure function that rewrites a raw response
into the text the env's strict parser would then read, so the same judge scores every rule and the effect of each
rule on the measured rates is a like-for-like comparison:

- ``strict``: the response as it is (the env's behaviour).
- ``unclosed``: an ``<answer>`` that is never closed runs to the end of the response.
- ``fenced``: ``unclosed``, and with no ``<answer>`` at all the text after the last ``</think>`` (the whole response
  when there is none) is the answer, so its last fenced blocks count.

The lenient rules change only responses without a complete envelope, so they are nested: a response that ``strict``
reads is read the same way by the others, and ``fenced`` reads everything ``unclosed`` reads. These rules live in
the benchmark, not in ``azr_env``: the env's one parser decides the default from these measurements.
"""

from __future__ import annotations

from collections.abc import Callable

from azr_env.tasks.parsing import ANSWER_CLOSE, ANSWER_OPEN, extract_answer

THINK_CLOSE = "</think>"

Rule = Callable[[str], str]
"""Raw response -> the text the env's strict parser reads."""


def strict(text: str) -> str:
    """The response unchanged: the last complete ``<answer>...</answer>`` counts (the env's rule)."""
    return text


def unclosed(text: str) -> str:
    """With no complete envelope, an opened ``<answer>`` runs to the end of the response."""
    if ANSWER_OPEN in text and extract_answer(text) is None:
        return text + ANSWER_CLOSE
    return text


def fenced(text: str) -> str:
    """``unclosed``; with no ``<answer>`` at all, wrap what follows the last ``</think>`` (or everything)."""
    if ANSWER_OPEN in text:
        return unclosed(text)
    tail = text[text.rfind(THINK_CLOSE) + len(THINK_CLOSE) :] if THINK_CLOSE in text else text
    return f"{ANSWER_OPEN}\n{tail}\n{ANSWER_CLOSE}"


RULES: dict[str, Rule] = {"strict": strict, "unclosed": unclosed, "fenced": fenced}
"""Rule name -> rule, strictest first."""

MOST_LENIENT = "fenced"
"""The rule sampling uses to decide which proposals get solver attempts, so every rule can be re-scored."""
