"""The one-page summary ("placemat") of a briefing: what a principal reads on one sheet.

It takes what the full briefing already shows, never anything else: the BLUF, the key
judgments, the one or two disagreements that matter most, what to watch and the sources with
their grades. Each item names the sources it rests on, so the page stays traceable without a
page of notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.model import Source
from briefing.render.context import DiscrepancyView, DocumentView, JudgmentView, SectionView

MAX_DISCREPANCIES = 2


@dataclass(frozen=True)
class SourcedText:
    """A line of the summary and the sources behind it (`001 C`, in register order)."""

    text: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SummaryJudgment:
    judgment: JudgmentView
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SummaryView:
    """Everything `summary.md.j2` needs."""

    doc: DocumentView
    bluf: tuple[SourcedText, ...]
    judgments: tuple[SummaryJudgment, ...]
    discrepancies: tuple[DiscrepancyView, ...]
    more_discrepancies: int  # how many the full briefing shows beyond these
    watch: tuple[SourcedText, ...]
    sources: tuple[Source, ...]


def summary_view(doc: DocumentView) -> SummaryView:
    """Pick the summary's content from a briefing's document view."""
    briefing = doc.main.briefing
    assert briefing is not None  # the main section of a document is always a briefing's
    order = {source.id: n for n, source in enumerate(doc.sources)}

    def sources_of(fact_ids: list[str]) -> tuple[Source, ...]:
        found = {
            c.source.id: c.source
            for ident in fact_ids
            if ident in doc.facts_by_id
            for c in doc.facts_by_id[ident].citations
        }
        return tuple(sorted(found.values(), key=lambda s: order.get(s.id, len(order))))

    key_facts = [i for item in briefing.bluf for i in item.facts] + [
        i for j in briefing.judgments for i in j.facts
    ]
    every = [d for section in _sections(doc) for d in section.discrepancies]
    ranked = sorted(every, key=lambda d: _weight(d, key_facts), reverse=True)
    shown = tuple(ranked[:MAX_DISCREPANCIES])
    return SummaryView(
        doc=doc,
        bluf=tuple(SourcedText(b.text, sources_of(b.facts)) for b in briefing.bluf),
        judgments=tuple(
            SummaryJudgment(view, sources_of(view.judgment.facts)) for view in doc.main.judgments
        ),
        discrepancies=tuple(sorted(shown, key=every.index)),
        more_discrepancies=len(every) - len(shown),
        watch=tuple(SourcedText(w.text, sources_of(w.facts)) for w in briefing.watch),
        sources=tuple(doc.sources),
    )


def _sections(doc: DocumentView) -> list[SectionView]:
    return [*([doc.context] if doc.context else []), doc.main, *doc.parts]


def _weight(view: DiscrepancyView, key_facts: list[str]) -> tuple[int, int, int]:
    """Most important first: touching what the BLUF and judgments rest on, then figures and
    previews contradicted by reports, then the most widely cited."""
    discrepancy = view.discrepancy
    touches_key = sum(1 for ident in discrepancy.facts if ident in key_facts)
    kind_rank = {"figure": 2, "preview-vs-report": 2, "timing": 1}.get(discrepancy.kind.value, 0)
    citations = sum(len(citations) for _, citations in view.variants)
    return (touches_key, kind_rank, citations)
