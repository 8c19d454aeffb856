"""Each sentence cites its own evidence: no id can make a note show another thing's quotes."""

from __future__ import annotations

import re
from pathlib import Path

from editing import edit

from briefing.render.markdown import render_markdown
from briefing.render.templating import NoteLedger
from briefing.validation import load_valid

FACT = """\
  - id: who-official
    topics: [c2]
    statement: An official spoke about the troops.
    kind: background
    credibility: 5
    citations:
      - source: mini
        quote: Another report says
"""


def notes(markdown: str) -> dict[str, str]:
    """Source-note definitions by label: `[^label]: heading` and its citation lines."""
    found: dict[str, str] = {}
    for match in re.finditer(r"^\[\^([^\]]+)\]: (.*(?:\n    .*)*)", markdown, re.MULTILINE):
        assert match[1] not in found, f"note {match[1]} defined twice"
        found[match[1]] = match[2]
    return found


def test_a_fact_named_like_an_entity_note_keeps_its_own_evidence(mini: Path) -> None:
    """`who-official` is a fine fact id; the entity `official` has notes of its own."""
    facts = mini / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + FACT, encoding="utf-8")
    fb, _ = load_valid(mini)
    briefing = next(b for b in fb.briefings if b.id == "c2")
    markdown = render_markdown(fb, briefing).text
    defined = notes(markdown)
    sentence = next(ln for ln in markdown.splitlines() if "An official spoke" in ln)
    (label,) = re.findall(r"\[\^([^\]]+)\]", sentence)
    assert defined[label].startswith("Information credibility 5")
    assert "“Another report says”" in defined[label]
    assert "the official said" not in defined[label]
    person = next(ln for ln in markdown.splitlines() if ln.startswith("| US official"))
    (who,) = re.findall(r"\[\^([^\]]+)\]", person)
    assert who != label
    assert defined[who].startswith("US official: Unnamed official.")
    assert "“the official said”" in defined[who]


def test_an_entity_passed_to_ref_cites_the_entity_not_a_fact_of_the_same_id(mini: Path) -> None:
    edit(mini / "facts.yaml", "id: troops-54000", "id: official")
    edit(mini / "discrepancies.yaml", "facts: [troops-54000]", "facts: [official]")
    edit(mini / "briefings" / "c2.yaml", "facts: [troops-54000]", "facts: [official]")
    fb, _ = load_valid(mini)
    briefing = next(b for b in fb.briefings if b.id == "c2")
    view = render_markdown(fb, briefing).view
    ledger = NoteLedger(view.notes)
    entity = next(e for e in fb.entities if e.id == "official")
    fact = view.facts_by_id["official"]
    assert ledger.ref(entity) == ledger.who(entity) != ledger.ref(fact)
    by_label = {note.key: note for note in ledger.notes()}
    assert [c.quote for c in by_label[ledger.who(entity)[2:-1]].citations] == ["the official said"]
    assert [c.quote for c in by_label["official"].citations] == ["Japan hosts 54,000 US troops"]
