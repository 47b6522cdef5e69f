"""Episode mechanics of ``AbsoluteZeroEnv`` with the echo-test type and a counting fake executor."""

from __future__ import annotations

import pytest

from azr_env.env import AbsoluteZeroEnv
from azr_env.errors import ConfigError
from azr_env.rewards import RewardConfig

from .support import CountingExecutor, answer, correct_answer

BASE_KEYS = {"role", "task_type", "outcome", "reward_components", "task_id", "error", "exec_status"}


def make_env(executor: CountingExecutor, **overrides: object) -> AbsoluteZeroEnv:
    settings: dict[str, object] = {"task_types": ("echo-test",), "n_solve_samples": 4, "k_references": 2}
    settings.update(overrides)
    return AbsoluteZeroEnv(executor=executor, **settings)  # type: ignore[arg-type]


def play(env: AbsoluteZeroEnv, seed: int, answers: list[str]) -> list[tuple[object, ...]]:
    """Run one propose episode: propose 7, then give ``answers`` in turn; return every (obs, reward, info)."""
    observation, info = env.reset(seed=seed, options={"role": "propose"})
    trace: list[tuple[object, ...]] = [(observation, info)]
    actions = iter([answer(7), *answers])
    terminated = False
    while not terminated:
        observation, reward, terminated, _, info = env.step(next(actions))
        trace.append((observation, reward, terminated, info))
    return trace


def test_same_seed_gives_identical_episodes(fake_executor: CountingExecutor) -> None:
    answers = [answer(7), answer(1), answer(7), "junk"]
    first = [play(make_env(fake_executor), seed=5, answers=answers) for _ in range(2)]
    assert first[0] == first[1]


def test_in_episode_attempts_give_the_exact_learnability_at_the_last_step(fake_executor: CountingExecutor) -> None:
    trace = play(make_env(fake_executor), seed=0, answers=[answer(7), answer(1), answer(7), answer(2)])
    rewards = [step[1] for step in trace[1:]]
    last_info = trace[-1][3]
    assert rewards == [0.0, 1.0, -0.5, 1.0, -0.5 + 0.5]  # solve rate 2/4 -> learnability 1 - 0.5
    assert last_info["reward_components"] == {"solve": -0.5, "propose": 0.5}  # type: ignore[index]
    assert last_info["solve_rate"] == 0.5  # type: ignore[index]


def test_valid_proposal_step_has_zero_reward_and_shows_the_solver_prompt(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    env.reset(seed=0, options={"role": "propose"})
    observation, reward, terminated, _, info = env.step(answer(42))
    assert (reward, terminated, info["outcome"], info["role"]) == (0.0, False, "valid", "propose")
    assert "what is f(42)?" in observation


def solver_with(outcomes: list[bool]):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def solver(requests):  # type: ignore[no-untyped-def]
        calls.append(len(requests))
        return [
            correct_answer(r.observation) if ok else answer(-1) for r, ok in zip(requests, outcomes * 64, strict=False)
        ]

    solver.calls = calls  # type: ignore[attr-defined]
    return solver


@pytest.mark.parametrize(
    ("outcomes", "extreme", "expected"),
    [
        ([True, False, False, False], "equation", 0.75),
        ([True, True, True, True], "equation", 0.0),
        ([True, True, True, True], "code", -0.5),
        ([False, False, False, False], "equation", 0.0),
    ],
)
def test_injected_solver_makes_one_step_with_the_proposer_reward(
    fake_executor: CountingExecutor, outcomes: list[bool], extreme: str, expected: float
) -> None:
    env = make_env(fake_executor, solver=solver_with(outcomes), reward=RewardConfig(extreme_rate_reward=extreme))  # type: ignore[arg-type]
    env.reset(seed=0, options={"role": "propose"})
    _, reward, terminated, _, info = env.step(answer(3))
    assert (reward, terminated) == (expected, True)
    assert [a["outcome"] for a in info["solve_attempts"]] == ["correct" if ok else "wrong" for ok in outcomes]
    assert info["reward_components"] == {"solve": 0.0, "propose": expected}


def test_solver_receives_each_prompt_n_times_in_one_call(fake_executor: CountingExecutor) -> None:
    solver = solver_with([True])
    env = make_env(fake_executor, solver=solver)
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(3))
    assert solver.calls == [4]


def test_malformed_proposal_terminates_with_the_format_penalty_and_a_parse_error(
    fake_executor: CountingExecutor,
) -> None:
    env = make_env(fake_executor)
    env.reset(seed=0, options={"role": "propose"})
    _, reward, terminated, _, info = env.step("I refuse")
    assert (reward, terminated, info["outcome"]) == (-1.0, True, "format_error")
    assert info["error"]


HOSTILE = [
    "x" * 100_000,
    "\x00\xff\ud800 binary \x1b[2J junk",
    "<answer>```python\nopen('/tmp/pwned', 'w').write('x')\n```</answer>",
    b"<answer>7</answer>",
    None,
    12,
]


