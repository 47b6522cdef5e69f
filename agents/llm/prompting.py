"""Turn an environment observation into the exact text a policy model is prompted with.

Two observation formats come from the env (``EnvConfig.prompt_format``):

- ``"r1"``: the observation is a complete R1-style prompt ending in ``Assistant: <think>``; it is used unchanged.
- ``"chat"``: the observation is the user message and ``info["system_prompt"]`` the system message; both are
  rendered with the tokenizer's chat template (with the generation prompt appended), or, for a tokenizer without
  one (the byte tokenizer of the tiny test model, base models), with ``PLAIN_CHAT_FORMAT``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PLAIN_CHAT_FORMAT = "{system}\n\nUser: {user}\nAssistant:"
"""Fallback rendering of a (system, user) pair for tokenizers without a chat template."""


def format_observation(tokenizer: Any, observation: str, system_prompt: str | None = None) -> str:
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
        return observation
    return format_messages(
        tokenizer, [{"role": "system", "content": system_prompt}, {"role": "user", "content": observation}]
    )


def format_messages(tokenizer: Any, messages: Sequence[Mapping[str, str]]) -> str:
    """Render chat messages (``{"role", "content"}`` dicts, as ``ChatObservation`` gives) as prompt text.

    Uses ``tokenizer.apply_chat_template(..., add_generation_prompt=True)`` when the tokenizer has a chat template;
    otherwise ``PLAIN_CHAT_FORMAT`` with all system messages joined as the system part and all user messages joined
    as the user part.
    """
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template([dict(m) for m in messages], tokenize=False, add_generation_prompt=True)
        return str(text)
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    user = "\n\n".join(m["content"] for m in messages if m["role"] != "system")
    return PLAIN_CHAT_FORMAT.format(system=system, user=user)
