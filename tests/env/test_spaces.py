"""The Unicode text space and the chat-messages space."""

from __future__ import annotations

from azr_env.spaces import ChatMessages, UnicodeText


def test_text_space_contains_any_unicode_up_to_its_length() -> None:
    space = UnicodeText(13)
    assert "héllo 世界 🙂\n\t" in space
    assert "" in space
    assert "x" * 14 not in space
    assert b"bytes" not in space


def test_text_samples_are_printable_and_seeded() -> None:
    samples = [UnicodeText(200, seed=3).sample() for _ in range(2)]
    assert samples[0] == samples[1]
    assert samples[0].isprintable()


def test_chat_space_contains_messages_and_samples_members() -> None:
    space = ChatMessages(100, seed=0)
    assert [{"role": "system", "content": "s"}, {"role": "user", "content": "ü"}] in space
    assert [{"role": "robot", "content": "s"}] not in space
    assert space.sample() in space


def test_text_space_sample_length_can_be_fixed() -> None:
    assert len(UnicodeText(100, seed=0).sample(mask=(7, None))) == 7
