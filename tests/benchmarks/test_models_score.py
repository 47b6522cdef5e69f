import dataclasses

import numpy as np
import pytest

from agents.llm.tokenizer_bytes import ByteTokenizer
from azr_env.buffer import TaskBuffer
from azr_env.integrations.common import task_columns
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome
from azr_env.tasks.parsing import AnswerRule
from benchmarks.models_records import BatchTiming, Record, context_line
from benchmarks.models_score import StepPool, cell_stats, judge_records, learning_signal, robust_seconds, rule_judge

TOKENIZER = ByteTokenizer()
TIMING = BatchTiming(size=2, seconds=4.0, prefill_seconds=1.0, steps=100)
KEY = "m.chat.deduction"


@pytest.fixture(scope="module")
def world(executor):
    """The deduction type's conformance examples over a zero-seeded buffer, and the task its proposal makes."""
    kind = get_task_type("deduction")
    buffer = TaskBuffer.seeded([kind], executor)
    context = kind.make_context(buffer.views(), 1, np.random.default_rng(0))
    examples = kind.conformance_examples(context)
    judges = {rule: rule_judge(["deduction"], lambda: executor, rule) for rule in AnswerRule}
    (check,) = judges[AnswerRule.STRICT].check_proposals([("deduction", examples.proposal, context)])
    return {"context": context, "examples": examples, "task": check.task, "judges": judges, "buffer": buffer}


def _record(rid, role, response, parent="", **extra):
    return Record(
        id=rid, model="m", prompt_format="chat", task_type="deduction", role=role, prompt="p", response=response,
        completion_ids=TOKENIZER.encode(response), prompt_tokens=10, finish_reason="stop", seconds=2.0,
        batch=TIMING, parent=parent, **extra,
    )  # fmt: skip


def _proposal(world, rid, response, attempts):
    records = [_record(rid, "propose", response, context=context_line(world["context"]))]
    for j, answer in enumerate(attempts):
        records.append(_record(f"{rid}/a{j}", "attempt", answer, parent=rid, task=task_columns(world["task"])))
    return records


def _judge(world, records, rule=AnswerRule.STRICT, budget=10_000):
    judge = world["judges"][rule]
    return judge_records(records, budget=budget, judge=judge, tokenizers={"m": TOKENIZER}, buffer=world["buffer"])


def test_valid_proposal_earns_the_learnability_of_its_attempts(world):
    ex = world["examples"]
    judged = _judge(world, _proposal(world, f"{KEY}.propose/0", ex.proposal, [ex.correct, ex.wrong]))
    proposal = judged[f"{KEY}.propose/0"]
    assert (proposal.outcome, proposal.reward) == (Outcome.VALID, 0.5)


def test_a_proposal_that_copies_a_buffer_task_is_invalid_as_in_the_env(world):
    (seed,) = world["buffer"].tasks("deduction")
    copy = world["examples"].proposal.replace(world["task"].program, seed.program)
    copy = copy.replace(f"```input\n{world['task'].inputs[0]}\n```", f"```input\n{seed.inputs[0]}\n```")
    judged = _judge(world, _proposal(world, f"{KEY}.propose/0", copy, []))
    assert (judged[f"{KEY}.propose/0"].outcome, judged[f"{KEY}.propose/0"].reward) == (Outcome.INVALID, -1.0)


def test_rule_decides_whether_an_unclosed_answer_counts(world):
    ex = world["examples"]
    records = _proposal(world, f"{KEY}.propose/0", ex.proposal.replace("</answer>", ""), [ex.correct, ex.correct])
    assert _judge(world, records)[f"{KEY}.propose/0"].reward == -1.0
    assert _judge(world, records, rule=AnswerRule.OPEN)[f"{KEY}.propose/0"].outcome is Outcome.VALID


def test_only_the_fences_rule_reads_blocks_without_an_answer_tag(world):
    ex = world["examples"]
    bare = ex.proposal.replace("<answer>", "").replace("</answer>", "")
    records = _proposal(world, f"{KEY}.propose/0", bare, [ex.correct])
    outcomes = {rule: _judge(world, records, rule=rule)[f"{KEY}.propose/0"].outcome for rule in AnswerRule}
    assert outcomes == {
        AnswerRule.STRICT: Outcome.FORMAT_ERROR, AnswerRule.OPEN: Outcome.FORMAT_ERROR, AnswerRule.FENCES: Outcome.VALID
    }  # fmt: skip


