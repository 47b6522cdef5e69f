"""The byte-level vocabulary shared by the SB3 views: id 0 pads, id 1 ends an answer, ids 2..257 are bytes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PAD = 0
EOS = 1
OFFSET = 2
VOCAB_SIZE = 256 + OFFSET


def encode(text: str) -> list[int]:
    """Return the token ids of ``text``'s UTF-8 bytes."""
    return [byte + OFFSET for byte in text.encode("utf-8")]


def decode(ids: Sequence[int]) -> str:
    """Return the text of byte ids (pad and end ids are skipped; invalid UTF-8 is replaced)."""
    return bytes(int(i) - OFFSET for i in ids if int(i) >= OFFSET).decode("utf-8", errors="replace")


def fit(ids: Sequence[int], length: int, *, keep_tail: bool) -> np.ndarray:
    """Return ``ids`` cut or padded to ``length`` as float32: the tail left-padded, or the head right-padded."""
    out = np.full(length, PAD, dtype=np.float32)
    if length == 0:
        return out
    part = list(ids)[-length:] if keep_tail else list(ids)[:length]
    if keep_tail:
        out[length - len(part) :] = part
    else:
        out[: len(part)] = part
    return out
