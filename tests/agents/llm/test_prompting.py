import pytest

from agents.llm.prompting import PLAIN_CHAT_FORMAT, format_messages, format_observation
from agents.llm.tokenizer_bytes import ByteTokenizer

R1 = "A conversation ... User: predict the output.\nAssistant: <think>"


class _ChatTokenizer:
    """Stands in for a transformers tokenizer with a chat template; records what it was asked."""

    chat_template = "{{ messages }}"

    def __init__(self):
        self.calls = []

    def apply_chat_template(self, messages, tokenize, add_generation_prompt):
        self.calls.append((messages, tokenize, add_generation_prompt))
        return "|".join(f"{m['role']}:{m['content']}" for m in messages) + "|assistant:"


def test_r1_text_is_returned_unchanged():
    assert format_observation(_ChatTokenizer(), R1) == R1


def test_system_prompt_uses_the_chat_template():
    tok = _ChatTokenizer()
    assert format_observation(tok, "question", "be brief") == "system:be brief|user:question|assistant:"


def test_chat_template_gets_text_and_generation_prompt():
    tok = _ChatTokenizer()
    format_observation(tok, "q", "s")
    assert tok.calls[0][1:] == (False, True)


def test_tokenizer_without_template_uses_plain_format():
    assert format_observation(ByteTokenizer(), "question", "be brief") == PLAIN_CHAT_FORMAT.format(
        system="be brief", user="question"
    )


def test_plain_format_ends_where_the_assistant_replies():
    assert format_messages(ByteTokenizer(), [{"role": "user", "content": "hi"}]).endswith("Assistant:")


def test_real_chat_template_renders_messages():
    transformers = pytest.importorskip("transformers")
    tokenizers = pytest.importorskip("tokenizers")
    word_level = tokenizers.models.WordLevel({"<unk>": 0}, unk_token="<unk>")
    tok = transformers.PreTrainedTokenizerFast(tokenizer_object=tokenizers.Tokenizer(word_level))
    tok.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    assert format_observation(tok, "q", "s") == "<|system|>s\n<|user|>q\n<|assistant|>"
