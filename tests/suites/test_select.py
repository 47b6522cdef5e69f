import numpy as np

from azr_env.suites import select
from azr_env.suites.sources import SourceProgram


def _program(name: str, n_inputs: int, description: str = "doubles x") -> SourceProgram:
    inputs = tuple(str(i) for i in range(n_inputs))
    return SourceProgram(name, "def f(x):\n    return 2 * x", inputs, "humaneval", "MIT", description)


def _labeled(n_programs: int, n_pairs: int) -> list[select.Labeled]:
    items = []
    for p in range(n_programs):
        program = _program(f"P/{p}", n_pairs)
        items.append((program, tuple((i, str(2 * int(i))) for i in program.inputs)))
    return items


def test_float_decimals_are_read_from_float_literals_only() -> None:
    assert select.max_float_decimals("{'a': 0.30000000000000004, 'b': '0.1234567891'}") == 17
    assert select.max_float_decimals("[1.5, 2, 'x']") == 1
    assert select.max_float_decimals("1e-07") == 7
    assert select.max_float_decimals("float('nan')") == 0


def test_pair_filter_names_the_reason() -> None:
    pair_filter = select.PairFilter(max_input_chars=5, max_output_chars=5, max_float_decimals=2)
    assert pair_filter.reject_reason(("123456", "1")) == "input_too_long"
    assert pair_filter.reject_reason(("1", "123456")) == "output_too_long"
    assert pair_filter.reject_reason(("1", "0.125")) == "output_float_noise"
    assert pair_filter.reject_reason(("1", "0.25")) is None


def test_pick_single_same_seed_same_items() -> None:
    labeled = _labeled(20, 5)
    first = select.pick_single(labeled, "deduction", per_program=2, max_programs=8, rng=np.random.default_rng(7))
    again = select.pick_single(labeled, "deduction", per_program=2, max_programs=8, rng=np.random.default_rng(7))
    assert first == again


def test_pick_single_respects_limits() -> None:
    items = select.pick_single(
        _labeled(20, 5), "abduction", per_program=2, max_programs=8, rng=np.random.default_rng(0)
    )
    assert len(items) == 16 and len({origin for _, origin in items}) == 8
    assert all(task.task_type == "abduction" and len(task.inputs) == 1 for task, _ in items)


def test_pick_single_skips_programs_without_pairs() -> None:
    labeled = [*_labeled(2, 3), (_program("P/empty", 3), ())]
    items = select.pick_single(labeled, "deduction", per_program=1, max_programs=None, rng=np.random.default_rng(0))
    assert "P/empty" not in {origin for _, origin in items}


def test_pick_induction_needs_enough_pairs_and_a_description() -> None:
    labeled = [*_labeled(1, 10), *_labeled(1, 9)]
    labeled.append((_program("P/nodoc", 10, description=""), labeled[0][1]))
    items = select.pick_induction(labeled, n_pairs=10, max_programs=None, rng=np.random.default_rng(0))
    assert [origin for _, origin in items] == ["P/0"]
    task = items[0][0]
    assert task.task_type == "induction" and len(set(task.inputs)) == 10 and task.message == "doubles x"


def test_pick_induction_drops_constant_outputs() -> None:
    program = _program("P/const", 10)
    labeled = [(program, tuple((i, "0") for i in program.inputs))]
    assert select.pick_induction(labeled, n_pairs=10, max_programs=None, rng=np.random.default_rng(0)) == []


class _FakeExecutor:
    """Valid when the input is a digit; the output is the input doubled."""

    def validate_many(self, jobs, deadline_share=0.5):
        from azr_env.executor.result import ExecStatus, ValidationResult

        return [
            ValidationResult(ExecStatus.OK, str(2 * int(x))) if x.isdigit() else ValidationResult(ExecStatus.ERROR)
            for _, x in jobs
        ]


def test_label_keeps_valid_pairs_and_counts_failures() -> None:
    program = SourceProgram("P", "def f(x):\n    return 2 * x", ("1", "a", "3"), "humaneval", "MIT", "")
    done: list[int] = []
    labeled, failures = select.label([program], _FakeExecutor(), batch_size=2, progress=done.append)  # type: ignore[arg-type]
    assert labeled == [(program, (("1", "2"), ("3", "6")))]
    assert failures == {"error": 1} and done == [2, 1]
