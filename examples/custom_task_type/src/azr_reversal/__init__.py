"""An example azr-env plugin: the ``reversal`` task type, registered through the ``azr_env.task_types`` group."""

from azr_reversal.reversal import Reversal

__all__ = ["Reversal"]
