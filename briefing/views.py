"""Read-only views of a loaded fact base for the `sources`, `facts` and `list` commands.

Plain data out (lists and dicts), so the CLI prints tables and JSON from one source of truth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefing.build.options import DEFAULT_PDF_VARIANT, FORMATS, output_names
from briefing.checks import Provenance
from briefing.model import CREDIBILITY_MEANING, RELIABILITY_MEANING, FactBase, Index
from briefing.render.context import document_view


def source_rows(fb: FactBase) -> list[dict[str, Any]]:
    """The source register with, per source, the facts citing it and its coverage."""
    coverage = Provenance(fb).coverage()
    rows = []
    for source in fb.sources:
        cov = coverage.get(source.id)
        rows.append(
            {
                "id": source.id,
                "label": source.label,
                "file": source.file,
                "sha256": source.sha256,
                "timing": source.timing.value,
                "date": source.date.isoformat() if source.date else None,
                "reliability": source.reliability.value,
                "reliability_meaning": RELIABILITY_MEANING[source.reliability.value],
                "reliability_reason": source.reliability_reason,
                "ai_generated": source.ai_generated,
                "origin": source.origin.model_dump(),
                "excluded_lines": [
                    {"lines": ex.lines, "reason": ex.reason} for ex in source.exclude
                ],
                "facts": cov.facts if cov else 0,
                "sentences": cov.sentences if cov else 0,
                "sentences_cited": cov.cited if cov else 0,
                "coverage": round(cov.share, 4) if cov else None,
            }
        )
    return rows


def resolved_facts(fb: FactBase, topic: str | None = None) -> list[dict[str, Any]]:
    """Every fact (optionally of one topic) with its citations resolved to source files."""
    index = Index.of(fb)
    out = []
    for fact in fb.facts:
        if topic and topic not in fact.topics:
            continue
        out.append(
            {
                "id": fact.id,
                "topics": list(fact.topics),
                "statement": fact.statement,
                "kind": fact.kind.value,
                "event": fact.event,
                "entities": list(fact.entities),
                "speaker": fact.speaker,
                "dates": [d.model_dump() for d in fact.dates],
                "figures": [f.model_dump() for f in fact.figures],
                "credibility": fact.credibility,
                "credibility_meaning": CREDIBILITY_MEANING[fact.credibility],
                "citations": [
                    {
                        "source": cit.source,
                        "file": index.sources[cit.source].file,
                        "reliability": index.sources[cit.source].reliability.value,
                        "timing": index.sources[cit.source].timing.value,
                        "quote": cit.quote,
                    }
                    for cit in fact.citations
                ],
            }
        )
    return out


def briefing_rows(fb: FactBase, out: Path) -> list[dict[str, Any]]:
    """Every briefing: its scope, how many facts it shows, and its default output paths."""
    rows = []
    for briefing in fb.briefings:
        names = [
            n for fmt in FORMATS for n in output_names(briefing.id, fmt, [DEFAULT_PDF_VARIANT])
        ]
        rows.append(
            {
                "id": briefing.id,
                "title": briefing.title,
                "topics": list(briefing.topics),
                "includes": list(briefing.includes),
                "facts": len(document_view(fb, briefing).all_facts),
                "outputs": [str(out / n) for n in names],
            }
        )
    return rows
