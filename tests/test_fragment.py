"""Two fragments in one hostile intranet page: neither the host nor the other fragment
changes how a fragment looks, and a fragment changes nothing of the host.

"Looks" is measured in real Chromium: getComputedStyle of every element of a fragment, once
alone in a neutral page and once, next to another briefing's fragment, in a page whose own
CSS restyles every element it can reach (`*`, element selectors, the unprefixed ids a naive
renderer would use).
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from briefing.build import Options, run

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route, ViewportSize

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
SHIPPED_IDS = sorted(p.stem for p in (REPO / "factbase" / "briefings").glob("*.yaml"))

# Narrower than the briefing's max-width, so its `margin: auto` resolves to 0 in every host:
# a used auto margin depends on the host's width, which the host may legitimately choose.
VIEWPORT: ViewportSize = {"width": 640, "height": 900}

PROPERTIES = [
    "display",
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "text-transform",
    "text-decoration-line",
    "text-align",
    "list-style-type",
    "vertical-align",
    *(f"margin-{side}" for side in ("top", "right", "bottom", "left")),
    *(f"padding-{side}" for side in ("top", "right", "bottom", "left")),
    *(f"border-{side}-width" for side in ("top", "right", "bottom", "left")),
    *(f"border-{side}-style" for side in ("top", "right", "bottom", "left")),
]

HOSTILE_CSS = """
* { color: rgb(255, 0, 0); font-family: monospace; margin: 7px; letter-spacing: 3px; }
p { font-size: 30px; background: yellow; }
h2 { text-transform: uppercase; }
table, td, th { border: 5px solid green; }
ul { list-style: square; }
a { color: purple; }
#background { display: none; }
"""
# A host that sizes its own text in rem, as many intranet themes do (1rem = 10px).
ROOT_FONT_CSS = "html { font-size: 62.5%; } body { font-size: 1.6rem; }"

# Host content: elements and the unprefixed ids a briefing without id prefixes would use.
HOST_CONTENT = """
<p class="host">Intranet news before the briefings.</p>
<h2 id="key-judgments">Host heading</h2>
<div id="background"><p>Hidden host block.</p></div>
<ul><li id="fn1">Host list item</li></ul>
<table><tr><th>Host</th><td>table</td></tr></table>
"""
HOST_AFTER = '<p class="host">See <a href="#key-judgments">the host heading</a>.</p>'


def page_html(body: str, css: str = "", title: str = "Intranet") -> str:
    style = f"<style>{css}</style>\n" if css else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{style}</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------------------ helpers


@dataclass
class Visit:
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def visit(page: Page, html_file: Path) -> Visit:
    """Open a file in Chromium; only its own URL may load, anything else is aborted."""
    seen = Visit(html_file.as_uri())

    def handle(route: Route) -> None:
        seen.requests.append(route.request.url)
        if route.request.url == seen.url:
            route.continue_()
        else:
            route.abort()

    page.set_viewport_size(VIEWPORT)
    page.unroute("**/*")  # a page visited before keeps no old handler
    page.route("**/*", handle)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.goto(seen.url)
    return seen


STYLES_JS = """
([selector, props]) => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map(c => '.' + c).join('');
  const path = e => {
    const parts = [];
    for (; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  return [...document.querySelectorAll(selector)].filter(e => e.tagName !== 'STYLE').map(e => {
    const cs = getComputedStyle(e);
    return [path(e), Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)]))];
  });
}
"""


def styles(page: Page, selector: str) -> list[tuple[str, dict[str, str]]]:
    """(element path, computed style) of every element a selector matches, in DOM order."""
    found: list[list[Any]] = page.evaluate(STYLES_JS, [selector, PROPERTIES])
    return [(path, style) for path, style in found]


def fragment_selector(briefing_id: str) -> str:
    root = f'[id="{briefing_id}"]'
    return f"{root}, {root} *"


HOST_SELECTOR = "body, body *:not(.briefing-doc):not(.briefing-doc *)"


def style_differences(
    alone: list[tuple[str, dict[str, str]]], hosted: list[tuple[str, dict[str, str]]]
) -> list[str]:
    """`property: element: alone -> hosted` for every difference, one line each."""
    assert [p for p, _ in alone] == [p for p, _ in hosted], "not the same elements"
    return [
        f"{prop}: {path}: {a[prop]!r} -> {b[prop]!r}"
        for (path, a), (_, b) in zip(alone, hosted, strict=True)
        for prop in PROPERTIES
        if a[prop] != b[prop]
    ]


def summary(differences: list[str], limit: int = 40) -> str:
    """Differences counted by property, then the first few in full."""
    by_property = Counter(d.split(":", 1)[0] for d in differences)
    counts = ", ".join(f"{p} x{n}" for p, n in by_property.most_common())
    return f"{len(differences)} differences ({counts}):\n" + "\n".join(differences[:limit])


# ----------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Fragment:
    id: str
    html: str


def mini_pair(root: Path) -> list[Fragment]:
    """The mini fixture's c2, and a copy of it as c3: two briefings, two fragments."""
    shutil.copytree(MINI, root / "mini")
    briefings = root / "mini" / "factbase" / "briefings"
    text = (briefings / "c2.yaml").read_text(encoding="utf-8")
    copy = text.replace("\nid: c2\n", "\nid: c3\n").replace(
        "\ntitle: Command and control\n", "\ntitle: Command and control, again\n"
    )
    assert copy != text
    (briefings / "c3.yaml").write_text(copy, encoding="utf-8")
    out = root / "out"
    result = run(Options(factbase=root / "mini" / "factbase", out=out, formats=("fragment",)))
    assert not result.failed, result.failed
    return [Fragment(b, (out / f"{b}.fragment.html").read_text("utf-8")) for b in ("c2", "c3")]


