"""Short names for the response builders the task-type tests use."""

from azr_env.tasks.examples import example_response as respond
from azr_env.tasks.prompts import fence as fenced

__all__ = ["fenced", "respond"]
