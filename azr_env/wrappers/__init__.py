"""Wrappers for azr-env's text envs: statistics by role and task type, JSONL trajectories, chat observations."""

from azr_env.wrappers.chat import ChatObservation
from azr_env.wrappers.recorder import TrajectoryRecorder
from azr_env.wrappers.statistics import EpisodeStatistics, RoleTypeStats

__all__ = ["ChatObservation", "EpisodeStatistics", "RoleTypeStats", "TrajectoryRecorder"]