@pytest.fixture(scope="module")
def fragments(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> list[Fragment]:
    """Two different briefings' fragments: shipped ones when there are two, else the mini pair."""
    if len(SHIPPED_IDS) >= 2:
        out: Path = request.getfixturevalue("shipped_out")
        return [
            Fragment(b, (out / f"{b}.fragment.html").read_text("utf-8")) for b in SHIPPED_IDS[:2]
        ]
    return mini_pair(tmp_path_factory.mktemp("fragments"))


@pytest.fixture(scope="module")
def pages(fragments: list[Fragment], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """alone-<id>: one fragment in a neutral page; hostile: host content and both fragments;
    host-only: the hostile page without the fragments; root-font: both fragments in a page
    that sets its root font size."""
    folder = tmp_path_factory.mktemp("hosts")
    files: dict[str, str] = {
        f"alone-{f.id}": page_html(f.html, title=f"Neutral host for {f.id}") for f in fragments
    }
    both = "\n".join(f.html for f in fragments)
    files["hostile"] = page_html(f"{HOST_CONTENT}\n{both}\n{HOST_AFTER}", HOSTILE_CSS)
    files["host-only"] = page_html(f"{HOST_CONTENT}\n{HOST_AFTER}", HOSTILE_CSS)
    files["root-font"] = page_html(f"{HOST_CONTENT}\n{both}\n{HOST_AFTER}", ROOT_FONT_CSS)
    paths = {}
    for name, html in files.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(html, encoding="utf-8")
    return paths


# -------------------------------------------------------------------------------- tests


def test_the_two_fragments_are_different_briefings(fragments: list[Fragment]) -> None:
    assert len({f.id for f in fragments}) == 2
    assert fragments[0].html != fragments[1].html


@pytest.mark.parametrize("host", ["hostile", "root-font"])
def test_host_css_does_not_change_a_fragment(
    host: str, fragments: list[Fragment], pages: dict[str, Path], page: Page
) -> None:
    hosted = {}
    visit(page, pages[host])
    for f in fragments:
        hosted[f.id] = styles(page, fragment_selector(f.id))
    differences = []
    for f in fragments:
        visit(page, pages[f"alone-{f.id}"])
        differences += style_differences(styles(page, fragment_selector(f.id)), hosted[f.id])
    assert not differences, summary(differences)


def test_fragment_css_does_not_change_the_host(pages: dict[str, Path], page: Page) -> None:
    visit(page, pages["host-only"])
    without = styles(page, HOST_SELECTOR)
    visit(page, pages["hostile"])
    with_fragments = styles(page, HOST_SELECTOR)
    assert not style_differences(without, with_fragments)


def test_fragment_style_elements_stay_hidden(
    fragments: list[Fragment], pages: dict[str, Path], page: Page
) -> None:
    visit(page, pages["hostile"])
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.briefing-doc style')]"
        ".map(s => getComputedStyle(s).display).filter(d => d !== 'none')"
    )
    assert shown == []


IDS_JS = """
(rootIds) => ({
  all: [...document.querySelectorAll('[id]')].map(e => e.id),
  inside: Object.fromEntries(rootIds.map(r => {
    const root = document.getElementById(r);
    return [r, [root, ...root.querySelectorAll('[id]')].map(e => e.id)];
  })),
  links: Object.fromEntries(rootIds.map(r => {
    const root = document.getElementById(r);
    const refs = [...root.querySelectorAll('a[href^="#"]')]
      .map(a => a.getAttribute('href').slice(1));
    for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls', 'for']) {
      for (const e of root.querySelectorAll(`[${attr}]`)) {
        refs.push(...e.getAttribute(attr).split(/\\s+/));
      }
    }
    const inside = id => root.id === id || root.querySelector(`[id="${CSS.escape(id)}"]`);
    return [r, refs.filter(id => id && !inside(id))];
  })),
  outsideLinks: Object.fromEntries(rootIds.map(r =>
    [r, [...document.getElementById(r).querySelectorAll('a[href]')]
      .map(a => a.getAttribute('href')).filter(h => !h.startsWith('#'))]
  )),
})
"""


@pytest.fixture
def ids(fragments: list[Fragment], pages: dict[str, Path], page: Page) -> dict[str, Any]:
    visit(page, pages["hostile"])
    result: dict[str, Any] = page.evaluate(IDS_JS, [f.id for f in fragments])
    return result


def test_ids_are_unique_in_the_combined_page(ids: dict[str, Any]) -> None:
    counts = Counter(ids["all"])
    assert sorted(i for i, n in counts.items() if n > 1) == []


def test_every_id_in_a_fragment_starts_with_its_briefing_id(ids: dict[str, Any]) -> None:
    stray = {
        root: [i for i in inside if i != root and not i.startswith(f"{root}-")]
        for root, inside in ids["inside"].items()
    }
    assert stray == {root: [] for root in stray}


def test_in_fragment_references_stay_in_their_fragment(ids: dict[str, Any]) -> None:
    assert ids["links"] == {root: [] for root in ids["links"]}


def test_fragment_links_lead_only_in_page_or_to_the_web(ids: dict[str, Any]) -> None:
    safe = ("http://", "https://", "mailto:")
    bad = {
        root: [h for h in hrefs if not h.startswith(safe)]
        for root, hrefs in ids["outsideLinks"].items()
    }
    assert bad == {root: [] for root in bad}


def test_hostile_page_makes_no_request_and_logs_no_error(
    pages: dict[str, Path], page: Page
) -> None:
    seen = visit(page, pages["hostile"])
    assert seen.requests == [seen.url]
    assert seen.errors == []
