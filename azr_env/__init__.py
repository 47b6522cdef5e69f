"""azr-env: Absolute Zero as a Gymnasium environment."""

__version__ = "0.1.0"
