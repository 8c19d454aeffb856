"""`briefing new`: a new briefing (or read-ahead) definition that validates, with TODO text
to replace."""

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
    if not re.fullmatch(ID_PATTERN, briefing_id):  # `$` alone would let "name\n" through
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
    with path.open("x", encoding="utf-8") as handle:  # never over a file made meanwhile
        handle.write(TEMPLATE.format(id=briefing_id, topic=chosen, fact=fact))
    return path


READ_AHEAD = """\
# yaml-language-server: $schema=../../schema/briefing.schema.json
id: {id}
title: "TODO: a short title"
subject: "TODO: one line saying what the read-ahead covers"
template: readahead.md.j2
# The shared context, shown once before the included briefings.
topics: [{topics}]
includes: [{includes}]
bluf:
  - text: "TODO: the point, in one active sentence."
    facts: [{first}]
  - text: "TODO: what it means, in one active sentence."
    facts: [{second}]
judgments:
  - text: "TODO: a judgment that is likely to hold, using one ICD 203 term."
    likelihood: likely
    facts: [{first}]
"""


def scaffold_read_ahead(
    fb: FactBase, root: Path, briefing_id: str, includes: list[str], topic: str | None
) -> Path:
    """Write a read-ahead gathering `includes`; its shared context is `topic`, or else every
    topic with facts that none of the included briefings covers."""
    if not re.match(ID_PATTERN, briefing_id):
        raise UsageError(
            f"{briefing_id!r} is not a valid id: use lower-case letters, digits "
            "and hyphens, e.g. read-ahead"
        )
    known = {b.id: b for b in fb.briefings}
    if not includes:
        raise UsageError("name the briefings to include, e.g. --includes first-id,second-id")
    for ident in includes:
        if ident not in known:
            raise UsageError(f"unknown briefing {ident!r}; known: {', '.join(known) or 'none'}")
        if known[ident].includes:
            raise UsageError(f"{ident} itself includes others; include those directly")
    topic_ids = [t.id for t in fb.settings.topics]
    if topic is not None and topic not in topic_ids:
        raise UsageError(f"unknown topic {topic!r}; known topics: {', '.join(topic_ids)}")
    covered = {t for ident in includes for t in known[ident].topics}
    with_facts = {t for f in fb.facts for t in f.topics}
    shared = [topic] if topic else [t for t in topic_ids if t in with_facts and t not in covered]
    leads = [known[i].bluf[0].facts[0] for i in includes]
    path = root / BRIEFINGS_DIR / f"{briefing_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; choose another id or edit it")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = READ_AHEAD.format(
        id=briefing_id,
        topics=", ".join(shared),
        includes=", ".join(includes),
        first=leads[0],
        second=leads[1] if len(leads) > 1 else leads[0],
    )
    path.write_text(text, encoding="utf-8")
    return path
