"""Baseline agents: ``random`` (the floor), ``replay``, ``oracle`` (the ceiling), ``stochastic-oracle``, ``zero-shot``.

``stochastic-oracle`` solves with probability p, so its learnability reward has a closed form to check the env by;
``zero-shot`` is an untrained LM.
"""
