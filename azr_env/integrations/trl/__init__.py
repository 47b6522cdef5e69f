"""TRL integration: train on azr-env with Hugging Face TRL's ``GRPOTrainer`` (``pip install 'azr-env[trl]'``).

Solve-only (the solver role on fixed or live tasks)::

    from azr_env.integrations.trl import SolveReward, suite_dataset
    trainer = GRPOTrainer(model, reward_funcs=[SolveReward()], train_dataset=suite_dataset("humaneval-deduction"),
                          args=GRPOConfig(...), processing_class=tokenizer)

Full self-play (both roles, one policy; see ``rollout`` for what TRL cannot express and what we do about it)::

    from azr_env.integrations.trl import SelfPlayRollout, selfplay_dataset, selfplay_reward
    rollout = SelfPlayRollout(EnvConfig(prompt_format="chat", n_solve_samples=8))
    trainer = GRPOTrainer(model, reward_funcs=[selfplay_reward], train_dataset=selfplay_dataset(types, repeats=100),
                          rollout_func=rollout, args=GRPOConfig(shuffle_dataset=False, ...), processing_class=tok)

``examples/trl_grpo.py`` runs the self-play path end to end on a CPU. Supported TRL: ``>=1.16,<1.17``.
"""

from azr_env.integrations.trl.data import buffer_dataset, selfplay_dataset, slot_key, solve_row, suite_dataset
from azr_env.integrations.trl.rewards import SolveReward, selfplay_reward
from azr_env.integrations.trl.rollout import TRL, SelfPlayRollout

__all__ = [
    "TRL",
    "SelfPlayRollout",
    "SolveReward",
    "buffer_dataset",
    "selfplay_dataset",
    "selfplay_reward",
    "slot_key",
    "solve_row",
    "suite_dataset",
]
