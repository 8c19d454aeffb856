"""The external toolchain works end to end on tiny inputs written here.

WeasyPrint + the chosen Debian fonts -> PDF checked by qpdf, pdftotext, pdffonts
and pikepdf; vnu on valid and invalid HTML; Playwright + Debian chromium + axe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import tools

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The briefing's typefaces (Debian fonts-noto-core + fonts-noto-mono).
BODY_FONT, HEADING_FONT, MONO_FONT = "Noto Serif", "Noto Sans", "Noto Sans Mono"

TWO_PAGE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Toolchain check</title>
<style>
  @page { size: A4; margin: 20mm; }
  body { font-family: "Noto Serif"; font-size: 11pt; }
  h1, h2 { font-family: "Noto Sans"; font-weight: 700; }
  code { font-family: "Noto Sans Mono"; }
  .next { break-before: page; }
</style>
</head>
<body>
  <h1>Alliance briefing</h1>
  <p>The ministers reaffirmed “extended deterrence” — it’s a shift, <em>they said</em>.</p>
  <p>Fact id <code>F-0042</code> is graded A.</p>
  <h2 class="next">Second page</h2>
  <p>Closing paragraph on page two.</p>
</body>
</html>
"""


def render_pdf(html: str, out: Path, **write_options: object) -> Path:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only local resources: the briefing never fetches from the network.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    HTML(string=html, base_url=str(out.parent), url_fetcher=fetcher).write_pdf(out, **write_options)
    return out


def test_weasyprint_renders_two_pages_with_embedded_fonts(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    qpdf_check: Callable[[Path], str],
    pdftotext_pages: Callable[..., list[str]],
    pdffonts: Callable[[Path], list[tools.PdfFont]],
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(TWO_PAGE_HTML, tmp_path / "two-pages.pdf")
    assert [r.getMessage() for r in caplog.records] == []

    assert "No syntax or stream encoding errors found" in qpdf_check(pdf)
    assert tools.pdf_page_count(pdf) == 2

    pages = pdftotext_pages(pdf)
    assert len(pages) == 2
    assert "Alliance briefing" in pages[0]
    # Curly quotes, apostrophe and em dash survive as text (ToUnicode maps work).
    assert "“extended deterrence” — it’s a shift" in " ".join(pages[0].split())
    assert "F-0042" in pages[0]
    assert "Second page" not in pages[0]
    assert "Second page" in pages[1] and "Closing paragraph on page two." in pages[1]

    fonts = pdffonts(pdf)
    by_name = {f.base_name: f for f in fonts}
    # WeasyPrint names embedded fonts after Pango's description ("Noto Serif
    # Italic" -> "Noto-Serif-Italic"), not the font's PostScript name.
    expected = {
        "Noto-Serif",  # body
        "Noto-Serif-Italic",  # <em>
        "Noto-Sans-Bold",  # headings
        "Noto-Sans-Mono",  # <code>
    }
    assert expected <= by_name.keys(), f"fonts in PDF: {sorted(by_name)}"
    # Nothing fell back to another family (e.g. DejaVu for a missing glyph).
    assert all(name.startswith(("Noto-Serif", "Noto-Sans")) for name in by_name), sorted(by_name)
    for font in fonts:
        assert font.embedded, f"{font.name} is not embedded"
        assert font.subset, f"{font.name} is not subset"
        assert font.unicode, f"{font.name} has no ToUnicode map"


def test_weasyprint_pdfa_variant_is_marked_and_valid(
    tmp_path: Path, qpdf_check: Callable[[Path], str]
) -> None:
    import pikepdf

    pdf = render_pdf(TWO_PAGE_HTML, tmp_path / "pdfa.pdf", pdf_variant="pdf/a-3b")
    qpdf_check(pdf)
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 2
        assert doc.open_metadata().pdfa_status == "3B"
        assert "/OutputIntents" in doc.Root


VALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Valid</title></head>
<body><main><h1>Valid page</h1><p>Nothing wrong here.</p></main></body>
</html>
"""

INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Invalid</title></head>
<body>
<p id="dup">one</p><p id="dup">two</p>
<ul><p>not a list item</p></ul>
</body>
</html>
"""


def test_vnu_accepts_valid_html(tmp_path: Path, vnu: Callable[[Path], list[str]]) -> None:
    page = tmp_path / "valid.html"
    page.write_text(VALID_HTML, encoding="utf-8")
    assert vnu(page) == []


def test_vnu_reports_errors_in_invalid_html(
    tmp_path: Path, vnu: Callable[[Path], list[str]], vnu_jar: Path
) -> None:
    page = tmp_path / "invalid.html"
    page.write_text(INVALID_HTML, encoding="utf-8")
    errors = vnu(page)
    assert any("Duplicate ID “dup”" in e for e in errors), errors
    assert any("Element “p” not allowed as child of element “ul”" in e for e in errors), errors

    # The raw report carries locations, for readable failures in later tests.
    report = tools.vnu_report(vnu_jar, page)
    dup = next(m for m in report if "Duplicate ID" in str(m["message"]))
    assert dup["lastLine"] == 5
    assert tools.format_vnu_message(dup).startswith(f"{page}:5:")


ACCESSIBLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Accessible page</title></head>
<body>
<main>
  <h1>Accessible page</h1>
  <p>Plain, well-structured content.</p>
</main>
</body>
</html>
"""

INACCESSIBLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Inaccessible page</title></head>
<body>
<main>
  <h1>Inaccessible page</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
</main>
</body>
</html>
"""


@pytest.mark.browser
def test_chromium_opens_local_file_and_axe_runs(tmp_path: Path, page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    good = tmp_path / "good.html"
    good.write_text(ACCESSIBLE_HTML, encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(INACCESSIBLE_HTML, encoding="utf-8")
    axe = Axe()

    page.goto(good.as_uri())
    assert page.title() == "Accessible page"
    assert page.locator("h1").inner_text() == "Accessible page"
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert results.response["testEngine"]["name"] == "axe-core"

    page.goto(bad.as_uri())
    results = axe.run(page)
    ids = {v["id"] for v in results.response["violations"]}
    assert "image-alt" in ids, results.generate_report()


@pytest.mark.browser
def test_chromium_resolves_no_outside_hosts(page: Page) -> None:
    from playwright.sync_api import Error

    # --host-resolver-rules maps every host but localhost to NOTFOUND: no DNS, no traffic.
    with pytest.raises(Error, match="ERR_NAME_NOT_RESOLVED"):
        page.goto("http://example.com/", timeout=15_000)
