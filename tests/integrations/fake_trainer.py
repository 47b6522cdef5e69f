"""A stand-in for TRL's ``GRPOTrainer`` as ``SelfPlayRollout`` uses it, with a scripted policy.

The policy proposes ``def f(x): return N`` (a new N each time) and answers a solver prompt of such a program with N
on even calls and N + 1 on odd ones, so two attempts give a solve rate of 1/2. A "token" is an index into the
list of texts the policy wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence

PROPOSER_MARK = "Write a new Python program"


@dataclass
class Accelerator:
    process_index: int = 0
    num_processes: int = 1


@dataclass
class Model:
    training: bool = True


@dataclass
class Tokenizer:
    texts: list[str] = field(default_factory=list)

    def batch_decode(self, ids: list[list[int]], skip_special_tokens: bool = True) -> list[str]:
        return [self.texts[row[0]] for row in ids]


@dataclass
class FakeTrainer:
    num_generations: int = 2
    num_generations_eval: int = 2
    accelerator: Accelerator = field(default_factory=Accelerator)
    model: Model = field(default_factory=Model)
    processing_class: Tokenizer = field(default_factory=Tokenizer)
    prompts_seen: list[str] = field(default_factory=list)
    generate_calls: int = 0
    proposals: int = 0
    answers: int = 0

    def _tokenize_prompts(self, prompts: list[Any]) -> tuple[list[list[int]], None, dict[str, Any]]:
        texts = [p if isinstance(p, str) else p[-1]["content"] for p in prompts]
        self.prompts_seen += texts
        return [[hash(text) % 1000] for text in texts], None, {"texts": texts}

    def _generate_single_turn(self, prompt_ids: list[list[int]], images: None, fields: dict[str, Any], n: int) -> Any:
        assert n == 1
        self.generate_calls += 1
        ids = []
        for text in fields["texts"]:
            self.processing_class.texts.append(self.respond(text))
            ids.append([len(self.processing_class.texts) - 1])
        return ids, None

    def respond(self, prompt: str) -> str:
        if PROPOSER_MARK in prompt:
            self.proposals += 1
            program = fence("python", f"def f(x):\n    return {self.proposals}")
            return example_response(program + "\n" + fence("input", "0"))
        found = re.search(r"return (\d+)", prompt)
        value = int(found.group(1)) if found else 0
        self.answers += 1
        right = self.answers % 2 == 1  # the 1st, 3rd, ... answers are right
        answer = repr("hello") if found is None else str(value if right else value + 1)
        return example_response(fence("output", answer))
