"""Prompt rendering (R1 text for base models, chat messages for instruct models) and shared prompt fragments.

Every task type builds a ``Prompt(system, user)``. The system text is the envelope instruction below; the user
text is the task. ``render_r1`` joins them as plain text ending in ``Assistant: <think>`` so a base model continues
with its reasoning; ``render_messages`` gives the same content as a system and a user message.
"""

from __future__ import annotations

import re

from azr_env.executor.canonical import MAX_DEPTH
from azr_env.executor.limits import ALLOWED_MODULES, MAX_INPUT_CHARS, MAX_PROGRAM_CHARS
from azr_env.tasks.base import Prompt, Task

SYSTEM_PROMPT = (
    "You are solving Python reasoning puzzles set by the user. Work privately first: write your reasoning "
    "between <think> and </think>. Then write only your final reply between <answer> and </answer>, "
    "using the fenced blocks the user asks for."
)

CODE_RULES = """Rules for the program:
- The entry point is a top-level function named `f` that returns a value (it may take any number of arguments,
  none included). Helper functions and classes are welcome; define them, and any imports, above `f`.
- It is deterministic: the same input gives the same output every time, under any hash seed. No randomness,
  clock, files, network, printing or module-level state that changes.
- It returns plain data only: None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset (nested freely).
- It imports nothing except these modules: {modules}.
- It avoids `match` statements, `nonlocal`, `async`, and names starting with an underscore (special methods such
  as `__init__` are fine, and so are `_` and `__` as throwaway variables): the sandbox refuses them. Its names are
  ASCII (strings and comments may hold any text).
- It finishes in well under a second and is at most {max_program_chars} characters long. Hitting the memory or
  recursion limit fails the run, even when the program catches the MemoryError or RecursionError."""

DATA_RULE = """Values are data, written out: Python literals (numbers, quoted strings, bytes, True, False, None, \
and lists, tuples, dicts and sets of literals, nested at most {max_depth} deep), plus set(), frozenset(<literal>), \
float('nan'), float('inf') and float('-inf'). Nothing is computed: no arithmetic, names, other calls or \
comprehensions (write 5, not 2 + 3; a minus sign on a number is fine)."""

INPUT_RULES = """Rules for an input:
- It is exactly what goes between the parentheses of the call `f(...)`: comma-separated values, then any keyword
  arguments as name=value, for example `[4, 1, 3], 'key'` or `[4, 1], reverse=True`. Leave it empty when `f`
  takes no arguments.
- {data_rule}
- It is only its values: no comments, and characters that do not print are written as escapes ('\\x1b').
- It is at most {max_input_chars} characters long, and so are its values written out as an output shows them."""

PROPOSAL_FORMAT = """Inside <answer></answer>, give the program in a ```python block and the input in an ```input block:
<answer>
```python
<your program, defining f>
```
```input
<your input>
```
</answer>"""


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


_BACKTICKS = re.compile("`{3,}")


def fill(template: str, **values: str) -> str:
    """Replace each ``{name}`` in ``template`` by its value, in one pass (values are never scanned again).

    Placeholders without a value are left as they are, so prompt text may show braces freely.
    """
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


_DATA_RULE = fill(DATA_RULE, max_depth=str(MAX_DEPTH))

SHARED_FRAGMENTS: dict[str, str] = {
    "code_rules": fill(
        CODE_RULES,
        modules=", ".join(name for name in ALLOWED_MODULES if not name.startswith("_")),
        max_program_chars=str(MAX_PROGRAM_CHARS),
    ),
    "input_rules": fill(
        INPUT_RULES, max_input_chars=str(MAX_INPUT_CHARS), data_rule=fill(DATA_RULE, max_depth=str(MAX_DEPTH))
    ),
    "data_rule": fill(DATA_RULE, max_depth=str(MAX_DEPTH)),
    "proposal_format": PROPOSAL_FORMAT,
}
"""Fragments every template may use as placeholders; the allow-list and caps come from the executor's limits, so
the prompts always state the rules the sandbox enforces."""


def render(template: str, **values: str) -> str:
    """Fill a task type's template with the shared fragments and ``values``."""
    return fill(template, **SHARED_FRAGMENTS, **values)


def render_r1(prompt: Prompt) -> str:
    """Return the plain-text prompt for base models: instruction, user turn, and a pre-filled ``<think>``."""
    return f"{prompt.system}\n\nUser: {prompt.user}\nAssistant: <think>"


def render_messages(prompt: Prompt) -> list[dict[str, str]]:
    """Return the prompt as chat messages (a system and a user message) for instruct models."""
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]


def fence(tag: str, body: str) -> str:
    """Return ``body`` as a fenced block tagged ``tag``, its fence longer than any run of backticks in ``body``.

    Bodies come from the model (a program, an input, a message): a string literal holding a line of three backticks
    would otherwise end a three-backtick block early and show the reader a different program.
    """
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{tag}\n{body.rstrip()}\n{ticks}"


def render_reference(index: int, task: Task) -> str:
    """Return one buffer task as a numbered reference: program, input and output blocks."""
    blocks = [fence("python", task.program), fence("input", task.inputs[0]), fence("output", task.outputs[0])]
    return f"Reference {index}:\n" + "\n".join(blocks)


def render_references(tasks: tuple[Task, ...]) -> str:
    """Return the reference section of a proposer prompt (or a note that there are none)."""
    if not tasks:
        return "There are no reference programs yet."
    return "Reference programs (yours must be clearly different from all of them):\n\n" + "\n\n".join(
        render_reference(i, task) for i, task in enumerate(tasks, start=1)
    )
