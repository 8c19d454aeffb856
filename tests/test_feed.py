"""The Atom feed, `out/feed.xml`: read by feedparser as a feed reader reads it (no bozo), valid
against the Atom RELAX NG schema (lxml), one entry per briefing edition, dates from the
editions (never the clock), stable ids, links to the HTML and the PDF, hostile metadata as
text, and the rules RFC 4287 states in prose.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from briefing.build import Options, run
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent
SHIPPED_FACTBASE = REPO / "factbase"
MINI = REPO / "tests" / "fixtures" / "mini"
A = "{http://www.w3.org/2005/Atom}"
ATOM_HEADERS = {"content-type": "application/atom+xml; charset=utf-8"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def read(path: Path, base: str | None = None) -> Any:
    """The feed as feedparser reads it when served with an Atom content type."""
    headers = dict(ATOM_HEADERS, **({"content-location": base} if base else {}))
    parsed = feedparser.parse(path.read_bytes(), response_headers=headers)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def rfc4287_problems(data: bytes) -> list[str]:
    """What RFC 4287 §4.1 requires of a feed and its entries, checked element by element."""
    problems: list[str] = []
    feed = ET.fromstring(data)
    if feed.tag != f"{A}feed":
        return [f"root is {feed.tag}"]

    def once(parent: ET.Element, tag: str, where: str) -> None:
        count = len(parent.findall(f"{A}{tag}"))
        if count != 1:
            problems.append(f"{where}: {count} atom:{tag}, must be exactly one")

    def alternates(parent: ET.Element, where: str) -> None:
        seen = [
            (link.get("type"), link.get("hreflang"))
            for link in parent.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(seen) != len(set(seen)):
            problems.append(f"{where}: two alternate links with one type and hreflang")
        if any(link.get("href") is None for link in parent.findall(f"{A}link")):
            problems.append(f"{where}: a link without href")

    for tag in ("id", "title", "updated"):
        once(feed, tag, "feed")
    alternates(feed, "feed")
    if not feed.findall(f"{A}author"):  # then every entry needs one
        problems += [
            "entry without author" for e in feed.findall(f"{A}entry") if not e.find(f"{A}author")
        ]
    for element in feed.iter():
        if element.tag in (f"{A}updated", f"{A}published") and not RFC3339.match(
            element.text or ""
        ):
            problems.append(f"{element.tag}: {element.text!r} is not an RFC 3339 date-time")
        if element.tag == f"{A}id" and not re.match(r"^[a-z][a-z0-9+.-]*:", element.text or ""):
            problems.append(f"id {element.text!r} is not an absolute IRI")
        if element.tag in (f"{A}title", f"{A}summary", f"{A}subtitle") and element.get(
            "type", "text"
        ) not in ("text", "html", "xhtml"):
            problems.append(f"{element.tag}: type {element.get('type')!r}")
    for index, entry in enumerate(feed.findall(f"{A}entry")):
        for tag in ("id", "title", "updated"):
            once(entry, tag, f"entry {index}")
        alternates(entry, f"entry {index}")
        if entry.find(f"{A}content") is None and not entry.findall(f"{A}link"):
            problems.append(f"entry {index}: neither content nor an alternate link")
    return problems


def relax_ng_errors(data: bytes) -> list[str]:
    """Errors against the Atom RELAX NG schema (tests/fixtures/atom.rng, after RFC 4287
    appendix B), as lxml's libxml2 validator reports them."""
    from lxml import etree

    schema = etree.RelaxNG(etree.parse(str(REPO / "tests" / "fixtures" / "atom.rng")))
    valid = schema.validate(etree.fromstring(data))
    return [] if valid else [f"{e.line}: {e.message}" for e in schema.error_log]


