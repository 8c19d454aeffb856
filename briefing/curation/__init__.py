"""Assisted curation: draft facts from uncited sentences, suggest discrepancies.

The tool proposes, the analyst decides: drafts carry `status: draft` and no briefing shows
them; suggestions are printed, never written.
"""
