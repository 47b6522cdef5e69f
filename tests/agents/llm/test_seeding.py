"""``azr seed``: proposals without updates fill a seed file until every type holds ``per_type`` tasks."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from agents.llm.config import from_mapping
from agents.llm.sampling import SamplingParams
from agents.llm.seeding import SeedCommand, fill, parse_command, short_types
from azr_env.buffer import TaskBuffer
from azr_env.errors import ConfigError

SETTINGS = {"task_types": ("deduction",), "batch_size": 3, "k_references": 1, "max_new_tokens": 8, "progress": False}


@dataclasses.dataclass(frozen=True)
class Text:
    text: str


def proposal(k: int) -> str:
    """A valid deduction proposal whose program adds ``k``."""
    program = f"def f(x):\n    return x + {k}"
    return f"</think>\n<answer>\n```python\n{program}\n```\n```input\n3\n```\n```output\n{3 + k}\n```\n</answer>"


class Script:
    """Answers each prompt with a proposal of a program drawn from the call's seed, or junk; records the prompts."""

    def __init__(self, *, distinct: bool = True) -> None:
        self.distinct = distinct
        self.prompts: list[str] = []

    def __call__(self, prompts: Sequence[str], params: SamplingParams) -> Sequence[Text]:
        self.prompts += prompts
        rng = np.random.default_rng(params.seed)
        draws = rng.integers(1, 10**6, size=len(prompts)) if self.distinct else [7] * len(prompts)
        return [Text(proposal(int(k)) if i % 3 else "no answer") for i, k in enumerate(draws)]


def command(tmp_path: Path, **values: object) -> SeedCommand:
    own = {k: values.pop(k) for k in ("per_type", "max_rounds") if k in values}
    return SeedCommand(from_mapping({**SETTINGS, **values}), out=str(tmp_path / "seeds.jsonl"), **own)  # type: ignore[arg-type]


def seeded(executor: object, cmd: SeedCommand, seed_file: str | None = None) -> TaskBuffer:
    return TaskBuffer.seeded(cmd.train.env.task_types, executor, seed_file=seed_file)  # type: ignore[arg-type]


def test_rounds_run_until_every_type_holds_per_type_tasks(executor, tmp_path) -> None:
    cmd = command(tmp_path, per_type=6)
    buffer = seeded(executor, cmd)
    log = fill(buffer, executor, Script(), None, cmd)
    assert buffer.size("deduction") >= 6
    assert short_types(buffer, ["deduction"], 6) == []
    assert log.rounds == 3  # 2 valid proposals of 3 per round, on top of the zero triplet
    assert log.proposed["deduction"] == 9 and log.admitted["deduction"] == 6
    assert log.sizes == {"deduction": 7}


def test_the_file_is_a_seed_file_whose_tasks_a_new_buffer_starts_from(executor, tmp_path) -> None:
    cmd = command(tmp_path, per_type=4)
    buffer = seeded(executor, cmd)
    fill(buffer, executor, Script(), None, cmd)
    again = seeded(executor, cmd, seed_file=cmd.out)
    assert sorted(t.program for t in again) == sorted(t.program for t in buffer)
    assert any("return x + " in t.program for t in again)


def test_a_copy_of_a_task_in_the_set_is_not_admitted(executor, tmp_path) -> None:
    cmd = command(tmp_path, per_type=5, max_rounds=3)
    buffer = seeded(executor, cmd)
    log = fill(buffer, executor, Script(distinct=False), None, cmd)
    assert log.rounds == 3
    assert log.admitted["deduction"] == 1  # the same program every time: only the first one is new
    assert short_types(buffer, ["deduction"], 5) == ["deduction"]


def test_proposer_prompts_show_tasks_found_earlier(executor, tmp_path) -> None:
    cmd = command(tmp_path, per_type=12)
    script = Script()
    fill(seeded(executor, cmd), executor, script, None, cmd)
    assert any("return x + " in prompt for prompt in script.prompts[3:])
    assert not any("return x + " in prompt for prompt in script.prompts[:3])


def test_the_same_seed_writes_the_same_file(executor, tmp_path) -> None:
    texts = []
    for name in ("a", "b"):
        cmd = command(tmp_path / name, per_type=6)
        (tmp_path / name).mkdir()
        fill(seeded(executor, cmd), executor, Script(), None, cmd)
        texts.append(Path(cmd.out).read_text())
    assert texts[0] == texts[1]
    other = command(tmp_path, per_type=6, seed=1)
    fill(seeded(executor, other), executor, Script(), None, other)
    assert Path(other.out).read_text() != texts[0]


def test_a_stopped_run_continues_from_its_file(executor, tmp_path) -> None:
    cmd = command(tmp_path, per_type=7, max_rounds=1)
    fill(seeded(executor, cmd), executor, Script(), None, cmd)
    first = seeded(executor, cmd, seed_file=cmd.out)
    assert first.size("deduction") == 3
    cmd = dataclasses.replace(cmd, max_rounds=10)
    log = fill(first, executor, Script(), None, cmd)
    assert log.sizes["deduction"] >= 7
    assert log.rounds == 2


def test_the_command_line_takes_train_flags_and_its_own() -> None:
    cmd = parse_command(
        ["--model", "tiny-random", "--task-types", "deduction,abduction", "--per-type", "8", "--out=x.jsonl",
         "--max-rounds", "3", "--k-references", "1"]
    )  # fmt: skip
    assert (cmd.per_type, cmd.out, cmd.max_rounds) == (8, "x.jsonl", 3)
    assert cmd.train.model == "tiny-random" and cmd.train.env.task_types == ("deduction", "abduction")
    assert cmd.train.env.k_references == 1


def test_bad_command_lines_are_refused(capsys) -> None:
    with pytest.raises(SystemExit):
        parse_command(["--per-type", "0"])
    assert "--per-type must be >= 1" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="did you mean"):
        parse_command(["--per-typo", "3"])


def test_azr_seed_with_the_tiny_model_writes_a_file_and_says_what_is_short(tmp_path, capsys) -> None:
    pytest.importorskip("torch")
    from azr_env.cli import main

    out = tmp_path / "seeds.jsonl"
    code = main(["seed", "--model", "tiny-random", "--task-types", "deduction", "--max-new-tokens", "4",
                 "--batch-size", "2", "--per-type", "2", "--max-rounds", "1", "--progress", "false",
                 "--executor-workers", "1", "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 1
    assert "deduction" in printed and "run the same command again" in printed
    assert TaskBuffer.load(out).size("deduction") == 1  # the zero triplet: random text proposes nothing valid