def test_the_relax_ng_schema_refuses_what_atom_refuses(shipped_out: Path) -> None:
    """A check of the check: the schema takes the feed and refuses broken copies of it."""
    data = (shipped_out / "feed.xml").read_bytes()
    assert relax_ng_errors(data) == []
    broken = [
        data.replace(b"<updated>2024-07-28T00:00:00Z</updated>", b"<updated>28 July</updated>", 1),
        re.sub(rb"<id>[^<]*</id>", b"", data, count=1),
        data.replace(b"<entry>", b"<entry><title>again</title>", 1),
        data.replace(b"<entry>", b"<entry><bogus/>", 1),
        re.sub(rb' href="[^"]*"', b"", data, count=1),
    ]
    assert all(relax_ng_errors(b) for b in broken)


# ------------------------------------------------------------------ the shipped feed


def test_the_shipped_feed_has_one_entry_per_briefing_and_parses_cleanly(
    shipped_out: Path,
) -> None:
    fb, _ = load_valid(SHIPPED_FACTBASE)
    feed = read(shipped_out / "feed.xml")
    assert len(feed.entries) == len(fb.briefings)
    assert len({e.id for e in feed.entries}) == len(fb.briefings)
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
    assert {e.updated for e in feed.entries} == {"2024-07-28T00:00:00Z"}
    assert feed.feed.updated == "2024-07-28T00:00:00Z"
    assert feed.feed.title == fb.settings.title
    assert rfc4287_problems((shipped_out / "feed.xml").read_bytes()) == []
    assert relax_ng_errors((shipped_out / "feed.xml").read_bytes()) == []


def test_each_entry_summarises_the_bluf_and_links_the_html_and_the_pdf(
    shipped_out: Path,
) -> None:
    fb, _ = load_valid(SHIPPED_FACTBASE)
    entries = {e.title.rsplit(" — ", 1)[0]: e for e in read(shipped_out / "feed.xml").entries}
    for briefing in fb.briefings:
        entry = entries[briefing.title]
        assert entry.summary.startswith(briefing.bluf[0].text)
        assert all(item.text in entry.summary for item in briefing.bluf)
        links = {(link.type, link.href) for link in entry.links}
        assert links == {
            ("text/html", f"editions/2024-07-28/{briefing.id}.html"),
            ("application/pdf", f"editions/2024-07-28/{briefing.id}.pdf"),
        }
        for _, href in links:
            assert (shipped_out / href).is_file()


def test_relative_links_resolve_against_where_the_feed_is_served(shipped_out: Path) -> None:
    feed = read(shipped_out / "feed.xml", base="https://intranet.example/briefings/feed.xml")
    hrefs = [link.href for entry in feed.entries for link in entry.links]
    base = "https://intranet.example/briefings/editions/"
    assert hrefs and all(h.startswith(base) for h in hrefs)


# ------------------------------------------------------------------ editions


def two_editions(mini: Path, out: Path, **options: Any) -> None:
    for edition in ("2024-07-28", "2024-07-29"):
        formats = ("html", "pdf", "json")
        result = run(Options(factbase=mini, out=out, formats=formats, edition=edition, **options))
        assert not result.failed, result.failed


