"""Prompt ids that keep a quoted special token as text, for trainers that tokenize their prompts themselves.

A solver prompt quotes what a policy wrote (a proposal's program, input, message). TRL and verl tokenize chat messages
with the tokenizer's chat template in one pass, so a program holding the string ``<|im_end|>`` reached the solver as the
real end-of-turn token, and the turns it wrote after it as real turns. Our own trainer keeps the template's markup apart
from the quoted text (``agents.llm.prompting.PromptText``) and encodes the quoted text with special tokens split
(``agents.llm.backends.base.encode_prompts``). ``literal_ids`` does the same for a batch of a trainer adapter's prompts:
a prompt whose own text quotes no special token keeps the trainer's ids unchanged (the common case, checked on the
message texts before anything is rendered); one that does is rendered with the tokenizer's chat template (the trainer's
own ``chat_template`` override and template arguments do not apply to such a prompt) and re-encoded span by span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Prompt = str | Sequence[Mapping[str, str]]
"""A trainer's prompt: R1 text, or chat messages (``{"role", "content"}``)."""


def literal_ids(
    tokenizer: Any, prompts: Sequence[Prompt], rows: Sequence[Sequence[int]], *, add_special_tokens: bool
) -> list[list[int]]:
    """Each of ``rows`` (the trainer's ids for the prompt beside it), or that prompt re-encoded with its text literal.

    Args:
        tokenizer: The trainer's tokenizer (its chat template renders a chat prompt).
        prompts: What the trainer encoded, one format for the batch.
        rows: The trainer's ids for each prompt.
        add_special_tokens: Whether the trainer's encoding adds the tokenizer's own special tokens (a BOS): true for
            text that is tokenized directly, false for a rendered chat template (the template writes them).
    """
    from agents.llm.backends.base import encode_prompts, special_texts
    from agents.llm.prompting import PromptText, format_messages

    specials = special_texts(tokenizer)
    out = []
    for prompt, ids in zip(prompts, rows, strict=True):
        texts = [prompt] if isinstance(prompt, str) else [m["content"] for m in prompt]
        if not any(special in text for text in texts for special in specials):
            out.append(list(ids))
            continue
        rendered = PromptText.literal(prompt) if isinstance(prompt, str) else format_messages(tokenizer, prompt)
        out.append(encode_prompts(tokenizer, [rendered], add_special_tokens)[0])
    return out
