"""JSONL metrics sink, torn lines, and truncation on resume."""

from __future__ import annotations

from agents.llm.metrics import JsonlSink, open_sinks, read_metrics, truncate_after


def test_jsonl_round_trip(tmp_path):
    sink = JsonlSink(tmp_path / "m.jsonl")
    sink.log(1, {"loss/pg": 0.5})
    sink.log(2, {"loss/pg": 0.25})
    sink.close()
    assert read_metrics(tmp_path / "m.jsonl") == [{"step": 1, "loss/pg": 0.5}, {"step": 2, "loss/pg": 0.25}]


def test_a_torn_last_line_is_skipped(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"step": 1, "a": 1}\n{"step": 2, "a"')
    assert read_metrics(path) == [{"step": 1, "a": 1}]


def test_truncate_after_drops_later_steps(tmp_path):
    sink = JsonlSink(tmp_path / "m.jsonl")
    for step in range(1, 5):
        sink.log(step, {"x": float(step)})
    sink.close()
    truncate_after(tmp_path / "m.jsonl", 2)
    assert [r["step"] for r in read_metrics(tmp_path / "m.jsonl")] == [1, 2]


def test_open_sinks_without_tensorboard_writes_jsonl_only(tmp_path):
    sinks = open_sinks(tmp_path, tensorboard=False)
    sinks.log(1, {"x": 1.0})
    sinks.close()
    assert len(sinks.sinks) == 1 and (tmp_path / "metrics.jsonl").exists()
