"""The fact base seen through one briefing: the plain data its templates render.

Templates never query the fact base; they receive a `DocumentView` whose sections are already
selected and ordered here, so every briefing template stays declarative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.model import (
    CREDIBILITY_MEANING,
    RELIABILITY_MEANING,
    Briefing,
    Citation,
    Discrepancy,
    Entity,
    Fact,
    FactBase,
    FactKind,
    Index,
    Judgment,
    Marking,
    Source,
    Timing,
    Watch,
)
from briefing.record import BriefingRecord, Edition, judgment_id

if TYPE_CHECKING:
    from briefing.render.changes import ChangesView

SHARED_CONTEXT_TITLE = "Shared context"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(value: str | dt.date) -> str:
    """`2024-07-28` → `28 July 2024`; `2023-12` → `December 2023`; `2025` stays."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    parts = text.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def format_number(value: float) -> str:
    """54000 → `54,000`; 7.2 → `7.2`."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


@dataclass(frozen=True)
class NoteCitation:
    """One citation as a source note prints it."""

    source: Source
    quote: str

    @property
    def grade(self) -> str:
        return f"{self.source.reliability.value} ({RELIABILITY_MEANING[self.source.reliability]})"


@dataclass(frozen=True)
class Note:
    """A source note: the key its references use and the citations it lists."""

    key: str
    heading: str
    citations: tuple[NoteCitation, ...]


@dataclass(frozen=True)
class FactView:
    fact: Fact
    timing: Timing  # REPORT when any citing source reports the outcome
    citations: tuple[NoteCitation, ...]
    disputed_in: tuple[str, ...] = ()  # subjects of the discrepancies that name this fact

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def statement(self) -> str:
        return self.fact.statement


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str
    fact: FactView


@dataclass(frozen=True)
class DatedRow:
    when: str
    sort_key: str
    what: str
    inferred: bool
    fact: FactView


@dataclass(frozen=True)
class DiscrepancyView:
    discrepancy: Discrepancy
    variants: tuple[tuple[str, tuple[NoteCitation, ...]], ...]


@dataclass(frozen=True)
class JudgmentView:
    judgment: Judgment

    @property
    def term(self) -> str:
        if self.judgment.likelihood:
            return self.judgment.likelihood.value
        assert self.judgment.confidence is not None
        return f"{self.judgment.confidence.value} confidence"


@dataclass
class SectionView:
    """One topic briefing's content, also a part (or the shared context) of the read-ahead."""

    title: str
    briefing: Briefing | None
    facts: list[FactView]
    background: list[FactView]
    positions: list[FactView]
    agreed: list[FactView]  # agreed outcomes; announced plans that a report gives
    expected: list[FactView]  # expectations and plans that only previews give
    expected_next: list[FactView]  # expectations that reports (after the event) give
    figures: list[FigureRow]
    people: list[Entity]
    discrepancies: list[DiscrepancyView]
    judgments: list[JudgmentView]
    watch: list[Watch]


@dataclass
class DocumentView:
    """Everything a briefing template needs."""

    id: str
    title: str
    subject: str
    as_of: str
    as_of_iso: str
    edition: str  # the counted edition number, "3": 1 + the editions recorded before it
    edition_date_iso: str  # "2024-07-29": `--edition`, or the fact base's as-of date
    edition_date: str  # as printed: "29 July 2024"
    changes: ChangesView  # what changed since the previous edition, in this briefing
    organisation: str
    language: str
    event_noun: str  # what headings call the event: "before the hearing", "after the summit"
    marking: Marking
    keywords: list[str]
    main: SectionView
    parts: list[SectionView]
    context: SectionView | None
    timeline: list[DatedRow]
    index: list[tuple[Entity, list[str]]]
    sources: list[Source]
    facts_by_id: dict[str, FactView] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)

    @property
    def all_facts(self) -> list[FactView]:
        """Every fact the document states, in order, without repeats."""
        seen: dict[str, FactView] = {}
        sections = [self.context] if self.context else []
        for section in [*sections, self.main, *self.parts]:
            for view in section.facts:
                seen.setdefault(view.id, view)
        return list(seen.values())


