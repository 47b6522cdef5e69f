from math import comb

import numpy as np
import pytest

from benchmarks.stats import bootstrap_seeds_items, mean_pass_at_k, pass_at_k, rate_interval, wilson_interval


def test_pass_at_k_matches_binomial_formula() -> None:
    for n, c, k in [(10, 3, 1), (10, 3, 5), (8, 0, 2), (8, 8, 4), (20, 5, 10)]:
        expected = 1 - comb(n - c, k) / comb(n, k)
        assert pass_at_k(n, c, k) == pytest.approx(expected)


def test_pass_at_1_is_the_fraction_correct() -> None:
    assert pass_at_k(8, 3, 1) == pytest.approx(3 / 8)


def test_pass_at_k_rejects_k_above_n() -> None:
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_mean_pass_at_k_averages_items() -> None:
    assert mean_pass_at_k([0, 4], n=4, k=2) == pytest.approx(0.5)


def test_wilson_interval_hand_computed() -> None:
    est = wilson_interval(8, 10)
    assert est.mean == pytest.approx(0.8)
    assert est.low == pytest.approx(0.4902, abs=1e-4)
    assert est.high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_at_zero_is_not_degenerate() -> None:
    for n in range(1, 1000):
        est = wilson_interval(0, n)
        assert est.low == 0.0 < est.high


def test_bootstrap_is_seeded() -> None:
    scores = np.random.default_rng(1).random((3, 40)) > 0.5
    a = bootstrap_seeds_items(scores, np.random.default_rng(0))
    b = bootstrap_seeds_items(scores, np.random.default_rng(0))
    assert a == b


def test_bootstrap_interval_contains_the_mean() -> None:
    scores = np.random.default_rng(2).random((3, 50)) > 0.3
    est = bootstrap_seeds_items(scores, np.random.default_rng(0))
    assert est.low <= est.mean <= est.high


def test_bootstrap_of_constant_scores_has_zero_width() -> None:
    est = bootstrap_seeds_items(np.ones((3, 10)), np.random.default_rng(0))
    assert est.low == est.high == est.mean == 1.0


def test_bootstrap_accepts_seeds_of_different_sizes() -> None:
    est = bootstrap_seeds_items([[1.0, 0.0], [1.0, 1.0, 1.0, 0.0]], np.random.default_rng(0))
    assert est.mean == pytest.approx((0.5 + 0.75) / 2) and est.n == 6


def test_rate_interval_uses_wilson_when_every_score_agrees() -> None:
    est = rate_interval([[1.0] * 10, [1.0] * 10], np.random.default_rng(0))
    assert est == wilson_interval(20, 20) and est.low < 1.0


def test_rate_interval_bootstraps_mixed_scores() -> None:
    groups = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    assert rate_interval(groups, np.random.default_rng(0)) == bootstrap_seeds_items(groups, np.random.default_rng(0))


def test_stratified_interval_keeps_every_seed_and_covers_the_mean() -> None:
    from benchmarks.stats import stratified_interval

    groups = [[0.0, 1.0] * 20, [1.0, 1.0, 0.0] * 20]
    estimate = stratified_interval(groups, np.random.default_rng(0))
    assert estimate.mean == pytest.approx((0.5 + 2 / 3) / 2)
    assert estimate.low < estimate.mean < estimate.high and estimate.n == 100


def test_stratified_interval_without_spread_is_wilson() -> None:
    from benchmarks.stats import stratified_interval, wilson_interval

    assert stratified_interval([[0.0] * 5, [0.0] * 3], np.random.default_rng(0)) == wilson_interval(0, 8)


def test_stratified_interval_of_one_unvarying_reward_is_undefined_and_never_clear() -> None:
    import math

    from benchmarks.learning_report import _clear, _fmt
    from benchmarks.stats import stratified_interval

    one = stratified_interval([[0.75], []], np.random.default_rng(0))
    assert one.mean == 0.75 and one.n == 1 and math.isnan(one.low) and math.isnan(one.high)
    other = stratified_interval([[0.5], []], np.random.default_rng(0)).as_dict()
    assert _clear({"first": one.as_dict(), "last": other}, "first", "last") == "-"
    assert _fmt(one.as_dict()) == "75.0 [no spread, n=1]"


def test_seeds_of_one_score_each_have_no_interval_unless_the_scores_are_0_or_1() -> None:
    import math

    from benchmarks.stats import stratified_interval, wilson_interval

    rewards = stratified_interval([[0.75], [0.25]], np.random.default_rng(0))
    assert rewards.mean == 0.5 and math.isnan(rewards.low) and math.isnan(rewards.high)
    rates = stratified_interval([[1.0, 1.0], [0.0]], np.random.default_rng(0))
    wilson = wilson_interval(2, 3)
    assert rates.mean == 0.5 and (rates.low, rates.high) == (min(wilson.low, 0.5), wilson.high)
