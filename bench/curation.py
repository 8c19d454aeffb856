"""How well `briefing suggest` and `briefing draft` recover what an analyst curated.

    .venv/bin/python bench/curation.py

For each event (the shipped July 2024 fact base, and examples/flood-exercise):

suggest — the curated discrepancies.yaml is set aside (suggest runs on the fact base with no
discrepancies). A suggestion MATCHES a curated discrepancy when its citations overlap (same
source, character spans that intersect) the citations of at least two of the curated
discrepancy's variants. Recall: curated discrepancies matched by at least one suggestion.
Precision: discrepancy suggestions (corroborations aside) that match at least one curated
discrepancy.

draft — facts.yaml is set aside (an empty fact list, the briefings removed) and `draft` runs on
every source in register order, writing into a copy. Share: curated facts with a citation that
overlaps a draft's citation (its own sentence or a corroboration attached to it), and, stricter,
with a quote that is exactly a draft's quote (drafts quote whole sentences; analysts often
quote a clause). Kind match:
among those, how often the first overlapping draft's guessed kind is the curated kind.

The rules were tuned on the shipped event; the flood exercise is the held-out event.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

from briefing.authoring import yamledit
from briefing.checks import Provenance
from briefing.curation.draft import plan_drafts, write_plan
from briefing.curation.suggest import suggest, touches
from briefing.model import Citation, FactBase
from briefing.text import normalise_quote
from briefing.validation import gather

ROOT = Path(__file__).resolve().parent.parent
EVENTS = {
    "shipped (tuned on)": ROOT / "factbase",
    "flood-exercise (held out)": ROOT / "examples" / "flood-exercise" / "factbase",
}


def _load(folder: Path) -> FactBase:
    fb, problems = gather(folder)
    if fb is None:
        sys.exit(f"cannot load {folder}: {problems[0]}")
    return fb


def bench_suggest(folder: Path) -> tuple[int, int, int, int, int]:
    fb = _load(folder)
    curated = fb.discrepancies
    found = suggest(dataclasses.replace(fb, discrepancies=[]))
    provenance = Provenance(fb)
    proposed = [s for s in found if s.kind != "corroboration"]
    recalled = sum(any(touches(s, d, provenance) for s in proposed) for d in curated)
    right = sum(any(touches(s, d, provenance) for d in curated) for s in proposed)
    return recalled, len(curated), right, len(proposed), len(found) - len(proposed)


def _copy_without_facts(folder: Path, work: Path) -> Path:
    fb = _load(folder)
    target = work / "factbase"
    shutil.copytree(folder, target)
    shutil.copytree(fb.seeds_dir, work / "seeds")
    settings = (target / "factbase.yaml").read_text(encoding="utf-8")
    seeds_line = next(ln for ln in settings.splitlines() if ln.startswith("seeds:"))
    settings = settings.replace(seeds_line, "seeds: ../seeds")
    (target / "factbase.yaml").write_text(settings, encoding="utf-8")
    (target / "facts.yaml").write_text("facts: []\n", encoding="utf-8")
    (target / "discrepancies.yaml").write_text("discrepancies: []\n", encoding="utf-8")
    shutil.rmtree(target / "briefings")
    (target / "briefings").mkdir()
    return target


def _events_emptied(target: Path) -> None:
    """Events may list their facts; with the facts set aside those lists must go too."""
    path = target / "factbase.yaml"
    yaml, data = yamledit.load(path.read_text(encoding="utf-8"))
    for event in data.get("events") or []:
        if "facts" in event:
            event["facts"] = []
    path.write_text(yamledit.dump(yaml, data), encoding="utf-8")


def bench_draft(folder: Path) -> tuple[int, int, int, int, int]:
    curated = _load(folder)
    with tempfile.TemporaryDirectory() as temp:
        target = _copy_without_facts(folder, Path(temp))
        _events_emptied(target)
        for source in curated.sources:
            fb = _load(target)
            write_plan(target, plan_drafts(fb, source.id))
        drafted = _load(target)
    provenance = Provenance(curated)

    def spans(cit: Citation) -> list[tuple[str, int, int]]:
        return [(cit.source, s, e) for s, e in provenance.spans(cit)]

    draft_spans = [
        (fact.kind.value, span)
        for fact in drafted.facts
        for cit in fact.citations
        for span in spans(cit)
    ]
    draft_quotes = {
        (cit.source, normalise_quote(cit.quote).rstrip("."))
        for f in drafted.facts
        for cit in f.citations
    }
    exact = sum(
        any(
            (c.source, normalise_quote(c.quote).rstrip(".")) in draft_quotes for c in fact.citations
        )
        for fact in curated.facts
    )
    found = kinds = 0
    for fact in curated.facts:
        mine = [span for cit in fact.citations for span in spans(cit)]
        hit = next(
            (
                kind
                for kind, (src, s, e) in draft_spans
                for m_src, ms, me in mine
                if src == m_src and s < me and ms < e
            ),
            None,
        )
        if hit is not None:
            found += 1
            kinds += hit == fact.kind.value
    return found, exact, len(curated.facts), kinds, len(drafted.facts)


def main() -> None:
    for name, folder in EVENTS.items():
        recalled, curated, right, proposed, corroborations = bench_suggest(folder)
        print(f"{name}: suggest")
        print(f"  recall     {recalled}/{curated} = {recalled / max(curated, 1):.0%}")
        print(f"  precision  {right}/{proposed} = {right / max(proposed, 1):.0%}")
        print(f"  corroborations proposed: {corroborations}")
        found, exact, facts, kinds, drafts = bench_draft(folder)
        print(f"{name}: draft ({drafts} drafts)")
        print(f"  curated facts citing a draft's sentence: {found}/{facts} = {found / facts:.0%}")
        print(f"  ... with exactly a draft's quote: {exact}/{facts} = {exact / facts:.0%}")
        print(f"  guessed kind = curated kind: {kinds}/{found} = {kinds / max(found, 1):.0%}")


if __name__ == "__main__":
    main()