class _Builder:
    def __init__(self, fb: FactBase) -> None:
        self.fb = fb
        self.index = Index.of(fb)
        # fact id → subjects of the discrepancies about it, in file order: built once, not
        # searched per fact (facts × discrepancies grows with the square of the fact base)
        self.disputed: dict[str, list[str]] = {}
        for d in fb.discrepancies:
            for fact_id in dict.fromkeys(d.facts):
                self.disputed.setdefault(fact_id, []).append(d.subject)

    def fact_view(self, fact: Fact) -> FactView:
        timings = {self.index.sources[c.source].timing for c in fact.citations}
        timing = Timing.REPORT if Timing.REPORT in timings else Timing.PREVIEW
        disputed_in = tuple(self.disputed.get(fact.id, ()))
        return FactView(fact, timing, self.citations(fact.citations), disputed_in)

    def citations(self, citations: list[Citation]) -> tuple[NoteCitation, ...]:
        return tuple(NoteCitation(self.index.sources[c.source], c.quote) for c in citations)

    def facts_for(self, briefing: Briefing) -> list[Fact]:
        wanted = set(briefing.topics)
        extra = set(briefing.facts)
        return [
            f
            for f in self.fb.facts
            if not f.draft and (wanted.intersection(f.topics) or f.id in extra)
        ]

    def section(
        self,
        title: str,
        facts: list[Fact],
        topics: set[str],
        briefing: Briefing | None = None,
        shown_discrepancies: set[str] | None = None,
    ) -> SectionView:
        """Sort facts into the sections analysts expect; skip discrepancies already shown."""
        views = [self.fact_view(f) for f in facts]
        agreed, expected, expected_next, background, positions = [], [], [], [], []
        for view in views:
            kind, reported = view.fact.kind, view.timing is Timing.REPORT
            if kind is FactKind.AGREED or (kind is FactKind.PLAN and reported):
                agreed.append(view)
            elif kind is FactKind.EXPECTATION and reported:
                expected_next.append(view)
            elif kind in (FactKind.EXPECTATION, FactKind.PLAN):
                expected.append(view)
            elif kind in (FactKind.POSITION, FactKind.QUOTATION):
                positions.append(view)
            else:
                background.append(view)
        figures = [
            FigureRow(figure.label, figure_text(figure.qualifier, figure.value, figure.unit), v)
            for v in views
            for figure in v.fact.figures
        ]
        fact_ids = {v.id for v in views}
        people_ids: dict[str, None] = {}  # first-seen order, without a scan per fact
        for view in views:
            for ident in [*view.fact.entities, *([view.fact.speaker] if view.fact.speaker else [])]:
                people_ids.setdefault(ident)
        people = sorted((self.index.entities[i] for i in people_ids), key=_entity_order)
        shown = shown_discrepancies if shown_discrepancies is not None else set()
        discrepancies = []
        for d in self.fb.discrepancies:
            if d.id in shown or not (
                topics.intersection(d.topics) or fact_ids.intersection(d.facts)
            ):
                continue
            shown.add(d.id)
            variants = tuple((v.says, self.citations(v.citations)) for v in d.variants)
            discrepancies.append(DiscrepancyView(d, variants))
        return SectionView(
            title=title,
            briefing=briefing,
            facts=views,
            background=background,
            positions=positions,
            agreed=agreed,
            expected=expected,
            expected_next=expected_next,
            figures=figures,
            people=people,
            discrepancies=discrepancies,
            judgments=[JudgmentView(j) for j in briefing.judgments] if briefing else [],
            watch=list(briefing.watch) if briefing else [],
        )


def _entity_order(entity: Entity) -> tuple[str, str]:
    return (entity.kind.value, entity.name)


def figure_text(qualifier: str, value: float, unit: str) -> str:
    prefix = "" if qualifier == "exactly" else f"{qualifier} "
    singular = value == 1 and unit.endswith("s") and not unit.endswith("ss")
    return f"{prefix}{format_number(value)} {unit[:-1] if singular else unit}"


