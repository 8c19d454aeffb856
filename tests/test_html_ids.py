"""Ids stay unique whatever the fact base says, and the contents list shows plain text.

Headings get `<briefing>-<slug>` ids; a discrepancy subject becomes a heading, so its words
are the fact base's: `fn1`, `fnref1` or `Contents` once took the id of a source note, a
reference or the contents list, and `Background 2` that of the second `Background`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5

from briefing.build import Options, run

XHTML = "{http://www.w3.org/1999/xhtml}"
SUBJECTS = ["fn1", "fnref1", "fnref1-2", "Contents", "Background", "Background 2", "c2"]
VARIANTS = """\
    variants:
      - says: one
        citations:
          - source: mini
            quote: Japan hosts 54,000 US troops
      - says: two
        citations:
          - source: mini
            quote: the official said
    note: A note.
"""
READ_AHEAD = """\
id: ra
title: Read-ahead
subject: Everything
template: readahead.md.j2
includes: [c2]
bluf:
  - text: The ministers agreed.
    facts: [jfhq-agreed]
  - text: Japan hosts troops.
    facts: [troops-54000]
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from editing import MINI, edit

    root = tmp_path_factory.mktemp("ids") / "mini"
    shutil.copytree(MINI, root)
    factbase = root / "factbase"
    extra = "".join(
        f"  - id: clash-{n}\n    topics: [c2]\n    kind: description\n"
        f'    subject: "{subject}"\n{VARIANTS}'
        for n, subject in enumerate(SUBJECTS)
    )
    discrepancies = factbase / "discrepancies.yaml"
    discrepancies.write_text(discrepancies.read_text() + extra)
    edit(
        factbase / "briefings" / "c2.yaml", "title: Command and control", 'title: "Q&A: *now* [x]"'
    )
    (factbase / "briefings" / "ra.yaml").write_text(READ_AHEAD)
    target = root / "out"
    result = run(Options(factbase=factbase, out=target, formats=("html", "fragment")))
    assert not result.failed, result.failed
    return target


def elements(path: Path) -> list[Element]:
    tree: Element = tinyhtml5.parse(path.read_text(encoding="utf-8"))
    return list(tree.iter())


@pytest.mark.parametrize("name", ["c2.html", "c2.fragment.html", "ra.html", "ra.fragment.html"])
def test_every_id_is_unique_and_every_in_page_link_has_one_target(out: Path, name: str) -> None:
    found = elements(out / name)
    ids = Counter(e.get("id") for e in found if e.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    hrefs = [e.get("href") for e in found if (e.get("href") or "").startswith("#")]
    assert hrefs, "no in-page link to check"
    assert [h for h in hrefs if h[1:] not in ids] == []


def test_each_clashing_subject_has_its_own_heading(out: Path) -> None:
    found = elements(out / "c2.html")
    headings = {"".join(e.itertext()).strip(): e.get("id") for e in found if e.tag == f"{XHTML}h3"}
    assert set(SUBJECTS) <= set(headings)
    notes = [e.get("id") for e in found if e.get("class") == "footnote-item"]
    assert notes and not set(notes) & set(headings.values())


def test_the_contents_list_shows_plain_text(out: Path) -> None:
    """The part heading is the briefing title, escaped for Markdown; the list shows it as
    the heading does, not as `Q\\&amp;A: \\*now\\* \\[x\\]`."""
    html = (out / "ra.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="bf-toc".*?</nav>', html, re.DOTALL)
    assert nav is not None
    entries = re.findall(r"<li><a [^>]*>(.*?)</a></li>", nav.group())
    assert "Q&amp;A: *now* [x]" in entries, entries
    assert not [e for e in entries if "\\" in e]
