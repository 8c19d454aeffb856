"""The Atom 1.0 feed of every briefing edition: `out/feed.xml` (RFC 4287).

One entry per briefing per edition, the current and the earlier recorded ones, newest
first. Written with `xml.etree.ElementTree`, which escapes every text and attribute, never
from a string template. The bytes are deterministic: every date is an edition date (midnight
UTC), never the clock.

Ids are `urn:uuid:` URNs (RFC 9562, version 5, name-based), so they stay the same whatever
URL the feed is served from: an entry's from the organisation, the briefing id and the
edition date; the feed's from the organisation and the fact base's title. Links: with a site
URL (`--site-url`) every href is absolute; without one they are relative to the feed, which
lies beside the files it links to, and Atom (RFC 4287 §1.2, via xml:base or the document's
own URI) and feed readers resolve them against the feed's address.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from briefing.render.catalogue import CatalogueEntry, EditionEntry, Link, SiteView, absolute

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAMESPACE = uuid.UUID("5b0d5c8e-6c1f-5d2a-9a57-3f5d0c6f0b11")  # this tool's, fixed
FEED_FILE = "feed.xml"
SUMMARY_SEPARATOR = "\n\n"


def _q(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        element.text = text
    return element


def _timestamp(date_iso: str) -> str:
    """An edition date as an RFC 3339 date-time: midnight UTC of that day."""
    return f"{date_iso}T00:00:00Z"


def entry_id(organisation: str, briefing_id: str, date_iso: str) -> str:
    """The stable id of one briefing edition."""
    name = f"briefing-edition\n{organisation}\n{briefing_id}\n{date_iso}"
    return uuid.uuid5(FEED_NAMESPACE, name).urn


def feed_id(site: SiteView) -> str:
    return uuid.uuid5(FEED_NAMESPACE, f"briefing-feed\n{site.organisation}\n{site.title}").urn


def summary_text(edition: EditionEntry) -> str:
    """The BLUF, then the line saying what changed since the edition before."""
    return SUMMARY_SEPARATOR.join(p for p in (edition.summary, edition.headline) if p)


def _alternates(entry: CatalogueEntry, edition: EditionEntry) -> list[Link]:
    """The page and the PDF of the edition, one alternate per media type. An entry without
    content needs at least one alternate link (RFC 4287 §4.1.1.1): when neither was built,
    the first file of the edition, or else the catalogue."""
    primary = (f"{entry.id}.html", f"{entry.id}.pdf")
    found = [link for link in edition.permanent if link.href.rsplit("/", 1)[-1] in primary]
    if found:
        return found
    return list(edition.permanent[:1]) or [Link("index.html", "Catalogue", "text/html")]


def _entry(feed: ET.Element, site: SiteView, entry: CatalogueEntry, edition: EditionEntry) -> None:
    element = _sub(feed, "entry")
    _sub(element, "id", entry_id(site.organisation, entry.id, edition.date_iso))
    _sub(element, "title", f"{edition.title} — edition {edition.number}, {edition.date}")
    _sub(element, "updated", _timestamp(edition.date_iso))
    _sub(element, "published", _timestamp(edition.date_iso))
    for link in _alternates(entry, edition):
        _sub(
            element,
            "link",
            rel="alternate",
            type=link.media_type,
            href=absolute(site, link.href),
            title=link.label,
        )
    if entry.marking.banner:
        _sub(element, "category", term=entry.marking.banner, label="Handling marking")
    _sub(element, "summary", summary_text(edition), type="text")


def feed_xml(site: SiteView) -> bytes:
    """The Atom document, UTF-8, with an XML declaration and a final newline."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(_q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": site.language})
    _sub(feed, "id", feed_id(site))
    _sub(feed, "title", site.title)
    _sub(feed, "subtitle", site.subject)
    editions = [(entry, e) for entry in site.entries for e in (entry.current, *entry.earlier)]
    newest = max((e.date_iso for _, e in editions), default=site.edition_date_iso)
    _sub(feed, "updated", _timestamp(newest))
    author = _sub(feed, "author")
    _sub(author, "name", site.organisation)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(site, FEED_FILE))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(site, "index.html"))
    _sub(feed, "generator", "briefing")
    editions.sort(key=lambda pair: pair[0].id)
    editions.sort(key=lambda pair: pair[1].date_iso, reverse=True)  # newest first, stable
    for entry, edition in editions:
        _entry(feed, site, entry, edition)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def feed_files(site: SiteView, templates: Path | None, names: tuple[str, ...]) -> tuple[bytes, ...]:
    """The renderer of the feed (a site renderer: no template, one file)."""
    return (feed_xml(site),)
