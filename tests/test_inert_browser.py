"""The inert check against the browser it speaks for: real Chromium, and a listener on
127.0.0.1 that records every request it receives.

A corpus of markup shapes, each put into a real page and a real fragment (embedded in a host
page) of the mini briefing:
- `HARMFUL` shapes run script or fetch in Chromium (asserted, so the corpus stays honest) and
  the check must refuse each one. Many once passed: the check read HTML with Python's
  html.parser, which disagrees with browsers on `<!-->`, `--!>`, `<![CDATA[`, `<style/>` and
  `<noscript>`, and looked for `url(` and `@import` in CSS text whose escapes (`\\75 rl(`,
  `@\\69mport`) it did not resolve, and did not know `image-set()`.
- `HARMLESS` shapes mention all of that as text, in comments or strings; the check must
  accept them and Chromium must neither run nor fetch anything.
And whatever the check accepts, Chromium neither runs script nor fetches.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from briefing.build import Options, run
from briefing.errors import RenderError
from briefing.render.inert import ensure_inert

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
JS = "window.__pwned=1;new Image().src='/ran-script'"

HARMFUL = {
    # parser differentials: comments, CDATA, processing instructions, noscript
    "comment-abrupt": f"<!--><script>{JS}</script>-->",
    "comment-abrupt-dash": f"<!---><script>{JS}</script>-->",
    "comment-bang-close": f"<!-- x --!><script>{JS}</script> -->",
    "cdata-in-html": f"<![CDATA[><script>{JS}</script>]]>",
    "processing-instruction": f"<?x ><script>{JS}</script>?>",
    "noscript-attribute": (
        '<noscript><p title="</noscript><img src=/noscript-img onerror=window.__pwned=1>">'
        "</p></noscript>"
    ),
    "slash-separated-handler": f'<details/open/ontoggle="{JS}">x</details>',
    "style-self-closing": "<style/>body{background:url(/style-self-closing)}</style>",
    "image-tag-alias": "<image src=/image-alias>",
    # plain active content
    "script": f"<script>{JS}</script>",
    "img-onerror": "<img src=/img onerror=window.__pwned=1>",
    "svg-image": '<svg><image href="/svg-image" width="9" height="9"></image></svg>',
    "iframe-srcdoc": (
        "<iframe srcdoc=\"<script>parent.__pwned=1;new Image().src='/srcdoc'</script>\"></iframe>"
    ),
    "link-stylesheet": '<link rel="stylesheet" href="/link-css">',
    "meta-refresh": '<meta http-equiv="refresh" content="0; url=/meta-refresh">',
    "table-background": '<table background="/table-bg"><tr><td>x</td></tr></table>',
    "video-poster": '<video poster="/poster"></video>',
    # CSS: escapes, image-set, @import, @font-face, in a sheet and in a style attribute
    "css-url": "<style>body{background:url(/css-url)}</style>",
    "css-escaped-url-hex": "<style>body{background:\\75 rl(/css-hex)}</style>",
    "css-escaped-url-char": "<style>body{background:u\\rl(/css-char)}</style>",
    "css-escaped-url-long": "<style>body{background:\\000075rl(/css-long)}</style>",
    "css-url-capitals": "<style>body{background:URL(/css-caps)}</style>",
    "css-escaped-import": '<style>@\\69mport "/css-import-hex";</style>',
    "css-escaped-import-space": "<style>@\\69 mport url(/css-import-space);</style>",
    "css-escaped-import-char": "<style>@i\\mport '/css-import-char';</style>",
    "css-import-in-cdo": "<style><!-- @import '/css-import-cdo'; --></style>",
    "css-image-set": '<style>body{background-image:image-set("/css-image-set" 1x)}</style>',
    "css-webkit-image-set": (
        '<style>body{background-image:-webkit-image-set("/css-webkit-set" 1x)}</style>'
    ),
    "css-escaped-image-set": (
        '<style>body{background-image:\\69mage-set("/css-image-set-hex" 1x)}</style>'
    ),
    "css-font-face": (
        "<style>@f\\6fnt-face{font-family:bfx;src:\\75rl(/css-font)}p{font-family:bfx}</style>"
    ),
    "css-content-url": "<style>body::after{content:url(/css-content)}</style>",
    "attr-escaped-url": '<div style="background:\\75 rl(/attr-hex);height:9px">x</div>',
    "attr-entity-escaped-url": '<div style="background:u&#x5c;rl(/attr-entity);height:9px">x</div>',
    "attr-image-set": (
        "<div style=\"background-image:image-set('/attr-image-set' 1x);height:9px\">x</div>"
    ),
}

# In a fragment, `.briefing-doc * { all: revert }` drops presentational attributes, so this
# one fetches in the page only; the fragment must refuse it all the same.
PAGE_ONLY = {"table-background"}

HARMLESS = {
    "text-mentions": (
        '<p>Text about url(/nope) and @import "/nope" and &lt;script&gt;window.__pwned=1'
        "&lt;/script&gt;.</p>"
    ),
    "comment-with-script": f"<!-- <script>{JS}</script> -->",
    "attribute-with-script": f'<p title="<script>{JS}</script>">x</p>',
    "css-comment": '<style>/* url(/nope) @import "/nope"; */ body{color:#222}</style>',
    "css-string": '<style>body::after{content:"url(/nope) @import"}</style>',
    "css-media-supports": (
        "<style>@media print{body{color:black}}@supports (display:grid){main{display:block}}"
        "</style>"
    ),
    "css-escaped-ident": "<style>p{color:\\72 ed}</style>",
    "attr-safe-style": "<p style=\"color:rgb(1,2,3);font-family:'url(x)'\">x</p>",
    "links": (
        '<p><a href="https://example.invalid/x">web</a> <a href="#top">here</a> '
        '<a href="mailto:a@example.invalid">mail</a></p>'
    ),
    "details": "<details open><summary>s</summary>text</details>",
    "table-align": '<table><tr><td style="text-align:right">1</td></tr></table>',
    "entities": "<p>&#x3C;script&#x3E;window.__pwned=1&#x3C;/script&#x3E;</p>",
}


# ------------------------------------------------------------------------- the listener


class Listener:
    """An HTTP server on 127.0.0.1: serves the pages under test, records every other request."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = listener.pages.get(self.path)
                if body is None:
                    listener.requests.append(self.path)
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def shells(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The mini briefing's real page and fragment, as the build writes them."""
    root = tmp_path_factory.mktemp("inert-browser")
    shutil.copytree(MINI, root / "mini")
    out = root / "out"
    result = run(
        Options(factbase=root / "mini" / "factbase", out=out, formats=("html", "fragment"))
    )
    assert not result.failed, result.failed
    return {
        "page": (out / "c2.html").read_text(encoding="utf-8"),
        "fragment": (out / "c2.fragment.html").read_text(encoding="utf-8"),
    }


HOST = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Intranet</title>\n'
    "</head>\n<body>\n<main>\n<p>Host text.</p>\n{fragment}\n<p>More host text.</p>\n</main>\n"
    "</body>\n</html>\n"
)


