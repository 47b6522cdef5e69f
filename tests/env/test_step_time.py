"""Step time does not grow as the buffer grows (DESIGN.md section 9: the paper's step time grew over training)."""

from __future__ import annotations

import statistics
import time

from azr_env.vector import AZRVectorEnv

from .support import CountingExecutor, answer, correct_answer


def test_step_time_stays_flat_over_hundreds_of_steps(fake_executor: CountingExecutor) -> None:
    def solver(requests):  # type: ignore[no-untyped-def]
        return [correct_answer(r.observation) if n % 2 else answer(-1) for n, r in enumerate(requests)]

    envs = AZRVectorEnv(8, executor=fake_executor, solver=solver, task_types=("echo-test",), n_solve_samples=2)
    envs.reset(seed=0, options={"role": "propose"})
    durations = []
    for step in range(300):
        start = time.perf_counter()
        envs.step([answer(step * 8 + i) for i in range(8)])
        durations.append(time.perf_counter() - start)
    assert len(envs.buffer) > 400  # the buffer grew by hundreds of tasks
    early, late = statistics.median(durations[10:60]), statistics.median(durations[-50:])
    assert late < 2.0 * early + 1e-3
