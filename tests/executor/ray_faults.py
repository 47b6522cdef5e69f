"""Sandbox actors that die on cue, to test how ``RayExecutor`` handles actors lost mid-batch.

A job whose program contains ``DIE_ONCE`` followed by a path kills its actor's process the first time any actor
sees it (the path records that it happened); ``DIE_ALWAYS`` kills every actor that receives it. Real faults (a node
killed, the OOM killer) look the same to the driver: the call's actor is gone without answering.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from azr_env.executor.backend import Job
from azr_env.executor.ray_actor import Row, SandboxActor

DIE_ONCE = "# die-once:"
DIE_ALWAYS = "# die-always"


class FaultyActor(SandboxActor):
    """A ``SandboxActor`` that exits without answering when a batch holds a dying job."""

    def run_many(self, jobs: Sequence[Job]) -> list[Row]:
        for program, _ in jobs:
            if DIE_ALWAYS in program:
                os._exit(1)
            if DIE_ONCE in program:
                flag = Path(program.split(DIE_ONCE, 1)[1].splitlines()[0].strip())
                if not flag.exists():
                    flag.write_text("died")
                    os._exit(1)
        return super().run_many(jobs)


def dying_job(marker: str, value: int) -> Job:
    """A valid job (``f`` returns ``value``) carrying a death marker in a comment."""
    return (f"{marker}\ndef f():\n    return {value}\n", "")
