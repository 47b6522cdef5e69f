"""Reasoning detectors: the ``ReasoningDetector`` Protocol, the built-in rule set, and a model-classifier adapter.

A detector reads a batch of response texts and returns the findings of each. The monitor hands it the whole
response (``<think>``, anything outside the answer, and the answer with its messages and comments), because a
policy that learns the monitor reads only ``<think>`` moves its reasoning elsewhere.

Plug in a classifier::

    from azr_env.safety import ClassifierDetector, Category, Monitor, RuleDetector

    def my_classifier(texts):                       # any callable: texts -> one {label: score} per text
        return [{"manipulation": model_score(t)} for t in texts]

    detector = ClassifierDetector(my_classifier, labels={"manipulation": Category.DECEPTION}, threshold=0.8)
    monitor = Monitor(detectors=(RuleDetector(), detector))

    # or a local Hugging Face text-classification model (needs the [agents] extra for transformers):
    detector = ClassifierDetector.from_pipeline("path/to/model", labels={"LABEL_1": Category.HOSTILITY})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from azr_env.errors import ConfigError, MissingDependencyError
from azr_env.safety.findings import Category, Evidence, Finding, Kind, excerpt
from azr_env.safety.patterns import PhraseRule, RuleIndex
from azr_env.safety.rules import RULES, RULESET_VERSION

MAX_SCAN_CHARS = 32768
"""Longest text a detector reads (the env refuses longer actions); a longer text is read up to this many chars."""


@runtime_checkable
class ReasoningDetector(Protocol):
    """Finds concerning reasoning in texts.

    ``name`` identifies the detector and its version in run records (``"rules@1"``). ``detect`` takes a batch of
    texts and returns one list of findings per text, in order; each finding's category must be of kind
    ``Kind.REASONING`` and its evidence ``Evidence.REASONING``. It must not raise on any text.
    """

    name: str

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the findings of each text, in order."""
        ...


class RuleDetector:
    """The built-in, transparent rule set (``azr_env.safety.rules``): at most one finding per rule and text.

    Args:
        rules: the rules to apply (default: every built-in rule).
        use_index: skip rules whose words do not occur in the text (the fast path; ``False`` runs every regex,
            with the same results: tests compare the two).
    """

    def __init__(self, rules: Sequence[PhraseRule] = RULES, *, use_index: bool = True) -> None:
        self.rules = tuple(rules)
        self.name = f"rules@{RULESET_VERSION}"
        self.index = RuleIndex(self.rules) if use_index else None
        """The word index that picks the rules worth running on a text (``None``: run every rule)."""

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return the rule findings of each text."""
        return [self.detect_one(text) for text in texts]

    def detect_one(self, text: str) -> list[Finding]:
        """Return the rule findings of one text."""
        text = text[:MAX_SCAN_CHARS]
        lowered = text.lower()
        present: frozenset[bytes] | None = None
        candidates: Sequence[PhraseRule] = self.rules
        if self.index is not None:
            candidates, present = self.index.candidates(lowered)
        if not candidates:
            return []
        shown = text if len(lowered) == len(text) else lowered
        findings = []
        for rule in candidates:
            match = rule.search(lowered, present)
            if match is not None:
                snippet = excerpt(shown, match.start(), match.end())
                findings.append(Finding(rule.category, rule.rule_id, Evidence.REASONING, snippet))
        return findings


Scores = Mapping[str, float]
Classifier = Callable[[Sequence[str]], Sequence[Scores]]
"""A model-based classifier: a batch of texts -> one ``{label: score}`` mapping per text."""


class ClassifierDetector:
    """Adapts any classifier callable to the ``ReasoningDetector`` Protocol.

    Args:
        classify: texts -> one ``{label: score}`` per text (scores in [0, 1]).
        labels: which classifier labels mean which reasoning category; other labels are ignored.
        threshold: a label scoring at least this much is a finding.
        name: the detector's name in run records.
        max_chars: each text is cut to this many characters before classification (models have a context limit).
    """

    def __init__(
        self,
        classify: Classifier,
        labels: Mapping[str, Category],
        *,
        threshold: float = 0.5,
        name: str = "classifier",
        max_chars: int = 4096,
    ) -> None:
        bad = sorted(label for label, category in labels.items() if category.kind is not Kind.REASONING)
        if bad:
            raise ConfigError(f"classifier labels {bad} map to non-reasoning categories; map them to one of the six")
        if not 0.0 < threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {threshold}: it is a classifier score")
        self.classify, self.labels, self.threshold = classify, dict(labels), threshold
        self.name, self.max_chars = name, max_chars

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Classify the batch once and turn every label over the threshold into a finding."""
        if not texts:
            return []
        cut = [text[: self.max_chars] for text in texts]
        scored = list(self.classify(cut))
        if len(scored) != len(cut):
            raise ConfigError(f"the classifier returned {len(scored)} results for {len(cut)} texts")
        return [self._findings(text, scores) for text, scores in zip(cut, scored, strict=True)]

    def _findings(self, text: str, scores: Scores) -> list[Finding]:
        findings = []
        for label, score in sorted(scores.items()):
            category = self.labels.get(label)
            if category is not None and score >= self.threshold:
                rule = f"{self.name}.{label}"
                findings.append(Finding(category, rule, Evidence.REASONING, excerpt(text, 0, 0, context=200)))
        return findings

    @classmethod
    def from_pipeline(
        cls,
        model_path: str,
        labels: Mapping[str, Category],
        *,
        threshold: float = 0.5,
        device: str | int = "cpu",
        batch_size: int = 16,
    ) -> ClassifierDetector:
        """A detector over a local ``transformers`` text-classification model (imported lazily).

        Args:
            model_path: a local model directory (or a hub id when online).
            labels: the model's label names -> reasoning categories.
            threshold: a label scoring at least this much is a finding.
            device: the pipeline device.
            batch_size: texts per forward pass.
        """
        try:
            from transformers import pipeline
        except ImportError:
            raise MissingDependencyError("transformers", "agents", "a transformers classifier detector") from None
        classifier = pipeline("text-classification", model=model_path, device=device, top_k=None, truncation=True)

        def classify(texts: Sequence[str]) -> list[dict[str, float]]:
            outputs: Any = classifier(list(texts), batch_size=batch_size)
            return [{item["label"]: float(item["score"]) for item in per_text} for per_text in outputs]

        return cls(classify, labels, threshold=threshold, name=f"pipeline:{model_path}")
