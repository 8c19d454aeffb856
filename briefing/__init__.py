"""briefing: structured policy briefings from a verified, source-graded YAML fact base."""

__version__ = "0.1.0"
