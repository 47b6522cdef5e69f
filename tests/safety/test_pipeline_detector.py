"""``ClassifierDetector.from_pipeline`` over a real local ``transformers`` text-classification model (tiny, random)."""

from __future__ import annotations

from pathlib import Path

import pytest

from azr_env.safety import Category, ClassifierDetector, Monitor, Response
from azr_env.tasks.base import Role


@pytest.fixture(scope="module")
def tiny_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    root = tmp_path_factory.mktemp("classifier")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "sandbox", "escape", "count", "vowels"]
    (root / "vocab.txt").write_text("\n".join(words) + "\n")
    transformers.BertTokenizer(str(root / "vocab.txt")).save_pretrained(root)
    config = transformers.BertConfig(
        vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=64, id2label={0: "benign", 1: "concerning"}, label2id={"benign": 0, "concerning": 1},
    )  # fmt: skip
    transformers.BertForSequenceClassification(config).save_pretrained(root)
    return root


def test_a_local_pipeline_scores_every_text_and_maps_its_labels(tiny_classifier: Path) -> None:
    detector = ClassifierDetector.from_pipeline(
        str(tiny_classifier), labels={"concerning": Category.DECEPTION}, threshold=1e-6
    )
    found = detector.detect(["escape the sandbox", "count the vowels", "the"])
    assert [[f.rule for f in per_text] for per_text in found] == [[f"pipeline:{tiny_classifier}.concerning"]] * 3
    monitor = Monitor(detectors=(detector,), code=False)
    (report,) = monitor.scan([Response(Role.SOLVE, "deduction", "escape the sandbox")])
    assert report.categories == {Category.DECEPTION}
