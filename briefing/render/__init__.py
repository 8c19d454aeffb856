"""Rendering stages: fact base → Markdown → HTML → PDF. Nothing here reads fact-base files."""
