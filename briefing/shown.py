"""What the briefings show, and what none of them shows: nothing is dropped silently.

Each briefing's `DocumentView` (the sections its template renders) says which facts,
discrepancies and people it shows. A fact, discrepancy, topic, entity or event that no
briefing shows is a warning; a briefing that selects something it cannot show is an error.
Uses the view builder only, not the templates, so `briefing validate` stays light; the build
checks each rendered template on top (see `render.markdown`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.errors import Problem, Severity
from briefing.locate import Path_
from briefing.model import Briefing, FactBase, Index
from briefing.render.context import document_view

_At = Callable[[str, Path_, str, str, str, Severity], None]  # (file key, path, code, ...)


@dataclass
class Shown:
    """Ids that at least one briefing shows."""

    facts: set[str] = field(default_factory=set)
    discrepancies: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)


def shown_problems(fb: FactBase) -> list[Problem]:
    """Errors for briefings that cannot show what they select; warnings for unshown data.

    Skipped while a file is broken: with part of the fact base missing, the answer is unknown.
    """
    if fb.broken:
        return []
    index = Index.of(fb)
    problems: list[Problem] = []

    def at(key: str, path: Path_, code: str, message: str, hint: str, severity: Severity) -> None:
        smap = fb.maps[key]
        problems.append(Problem(smap.file, *smap.value(path), code, message, hint, severity))

    shown = Shown()
    for briefing in fb.briefings:
        if not _includes_shown(briefing, index, at):
            continue
        view = document_view(fb, briefing)
        sections = [s for s in (view.context, view.main, *view.parts) if s is not None]
        for section in sections:
            shown.facts.update(v.id for v in section.facts)
            shown.discrepancies.update(d.discrepancy.id for d in section.discrepancies)
            shown.entities.update(e.id for e in section.people)
        shown.topics.update(briefing.topics)
    if not fb.briefings:
        if fb.facts or fb.discrepancies:
            at(
                "settings",
                ("title",),
                "no-briefing",
                f"no briefing yet: none of {len(fb.facts)} facts and {len(fb.discrepancies)} "
                "discrepancies is shown",
                "make one with `briefing new ID --topic TOPIC`",
                "warning",
            )
        return problems
    _unshown(fb, shown, at)
    return problems


def _includes_shown(briefing: Briefing, index: Index, at: _At) -> bool:
    """Whether every briefing `briefing` includes can be shown inside it (one level deep)."""
    key = f"briefing:{briefing.id}"
    fine = True
    for j, ident in enumerate(briefing.includes):
        other = index.briefings.get(ident)
        if other is None:
            fine = False  # reported as an unknown briefing
        elif ident == briefing.id:
            fine = False
            at(
                key,
                ("includes", j),
                "include-itself",
                f"briefing {briefing.id} includes itself",
                "remove it from `includes`",
                "error",
            )
        elif other.includes:
            fine = False
            nested = ", ".join(other.includes)
            at(
                key,
                ("includes", j),
                "include-nested",
                f"briefing {briefing.id} includes {ident}, which itself includes {nested}: "
                f"those would not be shown",
                f"include {nested} here directly, next to {ident}",
                "error",
            )
    return fine


def _unshown(fb: FactBase, shown: Shown, at: _At) -> None:
    for i, fact in enumerate(fb.facts):
        if fact.id not in shown.facts and not fact.draft:  # a draft has its own warning
            at(
                "facts",
                ("facts", i, "id"),
                "not-shown",
                f"fact {fact.id} is in no briefing",
                f"add one of its topics ({', '.join(fact.topics)}) to a briefing's `topics`, "
                "or its id to a briefing's `facts`",
                "warning",
            )
    for i, disc in enumerate(fb.discrepancies):
        if disc.id not in shown.discrepancies:
            at(
                "discrepancies",
                ("discrepancies", i, "id"),
                "not-shown",
                f"discrepancy {disc.id} is in no briefing",
                f"add one of its topics ({', '.join(disc.topics)}) to a briefing's `topics`, "
                "or list under `facts` a fact that a briefing shows",
                "warning",
            )
    for i, topic in enumerate(fb.settings.topics):
        if topic.id not in shown.topics:
            at(
                "settings",
                ("topics", i, "id"),
                "not-shown",
                f"topic {topic.id} is in no briefing's `topics`",
                f"add it to a briefing, e.g. `briefing new ID --topic {topic.id}`, or remove it",
                "warning",
            )
    for i, entity in enumerate(fb.entities):
        if entity.id not in shown.entities:
            at(
                "entities",
                ("entities", i, "id"),
                "not-shown",
                f"entity {entity.id} is in no briefing",
                "name it in the `entities` or `speaker` of a fact a briefing shows, or remove it",
                "warning",
            )
    members: dict[str, set[str]] = {e.id: set(e.facts) for e in fb.settings.events}
    for fact in fb.facts:
        if fact.event in members and not fact.draft:
            members[fact.event].add(fact.id)
    for i, event in enumerate(fb.settings.events):
        if not members[event.id] & shown.facts:
            at(
                "settings",
                ("events", i, "id"),
                "not-shown",
                f"event {event.id}: none of its facts is in a briefing",
                "show one of its facts in a briefing, or remove the event",
                "warning",
            )
