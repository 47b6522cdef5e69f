"""The executor and buffer behind an env, created on first use and closed only if the env created them.

Constructing an env starts nothing: the sandbox pool starts at the first reset that needs it, so registering,
constructing and pickling env factories (``AsyncVectorEnv``) stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend

if TYPE_CHECKING:
    from azr_env.buffer import TaskBuffer


class Runtime:
    """Owns, or borrows, one executor and one task buffer.

    Args:
        config: executor limits, buffer cap and seed file.
        executor: an executor to borrow (never closed here); ``None`` creates one on first use.
        buffer: a buffer to share; ``None`` seeds one on first use.
    """

    def __init__(
        self,
        config: EnvConfig,
        executor: ExecutorBackend | None = None,
        buffer: TaskBuffer | None = None,
    ) -> None:
        self.config = config
        self._executor = executor
        self._owns_executor = executor is None
        self._buffer = buffer

    @property
    def executor(self) -> ExecutorBackend:
        """The executor, started now if this runtime owns it and it is not running yet."""
        if self._executor is None:
            self._executor = start_executor(self.config)
        return self._executor

    def get_executor(self) -> ExecutorBackend:
        """Return ``executor`` (a picklable callable for code that needs the executor later, if at all)."""
        return self.executor

    @property
    def buffer(self) -> TaskBuffer:
        """The task buffer, seeded now (labels computed by the executor) if it does not exist yet."""
        if self._buffer is None:
            from azr_env.buffer import TaskBuffer
            from azr_env.tasks import get_task_type

            cfg = self.config
            types = [get_task_type(name) for name in cfg.task_types]
            self._buffer = TaskBuffer.seeded(types, self.executor, seed_file=cfg.seed_file, cap=cfg.buffer_cap)
        return self._buffer

    def close(self) -> None:
        """Close the executor if this runtime created it. Idempotent; the buffer stays readable."""
        if self._owns_executor and self._executor is not None:
            self._executor.close()
            self._executor = None


def start_executor(config: EnvConfig) -> ExecutorBackend:
    """Start the executor ``config.executor_backend`` names (local pool or Ray pool) with the config's limits."""
    if config.executor_backend == "ray":
        from azr_env.executor.ray_backend import RayExecutor

        return RayExecutor(config.ray_spec(), timeout_s=config.timeout_s, memory_mb=config.memory_mb)
    from azr_env.executor import Executor

    return Executor(workers=config.executor_workers, timeout_s=config.timeout_s, memory_mb=config.memory_mb)
