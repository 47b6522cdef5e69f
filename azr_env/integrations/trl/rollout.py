"""``SelfPlayRollout``: a ``rollout_func`` that makes TRL's ``GRPOTrainer`` train both AZR roles.

Per generation batch (the rows of ``selfplay_dataset``, each a (role, task type) slot repeated ``num_generations``
times by TRL), the rollout

1. builds each row's real prompt with the vector env over the shared buffer (a proposer prompt with K references,
   or a solver prompt for a buffer task),
2. samples one completion per row with the trainer's own generator (HF ``generate`` or TRL's vLLM engine),
3. steps the env: proposals are parsed and validated in the sandbox, valid ones enter the buffer, and for each
   the injected solver samples the ``n_solve_samples`` Monte-Carlo attempts with the same generator; the env
   returns the proposer's learnability (or the format penalty) and each solver row's reward,
4. returns TRL's ``prompt_ids``, ``completion_ids``, ``logprobs`` and the extra fields ``azr_reward``, ``azr_role``,
   ``azr_task_type``, ``azr_outcome``; pair it with ``reward_funcs=[selfplay_reward]``.

What TRL cannot express, and what the adapter does about it:

- **TRL's baselines are per group of ``num_generations`` rows, not TRR++'s six (task type, role) baselines.** With
  ``groups="role"`` (default) the G rows of a group get G *different* prompts of the same (type, role) slot, so
  the group's mean and std are exactly TRR++'s (type, role) statistics over G episodes; when a generation batch
  holds each slot once (``shuffle_dataset=False``, ``generation_batch_size = 2 * len(task_types) * G``) this is
  TRR++ at sequence level with batch G per (type, role). ``groups="prompt"`` gives plain GRPO instead: the G rows
  share one prompt (one proposer context, or one buffer task).
- **A ``rollout_func`` returns one row per prompt, so the n Monte-Carlo attempts cannot be trained on there.** They
  only estimate the proposer's learnability (inference, like the paper's code). The solver still learns: the
  solve slots of every batch answer buffer tasks, which include the tasks proposed in earlier batches. Our own
  trainer (``agents/llm``) does train on the attempts.
- The buffer lives in this process: with several training processes each has its own buffer (use the verl
  integration, whose buffer is a named Ray actor, for one shared buffer). Every process issues the same number of
  generate calls per batch (an empty attempt batch is padded with one dummy prompt when there are several), which
  TRL's vLLM server mode needs.

Generation goes through ``GRPOTrainer._tokenize_prompts`` and ``_generate_single_turn``, internal methods of the
pinned TRL (``>=1.16,<1.17``); the version is checked on the first call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from azr_env.buffer import TaskBuffer
from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.integrations.quoting import literal_ids
from azr_env.integrations.trl.data import slot_key
from azr_env.optional import Requirement, require
from azr_env.records import SolveRequest
from azr_env.runtime import Runtime
from azr_env.tasks.base import Role
from azr_env.tasks.prompts import SYSTEM_PROMPT

TRL = Requirement("trl", extra="trl", purpose="the TRL self-play rollout", at_least="1.16", below="1.17")
"""The TRL releases whose ``GRPOTrainer`` internals the rollout calls."""


class SelfPlayRollout:
    """A ``rollout_func(prompts, trainer) -> dict`` for ``GRPOTrainer``; see the module docstring.

    Args:
        config: the env settings (task types, n, K, prompt format, rewards, executor backend).
        executor: an executor to share (never closed here); ``None`` starts the config's one.
        buffer: a task buffer to share (for example with a ``buffer_dataset``); ``None`` seeds one.
        seed: seeds every draw of the env (prompts, references, buffer tasks); a process adds its index.
        groups: ``"role"``: a TRL group is G episodes of one (type, role) slot (TRR++ baselines); ``"prompt"``:
            G completions of one prompt (GRPO).
    """

    def __init__(
        self,
        config: EnvConfig | None = None,
        *,
        executor: ExecutorBackend | None = None,
        buffer: TaskBuffer | None = None,
        seed: int = 0,
        groups: Literal["role", "prompt"] = "role",
    ) -> None:
        if groups not in ("role", "prompt"):
            raise ConfigError(f"groups must be 'role' or 'prompt', got {groups!r}")
        self.config = config or EnvConfig()
        self.groups = groups
        self.seed = seed
        self.slots = {slot_key(role, name): (role, name) for name in self.config.task_types for role in Role}
        self.runtime = Runtime(self.config, executor, buffer)
        self._envs: dict[int, Any] = {}
        self._rng: np.random.Generator | None = None
        self._trainer: Any = None
        self._solver_calls = 0

    @property
    def buffer(self) -> TaskBuffer:
        """The task buffer the rollout proposes into and solves from (seeded on first use)."""
        return self.runtime.buffer

    @property
    def executor(self) -> ExecutorBackend:
        """The executor every env of the rollout shares (started on first use unless injected)."""
        return self.runtime.executor

    def __call__(self, prompts: Sequence[Any], trainer: Any) -> dict[str, Any]:
        """Generate, judge and score one batch of slot rows; one output row per input row, in order."""
        if self._rng is None:
            require(TRL)
            self._rng = np.random.default_rng([self.seed, trainer.accelerator.process_index])
        slots = [self._slot(prompt) for prompt in prompts]
        env = self._env(len(slots))
        group = int(trainer.num_generations if trainer.model.training else trainer.num_generations_eval)
        observations, infos = env.reset(seed=int(self._rng.integers(2**31)), options=self._options(slots, group))
        inputs = [self._policy_input(obs, infos, i) for i, obs in enumerate(observations)]
        self._trainer, self._solver_calls = trainer, 0
        prompt_ids, completion_ids, logprobs = sample(trainer, inputs)
        texts = trainer.processing_class.batch_decode(completion_ids, skip_special_tokens=True)
        _, rewards, _, _, infos = env.step(texts)
        if self._solver_calls == 0 and trainer.accelerator.num_processes > 1:
            sample(trainer, [self._policy_input("", None, 0)])  # every process issues the same generate calls
        return {
            "prompt_ids": prompt_ids,
            "completion_ids": completion_ids,
            "logprobs": logprobs,
            "azr_reward": [float(r) for r in rewards],
            "azr_role": [role.value for role, _ in slots],
            "azr_task_type": [name for _, name in slots],
            "azr_outcome": [str(outcome) for outcome in infos["outcome"]],
        }

    def close(self) -> None:
        """Stop the executor if the rollout started it. Idempotent."""
        self.runtime.close()

    def _slot(self, prompt: Any) -> tuple[Role, str]:
        slot = self.slots.get(prompt) if isinstance(prompt, str) else None
        if slot is None:
            raise ConfigError(
                f"{str(prompt)[:80]!r} is not a self-play slot of task types {self.config.task_types}: "
                "build the train dataset with selfplay_dataset(task_types)"
            )
        return slot

    def _env(self, size: int) -> Any:
        """The vector env of ``size`` rows (one per batch size seen), all sharing the executor and the buffer."""
        if size not in self._envs:
            from azr_env.vector import AZRVectorEnv

            env = AZRVectorEnv(size, self.config, executor=self.executor, buffer=self.buffer, solver=self._solve)
            self._envs[size] = env
        return self._envs[size]

    def _options(self, slots: list[tuple[Role, str]], group: int) -> dict[str, list[Any]]:
        """Reset options: each row's slot; with ``groups="prompt"`` one shared context or task per group."""
        options: dict[str, list[Any]] = {"role": [r.value for r, _ in slots], "task_type": [t for _, t in slots]}
        if self.groups == "prompt" and self._rng is not None:
            seeds, task_ids = [], []
            for start in range(0, len(slots), group):
                role, name = slots[start]
                store = self.buffer.tasks(name)
                task = store[int(self._rng.integers(len(store)))].task_id if role is Role.SOLVE and store else None
                seed = int(self._rng.integers(2**31)) if role is Role.PROPOSE else None
                width = len(slots[start : start + group])
                seeds += [seed] * width
                task_ids += [task] * width
            options.update(context_seed=seeds, task_id=task_ids)
        return options

    def _policy_input(self, observation: str, infos: dict[str, Any] | None, index: int) -> Any:
        """What the generator gets for one row: the R1 text, or system + user messages in chat format."""
        if self.config.prompt_format == "r1":
            return observation
        system = infos["system_prompt"][index] if infos is not None and "system_prompt" in infos else SYSTEM_PROMPT
        return [{"role": "system", "content": system}, {"role": "user", "content": observation}]

    def _request_input(self, request: SolveRequest) -> Any:
        """A solver attempt's generator input, with the system prompt its task type built (chat format)."""
        if self.config.prompt_format == "r1":
            return request.observation
        return [{"role": "system", "content": request.prompt.system}, {"role": "user", "content": request.prompt.user}]

    def _solve(self, requests: Sequence[SolveRequest]) -> list[str]:
        """The env's solver: the n attempts at each new task, sampled by the policy being trained (not trained)."""
        self._solver_calls += 1
        inputs = [self._request_input(request) for request in requests]
        _, completion_ids, _ = sample(self._trainer, inputs)
        return list(self._trainer.processing_class.batch_decode(completion_ids, skip_special_tokens=True))


def sample(trainer: Any, prompts: Sequence[Any]) -> tuple[list[list[int]], list[list[int]], Any]:
    """Tokenize ``prompts`` and sample one completion each with the trainer's generator (HF or vLLM)."""
    encoded, _, fields = trainer._tokenize_prompts(list(prompts))
    tokenizer = trainer.processing_class
    text = bool(prompts) and isinstance(prompts[0], str)  # R1 text is tokenized with the tokenizer's own specials
    prompt_ids = literal_ids(tokenizer, prompts, encoded, add_special_tokens=text)  # quoted specials stay text
    completion_ids, logprobs = trainer._generate_single_turn(prompt_ids, None, fields, 1)
    return prompt_ids, [list(ids) for ids in completion_ids], logprobs
