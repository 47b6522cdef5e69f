"""Fixtures of the task-type tests: a zero-seeded buffer over the built-in types."""

from __future__ import annotations

import pytest

from azr_env.buffer import TaskBuffer
from azr_env.executor.backend import ExecutorBackend


@pytest.fixture(scope="session")
def seeded_buffer(executor: ExecutorBackend) -> TaskBuffer:
    """A buffer holding the zero triplet of each built-in type (do not mutate)."""
    return TaskBuffer.seeded(["deduction", "abduction", "induction"], executor)
