"""TRR++ advantages against hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest

from agents.llm.trr import group_whiten, task_relative_advantages

# Six (type, role) groups interleaved in one batch; expected values computed by hand (population std, eq. 8).
BATCH = [
    ("deduction", "propose", 1.0, 1.0),
    ("deduction", "solve", 1.0, 3**0.5),  # group [1, 0, 0, 0]: mean 1/4, std sqrt(3)/4
    ("abduction", "propose", 0.5, 0.0),  # singleton
    ("induction", "propose", 0.25, 0.25 / (1.625 / 3) ** 0.5),  # group [.25, -1, .75]: mean 0, var 1.625/3
    ("deduction", "solve", 0.0, -(3**-0.5)),
    ("abduction", "solve", -0.5, 0.0),  # constant group
    ("induction", "solve", 1.0, 1.0),  # group [1, -.5]: mean .25, std .75
    ("deduction", "propose", -1.0, -1.0),
    ("abduction", "solve", -0.5, 0.0),
    ("induction", "propose", -1.0, -1.0 / (1.625 / 3) ** 0.5),
    ("deduction", "solve", 0.0, -(3**-0.5)),
    ("induction", "solve", -0.5, -1.0),
    ("abduction", "solve", -0.5, 0.0),
    ("induction", "propose", 0.75, 0.75 / (1.625 / 3) ** 0.5),
    ("deduction", "solve", 0.0, -(3**-0.5)),
]


def test_six_baselines_match_hand_computed_values():
    types, roles, rewards, expected = zip(*BATCH, strict=True)
    adv = task_relative_advantages(np.array(rewards), types, roles)
    np.testing.assert_allclose(adv, expected, rtol=1e-6, atol=1e-7)


def test_singleton_and_constant_groups_are_exactly_zero():
    adv = task_relative_advantages([0.3, 0.7, 0.7], ["a", "b", "b"], ["solve", "solve", "solve"])
    assert adv.tolist() == [0.0, 0.0, 0.0]


def test_token_level_weighs_long_responses_more():
    # tokens [1, 1, 1, 0]: mean .75, unbiased var .25 -> (1 - .75)/.5 = .5 and (0 - .75)/.5 = -1.5
    adv = task_relative_advantages([1.0, 0.0], ["d", "d"], ["solve", "solve"], level="token", lengths=[3, 1])
    np.testing.assert_allclose(adv, [0.5, -1.5], rtol=1e-6)


def test_token_level_with_equal_lengths_keeps_the_ordering():
    adv = task_relative_advantages([1.0, 0.0, 0.0], ["d"] * 3, ["solve"] * 3, level="token", lengths=[2, 2, 2])
    assert adv[0] > 0 > adv[1] == adv[2]


def test_token_level_needs_lengths():
    from azr_env.errors import ConfigError

    with pytest.raises(ConfigError):
        group_whiten(np.zeros(2), [0, 0], level="token")
