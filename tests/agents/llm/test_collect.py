"""The recording solver formats solver observations the way the env presents them."""

from __future__ import annotations

from collections.abc import Sequence

from agents.llm.collect import RecordingSolver
from agents.llm.sampling import Generation, SamplingParams


class PromptRecorder:
    """A backend double that remembers the prompts it was asked to continue."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        self.prompts.extend(prompts)
        return [Generation([1], [2], [-0.5], "x", "stop") for _ in prompts]

    def sync_weights(self, model: object) -> None:
        """Nothing to sync."""

    def close(self) -> None:
        """Nothing to close."""


class NoTemplate:
    chat_template = None


def test_chat_format_attempts_carry_the_system_prompt() -> None:
    backend = PromptRecorder()
    RecordingSolver(backend, NoTemplate(), system_prompt="SYSTEM RULES")(["what is f(1)?"])  # type: ignore[arg-type]
    assert "SYSTEM RULES" in backend.prompts[0] and "what is f(1)?" in backend.prompts[0]


def test_r1_format_attempts_are_the_observation_unchanged() -> None:
    backend = PromptRecorder()
    RecordingSolver(backend, NoTemplate())(["User: q\nAssistant: <think>"])  # type: ignore[arg-type]
    assert backend.prompts == ["User: q\nAssistant: <think>"]


def test_chat_training_step_runs(make_trainer, tiny_config) -> None:
    """`--prompt-format chat` reaches the env (user-message observations) and the solver attempts."""
    trainer = make_trainer(tiny_config, prompt_format="chat", steps=1)
    trainer.run()
    assert trainer.solver.system_prompt is not None
