"""A fact that belongs to a discrepancy says so wherever it appears, in every format."""

from __future__ import annotations

from pathlib import Path

import tinyhtml5

import tools
from briefing.validation import load_valid

ROOT = Path(__file__).resolve().parents[1]


def disputed_facts() -> dict[str, tuple[str, set[str]]]:
    """Each fact a discrepancy names: its statement and the discrepancies' subjects."""
    fb, _ = load_valid(ROOT / "factbase")
    statements = {f.id: f.statement for f in fb.facts}
    found: dict[str, tuple[str, set[str]]] = {}
    for d in fb.discrepancies:
        for ident in d.facts:
            found.setdefault(ident, (statements[ident], set()))[1].add(d.subject)
    return found


def test_every_disputed_fact_points_to_its_discrepancy_in_the_markdown(
    shipped_out: Path, shipped_ids: list[str]
) -> None:
    disputed = disputed_facts()
    assert disputed, "the shipped fact base records facts in its discrepancies"
    checked = 0
    for name in shipped_ids:
        for line in (shipped_out / f"{name}.md").read_text("utf-8").splitlines():
            plain = tools.fold_marks(line).replace("\\", "")
            for statement, subjects in disputed.values():
                if line.startswith("- ") and statement in plain:
                    checked += 1
                    assert "Sources disagree; see" in line, (name, line)
                    assert any(f'"{s}"' in plain for s in subjects), (name, line)
    assert checked > 0


def test_the_pointer_shows_in_the_page_and_the_pdf(
    shipped_out: Path, pdftotext_pages: object
) -> None:
    root = tinyhtml5.parse((shipped_out / "c2-restructuring.html").read_text("utf-8"))
    items = ["".join(li.itertext()) for li in root.iter("{http://www.w3.org/1999/xhtml}li")]
    troops = [text for text in items if "US troops" in text and "Japan hosts" in text]
    assert len(troops) == 2
    assert all("Sources disagree; see “Number of US troops" in text for text in troops)
    pages = pdftotext_pages(shipped_out / "c2-restructuring.pdf")  # type: ignore[operator]
    assert "Sources disagree; see" in " ".join(" ".join(p.split()) for p in pages)
