import numpy as np
import pytest

from agents.llm.sampling import Generation
from agents.llm.tokenizer_bytes import ByteTokenizer
from azr_env.buffer import TaskBuffer
from azr_env.integrations.common import task_from_columns
from azr_env.tasks import get_task_type
from benchmarks.models_records import Cell, cell_path, read_records, write_cell
from benchmarks.models_sample import CellSampler, SampleSettings
from benchmarks.models_score import MOST_LENIENT, rule_judge

TOKENIZER = ByteTokenizer()


class ScriptedBackend:
    """Answers proposer prompts with ``proposal`` and solver prompts with ``answer``; records every call."""

    def __init__(self, proposal, answer):
        self.proposal, self.answer, self.calls = proposal, answer, []

    def generate(self, prompts, params):
        self.calls.append((list(prompts), params))
        texts = [self.answer if "Reference" not in p else self.proposal for p in prompts]
        return [
            Generation(TOKENIZER.encode(p), TOKENIZER.encode(t), [0.0], t, "stop")
            for p, t in zip(prompts, texts, strict=True)
        ]


@pytest.fixture(scope="module")
def setup(executor):
    kind = get_task_type("deduction")
    buffer = TaskBuffer.seeded([kind], executor)
    examples = kind.conformance_examples(kind.make_context(buffer.views(), 1, np.random.default_rng(0)))
    judge = rule_judge(["deduction"], lambda: executor, MOST_LENIENT)
    return buffer, judge, examples


def _sampler(setup, name="m", proposal=None, **settings):
    buffer, judge, examples = setup
    backend = ScriptedBackend(proposal or examples.proposal, examples.correct)
    options = {"per_cell": 3, "attempts": 2, "max_new_tokens": 8, "batch_size": 4, "k_references": 1, **settings}
    return CellSampler(name, backend, TOKENIZER, buffer=buffer, judge=judge, settings=SampleSettings(**options))


def test_each_valid_proposal_gets_its_attempts(setup):
    records = _sampler(setup).sample(Cell("m", "r1", "deduction", "propose"))
    proposals = [r for r in records if r.role == "propose"]
    attempts = [r for r in records if r.role == "attempt"]
    assert len(proposals) == 3 and len(attempts) == 6
    assert sorted({a.parent for a in attempts}) == sorted(p.id for p in proposals)
    assert all(a.id.startswith(a.parent + "/a") for a in attempts)


def test_a_proposal_only_a_lenient_rule_reads_gets_attempts(setup):
    unclosed = setup[2].proposal.replace("</answer>", "")
    records = _sampler(setup, proposal=unclosed).sample(Cell("m", "chat", "deduction", "propose"))
    assert len([r for r in records if r.role == "attempt"]) == 6


def test_prompts_do_not_depend_on_the_model(setup):
    cell = Cell("m", "chat", "deduction", "propose")
    a = _sampler(setup, "one").sample(cell)
    b = _sampler(setup, "two").sample(cell)
    assert [r.context for r in a] == [r.context for r in b] and [r.prompt for r in a] == [r.prompt for r in b]


def test_chat_prompts_carry_the_system_message(setup):
    (record, *_) = _sampler(setup).sample(Cell("m", "chat", "deduction", "solve"))
    assert record.prompt.startswith(get_task_type("deduction").solver_prompt(task_from_columns(record.task)).system)


def test_batches_are_timed_and_prefill_is_measured_once(setup):
    sampler = _sampler(setup, batch_size=2)
    records = sampler.sample(Cell("m", "r1", "deduction", "solve"))
    one_token = [params for _, params in sampler.backend.calls if params.max_new_tokens == 1]
    assert len(one_token) == 1 and len(records) == 3
    assert all(r.batch.size in (1, 2) and r.seconds == r.batch.seconds / r.batch.size for r in records)


def test_cell_files_round_trip(setup, tmp_path):
    cell = Cell("m", "r1", "deduction", "propose")
    records = _sampler(setup).sample(cell)
    path = write_cell(tmp_path, cell, records)
    assert path == cell_path(tmp_path, cell) and read_records([path]) == records
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_the_temperature_flag_reaches_every_sampling_call(setup):
    import argparse

    from benchmarks.models import add_arguments, settings_of

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    settings = settings_of(parser.parse_args(["--temperature", "0.7", "--per-cell", "2"]))
    assert settings.temperature == 0.7
    sampler = _sampler(setup, temperature=settings.temperature)
    sampler.sample(Cell("m", "r1", "deduction", "propose"))
    assert {params.temperature for _, params in sampler.backend.calls} == {0.7}
