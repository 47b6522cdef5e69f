"""Adapters that plug azr-env into the trainers users already run.

- ``azr_env.integrations.trl``: solve-only datasets and reward functions, and a self-play ``rollout_func``, for
  TRL's ``GRPOTrainer`` (``[trl]`` extra).
- ``azr_env.integrations.verl``: a ``compute_score`` reward function, parquet datasets, agent loops and a TRR++
  advantage estimator for verl (``[verl]`` extra, its own environment).

Both are thin: they speak the env's public API (task types' prompts and ``verify``, the ``Judge``, the buffer, the
vector env with an injected solver) and import their trainer only when used.
"""
