"""The one-page summary: every shipped briefing on exactly one page, readable, traceable.

Rendered here through the render functions; the build's `summary` format writes the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build.options import PAPERS
from briefing.load import load_factbase
from briefing.model import FactBase
from briefing.render.html import render_summary_html
from briefing.render.markdown import render_summary_markdown
from briefing.render.pdf import UA, SummaryOverflow, render_summary_pdf
from briefing.render.summary import summary_view

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> FactBase:
    fb, problems = load_factbase(ROOT / "factbase")
    assert fb is not None, problems
    return fb


@pytest.fixture(scope="module")
def summaries(shipped: FactBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("summaries")
    paths = {}
    for briefing in shipped.briefings:
        doc = render_summary_markdown(shipped, briefing)
        for paper in ("a4", "letter"):
            path = out / f"{briefing.id}.{paper}.pdf"
            path.write_bytes(render_summary_pdf(doc, page_size=PAPERS[paper].css_size)[UA])
            paths[f"{briefing.id}.{paper}"] = path
        html = out / f"{briefing.id}.summary.html"
        html.write_text(render_summary_html(doc), encoding="utf-8")
        paths[f"{briefing.id}.html"] = html
    return paths


def test_every_shipped_summary_is_exactly_one_page(summaries: dict[str, Path]) -> None:
    pdfs = {name: path for name, path in summaries.items() if path.suffix == ".pdf"}
    assert len(pdfs) == 10
    for name, path in pdfs.items():
        assert len(PdfReader(path).pages) == 1, name


def test_a_summary_carries_marking_title_bluf_judgments_watch_and_sources(
    shipped: FactBase, summaries: dict[str, Path], pdf_tools: None
) -> None:
    for briefing in shipped.briefings:
        flat = " ".join(_text(summaries, briefing.id))
        banner = (briefing.marking or shipped.settings.marking).banner
        assert flat.count(banner) >= 2, briefing.id  # top and bottom
        assert "BOTTOM LINE UP FRONT" in flat
        for judgment in briefing.judgments:
            term = judgment.likelihood or judgment.confidence
            assert term is not None and term.value.split()[0] in flat, (briefing.id, term)
        if briefing.watch:
            assert "WHAT TO WATCH" in flat
        assert "SOURCES" in flat
        assert re.search(r"s\d{3} [A-F]\b", flat), "each line names its sources and grades"


def _text(summaries: dict[str, Path], ident: str) -> list[str]:
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-layout", str(summaries[f"{ident}.a4"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def test_the_most_important_disagreements_come_first(shipped: FactBase) -> None:
    """Ranked by whether they touch the BLUF's and judgments' facts; at most two shown."""
    from briefing.render.context import document_view

    for briefing in shipped.briefings:
        view = summary_view(document_view(shipped, briefing))
        shown = [d.discrepancy for d in view.discrepancies]
        assert len(shown) <= 2
        key = {i for b in briefing.bluf for i in b.facts} | {
            i for j in briefing.judgments for i in j.facts
        }
        every = [d for s in [view.doc.main, *view.doc.parts] for d in s.discrepancies]
        if view.doc.context:
            every += view.doc.context.discrepancies
        touching = [d.discrepancy for d in every if key.intersection(d.discrepancy.facts)]
        if touching:
            assert key.intersection(shown[0].facts), briefing.id
        assert view.more_discrepancies == len(every) - len(shown)


def test_too_long_a_summary_fails_naming_what_overflows(shipped: FactBase) -> None:
    briefing = shipped.briefings[0]
    long_bluf = [b.model_copy(update={"text": (b.text + " ") * 12}) for b in briefing.bluf]
    swollen = briefing.model_copy(update={"bluf": long_bluf})
    doc = render_summary_markdown(shipped, swollen)
    with pytest.raises(SummaryOverflow, match=r"even at 9 pt \(from “.+”\): shorten"):
        render_summary_pdf(doc)


def test_summary_page_is_valid_html(summaries: dict[str, Path], vnu: object) -> None:
    for name, path in summaries.items():
        if path.suffix == ".html":
            assert vnu(path) == [], name  # type: ignore[operator]


@pytest.mark.browser
def test_summary_page_fits_a_laptop_screen_in_two_columns(
    summaries: dict[str, Path], page: object
) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.set_viewport_size({"width": 1280, "height": 800})
    for name, path in summaries.items():
        if path.suffix != ".html":
            continue
        page.goto(path.as_uri())
        columns = page.eval_on_selector(
            ".bf-summary-body", "e => getComputedStyle(e).columnCount"
        )
        assert columns == "2", name
        assert page.evaluate("document.scripts.length") == 0
