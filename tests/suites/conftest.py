"""Small synthetic copies of the packaged source data, laid out like the unzipped wheels."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from azr_env.suites import cruxeval
from azr_env.suites.cruxeval import CRUXEVAL_FILE
from azr_env.suites.sources import CODEIO_FILE, HUMANEVAL_FILE

HUMANEVAL_ROWS = [
    {
        "task_id": "HumanEval/0",
        "entry_point": "count_down",
        "prompt": 'def helper(n):\n    """Halve."""\n    return n // 2\n\n\ndef count_down(n: int) -> list:\n'
        '    """Return n, helper(n), ... down to 1.\n    Use the helper_function name freely.\n'
        '    >>> count_down(4)\n    [4, 2, 1]\n    """\n',
        "canonical_solution": "    if n <= 1:\n        return [n]\n    return [n] + count_down(helper(n))\n",
        "test": "def check(candidate):\n    assert candidate(4) == [4, 2, 1]\n"
        "    assert candidate(n=9) == [9, 4, 2, 1]\n"
        "    assert candidate(4) == [4, 2, 1]\n    assert candidate(len('abc')) == [3, 1]\n"
        "    open('EXECUTED', 'w').write('the test code ran')\n",
    },
    {
        "task_id": "HumanEval/1",
        "entry_point": "uses_os",
        "prompt": "import os\n\ndef uses_os() -> str:\n",
        "canonical_solution": "    return os.getcwd()\n",
        "test": "def check(candidate):\n    assert candidate()\n",
    },
    {
        "task_id": "HumanEval/2",
        "entry_point": "no_literals",
        "prompt": "def no_literals(x):\n",
        "canonical_solution": "    return x\n",
        "test": "def check(candidate):\n    for i in range(3):\n        assert candidate(i) == i\n",
    },
]

CODEIO_ROWS = [
    {
        "task_description": "Add two integers.",
        "code_sample": "import math\n\n# main function\ndef main_solution(a, b):\n    return math.floor(a + b)\n",
        "input_generator": "def generate_inputs(rng):\n    print('noise')\n"
        "    return {'b': rng.randint(0, 9), 'a': rng.randint(0, 9)}\n",
    },
    {
        "task_description": "Uses numpy.",
        "code_sample": "import numpy as np\n\ndef main_solution(a):\n    return int(np.sum(a))\n",
        "input_generator": "def generate_inputs(rng):\n    return {'a': [1, 2]}\n",
    },
    {
        "task_description": "Broken generator.",
        "code_sample": "def main_solution(a):\n    return a\n",
        "input_generator": "def generate_inputs(rng):\n    raise ValueError('no')\n",
    },
    {
        "task_description": "Shadows f.",
        "code_sample": "def main_solution(a):\n    f = a + 1\n    return f\n",
        "input_generator": "def generate_inputs(rng):\n    return {'a': 1}\n",
    },
]


CRUXEVAL_ROWS = [
    {"code": "def f(s):\n    return s[::-1]", "input": "'abc'", "output": "'cba'", "id": "sample_0"},
    {"code": "def f(d):\n    return list(d)", "input": "{'b': 1, 'a': 2}", "output": "['b', 'a']", "id": "sample_1"},
]


def write_cruxeval(directory: Path, rows: list[dict[str, str]]) -> str:
    """Write ``cruxeval.jsonl`` and return its SHA-256."""
    raw = "".join(json.dumps(row) + "\n" for row in rows).encode()
    (directory / CRUXEVAL_FILE).write_bytes(raw)
    return hashlib.sha256(raw).hexdigest()


def write_jsonl_gz(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)


@pytest.fixture()
def source_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory holding the synthetic HumanEval, CodeI/O and CRUXEval files (its digest pinned for the test)."""
    write_jsonl_gz(tmp_path / HUMANEVAL_FILE, HUMANEVAL_ROWS)
    write_jsonl_gz(tmp_path / CODEIO_FILE, CODEIO_ROWS)
    monkeypatch.setattr(cruxeval, "CRUXEVAL_SHA256", write_cruxeval(tmp_path, CRUXEVAL_ROWS))
    return tmp_path
