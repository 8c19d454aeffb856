"""The "What changed since the last edition" part of a document view, and its wording.

`briefing.changes` compares two records; this module words the result for readers (the
headline, the group titles, figure values as the briefing prints them) and says which source
note each entry cites. Something retired or resolved has no note in the current fact base:
its note is made from the older record's citations (`retired:<fact>`, `resolved:<id>`),
and an opened discrepancy cites its variants (`discrepancy:<id>`). A colon never occurs in
an id, so these notes cannot take a fact's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from briefing.changes import Change, ChangeKind, Snapshot, compare, counts
from briefing.model import CREDIBILITY_MEANING, Citation, FigureValue, Source
from briefing.record import Edition, EditionRecord
from briefing.render.context import Note, NoteCitation, figure_text, format_date

# kind → (noun, plural, verb) for the headline; (title) for the section's group heading
_WORDS: dict[ChangeKind, tuple[str, str, str, str]] = {
    ChangeKind.FACT_ADDED: ("fact", "facts", "added", "Facts added"),
    ChangeKind.FACT_REWORDED: ("fact", "facts", "reworded", "Facts reworded"),
    ChangeKind.FACT_RETIRED: ("fact", "facts", "retired", "Facts retired"),
    ChangeKind.FIGURE_CHANGED: ("figure", "figures", "changed", "Figures changed"),
    ChangeKind.JUDGMENT_CHANGED: (
        "key judgment",
        "key judgments",
        "changed",
        "Key judgments changed",
    ),
    ChangeKind.DISCREPANCY_OPENED: (
        "disagreement",
        "disagreements",
        "opened",
        "Disagreements opened",
    ),
    ChangeKind.DISCREPANCY_RESOLVED: (
        "disagreement",
        "disagreements",
        "resolved",
        "Disagreements resolved",
    ),
    ChangeKind.SOURCE_ADDED: ("source", "sources", "added", "Sources added"),
}
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class ChangeEntry:
    """One change as a briefing prints it.

    `kind` and `id` are the stable `ChangeKind` value and the fact, discrepancy, judgment or
    source id; `text` the statement, subject, judgment or source label; `before`/`after`
    the old and new wording (reworded fact), term (judgment) or value (figure), else "";
    `figure` the figure's label; `notes` the source-note keys to cite (`notes.ref(...)`);
    `source` the source an added-source entry names (it is cited by its grade, not a note);
    `moved` is set on an added (opened) entry the fact base already had, or a retired
    (resolved) one it still has: new to this briefing, or gone from it, only (a fact's
    topics changed, or the briefing's).
    """

    kind: str
    id: str
    text: str
    before: str = ""
    after: str = ""
    figure: str = ""
    notes: tuple[str, ...] = ()
    source: Source | None = None
    moved: bool = False


@dataclass(frozen=True)
class ChangeGroup:
    """The entries of one kind, under a heading: "Facts added"."""

    kind: str
    title: str
    entries: tuple[ChangeEntry, ...]


@dataclass(frozen=True)
class ChangesView:
    """What changed in a briefing since the previous edition.

    `first`: no earlier edition shows this briefing. `headline`: one plain line ("First
    edition.", "No changes since edition 2 (28 July 2024).", "3 changes since edition 2
    (28 July 2024): 1 fact added, 1 reworded, 1 source added."). `since` names the previous
    edition ("edition 2 (28 July 2024)", "" when first); `since_edition` its number,
    `since_date_iso` its date.
    """

    first: bool
    headline: str
    entries: tuple[ChangeEntry, ...] = ()
    groups: tuple[ChangeGroup, ...] = ()
    since: str = ""
    since_edition: str = ""
    since_date_iso: str = ""


def headline(changes: list[Change], since: str) -> str:
    """One line: how many changes since which edition, and of what kinds."""
    if not changes:
        return f"No changes since {since}."
    parts, noun_before = [], ""
    for kind, n in counts(changes).items():
        noun, nouns, verb, _ = _WORDS[kind]
        said = nouns if n != 1 else noun
        parts.append(f"{n} {verb}" if noun == noun_before else f"{n} {said} {verb}")
        noun_before = noun
    total = len(changes)
    return f"{total} change{'s' * (total != 1)} since {since}: {', '.join(parts)}."


def edition_name(number: int, date: str) -> str:
    """`edition 2 (28 July 2024)`."""
    return f"edition {number} ({format_date(date)})"


def changes_view(
    edition: Edition, briefing_id: str, sources: dict[str, Source]
) -> tuple[ChangesView, dict[str, Note]]:
    """The briefing's changes since the previous edition, and the notes only they cite.

    `sources` is the current source register (an added source is printed with its grade).
    """
    previous, current = edition.previous, edition.record
    old = Snapshot.of_briefing(previous, briefing_id) if previous else None
    new = Snapshot.of_briefing(current, briefing_id) if current else None
    if previous is None or current is None or old is None or new is None:
        later = edition.number > 1 and previous is not None
        line = "First edition of this briefing." if later else "First edition."
        return ChangesView(first=True, headline=line), {}
    since = edition_name(edition.previous_number, previous.date.isoformat())
    found = compare(old, new)
    notes: dict[str, Note] = {}
    entries = tuple(
        _moved(_entry(c, old, new, since, previous, sources, notes), previous, current)
        for c in found
    )
    groups = tuple(
        ChangeGroup(kind.value, _WORDS[kind][3], tuple(e for e in entries if e.kind == kind))
        for kind in counts(found)
    )
    view = ChangesView(
        first=False,
        headline=headline(found, since),
        entries=entries,
        groups=groups,
        since=since,
        since_edition=str(edition.previous_number),
        since_date_iso=previous.date.isoformat(),
    )
    return view, notes


def _entry(
    change: Change,
    old: Snapshot,
    new: Snapshot,
    since: str,
    previous: EditionRecord,
    sources: dict[str, Source],
    notes: dict[str, Note],
) -> ChangeEntry:
    """The entry of one change, with the notes it cites (added to `notes`)."""
    kind, ident = change.kind, change.id
    if kind in (ChangeKind.FACT_ADDED, ChangeKind.FACT_REWORDED):
        return ChangeEntry(
            kind.value, ident, change.text, change.before or "", change.after or "", "", (ident,)
        )
    if kind is ChangeKind.FIGURE_CHANGED:
        return ChangeEntry(
            kind.value,
            ident,
            change.text,
            _value(change.value_before),
            _value(change.value_after),
            change.figure or "",
            (ident,),
        )
    if kind is ChangeKind.FACT_RETIRED:
        fact = old.facts[ident]
        key = f"retired:{ident}"
        heading = (
            f"As {since} cited it: information credibility {fact.credibility}: "
            f"{CREDIBILITY_MEANING[fact.credibility]}."
        )
        notes[key] = Note(key, heading, _citations(fact.citations, previous))
        return ChangeEntry(kind.value, ident, change.text, notes=(key,))
    if kind is ChangeKind.JUDGMENT_CHANGED:
        facts = tuple(new.judgments[ident].facts)
        return ChangeEntry(
            kind.value, ident, change.text, change.before or "", change.after or "", "", facts
        )
    if kind in (ChangeKind.DISCREPANCY_OPENED, ChangeKind.DISCREPANCY_RESOLVED):
        opened = kind is ChangeKind.DISCREPANCY_OPENED
        disc = (new if opened else old).discrepancies[ident]
        key = f"{'discrepancy' if opened else 'resolved'}:{ident}"
        says = "; ".join(v.says for v in disc.variants)
        heading = f"{'Sources disagree' if opened else 'Sources disagreed'}: {says}."
        cited = [c for v in disc.variants for c in v.citations]
        record_sources = previous if not opened else None
        notes[key] = Note(key, heading, _citations(cited, record_sources, sources))
        return ChangeEntry(kind.value, ident, change.text, notes=(key,))
    return ChangeEntry(kind.value, ident, change.text, source=sources.get(ident))  # a source


def _moved(entry: ChangeEntry, previous: EditionRecord, current: EditionRecord) -> ChangeEntry:
    """Mark what is new to this briefing, or gone from it, but not to or from the fact base:
    a fact whose topics changed, a disagreement now shown through another fact, a source
    this briefing now cites."""
    elsewhere = {
        ChangeKind.FACT_ADDED.value: [f.id for f in previous.facts],
        ChangeKind.FACT_RETIRED.value: [f.id for f in current.facts],
        ChangeKind.DISCREPANCY_OPENED.value: [d.id for d in previous.discrepancies],
        ChangeKind.DISCREPANCY_RESOLVED.value: [d.id for d in current.discrepancies],
        ChangeKind.SOURCE_ADDED.value: [s.id for s in previous.sources],
    }.get(entry.kind, [])
    return replace(entry, moved=True) if entry.id in elsewhere else entry


def _value(value: FigureValue | None) -> str:
    if value is None:
        return NOT_GIVEN
    return figure_text(value.qualifier, value.value, value.unit)


def _citations(
    citations: list[Citation],
    record: EditionRecord | None,
    current: dict[str, Source] | None = None,
) -> tuple[NoteCitation, ...]:
    """Citations as notes print them, their sources from the older record when given (a
    record is validated: every source it cites is in its register)."""
    register = {s.id: s for s in record.sources} if record else dict(current or {})
    return tuple(NoteCitation(register[c.source], c.quote) for c in citations)
