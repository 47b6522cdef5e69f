"""The researcher example in examples/custom_estimator: a registered advantage estimator."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from agents.llm.estimators import AdvantageInputs, get_estimator

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "custom_estimator" / "median_baseline.py"


@pytest.fixture(scope="module")
def estimator():
    spec = importlib.util.spec_from_file_location("median_baseline_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.median_baseline


def test_median_baseline_is_registered(estimator) -> None:
    assert get_estimator("median-baseline") is estimator


def test_median_baseline_hand_computed(estimator) -> None:
    inputs = AdvantageInputs(
        rewards=np.array([1.0, 0.0, -1.0, 0.5, 0.25]),
        task_types=["deduction"] * 3 + ["abduction"] * 2,
        roles=["solve"] * 5,
        group_ids=list("abcde"),
        lengths=np.ones(5),
    )
    assert estimator(inputs).tolist() == [1.0, 0.0, -1.0, 0.125, -0.125]
