"""`briefing source text`: an article as numbered sentences, and what cites each one.

Each sentence (as coverage counts them) with its line and column, the facts whose quotes
touch it, any other citing entry (an entity's role, a discrepancy's variant), or the reason
its line is excluded. What is neither cited nor excluded is what curation still has to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.checks import Provenance, citation_sites
from briefing.errors import UsageError
from briefing.model import FactBase, Source
from briefing.text import sentences


@dataclass(frozen=True)
class SentenceRow:
    """One sentence of a source and what accounts for it."""

    number: int
    line: int
    column: int
    text: str
    facts: tuple[str, ...]
    others: tuple[str, ...]  # "entity <id>", "discrepancy <id>"
    excluded: str | None  # the exclusion's reason

    @property
    def uncited(self) -> bool:
        return not self.facts and not self.others and self.excluded is None

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "facts": list(self.facts),
            "others": list(self.others),
            "excluded": self.excluded,
            "uncited": self.uncited,
        }


def registered_source(fb: FactBase, source_id: str) -> tuple[Source, str]:
    """A registered source and its text; an unknown id or a missing file is a usage error."""
    source = next((s for s in fb.sources if s.id == source_id), None)
    if source is None:
        known = ", ".join(s.id for s in fb.sources) or "none yet"
        raise UsageError(f"unknown source {source_id!r}; registered: {known}")
    text = fb.source_text(source_id)
    if text is None:
        raise UsageError(f"source file {source.file} not found in {fb.settings.seeds}")
    return source, text


def source_sentences(fb: FactBase, source_id: str) -> list[SentenceRow]:
    """Every sentence of one registered source, in order, with its citations or exclusion."""
    source, text = registered_source(fb, source_id)
    provenance = Provenance(fb)
    spans: list[tuple[int, int, str]] = []  # start, end, who cites
    for site in citation_sites(fb):
        if site.citation.source == source_id:
            spans += [(s, e, site.owner) for s, e in provenance.spans(site.citation)]
    reasons = {n: ex.reason for ex in source.exclude for n in ex.span}
    rows = []
    for number, sentence in enumerate(sentences(text), start=1):
        owners = [o for s, e, o in spans if s < sentence.end and sentence.start < e]
        owners = list(dict.fromkeys(owners))
        rows.append(
            SentenceRow(
                number,
                sentence.line,
                sentence.column,
                sentence.text,
                tuple(o.removeprefix("fact ") for o in owners if o.startswith("fact ")),
                tuple(o for o in owners if not o.startswith("fact ")),
                reasons.get(sentence.line),
            )
        )
    return rows


def text_lines(rows: list[SentenceRow], width: int = 60) -> list[str]:
    """One line per sentence: `line:column  [what accounts for it] sentence`."""
    out = []
    for row in rows:
        if row.excluded is not None:
            reason = row.excluded if len(row.excluded) <= width else row.excluded[: width - 1] + "…"
            beside = f"excluded: {reason}"
        elif row.facts or row.others:
            beside = ", ".join([*row.facts, *row.others])
        else:
            beside = "UNCITED"
        out.append(f"{row.line}:{row.column}".ljust(8) + f"[{beside}] {row.text}")
    return out


def summary(source_id: str, rows: list[SentenceRow]) -> str:
    cited = sum(bool(r.facts or r.others) for r in rows)
    excluded = sum(r.excluded is not None and not (r.facts or r.others) for r in rows)
    todo = sum(r.uncited for r in rows)
    return f"{source_id}: {len(rows)} sentences, {cited} cited, {excluded} excluded, {todo} uncited"
