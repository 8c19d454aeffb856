"""The HTML page, checked in real tools: vnu, axe-core and Chromium.

Every shipped briefing is checked, and so is the mini fixture's `c2` (so the checks run
even while the shipped fact base has no briefing yet). Pages are opened from file:// with
every request intercepted: the only request allowed is the page's own file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import tools
from briefing.build import Options, run
from briefing.render.context import document_view
from briefing.validation import load_valid

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

REPO = Path(__file__).resolve().parent.parent
SHIPPED_FACTBASE = REPO / "factbase"
MINI = REPO / "tests" / "fixtures" / "mini"

SHIPPED_IDS = sorted(p.stem for p in (SHIPPED_FACTBASE / "briefings").glob("*.yaml"))
# (fact base, briefing id): the mini fixture always, then every shipped briefing.
CASES = [pytest.param(("mini", "c2"), id="mini-c2")] + [
    pytest.param(("shipped", b), id=b) for b in SHIPPED_IDS
]

SAFE_HREF = ("#", "http://", "https://", "mailto:")
URL_ATTRIBUTES = ("src", "srcset", "action", "formaction", "poster", "data", "background")


# ------------------------------------------------------------------------------ helpers


@dataclass
class Visit:
    """A page opened offline: every request it tried, every console error it logged."""

    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def other_requests(self) -> list[str]:
        return [r for r in self.requests if r != self.url]


def visit(page: Page, html_file: Path) -> Visit:
    """Open a file in Chromium; only its own URL may load, anything else is aborted."""
    seen = Visit(html_file.as_uri())

    def handle(route: Route) -> None:
        seen.requests.append(route.request.url)
        if route.request.url == seen.url:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.goto(seen.url)
    return seen


def host_page(body: str, title: str = "Intranet") -> str:
    """A minimal valid page around some body HTML (a fragment's host)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def expected_banner(factbase: Path, briefing_id: str) -> str:
    fb, _ = load_valid(factbase)
    briefing = next(b for b in fb.briefings if b.id == briefing_id)
    return document_view(fb, briefing).marking.banner


@dataclass(frozen=True)
class Built:
    factbase: Path
    out: Path
    id: str

    @property
    def html(self) -> Path:
        return self.out / f"{self.id}.html"

    @property
    def fragment(self) -> Path:
        return self.out / f"{self.id}.fragment.html"


@pytest.fixture(scope="module")
def mini_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mini-out")
    result = run(Options(factbase=MINI / "factbase", out=out, formats=("md", "html", "fragment")))
    assert not result.failed, result.failed
    return out


@pytest.fixture(params=CASES)
def built(request: pytest.FixtureRequest) -> Built:
    source, briefing_id = request.param
    if source == "mini":
        return Built(MINI / "factbase", request.getfixturevalue("mini_out"), briefing_id)
    return Built(SHIPPED_FACTBASE, request.getfixturevalue("shipped_out"), briefing_id)


def test_every_shipped_briefing_has_a_page_and_a_fragment(
    shipped_out: Path, shipped_ids: list[str]
) -> None:
    assert sorted(p.name for p in shipped_out.glob("*.html")) == sorted(
        [f"{b}.html" for b in shipped_ids]
        + [f"{b}.fragment.html" for b in shipped_ids]
        + [f"{b}.summary.html" for b in shipped_ids]
        + ["index.html", "index.fragment.html"]  # the catalogue (tests/test_catalogue.py)
    )


# ---------------------------------------------------------------------------------- vnu


def test_page_is_valid_html(built: Built, vnu: Callable[[Path], list[str]]) -> None:
    assert vnu(built.html) == []


def test_fragment_in_a_minimal_host_page_is_valid_html(
    built: Built, vnu: Callable[[Path], list[str]], tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page(built.fragment.read_text(encoding="utf-8")), encoding="utf-8")
    assert vnu(host) == []


# ------------------------------------------------------------------------------ axe-core


def axe_violations(page: Page, context: Any = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in results.response["violations"]
    ]


@pytest.mark.browser
def test_page_has_no_axe_violations(built: Built, page: Page) -> None:
    visit(page, built.html)
    assert axe_violations(page) == []


@pytest.mark.browser
def test_fragment_has_no_axe_violations_inside_a_host_page(
    built: Built, page: Page, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page(built.fragment.read_text(encoding="utf-8")), encoding="utf-8")
    visit(page, host)
    assert axe_violations(page, context=f"#{built.id}") == []


# ----------------------------------------------------------------------- page structure

STRUCTURE_JS = """
() => {
  const all = [...document.querySelectorAll('*')];
  const attrs = e => [...e.attributes];
  return {
    lang: document.documentElement.getAttribute('lang'),
    mains: document.querySelectorAll('main').length,
    h1s: document.querySelectorAll('h1').length,
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
      .map(h => [Number(h.tagName[1]), h.id, h.closest('nav') !== null]),
    navs: [...document.querySelectorAll('nav')].map(n =>
      [...n.querySelectorAll('a')].map(a => a.getAttribute('href'))),
    ids: all.filter(e => e.id).map(e => e.id),
    scripts: document.querySelectorAll('script').length,
    handlers: all.flatMap(e => attrs(e).filter(a => a.name.startsWith('on'))
      .map(a => `${e.tagName.toLowerCase()} ${a.name}`)),
    hrefs: all.filter(e => e.hasAttribute('href'))
      .map(e => [e.tagName.toLowerCase(), e.getAttribute('href')]),
    urlAttrs: all.flatMap(e => attrs(e).filter(a => URL_ATTRIBUTES.includes(a.name))
      .map(a => `${e.tagName.toLowerCase()} ${a.name}=${a.value}`)),
    loaders: [...document.querySelectorAll('link,img,iframe,object,embed,video,audio,source')]
      .map(e => e.outerHTML),
    css: [...document.querySelectorAll('style')].map(s => s.textContent).join('\\n'),
    text: document.body.innerText.trim(),
  };
}
"""


def structure(page: Page) -> dict[str, Any]:
    js = STRUCTURE_JS.replace("URL_ATTRIBUTES", repr(list(URL_ATTRIBUTES)))
    result: dict[str, Any] = page.evaluate(js)
    return result


@pytest.fixture
def opened(built: Built, page: Page) -> dict[str, Any]:
    visit(page, built.html)
    return structure(page)


@pytest.mark.browser
def test_page_is_english_with_one_main_and_one_h1(opened: dict[str, Any]) -> None:
    assert opened["lang"] == "en"
    assert opened["mains"] == 1
    assert opened["h1s"] == 1


@pytest.mark.browser
def test_heading_levels_start_at_h1_and_never_skip(opened: dict[str, Any]) -> None:
    levels = [level for level, _, _ in opened["headings"]]
    assert levels[0] == 1
    skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
    assert skips == []


@pytest.mark.browser
def test_contents_list_links_every_section_in_order(opened: dict[str, Any]) -> None:
    assert len(opened["navs"]) == 1
    links = opened["navs"][0]
    assert links, "the contents list is empty"
    assert all(href.startswith("#") for href in links)
    assert [h[1:] for h in links if h[1:] not in opened["ids"]] == []
    sections = [ident for level, ident, in_nav in opened["headings"] if level == 2 and not in_nav]
    assert [h[1:] for h in links] == sections


@pytest.mark.browser
def test_ids_are_unique(opened: dict[str, Any]) -> None:
    ids = opened["ids"]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.browser
def test_marking_banner_opens_and_closes_the_page(built: Built, opened: dict[str, Any]) -> None:
    banner = expected_banner(built.factbase, built.id)
    assert banner
    assert opened["text"].startswith(banner)
    assert opened["text"].endswith(banner)


@pytest.mark.browser
def test_page_has_a_print_stylesheet(opened: dict[str, Any]) -> None:
    assert "@media print" in opened["css"]


@pytest.mark.browser
def test_page_has_no_script_and_no_event_handler(opened: dict[str, Any]) -> None:
    assert opened["scripts"] == 0
    assert opened["handlers"] == []


@pytest.mark.browser
def test_page_loads_nothing_and_links_only_in_page_or_to_the_web(opened: dict[str, Any]) -> None:
    assert opened["loaders"] == []
    assert opened["urlAttrs"] == []
    assert [(tag, h) for tag, h in opened["hrefs"] if tag != "a"] == []
    assert [h for _, h in opened["hrefs"] if not h.lower().startswith(SAFE_HREF)] == []
    assert "url(" not in opened["css"]
    assert "@import" not in opened["css"]


# ------------------------------------------------------------------------ self-contained


@pytest.mark.browser
def test_page_makes_no_request_and_logs_no_error(built: Built, page: Page) -> None:
    seen = visit(page, built.html)
    assert seen.requests == [seen.url]
    assert seen.errors == []


@pytest.mark.browser
def test_fragment_in_a_host_page_makes_no_request_and_logs_no_error(
    built: Built, page: Page, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page(built.fragment.read_text(encoding="utf-8")), encoding="utf-8")
    seen = visit(page, host)
    assert seen.requests == [seen.url]
    assert seen.errors == []


# ------------------------------------------------------------------ hostile fact text

HOSTILE = (
    "<script>window.__pwned=1</script> "
    '<img src=x onerror="window.__pwned=2"> '
    "[x](javascript:window.__pwned=3) "
    "![i](file:///etc/passwd) "
    '<a href="http://10.0.0.1/">link</a> '
    "&lt;b&gt;"
)
# Fields an editor types freely (quotes are not: they must match the source verbatim).
HOSTILE_FIELDS = {
    "facts.yaml": ("facts", "troops-54000", "statement"),
    "entities.yaml": ("entities", "official", "role"),
    "discrepancies.yaml": ("discrepancies", "troop-count", "note"),
    "sources.yaml": ("sources", "mini", "label"),
}


def hostile_text(name: str) -> str:
    return f"{name} says: {HOSTILE}"


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with HOSTILE in a fact statement, a role, a note and a source label."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(MINI, root / "mini")
    factbase = root / "mini" / "factbase"
    for file, (key, ident, name) in HOSTILE_FIELDS.items():
        path = factbase / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        item = next(i for i in data[key] if i["id"] == ident)
        item[name] = hostile_text(name)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = root / "out"
    result = run(Options(factbase=factbase, out=out, formats=("md", "html", "fragment")))
    assert not result.failed, result.failed
    return out


HARM_JS = """
() => ({
  pwned: typeof window.__pwned,
  active: [...document.querySelectorAll('script,img,iframe,object,embed,link')]
    .map(e => e.outerHTML),
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => a.name.startsWith('on')).map(a => a.name)),
  badLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
    .filter(h => /^\\s*(javascript|data|file|vbscript):/i.test(h)),
  hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
})
"""


def assert_harmless(page: Page, seen: Visit) -> None:
    harm = page.evaluate(HARM_JS)
    assert harm["pwned"] == "undefined"
    assert harm["active"] == []
    assert harm["handlers"] == []
    assert harm["badLinks"] == []
    assert [h for h in harm["hrefs"] if not h.startswith("#")] == []
    assert seen.requests == [seen.url]
    assert seen.errors == []
    text = " ".join(tools.fold_marks(page.inner_text("body")).split())
    for _, _, name in HOSTILE_FIELDS.values():
        assert hostile_text(name) in text, f"{name}: hostile text not shown literally"


@pytest.mark.browser
def test_hostile_fact_text_shows_as_text_in_the_page(hostile_out: Path, page: Page) -> None:
    seen = visit(page, hostile_out / "c2.html")
    assert_harmless(page, seen)


@pytest.mark.browser
def test_hostile_fact_text_shows_as_text_in_the_fragment(
    hostile_out: Path, page: Page, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page((hostile_out / "c2.fragment.html").read_text("utf-8")), "utf-8")
    seen = visit(page, host)
    assert_harmless(page, seen)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_hostile_fact_text_stays_inert_in_the_markdown(hostile_out: Path) -> None:
    """Even a Markdown viewer that passes raw HTML through gets no active tag or link."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser = _Tags()
    parser.feed(renderer.render((hostile_out / "c2.md").read_text("utf-8")))
    active = {"script", "img", "iframe", "object", "embed", "link", "style"}
    assert [tag for tag, _ in parser.tags if tag in active] == []
    attrs = [(tag, name, value or "") for tag, a in parser.tags for name, value in a]
    assert [a for a in attrs if a[1].startswith("on")] == []
    assert [a for a in attrs if a[1] in ("href", "src") and not a[2].startswith(SAFE_HREF)] == []


def test_hostile_page_is_still_valid_html(
    hostile_out: Path, vnu: Callable[[Path], list[str]]
) -> None:
    assert vnu(hostile_out / "c2.html") == []
