"""Trainer adapters keep a quoted special token as text in the prompts they hand to TRL and verl."""

from __future__ import annotations

from typing import Any

import pytest

from azr_env.integrations.quoting import literal_ids
from tests.chat_tokenizer import PROGRAM, chat_tokenizer, control_ids

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

QUOTING = [{"role": "system", "content": "Be exact."}, {"role": "user", "content": f"What is f(1)?\n{PROGRAM}"}]


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return chat_tokenizer()


def templated(tokenizer: Any, messages: list[dict[str, str]]) -> list[int]:
    """What TRL's and verl's builders do: the chat template rendered and tokenized in one pass."""
    return list(
        tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)[
            "input_ids"
        ]
    )


def test_a_quoted_end_of_turn_in_chat_messages_stays_text(tokenizer: Any) -> None:
    one_pass = templated(tokenizer, QUOTING)
    assert control_ids(tokenizer, one_pass) == 7  # the forged end of turn and user turn are real tokens there
    (ids,) = literal_ids(tokenizer, [QUOTING], [one_pass], add_special_tokens=False)
    assert control_ids(tokenizer, ids) == 5  # the template's own only
    assert tokenizer.decode(ids) == tokenizer.decode(one_pass)


def test_quoting_r1_text_stays_text(tokenizer: Any) -> None:
    text = f"User: {PROGRAM}\nAssistant: <think>"
    (ids,) = literal_ids(tokenizer, [text], [tokenizer(text)["input_ids"]], add_special_tokens=True)
    assert control_ids(tokenizer, ids) == 0


def test_a_prompt_that_quotes_nothing_keeps_the_trainer_s_ids(tokenizer: Any) -> None:
    plain = [{"role": "user", "content": "What is f(1)?"}]
    assert literal_ids(tokenizer, [plain], [[3, 1, 4]], add_special_tokens=False) == [[3, 1, 4]]


class Trainer:
    """The two ``GRPOTrainer`` internals the TRL rollout calls, tokenizing as TRL 1.16 does for chat prompts."""

    def __init__(self, tokenizer: Any) -> None:
        self.processing_class = tokenizer
        self.generated_from: list[list[int]] = []

    def _tokenize_prompts(self, prompts: list[Any]) -> tuple[list[list[int]], None, dict[str, Any]]:
        return [templated(self.processing_class, p) for p in prompts], None, {}

    def _generate_single_turn(self, prompt_ids: list[list[int]], images: None, fields: dict, n: int) -> Any:
        self.generated_from = prompt_ids
        return [[0] for _ in prompt_ids], None


def test_the_trl_rollout_generates_from_and_returns_the_literal_ids(tokenizer: Any) -> None:
    from azr_env.integrations.trl.rollout import sample

    trainer = Trainer(tokenizer)
    prompt_ids, _, _ = sample(trainer, [QUOTING])
    assert control_ids(tokenizer, prompt_ids[0]) == 5
    assert trainer.generated_from == prompt_ids