def document_view(
    fb: FactBase,
    briefing: Briefing,
    marking: Marking | None = None,
    edition: Edition | None = None,
) -> DocumentView:
    """The view one briefing's templates render; `marking` overrides every other marking.

    `edition` is the edition being built, with the records it compares; None: a first
    edition dated as of the fact base (`briefing list` and other views that print nothing).
    """
    from briefing.render.changes import changes_view  # it builds on this module's notes

    builder = _Builder(fb)
    index = builder.index
    context: SectionView | None = None
    parts: list[SectionView] = []
    if not briefing.includes:
        main = builder.section(
            briefing.title, builder.facts_for(briefing), set(briefing.topics), briefing
        )
    else:
        # A read-ahead: its own topics and facts are the shared context, shown first; then
        # each included briefing. Each fact and discrepancy is shown once, where it first fits.
        shown_discrepancies: set[str] = set()
        main = builder.section(briefing.title, [], set(), briefing, shown_discrepancies)
        own = builder.facts_for(briefing)
        shared = builder.section(
            SHARED_CONTEXT_TITLE, own, set(briefing.topics), None, shown_discrepancies
        )
        context = shared if shared.facts or shared.discrepancies else None
        shown_facts = {f.id for f in own}
        for ident in briefing.includes:
            part_briefing = index.briefings[ident]
            facts = [f for f in builder.facts_for(part_briefing) if f.id not in shown_facts]
            shown_facts |= {f.id for f in facts}
            parts.append(
                builder.section(
                    part_briefing.title,
                    facts,
                    set(part_briefing.topics),
                    part_briefing,
                    shown_discrepancies,
                )
            )
    sections = [*([context] if context else []), main, *parts]
    views = {v.id: v for section in sections for v in section.facts}
    for ident in _referenced_facts(briefing, [p.briefing for p in parts if p.briefing]):
        if ident not in views:
            views[ident] = builder.fact_view(index.facts[ident])
    timeline = sorted(
        (
            DatedRow(format_date(d.value), d.value, d.label, d.inferred, views[fid])
            for fid, view in views.items()
            for d in view.fact.dates
        ),
        key=lambda row: (row.sort_key, row.what),
    )
    cited_sources = {c.source for v in views.values() for c in v.fact.citations}
    for section in sections:
        for disc in section.discrepancies:
            cited_sources.update(c.source for v in disc.discrepancy.variants for c in v.citations)
    sources = [s for s in fb.sources if s.id in cited_sources]
    entity_sections: dict[str, list[str]] = {}
    for section in sections:
        for entity in section.people:
            entity_sections.setdefault(entity.id, []).append(section.title)
    entity_index = [
        (index.entities[i], titles)
        for i, titles in sorted(entity_sections.items(), key=lambda kv: index.entities[kv[0]].name)
    ]
    keywords = [index.topics[t].title for t in briefing.topics if t in index.topics]
    for ident in briefing.includes:
        topics = index.briefings[ident].topics
        keywords += [index.topics[t].title for t in topics if t in index.topics]
    edition = edition or Edition(1, fb.settings.as_of)
    changes, change_notes = changes_view(edition, briefing.id, index.sources)
    return DocumentView(
        id=briefing.id,
        title=briefing.title,
        subject=briefing.subject,
        as_of=format_date(fb.settings.as_of),
        as_of_iso=fb.settings.as_of.isoformat(),
        edition=str(edition.number),
        edition_date_iso=edition.date.isoformat(),
        edition_date=format_date(edition.date),
        changes=changes,
        organisation=fb.settings.organisation,
        language=fb.settings.language,
        event_noun=fb.settings.event_noun,
        marking=marking or briefing.marking or fb.settings.marking,
        keywords=list(dict.fromkeys(keywords)),
        main=main,
        parts=parts,
        context=context,
        timeline=timeline,
        index=entity_index,
        sources=sources,
        facts_by_id=views,
        notes=_notes(builder, views, fb.entities) | change_notes,
    )


def shown_by(view: DocumentView) -> BriefingRecord:
    """What a briefing's view shows, by id: its part of an edition's record."""
    sections = [s for s in (view.context, view.main, *view.parts) if s is not None]
    briefings = [s.briefing for s in sections if s.briefing is not None]
    return BriefingRecord(
        id=view.id,
        title=view.title,
        facts=list(view.facts_by_id),
        discrepancies=[d.discrepancy.id for s in sections for d in s.discrepancies],
        sources=[s.id for s in view.sources],
        judgments=[judgment_id(b.id, n) for b in briefings for n in range(1, len(b.judgments) + 1)],
    )


def _notes(
    builder: _Builder, views: dict[str, FactView], entities: list[Entity]
) -> dict[str, Note]:
    """Source notes for every fact and entity the document may reference, keyed by label."""
    notes = {
        ident: Note(
            ident,
            f"Information credibility {view.fact.credibility}: "
            f"{CREDIBILITY_MEANING[view.fact.credibility]}.",
            view.citations,
        )
        for ident, view in views.items()
    }
    for entity in entities:
        key = entity_note_key(entity)
        notes[key] = Note(
            key, f"{entity.name}: {entity.role}.", builder.citations(entity.citations)
        )
    return notes


def entity_note_key(entity: Entity) -> str:
    """Note label of an entity's role citations: `who:<id>`.

    Facts are labelled by their ids, and no id holds a colon (`ID_PATTERN`), so no fact can
    take an entity's label: a fact `who-official` once replaced the evidence of entity
    `official` (or the other way round) in the source notes.
    """
    return f"who:{entity.id}"


def _referenced_facts(briefing: Briefing, parts: list[Briefing]) -> list[str]:
    found: list[str] = []
    for b in [briefing, *parts]:
        found += [ident for item in b.bluf for ident in item.facts]
        found += [ident for item in b.judgments for ident in item.facts]
        found += [ident for item in b.watch for ident in item.facts]
    return found
