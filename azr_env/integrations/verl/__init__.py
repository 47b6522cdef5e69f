"""verl integration: AZR self-play and solve-only training with verl (``pip install 'azr-env[verl]'``, verl 0.9.1).

- ``reward.compute_score`` / ``compute_score_batch``: verl's ``custom_reward_function`` for solve rows.
- ``dataset``: parquet files in verl's schema from suites, buffer snapshots and self-play slots.
- ``agent_loops``: ``azr_propose`` and ``azr_solve`` (``AgentLoopBase``), over one named ``SelfPlayService`` actor
  that holds the buffer, the judge and the executor (``service``).
- ``plugin``: loaded by verl itself (entry point ``verl.plugins``); registers the loops and the ``azr_trr``
  advantage estimator (TRR++: one baseline per (task type, role), ``advantage``).

Only ``agent_loops`` and ``plugin`` import verl; the rest is tested without it. ``examples/verl/`` has ready
configs and launch scripts.
"""

from azr_env.optional import Requirement

VERL = Requirement("verl", extra="verl", purpose="the verl integration", at_least="0.9.1", below="0.9.2")
"""The verl release the agent loops and the estimator are written against (its agent-loop API is alpha)."""
