"""Text a policy wrote, quoted in a later prompt, never encodes to a control token (``PromptText``)."""

from __future__ import annotations

import pytest

from agents.llm.backends.base import encode_prompts
from agents.llm.prompting import PromptText, format_messages, format_observation
from tests.chat_tokenizer import PROGRAM, chat_tokenizer, control_ids

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")


@pytest.fixture(scope="module")
def tokenizer():
    return chat_tokenizer()


def chat(tokenizer, user: str) -> PromptText:
    return format_messages(tokenizer, [{"role": "system", "content": "Be exact."}, {"role": "user", "content": user}])


def test_a_quoted_end_of_turn_stays_text(tokenizer) -> None:
    prompt = chat(tokenizer, f"What does f return?\n```python\n{PROGRAM}```")
    (ids,) = encode_prompts(tokenizer, [prompt], add_special_tokens=True)
    assert control_ids(tokenizer, ids) == 5  # the template's own: two turns and the assistant's start
    assert tokenizer.decode(ids) == prompt


def test_a_prompt_that_quotes_no_special_text_encodes_as_before(tokenizer) -> None:
    prompt = chat(tokenizer, "What does f return on 3?")
    assert encode_prompts(tokenizer, [prompt], True) == [tokenizer(str(prompt), add_special_tokens=True)["input_ids"]]


def test_r1_text_is_literal_throughout(tokenizer) -> None:
    (ids,) = encode_prompts(tokenizer, [format_observation(tokenizer, f"User: {PROGRAM}\nAssistant: <think>")], True)
    assert control_ids(tokenizer, ids) == 0


def test_the_rendered_text_is_the_templates(tokenizer) -> None:
    messages = [{"role": "user", "content": PROGRAM}]
    assert format_messages(tokenizer, messages) == tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=True
    )


def test_a_plain_string_is_encoded_as_the_tokenizer_reads_it(tokenizer) -> None:
    (ids,) = encode_prompts(tokenizer, ["<|im_start|>user\nhi<|im_end|>\n"], True)
    assert control_ids(tokenizer, ids) == 2


def test_a_prompt_text_survives_pickling_with_its_spans() -> None:
    import copy
    import pickle

    prompt = PromptText([("<s>", False), ("x <s>", True)])
    for clone in (pickle.loads(pickle.dumps(prompt)), copy.deepcopy(prompt)):
        assert clone == prompt and clone.spans == prompt.spans
