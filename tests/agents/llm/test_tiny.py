import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from agents.llm.tiny import tiny_policy  # noqa: E402
from agents.llm.tokenizer_bytes import ByteTokenizer  # noqa: E402
from azr_env.errors import ConfigError  # noqa: E402


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


def test_same_seed_gives_identical_weights():
    a, _ = tiny_policy(seed=3)
    b, _ = tiny_policy(seed=3)
    assert all(torch.equal(x, y) for x, y in zip(_weights(a), _weights(b), strict=True))


def test_different_seeds_give_different_weights():
    a, _ = tiny_policy(seed=0)
    b, _ = tiny_policy(seed=1)
    assert not torch.equal(_weights(a)[0], _weights(b)[0])


def test_global_rng_is_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    tiny_policy(seed=5)
    assert torch.equal(torch.rand(3), expected)


def test_vocab_matches_byte_tokenizer():
    model, tok = tiny_policy()
    assert isinstance(tok, ByteTokenizer)
    assert model.config.vocab_size == tok.vocab_size == 259
    assert model.get_output_embeddings().weight.shape[0] == 259


def test_shape_arguments_are_used():
    model, _ = tiny_policy(hidden=32, layers=3)
    assert (model.config.hidden_size, model.config.num_hidden_layers) == (32, 3)


@pytest.mark.parametrize(("hidden", "layers"), [(30, 2), (64, 0)])
def test_bad_shapes_raise_config_error(hidden, layers):
    with pytest.raises(ConfigError):
        tiny_policy(hidden=hidden, layers=layers)


def test_forward_backward_reaches_every_parameter():
    model, tok = tiny_policy()
    batch = tok(["def f(x):", "return 1"], padding=True, return_tensors="pt")
    model.train()
    out = model(**batch, labels=batch["input_ids"])
    out.loss.backward()
    assert all(p.grad is not None for p in model.parameters())