def with_shape(shells: dict[str, str], context: str, shape: str) -> str:
    """The page, or the fragment, with the shape where a user template could put it."""
    if context == "page":
        return shells["page"].replace("<main>", "<main>\n" + shape, 1)
    return shells["fragment"].replace("<article", shape + "\n<article", 1)


def accepted(html: str, context: str) -> bool:
    try:
        ensure_inert(html, "c2.html" if context == "page" else "c2.fragment.html")
    except RenderError:
        return False
    return True


def effects(page: Page, listener: Listener, html: str, context: str, name: str) -> list[str]:
    """What Chromium did with the page (the fragment inside a host page): every request to
    the listener but the page's own, and whether a script ran."""
    document = html if context == "page" else HOST.format(fragment=html)
    path = f"/{context}/{name}"
    listener.pages[path] = document.encode()
    listener.requests.clear()
    page.goto(listener.base + path, wait_until="load")
    page.wait_for_timeout(400)  # fonts, backgrounds and refreshes come after the load event
    seen = [r for r in listener.requests if r != "/favicon.ico"]
    try:
        if page.evaluate("typeof window.__pwned !== 'undefined'"):
            seen.append("script ran")
    except Exception:  # the page navigated away (a refresh): the request says it all
        pass
    return seen


@pytest.mark.parametrize("context", ["page", "fragment"])
@pytest.mark.parametrize("name", HARMFUL)
def test_a_harmful_shape_is_harmful_in_chromium_and_refused(
    shells: dict[str, str], listener: Listener, page: Page, context: str, name: str
) -> None:
    html = with_shape(shells, context, HARMFUL[name])
    if context == "page" or name not in PAGE_ONLY:
        assert effects(page, listener, html, context, name), "the shape did nothing in Chromium"
    assert not accepted(html, context), "the inert check accepted it"


@pytest.mark.parametrize("context", ["page", "fragment"])
@pytest.mark.parametrize("name", HARMLESS)
def test_a_harmless_shape_is_accepted_and_does_nothing_in_chromium(
    shells: dict[str, str], listener: Listener, page: Page, context: str, name: str
) -> None:
    html = with_shape(shells, context, HARMLESS[name])
    assert accepted(html, context)
    assert effects(page, listener, html, context, name) == []


def test_the_shipped_pages_pass_and_do_nothing(
    shells: dict[str, str], listener: Listener, page: Page
) -> None:
    for context in ("page", "fragment"):
        assert accepted(shells[context], context)
        assert effects(page, listener, shells[context], context, "shipped") == []


@pytest.mark.parametrize(
    "ending",
    ["<!-- unclosed", "<style>", '<p title="', "<div>", "<textarea>", "<title>", "<a href='#x'>"],
)
def test_a_fragment_that_leaves_something_open_is_refused(
    shells: dict[str, str], ending: str
) -> None:
    """Embedded, it would swallow the host page's own markup after it."""
    with pytest.raises(RenderError, match="leaves an element, comment or attribute open"):
        ensure_inert(shells["fragment"] + ending, "c2.fragment.html")
