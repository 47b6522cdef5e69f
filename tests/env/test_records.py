"""The typed step records: what the engine judged, the info derived from them, and the observer hook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from azr_env.env import AbsoluteZeroEnv
from azr_env.records import Review, SolveRequest, StepRecord
from azr_env.tasks.base import Outcome, Role
from azr_env.vector import AZRVectorEnv

from .support import CountingExecutor, answer, correct_answer

SETTINGS = {"task_types": ("echo-test",), "n_solve_samples": 3, "k_references": 2}


def alternating(requests: Sequence[SolveRequest]) -> list[str]:
    """Right on even attempts, wrong on odd ones."""
    return [correct_answer(r.observation) if r.index % 2 == 0 else answer(-1) for r in requests]


class Veto:
    """An observer that reviews every valid proposal with ``review`` and remembers what it saw."""

    def __init__(self, review: Review) -> None:
        self.decision = review
        self.seen: list[StepRecord] = []

    def review(self, records: Sequence[StepRecord]) -> Mapping[int, Review]:
        self.seen += records
        return {r.episode: self.decision for r in records if r.admits_task}


def make_env(executor: CountingExecutor, **overrides: object) -> AbsoluteZeroEnv:
    return AbsoluteZeroEnv(executor=executor, **{**SETTINGS, **overrides})  # type: ignore[arg-type]


def test_next_role_names_the_action_after_a_valid_proposal(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    _, info = env.reset(seed=0, options={"role": "propose"})
    assert (info["role"], info["next_role"]) == ("propose", "propose")
    _, _, _, _, info = env.step(answer(5))
    assert (info["role"], info["next_role"]) == ("propose", "solve")
    for _ in range(3):
        _, _, terminated, _, info = env.step(answer(5))
    assert terminated and (info["role"], info["next_role"]) == ("solve", "")


def test_the_record_carries_enums_and_the_info_is_derived_from_it(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=alternating)
    env.reset(seed=0, options={"role": "propose"})
    _, reward, _, _, info = env.step(answer(5))
    record = env.last_record
    assert record is not None and record.outcome is Outcome.VALID and record.role is Role.PROPOSE
    assert record.reward == reward == info["reward_components"]["propose"]
    assert [a["outcome"] for a in info["solve_attempts"]] == [a.verdict.outcome.value for a in record.attempts or ()]


def test_each_attempt_carries_the_request_its_response_answered(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=alternating)
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(5))
    attempts = env.last_record.attempts  # type: ignore[union-attr]
    assert [a.request.index for a in attempts] == [0, 1, 2]  # type: ignore[union-attr]
    assert [a.verdict.outcome for a in attempts] == [Outcome.CORRECT, Outcome.WRONG, Outcome.CORRECT]  # type: ignore[union-attr]
    assert all(a.response == alternating([a.request])[0] for a in attempts)  # type: ignore[union-attr]


def test_the_solver_gets_the_system_and_user_prompt(fake_executor: CountingExecutor) -> None:
    seen: list[SolveRequest] = []

    def solver(requests: Sequence[SolveRequest]) -> list[str]:
        seen.extend(requests)
        return alternating(requests)

    env = make_env(fake_executor, solver=solver, prompt_format="chat")
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(5))
    assert seen[0].prompt.system == "echo system" and seen[0].observation == "what is f(5)?"


def test_a_vetoed_proposal_stays_out_of_the_buffer(fake_executor: CountingExecutor) -> None:
    observer = Veto(Review(admit=False, reason="test"))
    env = make_env(fake_executor, solver=alternating, observer=observer)
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(5))
    assert len(env.buffer) == 1 and env.last_record.admitted is False  # type: ignore[union-attr]
    assert env.last_record.review == observer.decision  # type: ignore[union-attr]


def test_the_observer_sees_the_attempts_before_admission(fake_executor: CountingExecutor) -> None:
    observer = Veto(Review())
    env = make_env(fake_executor, solver=alternating, observer=observer)
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(5))
    assert len(observer.seen[0].attempts or ()) == 3 and observer.seen[0].admitted is True
    assert env.last_record.admitted is True and len(env.buffer) == 2  # type: ignore[union-attr]


def test_a_penalized_proposal_gets_the_format_penalty(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, solver=alternating, observer=Veto(Review(penalize=True)))
    env.reset(seed=0, options={"role": "propose"})
    _, reward, _, _, _ = env.step(answer(5))
    assert reward == -1.0


def test_without_a_solver_a_penalty_lands_at_the_episode_end(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor, observer=Veto(Review(penalize=True)))
    env.reset(seed=0, options={"role": "propose"})
    env.step(answer(5))
    for _ in range(3):
        _, _, _, _, info = env.step(answer(5))
    assert info["reward_components"] == {"solve": 1.0, "propose": -1.0}


def test_vector_records_line_up_with_the_sub_envs(fake_executor: CountingExecutor) -> None:
    envs = AZRVectorEnv(4, executor=fake_executor, solver=alternating, **SETTINGS)  # type: ignore[arg-type]
    envs.reset(seed=0, options={"role": ["propose", "solve", "propose", "solve"]})
    assert [p.user for p in envs.prompts][1].startswith("what is f(")
    _, rewards, _, _, _ = envs.step([answer(3), answer(0), "junk", answer(0)])
    roles = [r.role for r in envs.last_records if r is not None]
    assert roles == [Role.PROPOSE, Role.SOLVE, Role.PROPOSE, Role.SOLVE]
    assert [r.reward for r in envs.last_records if r is not None] == rewards.tolist()
