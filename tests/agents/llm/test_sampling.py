import dataclasses

import pytest

from agents.llm.sampling import Generation, SamplingParams
from azr_env.errors import ConfigError


def test_defaults_match_the_contract():
    p = SamplingParams()
    assert (p.max_new_tokens, p.temperature, p.top_p, p.top_k, p.seed) == (512, 1.0, None, None, None)
    assert p.min_new_tokens == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_new_tokens": 0},
        {"temperature": -0.1},
        {"top_p": 0.0},
        {"top_p": 1.5},
        {"top_k": 0},
        {"min_new_tokens": -1},
        {"max_new_tokens": 4, "min_new_tokens": 5},
    ],
)
def test_invalid_values_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        SamplingParams(**kwargs)


def test_params_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SamplingParams().temperature = 0.5  # type: ignore[misc]


def test_greedy_logprobs_use_temperature_one():
    assert SamplingParams(temperature=0.0).logprob_temperature == 1.0
    assert SamplingParams(temperature=0.7).logprob_temperature == 0.7


def test_generation_holds_ids_and_text():
    g = Generation(prompt_ids=[1], completion_ids=[2, 3], logprobs=[-0.1, -0.2], text="ab", finish_reason="stop")
    assert g.completion_ids == [2, 3] and g.finish_reason == "stop"
