from azr_env.executor.canonical import MAX_DEPTH
from azr_env.executor.limits import ALLOWED_MODULES, MAX_INPUT_CHARS, MAX_PROGRAM_CHARS
from azr_env.tasks.parsing import AnswerRule, read_answer
from azr_env.tasks.prompts import SHARED_FRAGMENTS
from benchmarks.models_prompts import COMPACT_FRAGMENTS, compact


def test_compact_rules_keep_the_allow_list_and_the_caps():
    rules = COMPACT_FRAGMENTS["code_rules"] + COMPACT_FRAGMENTS["input_rules"]
    assert all(m in rules for m in ALLOWED_MODULES if not m.startswith("_"))
    assert str(MAX_PROGRAM_CHARS) in rules and str(MAX_INPUT_CHARS) in rules
    assert f"{MAX_DEPTH} deep" in COMPACT_FRAGMENTS["data_rule"] and "reverse=True" in rules
    assert all(word in rules for word in ("match", "nonlocal", "async", "deterministic", "frozenset"))


def test_compact_replaces_every_shared_fragment():
    text = "\n\n".join(SHARED_FRAGMENTS.values())
    assert compact(text) == "\n\n".join(COMPACT_FRAGMENTS[name] for name in SHARED_FRAGMENTS)
    assert len(compact(text)) < len(text)


def test_the_compact_format_example_parses_as_a_proposal():
    answer = read_answer(COMPACT_FRAGMENTS["proposal_format"], AnswerRule.STRICT)
    assert [block.tag for block in answer.blocks] == ["python", "input"]
