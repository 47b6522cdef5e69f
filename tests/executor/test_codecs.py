"""The sandbox has every codec plain CPython has, with the same results (a missing one silently changes labels)."""

from __future__ import annotations

import encodings
import os
from typing import Any

import pytest

from azr_env.executor import ExecStatus, Executor
from azr_env.executor.canonical import canonical_repr

ROUND_TRIP = """
def f(name, text):
    try:
        data = text.encode(name, 'replace')
        return [data, data.decode(name, 'replace')]
    except LookupError:
        return 'LookupError'
    except (UnicodeError, ValueError, TypeError):
        return 'error'
"""
TEXT = "héllo wörld ¥ ∑ 日本語 Ω ß \u2028 \x00 ok"

_FOLDER = os.path.dirname(encodings.__file__)
_MODULES = {name[:-3] for name in os.listdir(_FOLDER) if name.endswith(".py") and not name.startswith("_")}
CODECS = [
    *sorted(_MODULES - {"aliases", "mbcs", "oem", "cp65001"}),
    *("sjis", "Shift-JIS", "UTF8", "utf-8-sig", "U8", "latin-1", "cp437", "IBM437", "euc-jp", "no-such-codec"),
]


def in_cpython(name: str, text: str) -> object:
    """What the program returns under plain CPython: the same source, run here (it is our own test code)."""
    namespace: dict[str, Any] = {}
    exec(ROUND_TRIP, namespace)
    return namespace["f"](name, text)


@pytest.fixture(scope="module")
def sandboxed(executor: Executor) -> dict[str, tuple[ExecStatus, str | None]]:
    results = executor.run_many([(ROUND_TRIP, f"{name!r}, {TEXT!r}") for name in CODECS])
    return {name: (r.status, r.output) for name, r in zip(CODECS, results, strict=True)}


def test_every_cpython_codec_module_is_checked() -> None:
    assert len(CODECS) > 100
    assert {"shift_jis", "utf_8_sig", "cp437", "euc_jp", "big5", "koi8_r", "mac_roman", "idna"} <= set(CODECS)


@pytest.mark.parametrize("name", CODECS)
def test_a_codec_round_trips_as_in_cpython(sandboxed: dict[str, tuple[ExecStatus, str | None]], name: str) -> None:
    assert sandboxed[name] == (ExecStatus.OK, canonical_repr(in_cpython(name, TEXT)))
