"""HTML → PDF with WeasyPrint. The only module importing `weasyprint`, and only when called.

Lays a document out once and writes the tagged PDF/UA-1 file from that one layout; the PDF/A-3b
file is made from its bytes (`briefing.render.pdfa`), not written a second time. The URL
fetcher allows nothing but `data:` URLs and files inside the shipped assets folder: fact text
is untrusted, and WeasyPrint's default fetcher would read local files and reach the network.
"""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefing.errors import RenderError
from briefing.render.html import SAFE_SCHEMES, render_html, render_summary_html, stylesheet
from briefing.render.job import RenderJob
from briefing.render.markdown import MarkdownDocument
from briefing.resources import ASSETS

UA = "pdf/ua-1"  # the default PDF standard: tagged, accessible
PDFA_3B = "pdf/a-3b"  # made from the UA file's bytes (briefing.render.pdfa), not written again


class MissingFont(RenderError):
    """The layout used a font the stylesheet does not name."""


class FetchRefused(RenderError):
    """The document asked for a resource outside what a briefing may use."""


def warm_up() -> None:
    """Import WeasyPrint now, e.g. when a worker process starts; a RenderError if it cannot."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, MemoryError) as error:
        raise RenderError(
            f"the PDF worker could not load WeasyPrint within its memory bound ({error})"
        ) from None


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class AssetsOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves `data:` URLs and files under the assets folder; refuses everything else."""

        def __init__(self, root: Path) -> None:
            super().__init__(
                allowed_protocols=("data", "file"),
                allow_redirects=False,
                fail_on_errors=True,
                timeout=1,
            )
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?", 1)[0].removeprefix("file:"))).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
                if path.is_relative_to(self.root):
                    self.refused.append(url)
                    raise FatalURLFetchingError(
                        f"asset {path.relative_to(self.root)} not found in {self.root}"
                    )
            self.refused.append(url)
            raise FatalURLFetchingError(f"refused to fetch {url}")

    return AssetsOnlyFetcher


_FAMILY_DECLARATION = re.compile(
    r"(?:font-family|--bf-(?:serif|sans|mono))\s*:\s*([^;}<>]+)", re.IGNORECASE
)
_FONT_FACE = re.compile(r"@font-face\s*{[^}]*?font-family\s*:\s*([^;}]+)", re.IGNORECASE)
_GENERIC = {
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "inherit",
    "initial",
    "unset",
    "revert",
    "math",
    "emoji",
    "ui-serif",
    "ui-sans-serif",
}


def _named_families(html: str) -> set[str]:
    """Every font family the document's CSS names."""
    names = set()
    for declaration in _FAMILY_DECLARATION.findall(html):
        for name in declaration.split(","):
            name = name.strip().strip("'\"").strip()
            if name and name.lower() not in _GENERIC and not name.startswith("var("):
                names.add(name.lower())
    return names


@functools.cache
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows, lower-cased (`fc-list`, once per process)."""
    try:
        listing = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(
        name.strip().lower() for line in listing.splitlines() for name in line.split(",")
    )


def _ensure_primary_fonts_installed(html: str) -> None:
    """The first family of every font-family the stylesheet sets must be installed."""
    installed = installed_families()
    if not installed:
        return  # fontconfig gave no answer: the fallback check after layout still runs
    declared = {  # @font-face families come with the document (their files are fetched)
        name.strip().strip("'\"").strip().lower() for name in _FONT_FACE.findall(html)
    }
    installed = installed | declared
    missing = set()
    for declaration in _FAMILY_DECLARATION.findall(html):
        first = declaration.split(",")[0].strip().strip("'\"").strip()
        chosen = first and first.lower() not in _GENERIC and not first.startswith("var(")
        if chosen and first.lower() not in installed:
            missing.add(first)
    if missing:
        raise MissingFont(
            f"font {', '.join(sorted(missing))} is not installed; install it "
            "(the shipped fonts: scripts/system-deps.sh) or name one that is"
        )


def _ensure_named_fonts(html: str, used: set[str]) -> None:
    """Fail rather than print with a font nobody chose: a missing font package, or text
    whose characters the chosen fonts lack, would otherwise change the PDF silently."""
    named = _named_families(html)
    if not named:
        return  # a document that chooses no font accepts the default one
    strangers = sorted(family for family in used if family.lower() not in named)
    if strangers:
        raise MissingFont(
            f"the PDF would fall back to {', '.join(strangers)}: a font the stylesheet names "
            f"is not installed (run scripts/system-deps.sh), or the text has characters "
            f"it lacks"
        )


def pdf_html(doc: MarkdownDocument, page_size: str = "A4", templates: Path | None = None) -> str:
    """The page HTML with the print layout (pdf.css and the page size) appended."""
    page_css = "\n" + stylesheet("pdf.css") + f"\n@page {{ size: {page_size}; }}\n"
    return render_html(doc, templates=templates, extra_css=page_css)


def pdf_files(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `pdf` format: one layout, one PDF per standard asked for."""
    warm_up()
    pdfs = render_pdf(pdf_html(doc, job.page_size, job.templates), variants=job.pdf_standards)
    return tuple(pdfs[standard] for standard in job.pdf_standards)


def render_pdf(html: str, *, variants: Iterable[str] = (UA,)) -> dict[str, bytes]:
    """Lay out `html` (from `pdf_html`) once; one PDF per WeasyPrint `pdf_variant` asked for
    (e.g. `pdf/ua-1`, `pdf/a-3b`), keyed by it."""
    _ensure_primary_fonts_installed(html)
    return _write_variants(_layout(html), html, variants)


