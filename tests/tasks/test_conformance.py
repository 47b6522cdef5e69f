"""The conformance kit over every registered task type."""

import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import get_task_type, list_task_types
from azr_env.testing import check_task_type


@pytest.mark.parametrize("name", list_task_types())
def test_every_registered_type_passes_the_kit(name: str, executor: ExecutorBackend) -> None:
    report = check_task_type(get_task_type(name), executor)
    assert report.passed, report.failures
