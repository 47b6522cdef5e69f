"""verl agent loops for the two AZR roles (``azr_propose``, ``azr_solve``), written against verl 0.9.1.

Each dataset row names its loop (``agent_name``) and its slot (``extra_info``: role, task type, and for a solve row
of a suite or snapshot, its task in ``reward_model.ground_truth``). Both loops talk to the one named
``SelfPlayService`` actor (buffer, judge, executor) and generate through verl's ``server_manager`` (token in, token
out), so a verl user runs AZR self-play with their own trainer config:

- ``azr_propose``: the service builds a proposer prompt from the live buffer; the policy writes a proposal; the
  service validates it (a valid task enters the buffer); the loop then samples ``n_solve_samples`` solver attempts
  with the same server, concurrently, and the service scores them: the row's ``reward_score`` is the proposer's
  learnability (or the format penalty). The attempts are inference only: verl's ``AgentLoopOutput`` holds one
  trajectory per row.
- ``azr_solve``: the row's own task, or a buffer task of its type; ``reward_score`` is the solver reward.

Settings come from the trainer config's ``azr`` section (``+azr.n_solve_samples=8 +azr.task_types=[deduction]``),
read by the first loop that creates the service. ``extra_fields`` carry ``azr_role``, ``azr_task_type`` and
``azr_outcome`` into the batch.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

from azr_env.integrations.verl import VERL
from azr_env.optional import require

require(VERL)  # before verl's own imports: a wrong verl fails with the message that says what to install

from verl.experimental.agent_loop.agent_loop import AgentLoopBase, AgentLoopOutput, register  # noqa: E402

from azr_env.config import EnvConfig  # noqa: E402
from azr_env.integrations.quoting import literal_ids  # noqa: E402
from azr_env.integrations.verl.service import SERVICE_NAME, get_service  # noqa: E402
from azr_env.tasks.base import Role  # noqa: E402

AZR_KEYS = (
    "task_types", "n_solve_samples", "k_references", "timeout_s", "memory_mb", "buffer_cap", "seed_file",
    "executor_backend", "ray_address", "ray_actors", "ray_cpus_per_actor",
)  # fmt: skip
"""The ``EnvConfig`` fields a trainer config's ``azr`` section may set."""


def env_config(section: Any) -> EnvConfig:
    """The ``EnvConfig`` of a trainer config's ``azr`` section (a mapping; missing keys keep their defaults)."""
    values = {key: section[key] for key in AZR_KEYS if section is not None and key in section}
    if "task_types" in values:
        values["task_types"] = tuple(values["task_types"])
    return EnvConfig(prompt_format="chat", **values)


class _AzrLoop(AgentLoopBase):
    """What both roles share: the service, one generation, and the output record."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section = self.config.get("azr", None)
        self.env_config = env_config(section)
        name = section.get("service_name", SERVICE_NAME) if section is not None else SERVICE_NAME
        self.service = get_service(name, self.env_config)
        self.response_length = int(self.rollout_config.response_length)

    async def generate(self, messages: list[dict[str, str]], sampling_params: dict[str, Any]) -> tuple[list[int], Any]:
        """Tokenize ``messages`` with verl's builder and sample one response; return ``(prompt_ids, output)``."""
        built = await self.ct_build_initial_tokens(messages)
        (prompt_ids,) = literal_ids(self.tokenizer, [messages], [built], add_special_tokens=False)  # quoted: text
        output = await self.server_manager.generate(
            request_id=uuid4().hex, prompt_ids=prompt_ids, sampling_params=sampling_params
        )
        return prompt_ids, output

    def text(self, output: Any) -> str:
        """The decoded response."""
        return str(self.tokenizer.decode(output.token_ids[: self.response_length], skip_special_tokens=True))

    async def record(self, prompt_ids: list[int], output: Any, reward: float, extra: dict[str, Any]) -> AgentLoopOutput:
        """The row's trajectory with its reward, the response cut to ``response_length``."""
        merged, mask, logprobs = await self.ct_merge_assistant_token(
            prompt_ids, output.token_ids, [], [] if output.log_probs else None,
            assistant_logprobs=output.log_probs or None,
        )  # fmt: skip
        response = merged.token_ids[-len(mask) :] if mask else []
        prompt = merged.token_ids[: len(merged.token_ids) - len(mask)]
        cut = self.response_length
        return AgentLoopOutput(
            prompt_ids=prompt, response_ids=response[:cut], response_mask=mask[:cut],
            response_logprobs=logprobs[:cut] if logprobs else None, reward_score=float(reward), num_turns=2,
            metrics={}, extra_fields={**extra, "turn_scores": [], "tool_rewards": []},
        )  # fmt: skip


@register("azr_propose")
class ProposeLoop(_AzrLoop):
    """Proposer rows: a proposal, its validation, then ``n_solve_samples`` attempts for its learnability."""

    async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> AgentLoopOutput:
        """One propose episode; ``reward_score`` is the proposer reward."""
        task_type = kwargs["extra_info"]["task_type"]
        uid = str(kwargs.get("uid") or uuid4().hex)
        messages = await self.service.proposer_prompt.remote(task_type, uid)
        prompt_ids, output = await self.generate(messages, sampling_params)
        check = await self.service.judge_proposal.remote(task_type, uid, self.text(output))
        if check["task"] is None:
            reward = await self.service.invalid_reward.remote(check["outcome"])
        else:
            reward = await self.service.learnability.remote(await self.attempts(check["task"], sampling_params))
        extra = {"azr_role": Role.PROPOSE.value, "azr_task_type": task_type, "azr_outcome": check["outcome"]}
        return await self.record(prompt_ids, output, reward, extra)

    async def attempts(self, task: dict[str, Any], sampling_params: dict[str, Any]) -> list[str]:
        """Sample the n solver attempts at a new task concurrently; return their judged outcomes."""
        messages = await self.service.solver_messages.remote(task)
        n = self.env_config.n_solve_samples
        outputs = await asyncio.gather(*(self.generate(messages, sampling_params) for _ in range(n)))
        return list(await self.service.score.remote(task, [self.text(out) for _, out in outputs]))


@register("azr_solve")
class SolveLoop(_AzrLoop):
    """Solver rows: the row's task (suite or snapshot) or a buffer task of its type; the solver reward."""

    async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> AgentLoopOutput:
        """One solve episode; ``reward_score`` is the solver reward."""
        import json

        info, uid = kwargs["extra_info"], str(kwargs.get("uid") or uuid4().hex)
        truth = (kwargs.get("reward_model") or {}).get("ground_truth") or ""
        task = json.loads(truth) if truth else await self.service.solve_task.remote(info["task_type"], uid)
        messages = await self.service.solver_messages.remote(task)
        prompt_ids, output = await self.generate(messages, sampling_params)
        (outcome,) = await self.service.score.remote(task, [self.text(output)], uid)
        reward = await self.service.solver_reward.remote(outcome)
        extra = {"azr_role": Role.SOLVE.value, "azr_task_type": task["task_type"], "azr_outcome": outcome}
        return await self.record(prompt_ids, output, reward, extra)
