"""Baseline agents and the reference LLM agent for azr-env."""
