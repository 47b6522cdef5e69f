"""Wrappers for azr-env's text envs: statistics, JSONL trajectories, chat observations, the safety monitor."""

from azr_env.wrappers.chat import ChatObservation
from azr_env.wrappers.recorder import TrajectoryRecorder
from azr_env.wrappers.safety import SafetyMonitor, VectorSafetyMonitor
from azr_env.wrappers.statistics import EpisodeStatistics, RoleTypeStats

__all__ = [
    "ChatObservation",
    "EpisodeStatistics",
    "RoleTypeStats",
    "SafetyMonitor",
    "TrajectoryRecorder",
    "VectorSafetyMonitor",
]
