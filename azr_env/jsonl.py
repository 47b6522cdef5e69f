r"""JSON Lines that any Python text can be written to: the one serializer of model text to JSONL files.

Model text may hold lone surrogates (``"\ud800"``), which UTF-8 cannot encode: a line with ``ensure_ascii=False``
would raise when written. ``dumps_line`` keeps non-ASCII text readable and escapes only the lines that need it; both
forms read back with ``json.loads`` to the same value.
"""

from __future__ import annotations

import json
from typing import Any


def dumps_line(record: Any, **kwargs: Any) -> str:
    """Return ``record`` as one JSON line that encodes to UTF-8 (``kwargs`` go to ``json.dumps``)."""
    line = json.dumps(record, ensure_ascii=False, **kwargs)
    if line.isascii():
        return line
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, **kwargs)
    return line
