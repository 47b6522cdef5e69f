"""Stable-Baselines3 views of the text env (token ids in; one token or one choice out) and the sb3 agents."""
