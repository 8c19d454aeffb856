"""One content, four formats: what the Markdown says, the HTML and the PDF say too.

For every shipped briefing, each fact statement it shows, each bottom-line sentence, each
key judgment and the handling marking are found in the .md (Markdown escapes undone), in
the page and fragment HTML (text content) and in the PDF (pdftotext of the page area).
And a build is reproducible: same inputs, same bytes, whatever the clock or hash seed.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

import tools
from briefing.model import FactBase
from briefing.render.markdown import MarkdownDocument, render_markdown
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent
FACTBASE = REPO / "factbase"
MINI = REPO / "tests" / "fixtures" / "mini" / "factbase"
IDS = sorted(p.stem for p in (FACTBASE / "briefings").glob("*.yaml"))

# pdf.css puts the running header and footer in the 22 mm top and bottom page margins;
# cropping 3/4 of that keeps every body line and drops the margin boxes.
CROP_PT = 22 / 25.4 * 72 * 0.75


@functools.cache
def factbase() -> FactBase:
    fb, _ = load_valid(FACTBASE)
    return fb


def document(briefing_id: str) -> MarkdownDocument:
    fb = factbase()
    briefing = next(b for b in fb.briefings if b.id == briefing_id)
    return render_markdown(fb, briefing)


def shown_texts(doc: MarkdownDocument) -> dict[str, list[str]]:
    """What the document must show, by kind: fact statements, BLUF sentences, judgments."""
    view = doc.view
    briefings = [view.main.briefing, *(p.briefing for p in view.parts)]
    return {
        "fact": [f.statement for f in view.all_facts],
        "bluf": [item.text for b in briefings for item in b.bluf],
        "judgment": [j.text for b in briefings for j in b.judgments],
    }


# ------------------------------------------------------------ normalised texts


def norm(text: str) -> str:
    """NFKC, whitespace runs to one space, no space after a hyphen or dash.

    The last rule lets a line broken after "joint-" match "joint-force"; it is applied to
    both sides of every comparison, so a spaced " - " still matches itself.
    """
    text = " ".join(tools.fold_marks(unicodedata.normalize("NFKC", text)).split())
    return re.sub(r"(?<=[-‐‑–—/]) ", "", text)


def markdown_plain(markdown: str) -> str:
    """Markdown with the `**` emphasis and the backslash escapes the templates add undone."""
    text = re.sub(r"(?<!\\)\*\*", "", markdown)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


class _Text(HTMLParser):
    """The text a reader sees: body text only, no <style>, <script> or <head>."""

    SKIP = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping.append(tag)
        elif tag in ("p", "li", "td", "th", "br", "h1", "h2", "h3", "h4", "div", "tr"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return norm("".join(parser.parts))


@functools.cache
def pdf_body_text(pdf: Path) -> str:
    """pdftotext of the page area (running header and footer cropped off), all pages.

    `-raw` (content-stream order, which WeasyPrint writes in document order): the default
    reading-order mode "dehyphenates", joining "Air-to-" at a line end and "Air" on the
    next line into "Air-toAir", a word the document never printed.
    """
    width, height = (float(v) for v in tools.pdfinfo(pdf)["Page size"].split()[0:3:2])
    crop = int(CROP_PT)
    cmd = ["pdftotext", "-enc", "UTF-8", "-raw", "-x", "0", "-y", str(crop),
           "-W", str(int(width) + 1), "-H", str(int(height) - 2 * crop), str(pdf), "-"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode != 0:
        raise tools.ToolError(cmd, proc)
    return norm(proc.stdout.replace("\f", " "))


def missing(wanted: dict[str, list[str]], text: str) -> list[str]:
    return [f"{kind}: {item!r}" for kind, items in wanted.items() for item in items
            if norm(item) not in text]  # fmt: skip


every_briefing = pytest.mark.parametrize("briefing_id", IDS)


# ----------------------------------------------------------------------- tests


@every_briefing
def test_markdown_shows_every_fact_bluf_and_judgment(shipped_out: Path, briefing_id: str) -> None:
    wanted = shown_texts(document(briefing_id))
    assert wanted["fact"] and wanted["bluf"]
    text = norm(markdown_plain((shipped_out / f"{briefing_id}.md").read_text("utf-8")))
    assert missing(wanted, text) == []


@every_briefing
@pytest.mark.parametrize("name", ["{}.html", "{}.fragment.html"], ids=["page", "fragment"])
def test_html_shows_every_fact_bluf_and_judgment(
    shipped_out: Path, briefing_id: str, name: str
) -> None:
    wanted = shown_texts(document(briefing_id))
    assert missing(wanted, html_text(shipped_out / name.format(briefing_id))) == []


@every_briefing
@pytest.mark.parametrize("name", ["{}.pdf", "{}.pdfa.pdf"], ids=["ua", "a3b"])
def test_pdf_shows_every_fact_bluf_and_judgment(
    shipped_out: Path, briefing_id: str, name: str, pdf_tools: None
) -> None:
    wanted = shown_texts(document(briefing_id))
    assert missing(wanted, pdf_body_text(shipped_out / name.format(briefing_id))) == []


@every_briefing
def test_marking_in_every_format(shipped_out: Path, briefing_id: str, pdf_tools: None) -> None:
    banner = document(briefing_id).banner
    assert banner
    md_lines = [
        ln for ln in (shipped_out / f"{briefing_id}.md").read_text("utf-8").splitlines() if ln
    ]
    assert markdown_plain(md_lines[0]) == banner == markdown_plain(md_lines[-1])
    for name in (f"{briefing_id}.html", f"{briefing_id}.fragment.html"):
        text = html_text(shipped_out / name)
        assert text.startswith(norm(banner)) and text.endswith(norm(banner)), name
    for name in (f"{briefing_id}.pdf", f"{briefing_id}.pdfa.pdf"):
        pages = tools.pdftotext_pages(shipped_out / name)
        assert all(banner in page for page in pages), name
        assert f"Handling: {banner}" in " ".join(pages[0].split()), name


@every_briefing
def test_no_markdown_escape_shows_in_html_or_pdf(
    shipped_out: Path, briefing_id: str, pdf_tools: None
) -> None:
    """A backslash the reader sees is a Markdown escape that did not apply (e.g. `\\7.2`)."""
    if any("\\" in p.read_text("utf-8") for p in FACTBASE.rglob("*.yaml")):
        pytest.skip("the fact base itself holds a backslash")
    texts = {
        name: html_text(shipped_out / name)
        for name in (f"{briefing_id}.html", f"{briefing_id}.fragment.html")
    }
    for name in (f"{briefing_id}.pdf", f"{briefing_id}.pdfa.pdf"):
        texts[name] = pdf_body_text(shipped_out / name)
    shown = {
        name: [m.group() for m in re.finditer(r".{0,25}\\.{0,25}", text)]
        for name, text in texts.items()
    }
    assert {name: found for name, found in shown.items() if found} == {}


# ----------------------------------------------------------------- determinism


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    """In-process build vs CLI build with another clock, hash seed, time zone and folder."""
    from briefing.build import Options, run

    first, second = tmp_path / "first", tmp_path / "second"
    result = run(Options(factbase=MINI, out=first, pdf_variants=("ua", "a3b")))
    assert not result.failed, result.failed
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": "1700000000",
        "PYTHONHASHSEED": "4242",
        "TZ": "Pacific/Kiritimati",
        "PYTHONPATH": str(REPO),
    }
    cmd = [sys.executable, "-m", "briefing", "build", "--facts", str(MINI), "--out", str(second),
           "--pdf-variant", "ua", "--pdf-variant", "a3b", "--jobs", "2", "--quiet"]  # fmt: skip
    proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file()}  # fmt: skip

    one, two = files(first), files(second)
    assert sorted(one) == sorted(two)
    assert {
        "c2.md",
        "c2.html",
        "c2.fragment.html",
        "c2.pdf",
        "c2.pdfa.pdf",
        "c2.docx",
        "c2.json",
        "index.html",
        "index.fragment.html",
        "feed.xml",
        "manifest.json",
    } <= set(one)
    assert [name for name in one if one[name] != two[name]] == []
