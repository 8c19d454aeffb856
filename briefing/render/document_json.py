"""A briefing's document view as JSON (`out/<id>.json`), and the schema it follows.

For intranet systems that render briefings natively: the same content as every other format
(title block, BLUF, key judgments, sections with their facts and citations, figures,
discrepancies, sources, edition), as data. The pydantic models below are both the writer of
the JSON and the source of its published JSON Schema (`briefing schema briefing-output`), so
the two cannot drift apart.

Text values are plain text as the fact base holds it: not Markdown-escaped, not HTML-escaped
and without the typographic quotation marks and spaces the documents get, so a consumer
escapes for its own output and applies its own typography. Dates are ISO 8601. The bytes are
deterministic: fields in a fixed order, lists in the order the briefing shows them.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from briefing.changes import ChangeKind
from briefing.model import (
    CREDIBILITY_MEANING,
    RELIABILITY_MEANING,
    FigureValue,
    Marking,
    Source,
)
from briefing.render.context import (
    DiscrepancyView,
    DocumentView,
    FactView,
    FigureRow,
    JudgmentView,
    NoteCitation,
    SectionView,
)
from briefing.render.job import RenderJob
from briefing.render.markdown import MarkdownDocument

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
FORMAT_VERSION = 1  # raised when a field changes meaning or goes away; additions keep it


class _Out(BaseModel):
    """Base of every output object: no other keys, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationOut(_Out):
    """One citation: the source and the verbatim quote from it."""

    source: str = Field(description="Source id, as in `sources`.")
    quote: str = Field(description="The verbatim quote, as found in the source text.")


class FactOut(_Out):
    """One fact the briefing states."""

    id: str = Field(description="Stable fact id.")
    statement: str = Field(description="The neutral one-sentence statement, plain text.")
    kind: str = Field(description="background, agreed, plan, expectation, position, ...")
    timing: Literal["preview", "report"] = Field(
        description="report when any citing source reports the outcome, else preview."
    )
    credibility: int = Field(description="Admiralty information credibility 1–6.")
    credibility_meaning: str
    topics: list[str]
    disputed_in: list[str] = Field(
        description="Subjects of the discrepancies that name this fact (sources disagree)."
    )
    citations: list[CitationOut]


class FigureOut(_Out):
    """A key figure and the fact that gives it."""

    label: str
    text: str = Field(description="The value as the briefing prints it, e.g. 'about 54,000'.")
    value: float
    unit: str
    qualifier: str = Field(description="exactly, about, more than, less than or up to.")
    fact: str = Field(description="Id of the fact that gives the figure.")


class VariantOut(_Out):
    """What one group of sources says."""

    says: str
    citations: list[CitationOut]


class DiscrepancyOut(_Out):
    """Where sources disagree: every variant with its citations."""

    id: str
    kind: str
    subject: str
    note: str = Field(description="The analyst's note: which variant to prefer and why.")
    facts: list[str] = Field(description="Ids of the facts the discrepancy touches.")
    variants: list[VariantOut]


class JudgmentOut(_Out):
    """A key judgment with its ICD 203 likelihood or its confidence level."""

    text: str
    likelihood: str | None = Field(description="ICD 203 likelihood term, or null.")
    confidence: str | None = Field(description="low, moderate or high, or null.")
    term: str = Field(description="What the text is graded by: the likelihood or 'X confidence'.")
    facts: list[str]


class SourcedTextOut(_Out):
    """A line of text (a BLUF sentence, a thing to watch) and the facts it rests on."""

    text: str
    facts: list[str]


class SectionOut(_Out):
    """One part of the briefing: a topic briefing, a read-ahead's part or its shared context.

    `facts` holds every fact of the section once; the groups after it name fact ids in the
    order the briefing shows them under its headings."""

    title: str
    role: Literal["context", "main", "part"]
    briefing: str | None = Field(description="Id of the briefing the section comes from.")
    facts: list[FactOut]
    background: list[str]
    positions: list[str]
    agreed: list[str]
    expected: list[str]
    expected_next: list[str]
    figures: list[FigureOut]
    people: list[str] = Field(description="Ids of the people and organisations named.")
    discrepancies: list[str] = Field(description="Ids of the discrepancies shown here.")
    judgments: list[JudgmentOut]
    watch: list[SourcedTextOut]