@pytest.mark.parametrize("role", ["propose", "solve"])
@pytest.mark.parametrize("action", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_actions_never_raise(fake_executor: CountingExecutor, role: str, action: object) -> None:
    env = make_env(fake_executor)
    env.reset(seed=0, options={"role": role})
    _, reward, terminated, _, info = env.step(action)  # type: ignore[arg-type]
    assert (reward, terminated, info["outcome"]) == (-1.0, True, "format_error")


def test_every_info_has_the_contract_keys(fake_executor: CountingExecutor) -> None:
    trace = play(make_env(fake_executor), seed=1, answers=[answer(7)] * 4)
    infos = [trace[0][1]] + [step[3] for step in trace[1:]]
    assert all(set(info) >= BASE_KEYS for info in infos)  # type: ignore[arg-type]
    assert trace[0][1]["outcome"] == ""  # type: ignore[index]


def test_buffer_grows_with_valid_proposals_only(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=solver_with([True]))
    for n, text in enumerate([answer(1), "bad", answer(2), answer(2)]):
        env.reset(seed=n, options={"role": "propose"})
        env.step(text)
    assert len(env.buffer) == 3  # the seed task, 1 and 2 (the repeated 2 is a duplicate)


def test_a_copy_of_a_buffer_task_is_invalid_not_paid_its_learnability(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=solver_with([True, False, False, False]))
    rewards = []
    for n in range(2):
        env.reset(seed=n, options={"role": "propose"})
        _, reward, _, _, info = env.step(answer(5))  # the second time, 5 is a buffer task (a reference) copied
        rewards.append((reward, info["outcome"]))
    assert rewards == [(0.75, "valid"), (-1.0, "invalid")]


def test_task_id_replays_a_buffer_task_exactly(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=solver_with([True]))
    env.reset(seed=0, options={"role": "propose"})
    _, _, _, _, info = env.step(answer(9))
    observations = [env.reset(seed=s, options={"task_id": info["task_id"]})[0] for s in (1, 2)]
    assert observations[0] == observations[1]
    assert "what is f(9)?" in observations[0]


def test_task_id_cannot_start_a_propose_episode(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    _, info = env.reset(seed=0, options={"role": "solve"})
    with pytest.raises(ConfigError, match="context_seed"):
        env.reset(options={"role": "propose", "task_id": info["task_id"]})


def test_context_seed_repeats_the_proposer_prompt(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=solver_with([True]), k_references=1)
    for n in range(5):
        env.reset(seed=n, options={"role": "propose"})
        env.step(answer(100 + n))
    prompts = {env.reset(seed=s, options={"role": "propose", "context_seed": 3})[0] for s in range(4)}
    assert len(prompts) == 1


def test_unknown_reset_option_is_refused(fake_executor: CountingExecutor) -> None:
    with pytest.raises(ConfigError, match="unknown reset option"):
        make_env(fake_executor).reset(options={"rol": "solve"})


def test_chat_format_observation_is_the_user_message(fake_executor: CountingExecutor) -> None:
    observation, info = make_env(fake_executor, prompt_format="chat").reset(seed=0, options={"role": "solve"})
    assert observation == "what is f(0)?"
    assert info["system_prompt"] == "echo system"


def test_ansi_render_shows_the_last_action_and_reward(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, render_mode="ansi")
    env.reset(seed=0, options={"role": "solve"})
    env.step(answer(0))
    assert answer(0) in env.render() and "+1.000" in env.render()  # type: ignore[operator]


def test_close_leaves_an_injected_executor_running(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    env.reset(seed=0)
    env.close()
    assert not fake_executor.closed


def test_close_stops_an_executor_the_env_created(monkeypatch: pytest.MonkeyPatch) -> None:
    import azr_env.executor

    created: list[CountingExecutor] = []
    monkeypatch.setattr(
        azr_env.executor, "Executor", lambda **_: created.append(CountingExecutor()) or created[-1], raising=False
    )
    env = AbsoluteZeroEnv(task_types=("echo-test",))
    env.reset(seed=0)
    env.close()
    assert created and created[0].closed


def test_a_solve_episode_on_an_empty_store_explains_the_fix(fake_executor: CountingExecutor) -> None:
    from azr_env.buffer import TaskBuffer

    env = AbsoluteZeroEnv(executor=fake_executor, buffer=TaskBuffer(), task_types=("echo-test",))
    with pytest.raises(ConfigError, match=r"TaskBuffer\.seeded"):
        env.reset(options={"role": "solve"})


def test_an_env_that_has_not_started_pickles() -> None:
    import pickle

    env = AbsoluteZeroEnv(task_types=("echo-test",), n_solve_samples=3)
    clone = pickle.loads(pickle.dumps(env))
    assert clone.config == env.config
