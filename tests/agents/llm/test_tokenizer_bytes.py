import pytest

from agents.llm.tokenizer_bytes import ByteTokenizer
from azr_env.errors import ConfigError

TEXTS = ["", "def f(x):\n    return x + 1", "héllo wörld ✓ 🎉", "tab\there\r\n\x00nul"]


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip_is_exact(text):
    tok = ByteTokenizer()
    assert tok.decode(tok.encode(text), skip_special_tokens=True) == text


def test_special_ids_follow_the_bytes():
    tok = ByteTokenizer()
    assert (tok.pad_token_id, tok.bos_token_id, tok.eos_token_id, len(tok)) == (256, 257, 258, 259)


def test_encode_prepends_bos_only_with_special_tokens():
    tok = ByteTokenizer()
    assert tok.encode("ab") == [257, 97, 98]
    assert tok.encode("ab", add_special_tokens=False) == [97, 98]


def test_decode_shows_special_tokens_unless_skipped():
    tok = ByteTokenizer()
    assert tok.decode([257, 104, 105, 258]) == "<bos>hi<eos>"


def test_invalid_utf8_decodes_to_replacement_character():
    assert ByteTokenizer().decode([0xFF, 104]) == "\ufffdh"


def test_batch_is_left_padded_for_generation():
    out = ByteTokenizer()(["a", "abc"], padding=True, add_special_tokens=False)
    assert out["input_ids"] == [[256, 256, 97], [97, 98, 99]]
    assert out["attention_mask"] == [[0, 0, 1], [1, 1, 1]]


def test_right_padding_when_asked():
    out = ByteTokenizer(padding_side="right")(["a", "ab"], padding=True, add_special_tokens=False)
    assert out["input_ids"] == [[97, 256], [97, 98]]


def test_pt_tensors():
    torch = pytest.importorskip("torch")
    out = ByteTokenizer()(["a", "ab"], padding=True, return_tensors="pt")
    assert isinstance(out["input_ids"], torch.Tensor) and out["input_ids"].shape == (2, 3)


def test_bad_padding_side_raises():
    with pytest.raises(ConfigError):
        ByteTokenizer(padding_side="middle")


def test_save_and_load(tmp_path):
    ByteTokenizer(padding_side="right").save_pretrained(tmp_path)
    assert ByteTokenizer.from_pretrained(tmp_path).padding_side == "right"