class MarkingOut(_Out):
    """The handling marking."""

    classification: str | None
    tlp: str | None = Field(description="A FIRST TLP 2.0 label, e.g. TLP:AMBER, or null.")
    banner: str = Field(description="The banner line as printed: classification | TLP.")


class EditionOut(_Out):
    """Which edition this is."""

    number: str = Field(description="The edition number, counted per edition date.")
    date: str = Field(description="The edition date, YYYY-MM-DD.")


class ChangeOut(_Out):
    """One change since the previous edition, in this briefing."""

    kind: ChangeKind = Field(description="What changed (the same kinds as `briefing diff`).")
    id: str = Field(description="Stable id of the fact, discrepancy, judgment or source.")
    text: str = Field(description="The statement, subject, judgment or source label.")
    before: str = Field(description="Old wording, term or value; '' when not applicable.")
    after: str = Field(description="New wording, term or value; '' when not applicable.")
    figure: str = Field(description="The figure's label for figure-changed, else ''.")
    citations: list[CitationOut] = Field(description="The citations the entry rests on.")


class ChangesOut(_Out):
    """What changed in this briefing since the previous edition."""

    first: bool = Field(description="No earlier edition shows this briefing.")
    headline: str = Field(description="One line, e.g. 'No changes since edition 2 (...).'")
    since_edition: str | None = Field(description="The previous edition's number, or null.")
    since_date: str | None = Field(description="The previous edition's date, or null.")
    entries: list[ChangeOut]


class SourceOut(_Out):
    """A source the briefing cites, with its grade."""

    id: str
    label: str
    reliability: str = Field(description="Admiralty source reliability A–F.")
    reliability_meaning: str
    timing: Literal["preview", "report"]
    date: str | None = Field(description="The date the text gives, YYYY-MM-DD, or null.")
    ai_generated: bool


class TimelineOut(_Out):
    """A dated row of the timeline."""

    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
    label: str
    inferred: bool
    fact: str


class BriefingOutput(_Out):
    """One briefing as data: `out/<id>.json`."""

    format_version: Literal[1] = Field(
        description="Raised when a field changes meaning or goes away; additions keep it."
    )
    id: str
    title: str
    subject: str
    organisation: str
    language: str = Field(description="BCP 47 language tag, e.g. en or en-GB.")
    as_of: str = Field(description="The fact base's as-of date, YYYY-MM-DD.")
    edition: EditionOut
    marking: MarkingOut
    keywords: list[str]
    bluf: list[SourcedTextOut] = Field(description="Bottom line up front, in order.")
    key_judgments: list[JudgmentOut]
    changes: ChangesOut = Field(description="What changed since the previous edition.")
    sections: list[SectionOut] = Field(
        description="Shared context (read-aheads), the briefing itself, then included parts."
    )
    discrepancies: list[DiscrepancyOut]
    timeline: list[TimelineOut]
    sources: list[SourceOut]


# --------------------------------------------------------------------------- view → output


def _citations(citations: tuple[NoteCitation, ...]) -> list[CitationOut]:
    return [CitationOut(source=c.source.id, quote=c.quote) for c in citations]


def _fact(view: FactView) -> FactOut:
    fact = view.fact
    return FactOut(
        id=fact.id,
        statement=fact.statement,
        kind=fact.kind.value,
        timing=view.timing.value,
        credibility=fact.credibility,
        credibility_meaning=CREDIBILITY_MEANING[fact.credibility],
        topics=list(fact.topics),
        disputed_in=list(view.disputed_in),
        citations=_citations(view.citations),
    )


def _judgment(view: JudgmentView) -> JudgmentOut:
    judgment = view.judgment
    return JudgmentOut(
        text=judgment.text,
        likelihood=judgment.likelihood.value if judgment.likelihood else None,
        confidence=judgment.confidence.value if judgment.confidence else None,
        term=view.term,
        facts=list(judgment.facts),
    )


def _discrepancy(view: DiscrepancyView) -> DiscrepancyOut:
    d = view.discrepancy
    return DiscrepancyOut(
        id=d.id,
        kind=d.kind.value,
        subject=d.subject,
        note=d.note,
        facts=list(d.facts),
        variants=[VariantOut(says=says, citations=_citations(c)) for says, c in view.variants],
    )


def _ids(views: list[FactView]) -> list[str]:
    return [v.id for v in views]


