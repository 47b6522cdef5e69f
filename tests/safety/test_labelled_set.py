"""The labelled reasoning set is frozen: its hash, size, category mix and split are exactly as documented."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data" / "reasoning_labelled.jsonl"
FROZEN_SHA256 = "2c9ebf48b5bba5de5567498328815491b4c5e0a529be50fc02bc48e142a50fa0"
CATEGORIES = ("deception", "oversight_evasion", "self_preservation", "power_seeking", "hostility", "reward_gaming")


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def group(item: dict[str, object]) -> str:
    categories = item["categories"]
    assert isinstance(categories, list)
    if categories:
        return str(categories[0])
    return "benign-hard" if item["hard"] else "benign"


def test_file_is_frozen() -> None:
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == FROZEN_SHA256


def test_has_at_least_150_distinct_texts() -> None:
    items = load()
    assert len(items) >= 150
    assert len({item["text"] for item in items}) == len(items)
    assert len({item["id"] for item in items}) == len(items)


def test_every_category_has_positives_and_there_are_hard_benign_texts_in_each_half() -> None:
    items = load()
    for split in ("tune", "heldout"):
        half = [item for item in items if item["split"] == split]
        counts = Counter(c for item in half for c in item["categories"])  # type: ignore[attr-defined]
        assert all(counts[c] >= 10 for c in CATEGORIES), counts
        assert sum(1 for item in half if item["hard"] and not item["categories"]) >= 30


def test_split_follows_the_documented_rule() -> None:
    by_group: dict[str, list[dict[str, object]]] = {}
    for item in load():
        by_group.setdefault(group(item), []).append(item)
    for members in by_group.values():
        ordered = sorted(members, key=lambda item: hashlib.sha256(str(item["id"]).encode()).hexdigest())
        assert [item["split"] for item in ordered] == [("tune", "heldout")[k % 2] for k in range(len(ordered))]
