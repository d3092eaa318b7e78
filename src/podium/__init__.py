"""Podium: a self-hosted event and conference platform."""

__version__ = "0.1.0"
