"""`briefing draft SOURCE_ID`: a draft fact for each sentence of a source no fact cites yet.

The uncited sentences are those `briefing source text --uncited` lists, less any that only an
entity or a discrepancy cites (a fact still has to say what they say). Each draft quotes its
sentence verbatim, guesses the kind, reads figures, dates and named entities, and takes its
credibility from the source's grade. A sentence that says what an existing fact says is added
to that fact as a further citation instead. facts.yaml is edited round-trip: comments and
order stay as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.authoring.sentences import source_sentences
from briefing.authoring.yamledit import block_list, dump, load, mapping, replace_file
from briefing.checks import Provenance, quote_spans
from briefing.curation import reading
from briefing.errors import UsageError
from briefing.model import FILES, Citation, DateValue, FactBase, FigureValue, Reliability
from briefing.text import normalise

# Admiralty: one source alone never confirms (1); its grade bounds how far it is believed.
CREDIBILITY = {
    Reliability.A: 2,
    Reliability.B: 2,
    Reliability.C: 3,
    Reliability.D: 4,
    Reliability.E: 5,
    Reliability.F: 6,
}
SAME_CLAIM = 0.7  # shared content words (share of the shorter) that make two passages one claim


@dataclass(frozen=True)
class Draft:
    """A proposed fact, for review."""

    id: str
    topic: str
    kind: str
    quote: str
    line: int
    figures: tuple[FigureValue, ...]
    dates: tuple[DateValue, ...]
    entities: tuple[str, ...]
    speaker: str | None
    credibility: int


@dataclass(frozen=True)
class Corroboration:
    """A sentence that says what an existing fact says: added to it as a citation."""

    fact: str
    quote: str
    line: int


@dataclass
class DraftPlan:
    source: str
    drafts: list[Draft] = field(default_factory=list)
    corroborations: list[Corroboration] = field(default_factory=list)


def _slug(text: str, taken: set[str]) -> str:
    words = [w for w in reading.words(text) if w not in reading.STOP][:6]
    base = "draft-" + "-".join(re.sub(r"[^a-z0-9]+", "", w) for w in words if w)[:50]
    base = base.rstrip("-") or "draft"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def _corroborated(fb: FactBase, provenance: Provenance, text: str, source: str) -> str | None:
    """The fact whose citations (in other sources) say what `text` says, if one does."""
    mine = reading.content(text)
    numbers = {f.value for f in reading.figures(text)}
    best: tuple[float, str] | None = None
    for fact in fb.facts:
        for cit in fact.citations:
            if cit.source == source:
                continue
            score = reading.overlap(mine, reading.content(cit.quote))
            theirs = {f.value for f in reading.figures(cit.quote)}
            if numbers and theirs and numbers != theirs:
                continue  # a different figure is a discrepancy, not a corroboration
            if score >= SAME_CLAIM and (best is None or score > best[0]):
                best = (score, fact.id)
    return best[1] if best else None


def plan_drafts(fb: FactBase, source_id: str) -> DraftPlan:
    """What `draft` would write for one source, without writing it."""
    rows = source_sentences(fb, source_id)  # raises UsageError for an unknown source
    source = next(s for s in fb.sources if s.id == source_id)
    text = fb.source_text(source_id) or ""
    norm = normalise(text)
    provenance = Provenance(fb)
    if not fb.settings.topics:
        raise UsageError("no topic yet: add one under `topics` in factbase.yaml, then draft")
    taken = {f.id for f in fb.facts}
    year = (source.date or fb.settings.as_of).year
    basis = (
        f"year of the source's date ({source.date.isoformat()})"
        if source.date
        else f"year of the fact base's as_of ({fb.settings.as_of.isoformat()})"
    )
    topic_near = _topics_by_line(fb, rows)
    plan = DraftPlan(source_id)
    for row in rows:
        if row.facts or row.excluded is not None:
            continue
        if not quote_spans(norm, row.text):
            continue  # cannot happen for a sentence of the text; never write a bad quote
        corroborates = _corroborated(fb, provenance, row.text, source_id)
        if corroborates:
            plan.corroborations.append(Corroboration(corroborates, row.text, row.line))
            continue
        found = reading.named(row.text, fb.entities)
        who = reading.speaker(row.text, fb.entities)
        kind = reading.guess_kind(row.text)
        plan.drafts.append(
            Draft(
                id=_slug(row.text, taken),
                topic=_nearest(topic_near, row.line) or fb.settings.topics[0].id,
                kind=kind.value,
                quote=row.text,
                line=row.line,
                figures=tuple(
                    reading.figure_value(f, f"{f.unit} (as the text counts them)")
                    for f in reading.figures(row.text)
                ),
                dates=tuple(reading.dates(row.text, year, basis)),
                entities=tuple(e.id for e in found),
                speaker=who.id if who and kind.value == "quotation" else None,
                credibility=CREDIBILITY[source.reliability],
            )
        )
    return plan


def _topics_by_line(fb: FactBase, rows: list[Any]) -> dict[int, str]:
    """Line → first topic of a fact citing it: a draft takes the topic of its neighbours."""
    facts = {f.id: f for f in fb.facts}
    return {r.line: facts[r.facts[0]].topics[0] for r in rows if r.facts}


def _nearest(by_line: dict[int, str], line: int) -> str | None:
    if not by_line:
        return None
    return by_line[min(by_line, key=lambda n: (abs(n - line), n))]


def write_plan(factbase: Path, plan: DraftPlan) -> Path:
    """Append the drafts and the corroborating citations to facts.yaml, round-trip."""
    path = factbase / FILES["facts"]
    text = path.read_text(encoding="utf-8")
    yaml, data = load(text)
    if data is None or data.get("facts") is None:
        data = data if data is not None else mapping([])
        data["facts"] = block_list([])
    facts = data["facts"]
    by_id = {item["id"]: item for item in facts}
    for corr in plan.corroborations:
        by_id[corr.fact]["citations"].append(_citation(plan.source, corr.quote))
    for draft in plan.drafts:
        facts.append(_draft_map(plan.source, draft))
    replace_file(path, dump(yaml, data).encode("utf-8"))
    return path


def _citation(source: str, quote: str) -> Any:
    return mapping([("source", source), ("quote", quote)])


def _draft_map(source: str, draft: Draft) -> Any:
    pairs: list[tuple[str, Any]] = [
        ("id", draft.id),
        ("status", "draft"),
        ("topics", block_list([draft.topic])),
        ("statement", draft.quote),
        ("kind", draft.kind),
    ]
    if draft.entities:
        pairs.append(("entities", block_list(list(draft.entities))))
    if draft.speaker:
        pairs.append(("speaker", draft.speaker))
    if draft.dates:
        pairs.append(("dates", block_list([mapping(list(_dump(d).items())) for d in draft.dates])))
    if draft.figures:
        pairs.append(
            ("figures", block_list([mapping(list(_dump(f).items())) for f in draft.figures]))
        )
    pairs.append(("credibility", draft.credibility))
    pairs.append(("citations", block_list([_citation(source, draft.quote)])))
    return mapping(pairs)


def _dump(value: DateValue | FigureValue) -> dict[str, Any]:
    data = value.model_dump(exclude_defaults=True)
    if isinstance(value, FigureValue) and float(value.value).is_integer():
        data["value"] = int(value.value)
    return data


def describe(plan: DraftPlan) -> list[str]:
    lines = [f"{plan.source}:{d.line}: draft {d.id} ({d.kind}) added" for d in plan.drafts]
    lines += [
        f"{plan.source}:{c.line}: says what fact {c.fact} says: added to it as a further "
        "citation (a corroboration)"
        for c in plan.corroborations
    ]
    lines.append(
        f"{len(plan.drafts)} draft{'s' * (len(plan.drafts) != 1)}, "
        f"{len(plan.corroborations)} corroboration{'s' * (len(plan.corroborations) != 1)}; "
        "review each draft, rewrite its statement, then delete `status: draft`"
    )
    return lines


def citation_of(draft: Draft, source: str) -> Citation:
    return Citation(source=source, quote=draft.quote)
