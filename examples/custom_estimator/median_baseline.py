"""A researcher's new RL algorithm in one file: a ``median-baseline`` advantage estimator for ``azr train``.

Advantage = reward minus the median reward of the same (task type, role) group: like TRR++'s six baselines, but
robust to the -1 format-penalty outliers, and without dividing by a standard deviation.

Run it on the CPU (the module registers the estimator, then hands its arguments to the ``azr`` command line)::

    python examples/custom_estimator/median_baseline.py train --algo median-baseline \
        --model tiny-random --steps 3 --batch-size 2 --max-new-tokens 48 --run-dir runs/median
    azr train --algo trr++ --model tiny-random --steps 3 --batch-size 2 --max-new-tokens 48 --run-dir runs/trr
    azr report runs/median runs/trr
"""

from __future__ import annotations

import sys
from collections import defaultdict

import numpy as np

from agents.llm.estimators import AdvantageInputs, register_estimator


@register_estimator("median-baseline")
def median_baseline(inputs: AdvantageInputs) -> np.ndarray:
    """Return ``(B,)`` advantages: each reward minus its (task type, role) group's median reward."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, key in enumerate(zip(inputs.task_types, inputs.roles, strict=True)):
        groups[key].append(index)
    advantages = np.zeros_like(inputs.rewards, dtype=np.float64)  # (B,)
    for members in groups.values():
        advantages[members] = inputs.rewards[members] - np.median(inputs.rewards[members])
    return advantages


if __name__ == "__main__":
    from azr_env.cli import main

    sys.exit(main(sys.argv[1:]))
