"""Parsing helpers for model responses: the ``<answer>`` envelope and fenced blocks found by language tag.

Everything here is pure string work on capped input; nothing is evaluated. Fenced blocks are always selected by
their language tag (```` ```python ````, ```` ```input ````, ```` ```output ````, ```` ```message ````), never by
position, so an ``input`` block written before the ``python`` block cannot be mistaken for the program.
"""

from __future__ import annotations

MAX_RESPONSE_CHARS = 32768
"""Longest response text that is parsed at all; longer texts count as having no answer (never truncated)."""

ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
FENCE = "```"


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

    A block opens with a line ```` ```tag ```` and closes at the next ```` ``` ```` that ends a line (on a line of
    its own, or right after the last content line). Blocks with other tags are skipped, whatever their position.
    One linear pass over the lines (no backtracking regex), and texts over ``MAX_RESPONSE_CHARS`` give no blocks.
    """
    if len(text) > MAX_RESPONSE_CHARS:
        return []
    wanted = tag.strip().lower()
    blocks: list[str] = []
    open_tag: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if open_tag is None:
            if stripped.startswith(FENCE):
                open_tag, body = stripped[len(FENCE) :].strip().lower(), []
            continue
        if not stripped.endswith(FENCE):
            body.append(line)
            continue
        last = line.rstrip()[: -len(FENCE)]
        if last.strip():
            body.append(last)
        if open_tag == wanted:
            blocks.append("\n".join(body).rstrip())
        open_tag = None
    return blocks


def last_block(text: str, tag: str) -> str | None:
    """Return the last fenced block tagged ``tag`` (the model's final word), or ``None`` when there is none."""
    blocks = fenced_blocks(text, tag)
    return blocks[-1] if blocks else None
