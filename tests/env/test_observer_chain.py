"""``chain_observers``: several step observers as one, each seeing every record, their reviews merged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from azr_env.records import ObserverChain, Review, StepRecord, chain_observers, merge_reviews

from .support import CountingExecutor, answer
from .test_records import Veto, alternating, make_env


class Silent:
    """An observer that reviews nothing."""

    def review(self, records: Sequence[StepRecord]) -> Mapping[int, Review]:
        return {}


def test_a_merged_review_keeps_out_and_penalizes_if_either_does() -> None:
    merged = merge_reviews(Review(admit=False, reason="a"), Review(penalize=True, reason="b"))
    assert merged == Review(admit=False, penalize=True, reason="a; b")


def test_none_are_left_out_and_one_observer_is_itself() -> None:
    only = Silent()
    assert chain_observers(None, None) is None and chain_observers(None, only) is only
    assert isinstance(chain_observers(only, Silent()), ObserverChain)


def test_every_chained_observer_sees_the_records_and_one_veto_keeps_the_task_out(
    fake_executor: CountingExecutor,
) -> None:
    watcher, veto = Veto(Review()), Veto(Review(admit=False, reason="no"))
    env = make_env(fake_executor, solver=alternating, observer=chain_observers(watcher, veto))
    env.reset(seed=0, options={"role": "propose"})
    size = len(env.buffer)
    env.step(answer(5))
    assert len(watcher.seen) == len(veto.seen) == 1 and len(env.buffer) == size
    assert env.last_record is not None and env.last_record.review == Review(admit=False, reason="no")
