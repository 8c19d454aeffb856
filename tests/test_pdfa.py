"""The PDF/A-3b file is the PDF/UA-1 file of the same layout, declared PDF/A (issue 15).

It is made from the UA file's bytes (briefing/render/pdfa.py), not written a second time:
the same pages, fonts and tags, an sRGB output intent, PDF/A identification in the XMP, the
Print flag on every link. pikepdf's PDF/A-3b validation of the shipped files is in
test_pdf.py; here: what the PDF/A file keeps of the UA file, and that it is deterministic.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pikepdf.pdfa
import pytest

from briefing.load import load_factbase
from briefing.render import pdf as pdf_module
from briefing.render.job import RenderJob
from briefing.render.markdown import render_markdown, render_summary_markdown
from briefing.render.pdf import (
    PDFA_3B,
    UA,
    _srgb_profile,
    pdf_html,
    render_pdf,
    render_summary_pdf,
    summary_files,
)
from briefing.render.pdfa import pdfa_from_ua

REPO = Path(__file__).resolve().parent.parent
IDS = sorted(p.stem for p in (REPO / "factbase" / "briefings").glob("*.yaml"))
MINI = REPO / "tests" / "fixtures" / "mini" / "factbase"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
PRINT, HIDDEN = 4, 1 | 2 | 32  # annotation flags: Print; Invisible, Hidden, NoView

pytestmark = pytest.mark.usefixtures("pdf_tools")


def structure(pdf: pikepdf.Pdf) -> list[str]:
    """The tag tree, depth first: each element's type and, for marked content, its page."""
    found: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child, depth)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            alt = str(node.get("/Alt", ""))
            found.append(f"{depth}:{node.S}{':' + alt if alt else ''}")
            walk(node.get("/K"), depth + 1)
        elif isinstance(node, int):
            found.append(f"{depth}:mcid {node}")

    walk(pdf.Root.StructTreeRoot.get("/K"), 0)
    return found


@pytest.mark.parametrize("briefing_id", IDS)
def test_pdfa_file_is_the_ua_file_with_its_tags(shipped_out: Path, briefing_id: str) -> None:
    with (
        pikepdf.open(shipped_out / f"{briefing_id}.pdf") as ua,
        pikepdf.open(shipped_out / f"{briefing_id}.pdfa.pdf") as pdfa,
    ):
        # The same layout: every page's content stream, byte for byte.
        assert len(pdfa.pages) == len(ua.pages)
        for a, u in zip(pdfa.pages, ua.pages, strict=True):
            assert a.obj.Contents.read_raw_bytes() == u.obj.Contents.read_raw_bytes()
            assert a.obj.get("/StructParents") == u.obj.get("/StructParents")
            assert a.obj.get("/Tabs") == u.obj.get("/Tabs") == "/S"
        # The PDF/UA tags, kept whole.
        assert pdfa.Root.MarkInfo.Marked is True
        assert structure(pdfa) == structure(ua)
        assert len(structure(pdfa)) > 50  # a real tree: headings, paragraphs, links, lists
        assert pdfa.Root.Lang == ua.Root.Lang
        assert pdfa.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdfa.docinfo.Title == ua.docinfo.Title
        # What PDF/A adds: the identification, the output intent, printable links.
        with pdfa.open_metadata() as xmp:
            assert xmp.get(f"{PDFAID}part") == "3"
            assert xmp.get(f"{PDFAID}conformance") == "B"
            assert f"{PDFUAID}part" not in xmp  # PDF/A-3b allows no property outside its schemas
            assert "{http://ns.adobe.com/xap/1.0/}MetadataDate" not in xmp  # no clock
            assert xmp.get("{http://ns.adobe.com/pdf/1.3/}Producer", "").startswith("WeasyPrint")
        intent = pdfa.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        assert intent.DestOutputProfile.read_bytes() == _srgb_profile()
        annotations = [a for page in pdfa.pages for a in page.obj.get("/Annots", [])]
        assert annotations, "the shipped briefings link their contents and sources"
        assert all(int(a.F) & PRINT and not int(a.F) & HIDDEN for a in annotations)
        assert "/OutputIntents" not in ua.Root


@pytest.fixture(scope="module")
def mini_html() -> str:
    fb, problems = load_factbase(MINI)
    assert fb is not None, problems
    return pdf_html(render_markdown(fb, fb.briefings[0]))


def test_pdfa_bytes_depend_only_on_the_ua_bytes(mini_html: str) -> None:
    both = render_pdf(mini_html, variants=(UA, PDFA_3B))
    again = render_pdf(mini_html, variants=(UA, PDFA_3B))
    alone = render_pdf(mini_html, variants=(PDFA_3B,))
    assert list(both) == [UA, PDFA_3B] and list(alone) == [PDFA_3B]
    assert both == again
    assert alone[PDFA_3B] == both[PDFA_3B]  # asked alone, still made from the tagged file
    assert pdfa_from_ua(both[UA], _srgb_profile()) == both[PDFA_3B]
    assert both[PDFA_3B] != both[UA]
    for data in both.values():  # PDF/A requires a document ID; it is derived, not random
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.trailer.ID) == 2


def test_pdfa_alone_validates(mini_html: str, tmp_path: Path) -> None:
    path = tmp_path / "alone.pdfa.pdf"
    path.write_bytes(render_pdf(mini_html, variants=(PDFA_3B,))[PDFA_3B])
    assert pikepdf.pdfa.validate_written(path, "3b").violations == ()
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root


def test_summary_writes_the_layout_that_fits_and_its_pdfa_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fb, problems = load_factbase(REPO / "factbase")
    assert fb is not None, problems
    briefing = next(b for b in fb.briefings if b.id == IDS[0])
    layouts: list[str] = []
    real = pdf_module._layout

    def counted(html: str) -> Any:
        layouts.append(html)
        return real(html)

    monkeypatch.setattr(pdf_module, "_layout", counted)
    doc = render_markdown(fb, briefing)
    job = RenderJob(names=("s.summary.pdf", "s.summary.pdfa.pdf", "s.summary.html"),
                    pdf_standards=(UA, PDFA_3B))  # fmt: skip
    ua, pdfa, html = summary_files(doc, job)
    assert html.startswith(b"<!")
    assert len(layouts) == len(set(layouts)), "a size that fits is laid out once, not twice"
    assert ua.startswith(b"%PDF-") and pdfa != ua
    path = tmp_path / "summary.pdfa.pdf"
    path.write_bytes(pdfa)
    assert pikepdf.pdfa.validate_written(path, "3b").violations == ()
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1 and "/StructTreeRoot" in pdf.Root
    # The same as the summary renderer's own call.
    summary = render_summary_markdown(fb, briefing)
    assert render_summary_pdf(summary, variants=(UA, PDFA_3B))[PDFA_3B] == pdfa
