"""Text spaces for prompts and responses.

Gymnasium's ``Text`` space only contains strings over its charset (alphanumerics by default), but prompts and model
responses are arbitrary Unicode. ``UnicodeText`` contains every ``str`` up to its maximum length and samples
printable strings, so random agents and ``gymnasium.utils.env_checker.check_env`` work.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from gymnasium import spaces

from azr_env.errors import ConfigError

PROMPT_MAX_CHARS = 1 << 20
"""Upper bound of an observation: K references of at most ~20 KB each plus the template, with a wide margin."""

_SAMPLE_BLOCKS = ((0x20, 0x7F), (0xA1, 0x250), (0x370, 0x530), (0x4E00, 0x4F00), (0x1F600, 0x1F650))
"""Code-point ranges sampled from: ASCII, Latin, Greek and Cyrillic, some CJK ideographs, some emoji."""


@functools.cache
def printable_charset() -> str:
    """Return the printable characters that ``UnicodeText.sample`` draws from (computed once)."""
    chars = (chr(c) for low, high in _SAMPLE_BLOCKS for c in range(low, high))
    return "".join(ch for ch in chars if ch.isprintable())


class UnicodeText(spaces.Space[str]):
    """Any Python ``str`` whose length is in ``[min_length, max_length]``; samples are printable Unicode.

    Not a subclass of ``gymnasium.spaces.Text`` on purpose: Gymnasium's Text helpers (flattening, the shared memory
    of ``AsyncVectorEnv``) encode characters as indices into a fixed charset and would fail on real text. Use
    ``AsyncVectorEnv(..., shared_memory=False)`` with these spaces.
    """

    def __init__(self, max_length: int, *, min_length: int = 0, seed: int | np.random.Generator | None = None):
        """Create the space.

        Args:
            max_length: the longest string the space contains.
            min_length: the shortest string the space contains.
            seed: seed of the space's own sampler.
        """
        if not 0 <= min_length <= max_length:
            raise ConfigError(f"UnicodeText needs 0 <= min_length <= max_length, got {min_length} and {max_length}")
        self.min_length, self.max_length = int(min_length), int(max_length)
        super().__init__(shape=None, dtype=None, seed=seed)

    @property
    def is_np_flattenable(self) -> bool:
        """Text has no fixed-size flat form."""
        return False

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        """Return a printable string of random length; ``mask`` may be ``(length, None)`` to fix the length."""
        length = mask[0] if mask is not None and mask[0] is not None else None
        if length is None:
            length = int(self.np_random.integers(self.min_length, self.max_length + 1))
        chars = printable_charset()
        return "".join(chars[int(i)] for i in self.np_random.integers(0, len(chars), size=length))

    def contains(self, x: Any) -> bool:
        """Return whether ``x`` is a ``str`` of an allowed length, whatever its characters."""
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )

    def __hash__(self) -> int:
        return hash((UnicodeText, self.min_length, self.max_length))


Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": str}``."""

CHAT_ROLES = ("system", "user", "assistant")


class ChatMessages(spaces.Space[list[Message]]):
    """A list of chat messages, as instruct models' chat templates take them.

    Contains a list of at most ``max_messages`` dicts with exactly the keys ``role`` (one of ``CHAT_ROLES``) and
    ``content`` (a string of at most ``max_content_chars``). Samples are a system message followed by a user message.
    """

    def __init__(
        self,
        max_content_chars: int = PROMPT_MAX_CHARS,
        *,
        max_messages: int = 64,
        seed: int | np.random.Generator | None = None,
    ):
        """Create the space.

        Args:
            max_content_chars: the longest message content the space contains.
            max_messages: the longest conversation the space contains.
            seed: seed of the space's own sampler.
        """
        self.content_space = UnicodeText(max_content_chars)
        self.max_messages = max_messages
        super().__init__(shape=None, dtype=None, seed=seed)

    def seed(self, seed: int | None = None) -> int | list[int] | dict[str, int]:
        """Seed this space and the content sampler from one seed."""
        seeds = super().seed(seed)
        self.content_space.seed(int(self.np_random.integers(2**31)))
        return seeds

    @property
    def is_np_flattenable(self) -> bool:
        """Conversations have no fixed-size flat form."""
        return False

    def sample(self, mask: Any = None, probability: Any = None) -> list[Message]:
        """Return a system message and a user message with short printable contents."""
        length = self.np_random.integers(0, 64, size=2)
        return [
            {"role": role, "content": self.content_space.sample(mask=(int(n), None))}
            for role, n in zip(("system", "user"), length, strict=True)
        ]

    def contains(self, x: Any) -> bool:
        """Return whether ``x`` is a list of well-formed messages."""
        return (
            isinstance(x, list) and len(x) <= self.max_messages and all(_is_message(m, self.content_space) for m in x)
        )

    def __repr__(self) -> str:
        return f"ChatMessages({self.content_space.max_length}, max_messages={self.max_messages})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ChatMessages)
            and self.content_space == other.content_space
            and self.max_messages == other.max_messages
        )

    def __hash__(self) -> int:
        return hash((ChatMessages, self.content_space, self.max_messages))


def _is_message(message: Any, content_space: UnicodeText) -> bool:
    return (
        isinstance(message, dict)
        and message.keys() == {"role", "content"}
        and message["role"] in CHAT_ROLES
        and content_space.contains(message["content"])
    )
