"""A byte-level tokenizer: every UTF-8 byte is one token, plus pad, bos and eos (259 ids).

It needs no vocabulary file, so the tiny test policy works on a machine without any downloaded model, and it
round-trips any text exactly: ``decode(encode(text), skip_special_tokens=True) == text``. It implements the subset
of the ``transformers`` tokenizer interface that this project uses (``__call__``, ``encode``, ``decode``,
``batch_decode``, the special-token ids, ``padding_side``, ``save_pretrained`` / ``from_pretrained``). It has no
chat template: ``agents.llm.prompting`` falls back to its plain format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from azr_env.errors import ConfigError

CONFIG_FILE = "byte_tokenizer.json"
"""File name that marks a saved byte tokenizer inside a model directory."""

_N_BYTES = 256
_SPECIALS = ("<pad>", "<bos>", "<eos>")


class ByteTokenizer:
    """UTF-8 bytes as token ids 0-255; ``<pad>`` = 256, ``<bos>`` = 257, ``<eos>`` = 258."""

    pad_token_id = _N_BYTES
    bos_token_id = _N_BYTES + 1
    eos_token_id = _N_BYTES + 2
    pad_token, bos_token, eos_token = _SPECIALS
    vocab_size = _N_BYTES + len(_SPECIALS)
    chat_template: str | None = None

    def __init__(self, padding_side: str = "left") -> None:
        """Create a tokenizer; ``padding_side`` is ``"left"`` (for generation) or ``"right"``."""
        self.padding_side = padding_side

    @property
    def padding_side(self) -> str:
        """Side on which ``__call__(..., padding=True)`` pads: ``"left"`` or ``"right"``."""
        return self._padding_side

    @padding_side.setter
    def padding_side(self, side: str) -> None:
        if side not in ("left", "right"):
            raise ConfigError(f"padding_side must be 'left' or 'right' (got {side!r})")
        self._padding_side = side

    def __len__(self) -> int:
        return self.vocab_size

    @property
    def all_special_ids(self) -> list[int]:
        """Ids of pad, bos and eos."""
        return [self.pad_token_id, self.bos_token_id, self.eos_token_id]

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Return the UTF-8 bytes of ``text``, preceded by ``<bos>`` when ``add_special_tokens``."""
        ids = list(text.encode("utf-8"))
        return [self.bos_token_id, *ids] if add_special_tokens else ids

    def decode(self, ids: Sequence[int] | Any, skip_special_tokens: bool = False) -> str:
        """Decode ids (a list or a 1-D tensor); invalid UTF-8 from a model becomes U+FFFD."""
        out, run = [], bytearray()
        for token in (int(t) for t in ids):
            if token < _N_BYTES:
                run.append(token)
                continue
            out.append(run.decode("utf-8", errors="replace"))
            run = bytearray()
            if not skip_special_tokens:
                out.append(_SPECIALS[token - _N_BYTES])
        out.append(run.decode("utf-8", errors="replace"))
        return "".join(out)

    def batch_decode(self, batch: Sequence[Sequence[int]] | Any, skip_special_tokens: bool = False) -> list[str]:
        """Decode each row of ``batch``."""
        return [self.decode(row, skip_special_tokens=skip_special_tokens) for row in batch]

    def __call__(
        self,
        text: str | Sequence[str],
        *,
        padding: bool = False,
        return_tensors: str | None = None,
        add_special_tokens: bool = True,
    ) -> dict[str, Any]:
        """Encode one text or a batch into ``{"input_ids", "attention_mask"}``.

        Args:
            text: A string or a sequence of strings.
            padding: Pad a batch to its longest row on ``padding_side`` (required for ``return_tensors="pt"``
                when the rows differ in length).
            return_tensors: ``"pt"`` for torch tensors, ``None`` for lists.
            add_special_tokens: Prepend ``<bos>`` to every row.
        """
        single = isinstance(text, str)
        texts: Sequence[str] = [text] if isinstance(text, str) else text
        rows = [self.encode(t, add_special_tokens) for t in texts]
        masks = [[1] * len(r) for r in rows]
        if padding:
            rows, masks = self._pad(rows)
        if return_tensors == "pt":
            import torch

            return {"input_ids": torch.tensor(rows), "attention_mask": torch.tensor(masks)}
        if return_tensors is not None:
            raise ConfigError(f"return_tensors must be 'pt' or None (got {return_tensors!r})")
        return (
            {"input_ids": rows[0], "attention_mask": masks[0]}
            if single
            else {"input_ids": rows, "attention_mask": masks}
        )

    def _pad(self, rows: list[list[int]]) -> tuple[list[list[int]], list[list[int]]]:
        width = max(len(r) for r in rows)
        ids, masks = [], []
        for row in rows:
            fill = width - len(row)
            if self.padding_side == "left":
                ids.append([self.pad_token_id] * fill + row)
                masks.append([0] * fill + [1] * len(row))
            else:
                ids.append(row + [self.pad_token_id] * fill)
                masks.append([1] * len(row) + [0] * fill)
        return ids, masks

    def save_pretrained(self, directory: str | Path) -> None:
        """Write ``byte_tokenizer.json`` into ``directory`` (created if missing)."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        config = {"type": "byte", "vocab_size": self.vocab_size, "padding_side": self.padding_side}
        (path / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> ByteTokenizer:
        """Load a tokenizer saved by ``save_pretrained``."""
        config = json.loads((Path(directory) / CONFIG_FILE).read_text(encoding="utf-8"))
        if config.get("type") != "byte" or config.get("vocab_size") != cls.vocab_size:
            raise ConfigError(f"{directory}/{CONFIG_FILE} is not a byte tokenizer with {cls.vocab_size} ids")
        return cls(padding_side=config.get("padding_side", "left"))
