"""The shipped PDFs, checked with the real tools: qpdf, poppler, pypdf and pikepdf.

Every shipped briefing is built once (conftest `shipped_out`) as a tagged PDF/UA-1 (<id>.pdf)
and a PDF/A-3b (<id>.pdfa.pdf). What a reader sees is checked on the text poppler extracts,
with positions (`pdftotext -bbox-layout`) wherever the place on the page matters.
"""

from __future__ import annotations

import functools
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
import yaml

import tools

REPO = Path(__file__).resolve().parent.parent
FACTBASE = REPO / "factbase"
MINI = REPO / "tests" / "fixtures" / "mini" / "factbase"
IDS = sorted(p.stem for p in (FACTBASE / "briefings").glob("*.yaml"))
VARIANTS = {"ua": "{}.pdf", "a3b": "{}.pdfa.pdf"}

MARGIN_PT = 22 / 25.4 * 72  # pdf.css: @page margin 22mm top and bottom
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)

pytestmark = pytest.mark.usefixtures("pdf_tools")


# ----------------------------------------------------------------- expectations


def settings() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FACTBASE / "factbase.yaml").read_text("utf-8"))
    return data


def briefing_yaml(briefing_id: str) -> dict[str, Any]:
    path = FACTBASE / "briefings" / f"{briefing_id}.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def marking_parts(briefing_id: str) -> list[str]:
    """The banner's parts, e.g. ["UNCLASSIFIED", "TLP:CLEAR"] (a briefing may override)."""
    marking = briefing_yaml(briefing_id).get("marking") or settings()["marking"]
    return [marking[k] for k in ("classification", "tlp") if marking.get(k)]


def norm(text: str) -> str:
    return " ".join(text.split())


class _Headings(HTMLParser):
    """h1-h6 of an HTML page, in order, and the entries of its contents list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.toc: list[str] = []
        self._heading: tuple[int, list[str]] | None = None
        self._in_toc = False
        self._toc_entry: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "nav" and "bf-toc" in (dict(attrs).get("class") or ""):
            self._in_toc = True
        elif tag == "li" and self._in_toc:
            self._toc_entry = []

    def handle_endtag(self, tag: str) -> None:
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], norm("".join(self._heading[1]))))
            self._heading = None
        elif tag == "nav":
            self._in_toc = False
        elif tag == "li" and self._toc_entry is not None:
            self.toc.append(norm("".join(self._toc_entry)))
            self._toc_entry = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._heading[1].append(data)
        if self._toc_entry is not None:
            self._toc_entry.append(data)


@functools.cache
def html_outline(html_file: Path) -> _Headings:
    parser = _Headings()
    parser.feed(html_file.read_text("utf-8"))
    return parser


def body_headings(html_file: Path) -> list[tuple[int, str]]:
    return html_outline(html_file).headings


# ------------------------------------------------------------ text with positions


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    y0: float


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    x0: float
    y0: float  # from the top of the page, in points
    x1: float
    y1: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return norm(" ".join(line.text for line in self.lines))

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)


@dataclass(frozen=True)
class PageText:
    number: int
    width: float
    height: float
    blocks: tuple[Block, ...]

    def top(self) -> list[str]:
        """Texts of the boxes in the top page margin (the running header), left to right."""
        return margin_boxes([ln for b in self.blocks for ln in b.lines if ln.y1 <= MARGIN_PT])

    def bottom(self) -> list[str]:
        """Texts of the boxes in the bottom page margin (the running footer), left to right."""
        return margin_boxes(
            [ln for b in self.blocks for ln in b.lines if ln.y0 >= self.height - MARGIN_PT]
        )

    def margin_top(self) -> float:
        """Where the highest line of the bottom margin starts."""
        return min(
            (ln.y0 for b in self.blocks for ln in b.lines if ln.y0 >= self.height - MARGIN_PT),
            default=self.height,
        )

    def body_lines(self) -> list[Line]:
        """Lines of the page area, top to bottom."""
        lines = [
            line
            for b in self.blocks
            if b.y1 > MARGIN_PT and b.y0 < self.height - MARGIN_PT
            for line in b.lines
        ]
        return sorted(lines, key=lambda line: (round(line.y1, 1), line.x0))

    def body_rows(self) -> list[str]:
        """The page area as visual rows, top to bottom: a table row's cells are one row."""
        rows: list[list[Line]] = []
        for line in sorted(self.body_lines(), key=lambda ln: ln.y0):
            middle = (line.y0 + line.y1) / 2
            if rows and any(other.y0 < middle < other.y1 for other in rows[-1]):
                rows[-1].append(line)
            else:
                rows.append([line])
        return [norm(" ".join(ln.text for ln in sorted(row, key=lambda ln: ln.x0))) for row in rows]

    def has_lines(self, text: str) -> bool:
        """Whether `text` is exactly one or more whole consecutive lines of one block."""
        want = norm(text)
        for block in self.blocks:
            texts = [line.text for line in block.lines]
            for i in range(len(texts)):
                for j in range(i + 1, len(texts) + 1):
                    if norm(" ".join(texts[i:j])) == want:
                        return True
        return False


