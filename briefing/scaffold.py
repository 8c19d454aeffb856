"""`briefing new`: a new briefing definition that validates, with TODO text to replace."""

from __future__ import annotations

import re
from pathlib import Path

from briefing.errors import UsageError
from briefing.model import BRIEFINGS_DIR, ID_PATTERN, FactBase

TEMPLATE = """\
# yaml-language-server: $schema=../../schema/briefing.schema.json
id: {id}
title: "TODO: a short title"
subject: "TODO: one line saying what the briefing is about"
template: topic.md.j2
edition: "1"
topics: [{topic}]
bluf:
  - text: "TODO: the point, in one active sentence."
    facts: [{fact}]
  - text: "TODO: what it means, in one active sentence."
    facts: [{fact}]
judgments:
  - text: "TODO: a judgment that is likely to hold, using one ICD 203 term."
    likelihood: likely
    facts: [{fact}]
watch:
  - text: "TODO: what to watch next."
    facts: [{fact}]
"""


def scaffold(fb: FactBase, root: Path, briefing_id: str, topic: str | None) -> Path:
    """Write `briefings/<id>.yaml`; refuse a bad id, an unknown topic or an existing file."""
    if not re.match(ID_PATTERN, briefing_id):
        raise UsageError(
            f"{briefing_id!r} is not a valid id: use lower-case letters, digits "
            "and hyphens, e.g. water-supply"
        )
    topics = [t.id for t in fb.settings.topics]
    chosen = topic or topics[0]
    if chosen not in topics:
        raise UsageError(f"unknown topic {chosen!r}; known topics: {', '.join(topics)}")
    fact = next((f.id for f in fb.facts if chosen in f.topics), None)
    if fact is None:
        raise UsageError(f"topic {chosen!r} has no facts yet; add facts first")
    path = root / BRIEFINGS_DIR / f"{briefing_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; choose another id or edit it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(id=briefing_id, topic=chosen, fact=fact), encoding="utf-8")
    return path
