"""`briefing init`: a new project folder whose fact base validates from the first minute.

A project is `factbase/` (every file present, commented, pointing at its JSON Schema),
`schema/` (so those `$schema` comments resolve and an editor checks while you type), `seeds/`
for the articles and `templates/` for your own templates (`--templates templates/`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing.authoring.yamledit import replace_file
from briefing.errors import UsageError
from briefing.model import BRIEFINGS_DIR, FILES
from briefing.schema import KINDS, file_name, schema_text

SETTINGS = """\
# yaml-language-server: $schema=../schema/factbase.schema.json
# What this fact base covers, how its products are marked, its topics and its events.
# Field reference: `briefing schema settings`. Walk-through: docs/authoring.md.
title: {title}
subject: "TODO: one sentence on what happened and what the sources are"
as_of: {as_of}  # the newest information in the fact base; the default edition date
organisation: {organisation}
language: en
seeds: ../seeds  # the folder of source articles, relative to this folder
event_noun: {event_noun}  # headings say "before the {event_noun}", "after the {event_noun}"
marking:  # printed at the top and bottom of every page
  classification: UNCLASSIFIED
  tlp: "TLP:CLEAR"
# Topics group facts; a briefing shows the facts of the topics it lists. For example:
#   - id: water-supply
#     title: Water supply
#     description: What the sources say about drinking water during the event.
topics: []
# Events the facts describe; a fact names its event with `event:`. For example:
#   - id: main-event
#     name: The event the sources preview or report
#     date: 2025-01-31
#     place: not stated
#     participants: []  # entity ids
events: []
"""

SOURCES = """\
# yaml-language-server: $schema=../schema/sources.schema.json
# The source register: one entry per article in the seeds folder.
# Add an article with `briefing source add ARTICLE.txt`: it copies the file into the seeds
# folder byte for byte, records its sha256 and proposes the origin fields, timing, date and
# the lines that carry no reporting, for you to check. See each sentence and what cites it
# with `briefing source text ID`. Field reference: `briefing schema sources`.
sources: []
"""

ENTITIES = """\
# yaml-language-server: $schema=../schema/entities.schema.json
# People and organisations the sources name, each with the quotes that give its role.
# For example:
#   - id: harbour-board
#     name: Harbour Board
#     kind: organisation  # or person
#     role: Operator of the port, as the sources describe it
#     country: not stated
#     citations:
#       - source: SOURCE-ID
#         quote: a passage copied exactly, e.g. from `briefing quote SOURCE-ID "words"`
entities: []
"""

FACTS = """\
# yaml-language-server: $schema=../schema/facts.schema.json
# Facts: one neutral statement each, in your words, resting on verbatim quotes.
# kind: agreed-outcome | announced-plan | expectation | background | figure | quotation |
#   position. The kind and the timing of the citing sources place a fact in a briefing's
#   sections (docs/authoring.md explains the rules).
# credibility: 1 confirmed by other sources, 2 probably true, 3 possibly true, 4 doubtful,
#   5 improbable, 6 truth cannot be judged.
# For example:
#   - id: budget-approved
#     topics: [finance]
#     statement: The council approved the budget.
#     kind: agreed-outcome
#     event: main-event  # optional; the event's id in factbase.yaml
#     entities: [city-council]
#     credibility: 2
#     citations:
#       - source: SOURCE-ID
#         quote: The council approved the budget on Tuesday.
facts: []
"""

DISCREPANCIES = """\
# yaml-language-server: $schema=../schema/discrepancies.schema.json
# Where the sources disagree: every variant with its citations, and a short analyst note.
# kind: figure | quotation | timing | description | preview-vs-report. For example:
#   - id: crowd-size
#     topics: [finance]
#     kind: figure
#     subject: How many people attended
#     variants:
#       - says: about 200
#         citations: [{source: SOURCE-A, quote: some 200 people}]
#       - says: more than 500
#         citations: [{source: SOURCE-B, quote: more than 500 residents}]
#     note: Which variant to prefer, and why.
#     facts: []  # facts this discrepancy touches
discrepancies: []
"""

FILE_TEXT = {
    "settings": SETTINGS,
    "sources": SOURCES,
    "entities": ENTITIES,
    "facts": FACTS,
    "discrepancies": DISCREPANCIES,
}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init_project(
    folder: Path,
    *,
    title: str | None = None,
    organisation: str | None = None,
    event_noun: str = "event",
    as_of: dt.date | None = None,
) -> list[Path]:
    """Create the project folder (or fill an empty one); refuse to touch a fact base."""
    factbase = folder / "factbase"
    if factbase.exists():
        raise UsageError(f"{factbase} already exists; choose a new folder")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; choose a new folder")
    if any(ch in event_noun for ch in "\n#:"):
        raise UsageError("--event-noun takes a plain word or two, e.g. hearing or summit")
    values = {
        "title": _quoted(title or "TODO: what this fact base covers"),
        "organisation": _quoted(organisation or "TODO: who prepares the briefings"),
        "event_noun": event_noun.strip() or "event",
        "as_of": (as_of or dt.date.today()).isoformat(),
    }
    written: list[Path] = []
    for sub in ("factbase", f"factbase/{BRIEFINGS_DIR}", "schema", "seeds", "templates"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        path = folder / "schema" / file_name(kind)
        replace_file(path, schema_text(kind).encode("utf-8"))
        written.append(path)
    for key, name in FILES.items():
        path = factbase / name
        text = FILE_TEXT[key].format(**values) if key == "settings" else FILE_TEXT[key]
        replace_file(path, text.encode("utf-8"))
        written.append(path)
    return written


def factbase_to_edit(facts: Path | None) -> Path:
    """The fact base a command may write to: --facts, or ./factbase; never the shipped one."""
    if facts is not None:
        return facts
    here = Path("factbase")
    if here.is_dir():
        return here
    raise UsageError(
        "no factbase/ folder here: work inside a project (`briefing init DIR`), "
        "or pass --facts with the fact-base folder"
    )
