"""Turn an environment observation into the exact text a policy model is prompted with.

Two observation formats come from the env (``EnvConfig.prompt_format``):

- ``"r1"``: the observation is a complete R1-style prompt ending in ``Assistant: <think>``; it is used unchanged.
- ``"chat"``: the observation is the user message and ``info["system_prompt"]`` the system message; both are
  rendered with the tokenizer's chat template (with the generation prompt appended), or, for a tokenizer without
  one (the byte tokenizer of the tiny test model, base models), with ``PLAIN_CHAT_FORMAT``.

Both return a ``PromptText``: the text, with the spans a template wrote (markup) apart from the spans the env wrote
(literal). The env's text quotes what a policy wrote (programs, inputs, messages), and a proposal holding the
string ``<|im_end|>`` would otherwise reach the solver as the real end-of-turn token, followed by whatever turns it
forges; ``backends.base.encode_prompts`` encodes a literal span with special tokens split into ordinary ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PLAIN_CHAT_FORMAT = "{system}\n\nUser: {user}\nAssistant:"
"""Fallback rendering of a (system, user) pair for tokenizers without a chat template."""

_MARK = re.compile("\ue000(\\d+)\ue001")
"""The stand-in for message ``i`` while a chat template renders (private-use characters)."""


class PromptText(str):
    """Prompt text that knows its spans: ``(text, literal)`` pairs that join to it.

    A literal span is text to show as written, never a control token; a markup span (a chat template's own text)
    encodes as the tokenizer reads it. A plain ``str`` prompt counts as markup throughout (encoded as before).
    """

    spans: tuple[tuple[str, bool], ...]

    def __new__(cls, spans: Iterable[tuple[str, bool]]) -> PromptText:
        """Join ``spans`` into the text."""
        parts = tuple(spans)
        text = super().__new__(cls, "".join(part for part, _ in parts))
        text.spans = parts
        return text

    def __reduce__(self) -> tuple[type[PromptText], tuple[tuple[tuple[str, bool], ...]]]:
        """Pickle and copy by spans (``str``'s own reduction would pass the joined text as the spans)."""
        return (PromptText, (self.spans,))

    @classmethod
    def literal(cls, text: str) -> PromptText:
        """Text with no markup at all (R1 prompts, ``PLAIN_CHAT_FORMAT``)."""
        return cls([(text, True)])


def format_observation(tokenizer: Any, observation: str, system_prompt: str | None = None) -> PromptText:
    """Return the prompt text for one observation.

    Args:
        tokenizer: The policy's tokenizer; its ``chat_template`` (if any) renders chat observations.
        observation: The env observation: R1 text, or the user message in chat format.
        system_prompt: The system message (``info["system_prompt"]`` in chat format); ``None`` for R1 text.

    Returns:
        ``observation`` itself when ``system_prompt`` is None; otherwise the rendered chat prompt, ending where the
        assistant's reply starts.
    """
    if system_prompt is None:
        return PromptText.literal(observation)
    return format_messages(
        tokenizer, [{"role": "system", "content": system_prompt}, {"role": "user", "content": observation}]
    )


def format_messages(tokenizer: Any, messages: Sequence[Mapping[str, str]]) -> PromptText:
    """Render chat messages (``{"role", "content"}`` dicts, as ``ChatObservation`` gives) as prompt text.

    Uses ``tokenizer.apply_chat_template(..., add_generation_prompt=True)`` when the tokenizer has a chat template;
    otherwise ``PLAIN_CHAT_FORMAT`` with all system messages joined as the system part and all user messages joined
    as the user part.
    """
    if getattr(tokenizer, "chat_template", None):
        return _templated(tokenizer, messages)
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    user = "\n\n".join(m["content"] for m in messages if m["role"] != "system")
    return PromptText.literal(PLAIN_CHAT_FORMAT.format(system=system, user=user))


def _templated(tokenizer: Any, messages: Sequence[Mapping[str, str]]) -> PromptText:
    """The chat template rendered around stand-ins, each stand-in then replaced by its message as a literal span."""
    shells = [{**m, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)]
    text = str(tokenizer.apply_chat_template(shells, tokenize=False, add_generation_prompt=True))
    pieces = _MARK.split(text)  # markup, index, markup, index, ..., markup
    spans = [(messages[int(piece)]["content"], True) if i % 2 else (piece, False) for i, piece in enumerate(pieces)]
    return PromptText(span for span in spans if span[0])