def test_one_entry_per_briefing_edition_newest_first(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    two_editions(mini, out)
    feed = read(out / "feed.xml")
    assert [e.updated for e in feed.entries] == ["2024-07-29T00:00:00Z", "2024-07-28T00:00:00Z"]
    assert feed.feed.updated == "2024-07-29T00:00:00Z"
    assert len({e.id for e in feed.entries}) == 2
    assert feed.entries[0].summary.endswith("\n\nNo changes since edition 1 (28 July 2024).")
    assert feed.entries[0].title.endswith("edition 2, 29 July 2024")
    older = feed.entries[1]
    assert older.title.endswith("edition 1, 28 July 2024")
    assert older.summary.endswith("\n\nFirst edition.")
    assert {link.href for link in older.links} == {
        "editions/2024-07-28/c2.html",
        "editions/2024-07-28/c2.pdf",
    }
    assert older.summary.startswith("The ministers agreed")  # read back from its JSON
    assert rfc4287_problems((out / "feed.xml").read_bytes()) == []
    assert relax_ng_errors((out / "feed.xml").read_bytes()) == []


def test_entry_ids_do_not_depend_on_the_site_url_or_the_build(mini: Path, tmp_path: Path) -> None:
    plain, served = tmp_path / "plain", tmp_path / "served"
    two_editions(mini, plain)
    two_editions(mini, served, site_url="https://intranet.example/b/")
    ids = [e.id for e in read(plain / "feed.xml").entries]
    assert ids == [e.id for e in read(served / "feed.xml").entries]
    hrefs = [link.href for e in read(served / "feed.xml").entries for link in e.links]
    assert all(h.startswith("https://intranet.example/b/editions/") for h in hrefs)


def test_the_feed_bytes_carry_no_clock(mini: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    run(Options(factbase=mini, out=one, formats=("md",)))
    run(Options(factbase=mini, out=two, formats=("md",)))
    assert (one / "feed.xml").read_bytes() == (two / "feed.xml").read_bytes()
    assert re.findall(rb"<updated>([^<]+)<", (one / "feed.xml").read_bytes()) == [
        b"2024-07-28T00:00:00Z"
    ] * 2


# ------------------------------------------------------------------ hostile metadata

HOSTILE = '<script>alert(1)</script> & "q" \'s\' ]]> <![CDATA[x]]> &amp;'


def test_hostile_titles_and_bluf_are_text_in_the_feed(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    factbase = tmp_path / "mini" / "factbase"
    briefing = factbase / "briefings" / "c2.yaml"
    data = yaml.safe_load(briefing.read_text(encoding="utf-8"))
    data["title"] = f"T {HOSTILE}"
    data["bluf"][0]["text"] = f"B {HOSTILE}"
    briefing.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    settings = factbase / "factbase.yaml"
    data = yaml.safe_load(settings.read_text(encoding="utf-8"))
    data["title"], data["organisation"] = f"F {HOSTILE}", f"O {HOSTILE}"
    settings.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    assert not run(Options(factbase=factbase, out=out, formats=("md",))).failed
    data_bytes = (out / "feed.xml").read_bytes()
    assert b"<script" not in data_bytes and b"<![CDATA" not in data_bytes
    root = ET.fromstring(data_bytes)
    assert root.findtext(f"{A}title") == f"F {HOSTILE}"
    assert root.findtext(f"{A}author/{A}name") == f"O {HOSTILE}"
    entry = root.find(f"{A}entry")
    assert entry is not None
    assert (entry.findtext(f"{A}title") or "").startswith(f"T {HOSTILE} — edition")
    assert (entry.findtext(f"{A}summary") or "").startswith(f"B {HOSTILE}")
    feed = read(out / "feed.xml")
    assert feed.feed.title == f"F {HOSTILE}"  # a plain-text construct, read back as text
    assert rfc4287_problems(data_bytes) == []
    assert relax_ng_errors(data_bytes) == []


@pytest.mark.parametrize("url", ["ftp://x/", "javascript:alert(1)", "https://x/?a=1", "x"])
def test_a_site_url_must_be_a_web_folder(url: str, mini: Path, tmp_path: Path) -> None:
    from briefing.errors import UsageError

    with pytest.raises(UsageError, match="--site-url"):
        Options(factbase=mini, out=tmp_path, site_url=url)


def test_the_summary_adds_what_changed_to_the_bluf(mini: Path, tmp_path: Path) -> None:
    """Edition 1; one fact reworded; edition 2: the feed and the catalogue say so."""
    out = tmp_path / "out"
    formats = ("html", "json")
    assert not run(Options(factbase=mini, out=out, formats=formats, edition="2024-07-28")).failed
    facts = mini / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace("hosts about 54,000", "hosts some 54,000"), "utf-8"
    )
    assert not run(Options(factbase=mini, out=out, formats=formats, edition="2024-07-29")).failed
    newest = read(out / "feed.xml").entries[0]
    headline = "1 change since edition 1 (28 July 2024): 1 fact reworded."
    assert newest.summary.endswith(f"\n\n{headline}")
    assert newest.summary.startswith("The ministers agreed to turn US Forces Japan")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"Edition 2, <time datetime=\"2024-07-29\">29 July 2024</time>: {headline}" in page
