"""Parsing helpers for model responses: the ``<answer>`` envelope and fenced blocks found by language tag.

Everything here is pure string work on capped input; nothing is evaluated. Fenced blocks are always selected by
their language tag (```` ```python ````, ```` ```input ````, ```` ```output ````, ```` ```message ````), never by
position, so an ``input`` block written before the ``python`` block cannot be mistaken for the program.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_RESPONSE_CHARS = 32768
"""Longest response text that is parsed at all; longer texts count as having no answer (never truncated)."""

ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"


def extract_answer(text: str) -> str | None:
    """Return the stripped content of the last complete ``<answer>...</answer>``, or ``None`` if there is none.

    Args:
        text: the full response. Texts over ``MAX_RESPONSE_CHARS`` are refused (``None``) rather than truncated.
    """
    if len(text) > MAX_RESPONSE_CHARS:
        return None
    end = text.rfind(ANSWER_CLOSE)
    if end < 0:
        return None
    start = text.rfind(ANSWER_OPEN, 0, end)
    if start < 0:
        return None
    return text[start + len(ANSWER_OPEN) : end].strip()


def fenced_blocks(text: str, tag: str) -> list[str]:
    """Return the contents of every fenced block whose language tag is ``tag`` (case-insensitive), in order.

    A block opens with a line ```` ```tag ```` and closes at the next line that is just ```` ``` ````. Blocks with
    other tags are skipped, whatever their position. Texts over ``MAX_RESPONSE_CHARS`` give no blocks.
    """
    if len(text) > MAX_RESPONSE_CHARS:
        return []
    return [match.group(1).rstrip("\r\n") for match in _fence_pattern(tag).finditer(text)]


def last_block(text: str, tag: str) -> str | None:
    """Return the last fenced block tagged ``tag`` (the model's final word), or ``None`` when there is none."""
    blocks = fenced_blocks(text, tag)
    return blocks[-1] if blocks else None


@lru_cache(maxsize=32)
def _fence_pattern(tag: str) -> re.Pattern[str]:
    opening = rf"^[ \t]*```[ \t]*{re.escape(tag)}[ \t]*\r?\n"
    closing = r"^[ \t]*```[ \t]*\r?$"
    return re.compile(rf"{opening}(.*?){closing}", re.MULTILINE | re.DOTALL | re.IGNORECASE)
