"""The second example, a fictional flood-response exercise, built in every format.

It proves the tool depends on no particular event: its shared-context topic is not called
`context`, its headings use its own noun ("exercise"), and none of the shipped event's names
or wording reaches any of its outputs. Every fact and discrepancy shows in some briefing.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from briefing.build import Options, run
from briefing.build.options import FORMATS
from briefing.model import Index
from briefing.render.markdown import render_summary_markdown
from briefing.validation import gather

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "flood-exercise"
# Names and wording of the shipped event (July 2024 US–Japan "2+2"): none may leak into
# another event's outputs through code or templates.
SHIPPED_WORDS = [
    "talks", "2+2", "two-plus-two", "Japan", "Tokyo", "PAC-3", "Blinken", "Austin", "Kihara",
    "Kamikawa", "INDOPACOM", "Indo-Pacific", "deterrence", "Korea", "Seoul", "China", "troops",
    "US Forces", "Security Consultative", "principals' talks", "Shin Won-sik",
]  # fmt: skip


def docx_text(path: Path) -> str:
    """Every text a Word file holds: body, footnotes, headers, footers and properties."""
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n) for n in archive.namelist() if n.endswith(".xml")]
    return "\n".join(" ".join(etree.fromstring(part).itertext()) for part in parts)


def letters_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-out")
    result = run(Options(factbase=EXAMPLE / "factbase", out=out, formats=tuple(FORMATS), jobs=2))
    assert not result.failed, result.failed
    assert result.warnings == []
    return out


def test_the_example_validates_without_a_warning() -> None:
    fb, problems = gather(EXAMPLE / "factbase")
    assert fb is not None
    assert problems == [], [str(p) for p in problems]


def test_its_shared_context_topic_is_not_called_context() -> None:
    fb, _ = gather(EXAMPLE / "factbase")
    assert fb is not None
    read_ahead = Index.of(fb).briefings["read-ahead"]
    assert read_ahead.includes and read_ahead.topics == ["exercise-setting"]
    assert "context" not in {t.id for t in fb.settings.topics}
    assert fb.settings.event_noun == "exercise"


def test_every_article_says_on_line_1_that_it_is_synthetic() -> None:
    articles = sorted((EXAMPLE / "seeds").glob("*.txt"))
    assert len(articles) == 3
    for article in articles:
        first = article.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("This article is synthetic:"), article.name
        assert "fictional" in first


def test_every_example_file_names_an_existing_schema() -> None:
    for path in sorted((EXAMPLE / "factbase").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"


def test_it_builds_in_every_format(example_out: Path, qpdf_check: Callable[[Path], str]) -> None:
    for ident in ("read-ahead", "evacuation", "equipment"):
        names = (f"{ident}.md", f"{ident}.html", f"{ident}.fragment.html", f"{ident}.pdf",
                 f"{ident}.docx")  # fmt: skip
        for name in names:
            assert (example_out / name).stat().st_size > 0, name
        qpdf_check(example_out / f"{ident}.pdf")


def test_every_fact_and_discrepancy_shows_in_the_read_ahead(example_out: Path) -> None:
    fb, _ = gather(EXAMPLE / "factbase")
    assert fb is not None
    text = (example_out / "read-ahead.md").read_text(encoding="utf-8")
    letters = letters_of(text)  # typography changes quote marks and dashes, not letters
    for fact in fb.facts:
        assert f"[^{fact.id}]" in text, fact.id
        assert letters_of(fact.statement) in letters, fact.id
    for disc in fb.discrepancies:
        assert letters_of(disc.subject) in letters, disc.id
    assert "## Shared context" in text
    assert "#### Expected or previewed before the exercise" in text
    assert "#### Expected next, as reported after the exercise" in text


def test_no_shipped_event_wording_in_any_output(
    example_out: Path, pdftotext_pages: Callable[..., list[str]]
) -> None:
    texts = {
        path.name: path.read_text(encoding="utf-8")
        for path in example_out.glob("*")
        if path.suffix in (".md", ".html")
    }
    texts |= {p.name: "\n".join(pdftotext_pages(p)) for p in example_out.glob("*.pdf")}
    texts |= {p.name: docx_text(p) for p in example_out.glob("*.docx")}
    fb, _ = gather(EXAMPLE / "factbase")
    assert fb is not None
    for briefing in fb.briefings:  # the one-page summary too, whether or not a format yet
        texts[f"{briefing.id} summary"] = render_summary_markdown(fb, briefing).text
    assert len(texts) >= 15
    for name, text in texts.items():
        for word in SHIPPED_WORDS:
            found = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
            assert found is None, (
                f"{name}: {word!r} in {text[max(0, found.start() - 60) : found.end() + 60]!r}"
            )