def _section(section: SectionView, role: Literal["context", "main", "part"]) -> SectionOut:
    return SectionOut(
        title=section.title,
        role=role,
        briefing=section.briefing.id if section.briefing else None,
        facts=[_fact(v) for v in section.facts],
        background=_ids(section.background),
        positions=_ids(section.positions),
        agreed=_ids(section.agreed),
        expected=_ids(section.expected),
        expected_next=_ids(section.expected_next),
        figures=[
            FigureOut(
                label=row.label,
                text=row.value,
                value=figure.value,
                unit=figure.unit,
                qualifier=figure.qualifier,
                fact=row.fact.id,
            )
            for row, figure in _figures(section)
        ],
        people=[e.id for e in section.people],
        discrepancies=[d.discrepancy.id for d in section.discrepancies],
        judgments=[_judgment(j) for j in section.judgments],
        watch=[SourcedTextOut(text=w.text, facts=list(w.facts)) for w in section.watch],
    )


def _figures(section: SectionView) -> list[tuple[FigureRow, FigureValue]]:
    """Each figure row with the model figure it prints (rows come from facts in order)."""
    figures = [figure for view in section.facts for figure in view.fact.figures]
    return list(zip(section.figures, figures, strict=True))


def _marking(marking: Marking) -> MarkingOut:
    return MarkingOut(
        classification=marking.classification,
        tlp=marking.tlp.value if marking.tlp else None,
        banner=marking.banner,
    )


def _source(source: Source) -> SourceOut:
    return SourceOut(
        id=source.id,
        label=source.label,
        reliability=source.reliability.value,
        reliability_meaning=RELIABILITY_MEANING[source.reliability.value],
        timing=source.timing.value,
        date=source.date.isoformat() if source.date else None,
        ai_generated=source.ai_generated,
    )


def _changes(view: DocumentView) -> ChangesOut:
    changes = view.changes
    entries = []
    for entry in changes.entries:
        notes = [view.notes[k] for k in entry.notes if k in view.notes]
        citations = [c for note in notes for c in _citations(note.citations)]
        entries.append(
            ChangeOut(
                kind=ChangeKind(entry.kind),
                id=entry.id,
                text=entry.text,
                before=entry.before,
                after=entry.after,
                figure=entry.figure,
                citations=citations,
            )
        )
    return ChangesOut(
        first=changes.first,
        headline=changes.headline,
        since_edition=changes.since_edition or None,
        since_date=changes.since_date_iso or None,
        entries=entries,
    )


def briefing_output(view: DocumentView) -> BriefingOutput:
    """The document view as the JSON output's model."""
    sections = [
        *([_section(view.context, "context")] if view.context else []),
        _section(view.main, "main"),
        *(_section(part, "part") for part in view.parts),
    ]
    discrepancies = [
        _discrepancy(d)
        for section in (view.context, view.main, *view.parts)
        if section is not None
        for d in section.discrepancies
    ]
    main = view.main.briefing
    return BriefingOutput(
        format_version=FORMAT_VERSION,
        id=view.id,
        title=view.title,
        subject=view.subject,
        organisation=view.organisation,
        language=view.language,
        as_of=view.as_of_iso,
        edition=EditionOut(number=view.edition, date=view.edition_date_iso),
        marking=_marking(view.marking),
        keywords=list(view.keywords),
        bluf=[SourcedTextOut(text=b.text, facts=list(b.facts)) for b in main.bluf] if main else [],
        key_judgments=[_judgment(j) for j in view.main.judgments],
        changes=_changes(view),
        sections=sections,
        discrepancies=discrepancies,
        timeline=[
            TimelineOut(date=row.sort_key, label=row.what, inferred=row.inferred, fact=row.fact.id)
            for row in view.timeline
        ],
        sources=[_source(s) for s in view.sources],
    )


def output_bytes(output: BriefingOutput) -> bytes:
    """Stable bytes: two-space indent, fields in model order, UTF-8, a final newline."""
    data = output.model_dump(mode="json")
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def read_output(data: bytes) -> BriefingOutput | None:
    """A JSON output read back (an earlier edition's), or None when it does not validate."""
    try:
        return BriefingOutput.model_validate_json(data)
    except ValueError:
        return None


def output_schema() -> dict[str, Any]:
    """The JSON Schema of `out/<id>.json`, generated from the models above."""
    schema = BriefingOutput.model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_URL, **schema}


def json_file(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `json` format: the document view as JSON."""
    return (output_bytes(briefing_output(doc.view)),)
