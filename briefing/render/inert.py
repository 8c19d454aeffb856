"""Proof that an HTML page or fragment is inert: no script, no handler, no outside request.

The shipped templates never produce any of these; a user template (`--templates`) could, and
intranet editors embed the result in their pages. So every HTML output is checked before it is
written, and a template that breaks the promise fails its target instead.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from briefing.errors import RenderError

FORBIDDEN_ELEMENTS = frozenset(
    [
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "link",
        "base",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "video",
        "audio",
        "source",
        "track",
        "img",
        "picture",
        "svg",
        "math",
        "portal",
        "template",
    ]
)
SAFE_LINK = re.compile(r"^(#|https?://|mailto:)", re.IGNORECASE)
CSS_FETCH = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            elif name in (
                "src",
                "srcset",
                "action",
                "formaction",
                "poster",
                "background",
                "data",
                "ping",
                "xlink:href",
            ):
                self.problems.append(f"{name} attribute on <{tag}>")
            elif name == "href" and not SAFE_LINK.match(value.strip()):
                self.problems.append(f"link to {value[:40]!r}")
            elif name == "style" and CSS_FETCH.search(value):
                self.problems.append(f"style attribute that fetches on <{tag}>")
            elif name == "http-equiv":
                self.problems.append(f"http-equiv meta ({value[:20]})")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and CSS_FETCH.search(data):
            self.problems.append("stylesheet that fetches (url() or @import)")


def ensure_inert(html: str, what: str) -> None:
    """Raise RenderError naming what a page or fragment would run or fetch."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    if inspector.problems:
        found = "; ".join(dict.fromkeys(inspector.problems))
        raise RenderError(
            f"{what} would run or fetch something: {found}; "
            "templates may not add scripts, handlers or outside resources"
        )