def test_attempts_at_another_task_do_not_rate_a_proposal(world):
    ex = world["examples"]
    records = _proposal(world, f"{KEY}.propose/0", ex.proposal, [ex.correct])
    other = world["task"].__class__("deduction", "def f(x):\n    return 0\n", ("1",), ("0",))
    parent = f"{KEY}.propose/0"
    records[1] = _record(f"{parent}/a0", "attempt", ex.correct, parent=parent, task=task_columns(other))
    assert _judge(world, records)[f"{KEY}.propose/0"].reward is None


def test_a_shorter_budget_cuts_the_response(world):
    ex = world["examples"]
    records = [_record(f"{KEY}.solve/0", "solve", ex.correct, task=task_columns(world["task"]))]
    assert _judge(world, records)[f"{KEY}.solve/0"].outcome is Outcome.CORRECT
    half = len(TOKENIZER.encode(ex.correct)) // 2
    cut = _judge(world, records, budget=half)[f"{KEY}.solve/0"]
    assert (cut.outcome, cut.tokens) == (Outcome.FORMAT_ERROR, half)


def test_budget_time_keeps_the_prefill_and_cuts_decoding():
    assert TIMING.seconds_at(50) == pytest.approx(1.0 + 3.0 * 0.5)
    assert TIMING.seconds_at(500) == pytest.approx(4.0)


def test_cell_stats_rates(world):
    ex = world["examples"]
    records = _proposal(world, f"{KEY}.propose/0", ex.proposal, [ex.correct, ex.wrong])
    records += _proposal(world, f"{KEY}.propose/1", "no envelope", [])
    judged = _judge(world, records)
    stats = cell_stats([judged[r.id] for r in records if r.role == "propose"], [judged[r.id] for r in records[1:3]])
    assert (stats.n, stats.well_formed, stats.success, stats.learnability) == (2, 0.5, 0.5, 0.5)
    assert (stats.attempts, stats.attempt_accuracy) == (2, 0.5)


def _solves(world, answers):
    return [_record(f"{KEY}.solve/{i}", "solve", a, task=task_columns(world["task"])) for i, a in enumerate(answers)]


def test_equal_rewards_carry_no_signal(world):
    judged = list(_judge(world, _solves(world, [world["examples"].correct] * 4)).values())
    signal = learning_signal(judged, group_size=2, update_seconds_per_token=0.01, steps=20)
    assert signal.nonzero == 0.0 and signal.responses == 2.0


def test_mixed_rewards_carry_signal(world):
    ex = world["examples"]
    judged = list(_judge(world, _solves(world, [ex.correct, ex.wrong])).values())
    signal = learning_signal(judged, group_size=2, update_seconds_per_token=0.01, steps=20)
    assert signal.nonzero == 2.0
    assert signal.sample_seconds == pytest.approx(4.0)  # two responses, each half of a 4 s batch
    tokens = sum(10 + len(TOKENIZER.encode(a)) for a in (ex.correct, ex.wrong))
    assert signal.update_seconds == pytest.approx(0.01 * tokens)
    assert signal.per_minute == pytest.approx(60 * 2 / (4.0 + 0.01 * tokens))


def test_a_step_trains_on_the_attempts_of_valid_proposals_only(world):
    ex = world["examples"]
    records = _proposal(world, f"{KEY}.propose/0", ex.proposal, [ex.correct, ex.wrong])
    records += _proposal(world, f"{KEY}.propose/1", ex.proposal.replace("```python", "```text"), [ex.correct])
    step = StepPool.build(list(_judge(world, records).values())).draw(np.random.default_rng(0), 2)
    assert sorted(j.record.id for j, _ in step) == sorted(r.id for r in records[:3] + records[3:4])
    assert {group for j, group in step if j.record.role == "attempt"} == {f"{KEY}.propose/0"}


def test_a_slow_outlier_batch_does_not_set_the_cell_time():
    batches = [BatchTiming(1, s, 0.0, 10) for s in (2.0, 3.0, 60.0)]
    records = [dataclasses.replace(_record(f"{KEY}.solve/{i}", "solve", "x"), batch=b) for i, b in enumerate(batches)]
    assert set(robust_seconds(records, 10).values()) == {3.0}
