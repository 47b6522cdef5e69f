import gymnasium
import numpy as np
import pytest

from agents.base import AgentContext
from agents.baselines.programs import LIBRARY
from agents.registry import make_agent
from agents.sb3.choice_env import ChoiceEnv
from agents.sb3.token_env import TokenEnv
from agents.sb3.vocab import EOS, VOCAB_SIZE, decode, encode, fit
from azr_env.tasks.base import Task

SOLVE = {"role": "solve"}


def _buffer(executor, kind: str):
    """A buffer of the zero triplet plus the oracle's library programs, as ``kind`` tasks."""
    from azr_env.buffer import TaskBuffer

    buffer = TaskBuffer.seeded([kind], executor)
    rng = np.random.default_rng(0)
    jobs = [(p.source, p.make_input(rng)) for p in LIBRARY]
    for (program, expr), result in zip(jobs, executor.validate_many(jobs), strict=True):
        buffer.add(Task(kind, program, (expr,), (result.output,)))
    return buffer


def _solve_env(executor, kind: str = "deduction"):
    import azr_env  # noqa: F401

    buffer = _buffer(executor, kind)
    return gymnasium.make("azr_env/AbsoluteZero-v5", task_types=(kind,), executor=executor, buffer=buffer)


def test_vocab_round_trips_unicode() -> None:
    assert decode(encode("f(x) = é")) == "f(x) = é"


def test_fit_keeps_the_tail_left_padded() -> None:
    assert fit([5, 6, 7], 5, keep_tail=True).tolist() == [0, 0, 5, 6, 7]
    assert fit([5, 6, 7], 2, keep_tail=True).tolist() == [6, 7]


def test_token_env_passes_sb3_check_env(executor) -> None:
    from stable_baselines3.common.env_checker import check_env

    check_env(TokenEnv(_solve_env(executor), reset_options=SOLVE), warn=False)


def test_token_env_submits_on_end_of_sequence(executor) -> None:
    env = TokenEnv(_solve_env(executor), reset_options=SOLVE)
    env.reset(seed=0)
    for token in encode("1"):
        _, reward, terminated, _, _ = env.step(token)
        assert reward == 0.0 and not terminated
    _, _, terminated, _, info = env.step(EOS)
    assert terminated and info["answer"] == "1" and info["outcome"] in ("correct", "wrong")


@pytest.mark.parametrize("kind", ["deduction", "abduction"])
def test_choice_env_passes_sb3_check_env(executor, kind: str) -> None:
    from stable_baselines3.common.env_checker import check_env

    check_env(ChoiceEnv(_solve_env(executor, kind), executor, reset_options=SOLVE), warn=False)


def test_choice_env_rewards_the_correct_choice_only(executor) -> None:
    env = ChoiceEnv(_solve_env(executor), executor, reset_options=SOLVE)
    for seed in range(3):
        _, info = env.reset(seed=seed)
        wrong = (info["correct_choice"] + 1) % env.k
        assert env.step(wrong)[1] < 0
        env.reset(seed=seed)
        assert env.step(info["correct_choice"])[1] == 1.0


def test_choice_env_shuffle_follows_the_seed(executor) -> None:
    env = ChoiceEnv(_solve_env(executor), executor, reset_options=SOLVE)
    first, _ = env.reset(seed=7)
    again, _ = env.reset(seed=7)
    assert np.array_equal(first, again) and first.max() < VOCAB_SIZE


@pytest.mark.slow  # 20-30 s measured on the shared 2-core machine
def test_ppo_trains_a_few_hundred_steps_on_the_choice_view(executor) -> None:
    from agents.sb3.train import train

    model = train("PPO", ChoiceEnv(_solve_env(executor), executor, reset_options=SOLVE), timesteps=256, seed=0)
    assert model.num_timesteps >= 256


def test_sb3_agent_trains_then_acts(executor) -> None:
    env = _solve_env(executor)
    lookup = env.unwrapped.buffer.get
    context = AgentContext(seed=0, executor=executor, lookup=lookup, env_factory=lambda: _solve_env(executor))
    agent = make_agent("sb3-a2c", context, timesteps=32)
    obs, info = env.reset(seed=0, options=SOLVE)
    (response,) = agent.act([obs], [info])
    assert env.step(response)[4]["outcome"] in ("correct", "wrong")


def test_sb3_agent_on_a_suite_slice_trains_on_the_whole_suite(executor) -> None:
    from azr_env.suites import list_suites
    from benchmarks.harness import EvalConfig, run_suite

    suite = next(name for name in list_suites() if "deduction" in name)
    config = EvalConfig(agent="sb3-a2c", suites=(suite,), limit=2, batch_size=2, agent_options={"timesteps": 16})
    assert len(run_suite(config, suite, 0, executor)) == 2
