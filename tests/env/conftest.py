"""Fixtures of the env tests: the echo-test task type and a counting fake executor (see ``support``)."""

from __future__ import annotations

import pytest

from .support import CountingExecutor


@pytest.fixture
def fake_executor() -> CountingExecutor:
    """A fresh counting executor double."""
    return CountingExecutor()
