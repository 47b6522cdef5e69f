"""Shared fixtures. The executor is session-scoped: starting the sandboxed pool costs a few hundred ms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def executor() -> Iterator[object]:
    """One sandboxed executor pool shared by the whole test session."""
    from azr_env.executor import Executor  # type: ignore[attr-defined]

    with Executor(workers=2, timeout_s=2.0) as ex:
        yield ex