def margin_boxes(lines: list[Line], gap: float = 8.0) -> list[str]:
    """Split margin lines into WeasyPrint's margin boxes (left, centre, right).

    pdftotext may run the boxes of one row together as one line: words further apart than
    `gap` points, or set in another font (the banner is bold and larger: its words start at
    another height), belong to different boxes; pieces overlapping horizontally (a wrapped
    title) are one box, read top to bottom.
    """
    pieces: list[tuple[float, float, float, str]] = []  # x0, x1, y0, text
    for line in lines:
        run: list[Word] = []
        for word in line.words:
            if run and (word.x0 - run[-1].x1 > gap or abs(word.y0 - run[-1].y0) > 0.05):
                pieces.append((run[0].x0, run[-1].x1, line.y0, " ".join(w.text for w in run)))
                run = []
            run.append(word)
        if run:
            pieces.append((run[0].x0, run[-1].x1, line.y0, " ".join(w.text for w in run)))
    boxes: list[list[tuple[float, float, float, str]]] = []
    for piece in sorted(pieces):
        for box in boxes:
            if any(piece[0] < other[1] and other[0] < piece[1] for other in box):
                box.append(piece)
                break
        else:
            boxes.append([piece])
    return [norm(" ".join(p[3] for p in sorted(box, key=lambda p: p[2]))) for box in boxes]


