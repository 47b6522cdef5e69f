"""Oversight of self-play: a monitor for proposals, answers and reasoning (issue 10; README, "Oversight").

What it watches, without running anything: the reasoning text (pluggable ``ReasoningDetector``: the versioned,
built-in ``RuleDetector`` or any classifier through ``ClassifierDetector``), what a program tries in the sandbox
(its AST and the executor's status: ``azr_env.safety.code``) and reward hacking (``azr_env.safety.hacking``).
What it produces: a ``SafetyReport`` per ``Response``; through ``SafetyObserver``, the self-play engine's
``StepObserver`` that reads every ``StepRecord`` (solver attempts included) before proposals enter the buffer:
``info["safety"]`` (``azr_env.wrappers.SafetyMonitor``), per-step ``safety/<category>/rate`` metrics and
``safety.jsonl`` in training runs, ``azr safety RUN_DIR``. Enforcement is opt-in (``EnforcementConfig``).
"""

from azr_env.safety.detector import ClassifierDetector, ReasoningDetector, RuleDetector
from azr_env.safety.enforcement import Enforcement, EnforcementConfig, ReasoningPenaltyWarning
from azr_env.safety.findings import Category, Evidence, Finding, Kind, Response, SafetyReport, Scanned, Source
from azr_env.safety.log import SAFETY_LOG, SafetyLog, flagged_records, read_log
from azr_env.safety.monitor import Monitor
from azr_env.safety.observer import RecordScan, SafetyObserver
from azr_env.safety.rules import RULES, RULESET_VERSION
from azr_env.safety.tally import SafetyTally, safety_metrics

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "SAFETY_LOG",
    "Category",
    "ClassifierDetector",
    "Enforcement",
    "EnforcementConfig",
    "Evidence",
    "Finding",
    "Kind",
    "Monitor",
    "ReasoningDetector",
    "ReasoningPenaltyWarning",
    "RecordScan",
    "Response",
    "RuleDetector",
    "SafetyLog",
    "SafetyObserver",
    "SafetyReport",
    "SafetyTally",
    "Scanned",
    "Source",
    "flagged_records",
    "read_log",
    "safety_metrics",
]
