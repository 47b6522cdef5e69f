"""The sandboxed executor: runs model-written Python safely and fast. See ``azr_env.executor.pool``."""

from azr_env.executor.backend import ExecutorBackend, Job
from azr_env.executor.pool import Executor
from azr_env.executor.result import ExecStatus, ExecutionResult, ValidationResult

__all__ = ["ExecStatus", "ExecutionResult", "Executor", "ExecutorBackend", "Job", "ValidationResult"]
