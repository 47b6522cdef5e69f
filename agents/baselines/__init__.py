"""Baseline agents: ``random`` (the floor), ``replay``, ``oracle`` (the ceiling) and ``zero-shot`` (an untrained LM)."""