@functools.cache
def page_texts(pdf: Path) -> tuple[PageText, ...]:
    """Every page's blocks and lines, from `pdftotext -bbox-layout`."""
    cmd = ["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode != 0:
        raise tools.ToolError(cmd, proc)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(proc.stdout)
    pages = []
    for number, page in enumerate(root.iterfind(".//x:page", ns), start=1):
        blocks = []
        for block in page.iterfind(".//x:block", ns):
            lines = tuple(
                Line(
                    tuple(
                        Word(
                            norm(w.text or ""),
                            *(float(w.attrib[k]) for k in ("xMin", "xMax", "yMin")),
                        )
                        for w in line.iterfind("x:word", ns)
                    ),
                    *(float(line.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")),
                )
                for line in block.iterfind("x:line", ns)
            )
            if lines:
                blocks.append(Block(lines))
        pages.append(
            PageText(
                number, float(page.attrib["width"]), float(page.attrib["height"]), tuple(blocks)
            )
        )
    return tuple(pages)


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """The bookmarks depth first: (level, title, 1-based page); the top level is 1."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append(
                    (level, norm(item.title), reader.get_destination_page_number(item) + 1)
                )

    walk(reader.outline, 1)
    return found


def pdf_path(out: Path, briefing_id: str, variant: str) -> Path:
    return out / VARIANTS[variant].format(briefing_id)


both_variants = pytest.mark.parametrize("variant", sorted(VARIANTS))
every_briefing = pytest.mark.parametrize("briefing_id", IDS)


# ----------------------------------------------------------------------- tests


def test_every_shipped_briefing_has_both_pdfs(shipped_out: Path, shipped_ids: list[str]) -> None:
    assert shipped_ids, "factbase/briefings/ holds no briefing"
    for briefing_id in shipped_ids:
        for variant in VARIANTS:
            assert pdf_path(shipped_out, briefing_id, variant).is_file(), (briefing_id, variant)


@every_briefing
@both_variants
def test_qpdf_finds_no_error_or_warning(
    shipped_out: Path, briefing_id: str, variant: str, qpdf_check: Callable[[Path], str]
) -> None:
    report = qpdf_check(pdf_path(shipped_out, briefing_id, variant))
    assert "No syntax or stream encoding errors found" in report


@every_briefing
@both_variants
def test_every_page_has_banners_title_and_page_n_of_m(
    shipped_out: Path, briefing_id: str, variant: str
) -> None:
    pdf = pdf_path(shipped_out, briefing_id, variant)
    pages = page_texts(pdf)
    total = tools.pdf_page_count(pdf)
    title = norm(briefing_yaml(briefing_id)["title"])
    parts = marking_parts(briefing_id)
    assert len(pages) == total
    problems = []
    for page in pages:
        top = page.top()
        bottom = page.bottom()
        everything = sorted((line for b in page.blocks for line in b.lines), key=lambda x: x.y0)
        where = f"page {page.number}"
        if not everything:
            problems.append(f"{where}: no text at all")
            continue
        # The banner is the first line of the page, alone in the top margin...
        if not all(p in everything[0].text for p in parts):
            problems.append(f"{where}: first line is {everything[0].text!r}, not the banner")
        if len(top) != 1 or not all(p in top[0] for p in parts):
            problems.append(f"{where}: top margin holds {top}, expected the banner alone")
        # ...and again in the footer row, with the title and "Page N of M", below everything.
        if not any(all(p in b for p in parts) for b in bottom):
            problems.append(f"{where}: no banner in the bottom margin {bottom}")
        if title not in bottom:
            problems.append(f"{where}: title {title!r} not in the footer {bottom}")
        if f"Page {page.number} of {total}" not in bottom:
            problems.append(f"{where}: 'Page {page.number} of {total}' not in the footer {bottom}")
        lowest_body = max((line.y1 for line in page.body_lines()), default=0.0)
        if page.margin_top() < lowest_body:
            problems.append(f"{where}: footer is not the last thing on the page")
    assert not problems, "\n".join(problems)


def _text_in_font(pdf: Path, base_font: str) -> dict[str, list[int]]:
    """Each text piece drawn in a font whose name contains `base_font` -> its pages (pypdf)."""
    found: dict[str, list[int]] = {}
    for number, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, number: int = number) -> None:
            if font is not None and base_font in str(font.get("/BaseFont", "")) and text.strip():
                pages = found.setdefault(text.strip(), [])
                if number not in pages:
                    pages.append(number)

        page.extract_text(visitor_text=visit)
    return found


@every_briefing
@both_variants
def test_fonts_are_embedded_noto_and_never_type3(
    shipped_out: Path,
    briefing_id: str,
    variant: str,
    pdffonts: Callable[[Path], list[tools.PdfFont]],
) -> None:
    pdf = pdf_path(shipped_out, briefing_id, variant)
    fonts = pdffonts(pdf)
    assert fonts
    assert [f.name for f in fonts if not f.embedded] == []
    assert [f.name for f in fonts if "Type 3" in f.type] == []
    assert [f.name for f in fonts if not f.unicode] == []  # text stays extractable
    foreign = sorted({f.base_name for f in fonts if not f.base_name.startswith("Noto-")})
    if foreign:
        # A fallback font means Noto lacks a glyph the document uses: say which text.
        detail = "; ".join(
            f"{font} draws {text!r} on pages {pages}"
            for font in foreign
            for text, pages in _text_in_font(pdf, font).items()
        )
        pytest.fail(f"non-Noto fonts {foreign} (glyphs missing from Noto): {detail}")
    families = {re.sub(r"-(Bold|Italic|BoldItalic|Regular)$", "", f.base_name) for f in fonts}
    assert {"Noto-Serif", "Noto-Sans"} <= families, families


@every_briefing
@both_variants
def test_bookmarks_are_the_headings(shipped_out: Path, briefing_id: str, variant: str) -> None:
    reader = pypdf.PdfReader(pdf_path(shipped_out, briefing_id, variant))
    bookmarks = [(level, title) for level, title, _ in outline(reader)]
    assert bookmarks == body_headings(shipped_out / f"{briefing_id}.html")


@every_briefing
@both_variants
def test_document_metadata(shipped_out: Path, briefing_id: str, variant: str) -> None:
    reader = pypdf.PdfReader(pdf_path(shipped_out, briefing_id, variant))
    meta = reader.metadata
    spec = briefing_yaml(briefing_id)
    assert meta is not None
    assert meta.title == norm(spec["title"])
    assert meta.author == settings()["organisation"]
    assert meta.subject == norm(spec["subject"])
    assert (meta.get("/Keywords") or "").strip()
    assert reader.trailer["/Root"].get("/Lang") == settings().get("language", "en") == "en"


@every_briefing
def test_ua_variant_is_tagged(shipped_out: Path, briefing_id: str) -> None:
    with pikepdf.open(pdf_path(shipped_out, briefing_id, "ua")) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"


@every_briefing
@both_variants
def test_pages_are_a4(shipped_out: Path, briefing_id: str, variant: str) -> None:
    reader = pypdf.PdfReader(pdf_path(shipped_out, briefing_id, variant))
    sizes = {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }
    assert all(abs(w - A4[0]) <= 1 and abs(h - A4[1]) <= 1 for w, h in sizes), sizes


def test_paper_letter_gives_letter_pages(tmp_path: Path) -> None:
    from briefing.build import Options, run

    result = run(Options(factbase=MINI, out=tmp_path, formats=("pdf",), paper="letter"))
    assert not result.failed
    reader = pypdf.PdfReader(tmp_path / "c2.pdf")
    sizes = {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}
    assert all(abs(w - LETTER[0]) <= 1 and abs(h - LETTER[1]) <= 1 for w, h in sizes), sizes
    assert "letter" in tools.pdfinfo(tmp_path / "c2.pdf")["Page size"]
    # Same footer on the narrower page.
    footers = [p.bottom() for p in page_texts(tmp_path / "c2.pdf")]
    assert all(f"Page {n} of {len(footers)}" in f for n, f in enumerate(footers, 1)), footers


# pikepdf's PDF/A validator reports what it cannot check as "unsupported"; these two are
# WeasyPrint's empty /Pattern and /Shading resource dictionaries, which this test verifies.
EMPTY_RESOURCE_FINDINGS = {
    "/Pattern": "patterns are not supported",
    "/Shading": "shadings are not supported",
}


@every_briefing
def test_pdfa_variant_is_pdfa_3b(shipped_out: Path, briefing_id: str) -> None:
    import pikepdf.pdfa

    path = pdf_path(shipped_out, briefing_id, "a3b")
    report = pikepdf.pdfa.validate_written(path, "3b")
    assert report.violations == (), report.summary()
    with pikepdf.open(path) as pdf:
        for finding in report.unsupported:
            where = re.fullmatch(r"obj (\d+) (\d+) \(Resources\) (/\w+)", finding.where)
            assert where and EMPTY_RESOURCE_FINDINGS.get(where[3]) == finding.message, str(finding)
            resources = pdf.get_object(int(where[1]), int(where[2]))
            assert len(resources[where[3]].keys()) == 0, f"{finding}: not empty"

        with pdf.open_metadata() as xmp:
            assert xmp.get("{http://www.aiim.org/pdfa/ns/id/}part") == "3"
            assert xmp.get("{http://www.aiim.org/pdfa/ns/id/}conformance") == "B"
        # The key requirements, checked directly too.
        assert not pdf.is_encrypted
        assert "/Metadata" in pdf.Root
        intents = list(pdf.Root.get("/OutputIntents", []))
        assert [i.S for i in intents] == ["/GTS_PDFA1"]
        assert "/DestOutputProfile" in intents[0]
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root


@every_briefing
@both_variants
def test_no_attachments(shipped_out: Path, briefing_id: str, variant: str) -> None:
    with pikepdf.open(pdf_path(shipped_out, briefing_id, variant)) as pdf:
        assert len(pdf.attachments) == 0
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert "/AF" not in pdf.Root
        for number, page in enumerate(pdf.pages, start=1):
            kinds = {str(a.get("/Subtype")) for a in page.get("/Annots", [])}
            assert "/FileAttachment" not in kinds, f"page {number}"


@every_briefing
@both_variants
def test_contents_page_numbers_are_where_the_headings_are(
    shipped_out: Path, briefing_id: str, variant: str
) -> None:
    pdf = pdf_path(shipped_out, briefing_id, variant)
    pages = page_texts(pdf)
    entries = html_outline(shipped_out / f"{briefing_id}.html").toc
    h2s = [text for level, text in body_headings(shipped_out / f"{briefing_id}.html") if level == 2]
    assert entries == [h for h in h2s if h != "Contents"]
    bookmarked = {title: page for level, title, page in outline(pypdf.PdfReader(pdf)) if level == 2}

    contents_page = next(p for p in pages if p.has_lines("Contents"))
    text = norm(" ".join(b.text for p in pages[contents_page.number - 1 :] for b in p.blocks))
    pos = text.index("Contents")
    problems = []
    for entry in entries:
        pattern = r"\s*".join(re.escape(word) for word in entry.split()) + r"\s*(?:\.\s*)+(\d+)"
        match = re.compile(pattern).search(text, pos)
        if not match:
            problems.append(f"{entry!r}: not listed with leaders and a page number")
            continue
        pos = match.end()
        number = int(match[1])
        if not (1 <= number <= len(pages) and pages[number - 1].has_lines(entry)):
            problems.append(f"{entry!r}: contents says page {number}, heading not found there")
        if bookmarked.get(entry) != number:
            problems.append(f"{entry!r}: contents says {number}, bookmark {bookmarked.get(entry)}")
    assert not problems, "\n".join(problems)


@every_briefing
@both_variants
def test_no_heading_stranded_at_the_foot_of_a_page(
    shipped_out: Path, briefing_id: str, variant: str
) -> None:
    pages = page_texts(pdf_path(shipped_out, briefing_id, variant))
    headings = {
        text for level, text in body_headings(shipped_out / f"{briefing_id}.html") if level > 1
    }
    stranded = []
    for page in pages[:-1]:
        rows = page.body_rows()
        for k in (1, 2, 3):  # a heading may wrap over a few lines
            tail = norm(" ".join(rows[-k:]))
            if tail in headings:
                stranded.append(f"page {page.number}: {tail!r} is the last line of the page body")
                break
    assert not stranded, "\n".join(stranded)
