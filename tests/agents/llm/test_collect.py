"""The recording solver renders each request's prompt in the env's format and keeps its generation by request."""

from __future__ import annotations

from collections.abc import Sequence

from agents.llm.collect import RecordingSolver, episode_layout
from agents.llm.sampling import Generation, SamplingParams
from azr_env.records import SolveRequest
from azr_env.tasks.base import Prompt, Role, Task


class PromptRecorder:
    """A backend double that remembers the prompts it was asked to continue."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        self.prompts.extend(prompts)
        return [Generation([1], [2], [-0.5], f"answer {len(self.prompts) + i}", "stop") for i in range(len(prompts))]

    def sync_weights(self, model: object) -> None:
        """Nothing to sync."""

    def close(self) -> None:
        """Nothing to close."""


class NoTemplate:
    chat_template = None


TASK = Task("deduction", "def f(x):\n    return x\n", ("1",), ("1",))


def request(index: int = 0) -> SolveRequest:
    return SolveRequest(Prompt("SYSTEM RULES", "what is f(1)?"), "what is f(1)?", TASK, index)


def test_chat_format_attempts_carry_the_system_prompt() -> None:
    backend = PromptRecorder()
    RecordingSolver(backend, NoTemplate(), "chat")([request()])  # type: ignore[arg-type]
    assert "SYSTEM RULES" in backend.prompts[0] and "what is f(1)?" in backend.prompts[0]


def test_r1_format_attempts_are_the_r1_text() -> None:
    backend = PromptRecorder()
    RecordingSolver(backend, NoTemplate(), "r1")([request()])  # type: ignore[arg-type]
    assert backend.prompts == ["SYSTEM RULES\n\nUser: what is f(1)?\nAssistant: <think>"]


def test_each_generation_is_kept_under_its_own_request() -> None:
    solver = RecordingSolver(PromptRecorder(), NoTemplate(), "r1")  # type: ignore[arg-type]
    first, second = request(0), request(0)  # equal fields, two distinct requests
    texts = solver([first, second])
    assert [solver.generations[first].text, solver.generations[second].text] == texts
    assert texts[0] != texts[1]


def test_layout_groups_consecutive_slots_of_one_type_and_role() -> None:
    slots = episode_layout(("deduction",), batch_size=4, group_size=2)
    assert [(s.role, s.group) for s in slots] == [
        (Role.PROPOSE, 0), (Role.PROPOSE, 0), (Role.PROPOSE, 1), (Role.PROPOSE, 1),
        (Role.SOLVE, 2), (Role.SOLVE, 2), (Role.SOLVE, 3), (Role.SOLVE, 3),
    ]  # fmt: skip


def test_chat_training_step_runs(make_trainer, tiny_config) -> None:
    """`--prompt-format chat` reaches the env (user-message observations) and the solver attempts."""
    trainer = make_trainer(tiny_config, prompt_format="chat", steps=1)
    trainer.run()
    assert trainer.solver.prompt_format == "chat"
