"""The intranet catalogue of every briefing: `out/index.html` and `out/index.fragment.html`.

One `SiteView` (plain data the build gathers: every briefing, its marking, its current and
earlier editions and the files of each) is rendered by `index.html.j2` and
`index.fragment.html.j2` (user templates searched first), autoescaped like every HTML shell
and checked inert before it is written. Links are relative to the output folder unless the
build was given a site URL (`--site-url`): a fragment is embedded in a page elsewhere, so
its links are absolute when they can be.

The page's banner is the highest marking it lists (`highest_marking`): a reader of the
catalogue sees at once the most restrictive handling of anything it links to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.render.html import stylesheet
from briefing.render.inert import ensure_inert
from briefing.render.templating import html_environment, render_template

ROOT_CLASS = "briefing-catalogue"
ROOT_ID = "briefing_catalogue"  # an underscore: no briefing id or heading id holds one

# Classification levels, lowest first, read from the words before the first `//`.
CLASSIFICATION_LEVELS = (
    "UNCLASSIFIED",
    "OFFICIAL",
    "RESTRICTED",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
)
TLP_ORDER = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")


@dataclass(frozen=True)
class Link:
    """One file of an edition: where it is, what to call it, its media type."""

    href: str
    label: str
    media_type: str


@dataclass(frozen=True)
class MarkingText:
    """A handling marking as plain text (the model's `Marking`, without its behaviour)."""

    classification: str
    tlp: str

    @property
    def banner(self) -> str:
        return " | ".join(p for p in (self.classification, self.tlp) if p)


@dataclass(frozen=True)
class EditionEntry:
    """One edition of one briefing: what the catalogue and the feed say of it."""

    number: str
    date_iso: str  # YYYY-MM-DD
    date: str  # as printed: 29 July 2024
    title: str  # the briefing's title in that edition
    summary: str  # the BLUF, plain text
    headline: str  # what changed since the edition before, one line ("" when unknown)
    links: tuple[Link, ...]  # what the catalogue links to: the stable paths when current
    permanent: tuple[Link, ...]  # the same files in the edition's own folder, for the feed


@dataclass(frozen=True)
class CatalogueEntry:
    """One briefing: its metadata, its current edition and the earlier ones."""

    id: str
    title: str
    subject: str
    marking: MarkingText
    current: EditionEntry
    earlier: tuple[EditionEntry, ...]  # newest first

    @property
    def heading_id(self) -> str:
        return f"{ROOT_ID}--{self.id}"


@dataclass(frozen=True)
class SiteView:
    """Everything the catalogue page and the feed show: the whole fact base's briefings."""

    title: str
    subject: str
    organisation: str
    language: str
    edition_number: str
    edition_date_iso: str
    edition_date: str
    entries: tuple[CatalogueEntry, ...]
    site_url: str  # "" when the build was given none; else ends with "/"

    @property
    def marking(self) -> MarkingText:
        return highest_marking([e.marking for e in self.entries])


def _classification_rank(text: str) -> tuple[int, int]:
    """(level, number of control markings); a level word this table does not know ranks
    above every known one, so an unfamiliar scheme is never understated."""
    level, *controls = text.split("//")
    try:
        rank = CLASSIFICATION_LEVELS.index(level.strip())
    except ValueError:
        rank = len(CLASSIFICATION_LEVELS)
    return rank, len(controls)


def highest_marking(markings: list[MarkingText]) -> MarkingText:
    """The most restrictive classification and the most restrictive TLP label among them.

    Classifications rank by level (UNCLASSIFIED < OFFICIAL < RESTRICTED < CONFIDENTIAL <
    SECRET < TOP SECRET, unknown words highest), then by their number of `//` control
    markings; TLP labels by TLP 2.0 (CLEAR < GREEN < AMBER < AMBER+STRICT < RED). Ties go to
    the text that sorts last, so the choice never depends on the order of the briefings.
    """
    classifications = [m.classification for m in markings if m.classification]
    tlps = [m.tlp for m in markings if m.tlp]
    classification = max(classifications, key=lambda c: (_classification_rank(c), c), default="")
    tlp = max(
        tlps,
        key=lambda t: (TLP_ORDER.index(t) if t in TLP_ORDER else len(TLP_ORDER), t),
        default="",
    )
    return MarkingText(classification, tlp)


def absolute(site: SiteView, href: str) -> str:
    """A link as a page elsewhere needs it: under the site URL when there is one."""
    return site.site_url + href if site.site_url else href


def render_index(site: SiteView, *, fragment: bool, templates: Path | None = None) -> str:
    """The catalogue as a standalone page or as a fragment to embed."""
    marking = site.marking
    reset = stylesheet("fragment.css").replace(".briefing-doc", f".{ROOT_CLASS}")
    return render_template(
        html_environment(templates),
        "index.fragment.html.j2" if fragment else "index.html.j2",
        site=site,
        root_class=ROOT_CLASS,
        root_id=ROOT_ID,
        banner=marking.banner,
        tlp=marking.tlp,
        link_base=site.site_url if fragment else "",
        css=(reset if fragment else "") + stylesheet("catalogue.css"),
    )


def index_files(
    site: SiteView, templates: Path | None, names: tuple[str, ...]
) -> tuple[bytes, ...]:
    """The page and the fragment, each checked inert (links may be relative: the files they
    name lie beside the catalogue)."""
    page = render_index(site, fragment=False, templates=templates)
    ensure_inert(page, names[0], fragment=False, relative_links=True)
    fragment = render_index(site, fragment=True, templates=templates)
    ensure_inert(fragment, names[1], fragment=True, relative_links=True)
    return page.encode(), fragment.encode()
