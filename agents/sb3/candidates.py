"""Candidate answers for the choice view: the gold answer plus wrong ones, each proven wrong with the executor.

- deduction: outputs of the program on mutated inputs that differ from the gold output, then fixed literals;
- abduction: mutated inputs whose output differs from the gold output (or that fail to run);
- induction: library programs that disagree with the task on at least one pair.

Task types without a maker here are treated like deduction (their answer is the first output). If too few wrong
answers are found, the last one found repeats (never a second copy of the gold answer, unless nothing wrong exists).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from agents.baselines.answers import solve_format
from agents.baselines.inputs import fresh_inputs
from agents.baselines.programs import LIBRARY
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import Task

FALLBACK_OUTPUTS = ("None", "0", "-1", "''", "[]", "True", "()", "{}")
"""Canonical literals used as wrong outputs when mutated inputs do not give enough distinct ones."""

Maker = Callable[[Task, ExecutorBackend, int, np.random.Generator], list[str]]


def _wrong_outputs(task: Task, executor: ExecutorBackend, count: int, rng: np.random.Generator) -> list[str]:
    inputs = fresh_inputs(task.inputs[0], count * 3, rng)
    results = executor.run_many([(task.program, expr) for expr in inputs])
    outputs = [r.output for r in results if r.ok and r.output is not None]
    gold = task.outputs[0]
    return list(dict.fromkeys(o for o in [*outputs, *FALLBACK_OUTPUTS] if o != gold))[:count]


def _wrong_inputs(task: Task, executor: ExecutorBackend, count: int, rng: np.random.Generator) -> list[str]:
    inputs = [expr for expr in fresh_inputs(task.inputs[0], count * 3, rng) if expr != task.inputs[0]]
    results = executor.run_many([(task.program, expr) for expr in inputs])
    return [expr for expr, r in zip(inputs, results, strict=True) if not r.ok or r.output != task.outputs[0]][:count]


def _wrong_programs(task: Task, executor: ExecutorBackend, count: int, rng: np.random.Generator) -> list[str]:
    order = rng.permutation(len(LIBRARY))
    programs = [LIBRARY[int(i)].source for i in order]
    jobs = [(program, expr) for program in programs for expr in task.inputs]
    results = executor.run_many(jobs)
    n = len(task.inputs)
    wrong = []
    for p, program in enumerate(programs):
        outputs = [r.output if r.ok else None for r in results[p * n : (p + 1) * n]]
        if outputs != list(task.outputs):
            wrong.append(program)
    return wrong[:count]


MAKERS: dict[str, Maker] = {"deduction": _wrong_outputs, "abduction": _wrong_inputs, "induction": _wrong_programs}


def candidates(task: Task, executor: ExecutorBackend, k: int, rng: np.random.Generator) -> tuple[list[str], int]:
    """Return ``k`` shuffled candidate answers and the index of the correct one."""
    gold = solve_format(task.task_type).gold(task)
    wrong = MAKERS.get(task.task_type, _wrong_outputs)(task, executor, k - 1, rng)
    while len(wrong) < k - 1:
        wrong.append(wrong[-1] if wrong else gold)
    options: Sequence[str] = [gold, *wrong]
    order = rng.permutation(k)
    return [options[int(i)] for i in order], int(np.flatnonzero(order == 0)[0])
