"""Typography: curly and nested quotes, dashes, no-break spaces, separated note references.

Unit cases first (each written by hand from the rule), then the shipped build read as an editor
would: every standalone page and every Markdown file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinyhtml5

from briefing.render.typography import quotation, typeset

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('the "2+2" meeting', "the “2+2” meeting"),
        ("Japan's forces", "Japan’s forces"),
        ("the ministers' statement", "the ministers’ statement"),
        ("a 'senior officer', it said", "a ‘senior officer’, it said"),
        ('("quoted")', "(“quoted”)"),
        ("direct quote - variant", "direct quote – variant"),
        ("pages 10-20 of the plan", "pages 10–20 of the plan"),
        ("from 50,000-54,000 troops", "from 50,000–54,000 troops"),
        ("5 per cent of GDP", f"5{NBSP}per cent of GDP"),
        ("$ 5 billion", f"${NBSP}5{NBSP}billion"),
        ("54,000 km away", f"54,000{NBSP}km away"),
        ("5 members met", "5 members met"),  # `m` is a unit only as a word of its own
        ("the '90s", "the ’90s"),
    ],
)
def test_typeset(text: str, expected: str) -> None:
    assert typeset(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-07-28",  # an ISO date
        "pac3-2024-review",  # an id
        "F-35 and 3.5-4",  # a designator, a decimal
        "see https://example.org/a-b--c/'x'/\"y\"/1-2 today",  # a URL
        "grid 10-20-30",  # not a plain range
    ],
)
def test_ids_dates_and_urls_are_left_alone(text: str) -> None:
    out = typeset(text)
    for protected in re.findall(r"https?://\S+|\b[\w.-]*\d[\w.-]*\b", text):
        assert protected in out, (protected, out)


def test_a_quotation_nests_inner_quotes_and_always_closes() -> None:
    """The extended-deterrence case: a passage ending on an inner quotation."""
    passage = 'reaffirm the U.S. commitment to "extended deterrence,"'
    assert quotation(passage) == "“reaffirm the U.S. commitment to ‘extended deterrence,’”"
    assert quotation("reaffirm the commitment to “extended deterrence,”") == (
        "“reaffirm the commitment to ‘extended deterrence,’”"
    )


def test_a_passage_that_is_one_quotation_keeps_one_pair() -> None:
    assert quotation('"We will do it."') == "“We will do it.”"
    assert quotation('"We will," he said, "do it."') == "“‘We will,’ he said, ‘do it.’”"


def test_quotation_marks_follow_the_language() -> None:
    assert quotation('er sagte "ja"', "de") == "„er sagte ‚ja‘“"
    assert quotation('he said "yes"', "en-GB") == "‘he said “yes”’"
    assert typeset('il a dit "oui"', "fr") == "il a dit «\u202foui\u202f»"


def test_only_marks_change_never_words() -> None:
    passage = "The minister's \"firm\" view - 2024-07-28 - on 3-5 sites, 'unshakable'."
    fold = str.maketrans({c: None for c in "\"'“”‘’–-\u00a0 "})
    assert quotation(passage).translate(fold) == passage.translate(fold)


# --------------------------------------------------------------------------- shipped build


def text_blocks(html: str) -> list[str]:
    """The text of every paragraph, list item, cell and heading, as a browser parses it."""
    root = tinyhtml5.parse(html)
    ns = "{http://www.w3.org/1999/xhtml}"
    blocks = []
    for tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "dd", "dt", "figcaption"):
        for element in root.iter(ns + tag):
            blocks.append("".join(element.itertext()))
    return blocks


@pytest.fixture(scope="module")
def pages(shipped_out: Path, shipped_ids: list[str]) -> dict[str, str]:
    return {i: (shipped_out / f"{i}.html").read_text(encoding="utf-8") for i in shipped_ids}


def test_no_straight_double_quote_in_running_text(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        offenders = [b for b in text_blocks(html) if '"' in b]
        assert offenders == [], (name, offenders[:3])


def test_double_quotation_marks_balance_in_every_paragraph(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        unbalanced = [b for b in text_blocks(html) if b.count("“") != b.count("”")]
        assert unbalanced == [], (name, unbalanced[:3])


def test_adjacent_note_references_are_separated(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        runs = re.findall(r"</a></sup>\s*<sup class=\"footnote-ref\"", html)
        assert runs == [], name
        assert '<sup class="footnote-sep">,</sup>' in html, name


def test_note_references_ascend(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        groups = re.findall(
            r'((?:<sup class="footnote-ref">.*?</sup>(?:<sup class="footnote-sep">,</sup>)?)+)',
            html,
        )
        for group in groups:
            numbers = [int(n) for n in re.findall(r'aria-label="Source note (\d+)"', group)]
            assert numbers == sorted(numbers), (name, numbers)


def test_markdown_reads_the_same(shipped_out: Path, shipped_ids: list[str]) -> None:
    for name in shipped_ids:
        markdown = (shipped_out / f"{name}.md").read_text(encoding="utf-8")
        assert re.findall(r"\]\[\^", markdown) == [], name  # no `[^a][^b]`
        prose = [
            line
            for line in markdown.splitlines()
            if not line.startswith("|") or "---" not in line  # table rules carry no text
        ]
        assert not [line for line in prose if '"' in line], name
        for line in prose:
            assert line.count("“") == line.count("”"), (name, line)