def _layout(html: str) -> Any:
    """The WeasyPrint document of `html`: every page laid out, with the confined fetcher."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = _fetcher_class()(ASSETS)
    try:
        return HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=FontConfiguration()
        )
    except FatalURLFetchingError as error:
        raise FetchRefused(f"PDF refused a resource: {error}") from None


def _write_variants(document: Any, html: str, variants: Iterable[str]) -> dict[str, bytes]:
    """One PDF per variant from one laid-out document.

    WeasyPrint writes the tagged PDF/UA-1 file; the PDF/A-3b file is made from its bytes
    (`briefing.render.pdfa`: about 2 % of the cost of the PDF, layout included, where a
    second `write_pdf` costs some 20 %; bench/pdfa.py). Any other variant is written by
    WeasyPrint.
    """
    from weasyprint.urls import FatalURLFetchingError

    _refuse_unsafe_links(document)
    wanted = list(dict.fromkeys(variants))
    pdf_id = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    written: dict[str, bytes] = {}
    to_write = [variant for variant in wanted if variant != PDFA_3B]
    if PDFA_3B in wanted and UA not in to_write:
        to_write.insert(0, UA)  # the PDF/A file is made from it
    try:
        for variant in to_write:
            written[variant] = _write(document, variant, pdf_id)
    except FatalURLFetchingError as error:
        raise FetchRefused(f"PDF refused a resource: {error}") from None
    # WeasyPrint knows the fonts it used once a PDF is written
    _ensure_named_fonts(html, {font.family for font in document.fonts.values()})
    if PDFA_3B in wanted:
        from briefing.render.pdfa import pdfa_from_ua

        written[PDFA_3B] = pdfa_from_ua(written[UA], _srgb_profile())
    return {variant: written[variant] for variant in wanted}


def _write(document: Any, variant: str, pdf_id: bytes) -> bytes:
    data = document.write_pdf(pdf_variant=variant, pdf_identifier=pdf_id)
    assert isinstance(data, bytes)
    return data


@functools.cache
def _srgb_profile() -> bytes:
    """The sRGB ICC profile WeasyPrint ships (and puts in the PDF/A files it writes itself)."""
    from importlib.resources import files

    return files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()


def _refuse_unsafe_links(document: Any) -> None:
    """Before anything is written: no attachment, and links only to http, https and mailto.

    `<link rel=attachment>` lands in the metadata, `<a rel=attachment>` (even with a `data:`
    URL, which the fetcher serves) in the page links; WeasyPrint would embed either.
    """
    if document.metadata.attachments:
        raise FetchRefused("the document asked for attachments; briefings carry none")
    for page in document.pages:
        for kind, target, _, _ in page.links:
            if kind == "attachment":
                raise FetchRefused(
                    f"the document asked to attach {str(target)[:80]}; briefings carry none"
                )
            if kind == "external" and not str(target).lower().startswith(SAFE_SCHEMES):
                raise FetchRefused(
                    f"link to {str(target)[:80]} refused: only http, https and mailto links"
                )


# --------------------------------------------------------------------------- one-page summary

SUMMARY_SIZES_PT = (10.0, 9.5, 9.0)  # the body size is lowered to fit, never below 9 pt


class SummaryOverflow(RenderError):
    """The one-page summary does not fit on one page at the smallest readable size."""


def summary_pdf_html(
    doc: MarkdownDocument, page_size: str = "A4", templates: Path | None = None, size: float = 10.0
) -> str:
    """The summary page HTML with its print layout, at a body size in points."""
    page_css = (
        "\n" + stylesheet("pdf.css") + "\n" + stylesheet("summary-pdf.css")
        + f"\n@page {{ size: {page_size}; }}\n"
        + f".briefing-doc.bf-summary {{ --bf-summary-size: {size}pt; }}\n"
    )  # fmt: skip
    return render_summary_html(doc, templates=templates, extra_css=page_css, screen=False)


def render_summary_pdf(
    doc: MarkdownDocument,
    *,
    page_size: str = "A4",
    templates: Path | None = None,
    variants: Iterable[str] = (UA,),
) -> dict[str, bytes]:
    """The summary on exactly one page: the largest body size from 10 pt down to 9 pt that
    fits; if none does, fail naming what runs onto the second page."""
    overflow = ""
    for size in SUMMARY_SIZES_PT:
        html = summary_pdf_html(doc, page_size, templates, size)
        _ensure_primary_fonts_installed(html)
        document = _layout(html)
        if len(document.pages) == 1:  # the layout that fits is the one written
            return _write_variants(document, html, variants)
        overflow = _first_words(document.pages[1])
    raise SummaryOverflow(
        f"the one-page summary runs onto a second page even at {SUMMARY_SIZES_PT[-1]:g} pt "
        f"(from “{overflow}”): shorten the BLUF, the key judgments or what to watch"
    )


def _first_words(page: Any, limit: int = 60) -> str:
    """The first text laid out on a page, to say what overflowed."""
    words: list[str] = []
    stack = [page._page_box]
    while stack and sum(len(w) + 1 for w in words) < limit:
        box = stack.pop(0)
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip():
            words.append(text.strip())
        stack[:0] = list(getattr(box, "children", []))
    return " ".join(words)[:limit].strip()


def summary_files(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `summary` format: one PDF page per standard, then the page."""
    from briefing.render.inert import ensure_inert
    from briefing.render.markdown import summary_markdown

    warm_up()
    summary = summary_markdown(doc.view, job.templates)
    html = render_summary_html(summary, templates=job.templates)
    ensure_inert(html, job.names[-1], fragment=False)
    pdfs = render_summary_pdf(
        summary, page_size=job.page_size, templates=job.templates, variants=job.pdf_standards
    )
    return (*(pdfs[standard] for standard in job.pdf_standards), html.encode())
