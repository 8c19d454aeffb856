"""Proof that an HTML page or fragment is inert: no script, no handler, no outside request.

The shipped templates never produce any of these; a user template (`--templates`) could, and
intranet editors embed the result in their pages. So every HTML output is checked before it is
written, and a template that breaks the promise fails its target instead.

The check reads the markup as a browser does, or it proves nothing: a parser that disagrees
with the browser on `<!--><script>`, `<style/>` or `<noscript>` passes what the browser runs.
So the HTML is parsed by tinyhtml5, which follows the WHATWG parsing algorithm (scripting on,
as in a browser), and CSS by tinycss2, which follows CSS Syntax Level 3 and so resolves
escapes (`\\75 rl(`, `@\\69mport`) before anything is compared. What is checked is then an
allow-list: known elements and attributes, links to the web or the page only, and CSS
without URLs, fetching functions or at-rules outside a known-safe set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import Element

import tinycss2
from tinyhtml5.parser import HTMLParser

from briefing.errors import RenderError

HTML_NAMESPACE = "{http://www.w3.org/1999/xhtml}"

# Elements a briefing page may hold: the shipped shells, what markdown-it renders, and the
# rest of HTML's text-level and sectioning vocabulary. Nothing that loads, embeds, runs,
# submits or templates: no script, img, iframe, object, link, base, form, svg, math, template,
# noscript (its content is parsed differently with scripting on and off).
ALLOWED_ELEMENTS = frozenset(
    [
        "html", "head", "body", "title", "meta", "style",
        "div", "span", "p", "br", "hr", "wbr", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "footer", "main", "nav", "article", "section", "aside", "address",
        "hgroup", "figure", "figcaption", "blockquote", "pre", "code", "kbd", "samp", "var",
        "ul", "ol", "li", "dl", "dt", "dd", "a", "em", "strong", "b", "i", "u", "s", "small",
        "mark", "q", "cite", "dfn", "abbr", "time", "data", "sub", "sup", "del", "ins",
        "bdi", "bdo", "ruby", "rt", "rp", "table", "caption", "colgroup", "col", "thead",
        "tbody", "tfoot", "tr", "th", "td", "details", "summary",
    ]
)  # fmt: skip
GLOBAL_ATTRIBUTES = frozenset(
    ["id", "class", "lang", "dir", "title", "role", "hidden", "tabindex", "translate", "style"]
)
ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset(["href", "rel", "hreflang", "type", "target"]),
    "meta": frozenset(["name", "content", "charset"]),
    "style": frozenset(["media"]),
    "ol": frozenset(["start", "reversed", "type"]),
    "li": frozenset(["value"]),
    "th": frozenset(["colspan", "rowspan", "headers", "scope", "abbr"]),
    "td": frozenset(["colspan", "rowspan", "headers"]),
    "col": frozenset(["span"]),
    "colgroup": frozenset(["span"]),
    "time": frozenset(["datetime"]),
    "data": frozenset(["value"]),
    "del": frozenset(["datetime"]),
    "ins": frozenset(["datetime"]),
    "details": frozenset(["open"]),
}
FREE_ATTRIBUTE_PREFIXES = ("aria-", "data-")
SAFE_LINK = re.compile(r"^(#|https?://|mailto:)", re.IGNORECASE)
# A relative reference with a path and no scheme (`c2.html`, `editions/2024-07-29/c2.pdf`):
# allowed only where asked for (the catalogue, whose files lie beside it).
RELATIVE_LINK = re.compile(r"^(?![a-z][a-z0-9+.\-]*:)(?!/)(?!\\)[^\\]+$", re.IGNORECASE)
# A browser strips leading and trailing C0 controls and spaces from a URL, and removes tabs
# and line breaks anywhere in it (`java\tscript:` is `javascript:`).
_URL_STRIPPED = "".join(chr(c) for c in range(0x21))
_URL_REMOVED = re.compile(r"[\t\n\r]")
# Control characters no page needs; ESC would let a browser that sniffs ISO-2022-JP (a page
# served without a charset) read different markup than this check.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# CSS: functions that fetch what they name, and the at-rules that fetch nothing.
FETCHING_FUNCTIONS = frozenset(
    [
        "url",
        "src",
        "image",
        "image-set",
        "-webkit-image-set",
        "cross-fade",
        "-webkit-cross-fade",
        "element",
        "-moz-element",
        "expression",
    ]
)
SAFE_AT_RULES = frozenset(
    [
        "media", "supports", "page", "layer", "container", "keyframes", "-webkit-keyframes",
        "scope", "starting-style", "property", "counter-style", "font-feature-values",
        "font-palette-values", "charset", "namespace", "position-try", "view-transition",
        "swash", "annotation", "ornaments", "stylistic", "styleset", "character-variant",
        # page-margin boxes inside @page
        "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
        "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right",
        "bottom-right-corner", "left-top", "left-middle", "left-bottom", "right-top",
        "right-middle", "right-bottom",
    ]
)  # fmt: skip
_END = "bf-inert-end-of-fragment"


def css_fetches(css: str) -> str | None:
    """What a stylesheet (or a style attribute) would fetch or import, if anything.

    tinycss2 tokenizes as a browser does, so `\\75 rl(`, `U\\RL(` and `@\\69mport` arrive here
    as the url token and the `import` at-rule they are.
    """
    return _fetching(tinycss2.parse_component_value_list(css, skip_comments=True))


def _fetching(nodes: Iterable[Any]) -> str | None:
    for node in nodes:
        kind = node.type
        if kind == "url":
            return "url()"
        if kind == "error" and node.kind == "bad-url":
            return "url()"
        if kind == "at-keyword" and node.lower_value not in SAFE_AT_RULES:
            return f"@{node.lower_value}"
        if kind == "function" and node.lower_name in FETCHING_FUNCTIONS:
            return f"{node.lower_name}()"
        inner = getattr(node, "arguments", None) or getattr(node, "content", None)
        if inner:
            found = _fetching(inner)
            if found:
                return found
    return None


def _elements(root: Element) -> Iterator[Element]:
    """Every element under root, comments and the fragment root left out."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag != "DOCUMENT_FRAGMENT":
            yield element


def _local(name: str) -> str:
    return name.removeprefix(HTML_NAMESPACE)


def _attribute_problem(tag: str, name: str, value: str, relative: bool = False) -> str | None:
    if name.startswith("on"):
        return f"{name} handler on <{tag}>"
    if name == "http-equiv":
        return f"http-equiv meta ({value[:20]})"
    allowed = name in GLOBAL_ATTRIBUTES or name in ELEMENT_ATTRIBUTES.get(tag, ())
    if not allowed and not name.startswith(FREE_ATTRIBUTE_PREFIXES):
        return f"{name} attribute on <{tag}>"
    if name == "href":
        url = _URL_REMOVED.sub("", value.strip(_URL_STRIPPED))
        if not (SAFE_LINK.match(url) or (relative and RELATIVE_LINK.match(url))):
            return f"link to {value[:40]!r}"
    if name == "style":
        fetched = css_fetches(value)
        if fetched:
            return f"style attribute that fetches on <{tag}> ({fetched})"
    return None


def problems_in(root: Element, relative_links: bool = False) -> list[str]:
    """What a parsed page or fragment would run or fetch, in words."""
    found: list[str] = []
    for element in _elements(root):
        if not element.tag.startswith(HTML_NAMESPACE):  # svg, math: foreign content
            found.append(f"<{element.tag.rsplit('}', 1)[-1]}> element")
            continue
        tag = _local(element.tag)
        if tag not in ALLOWED_ELEMENTS:
            found.append(f"<{tag}> element")
            continue
        for name, value in element.attrib.items():
            problem = _attribute_problem(tag, _local(name), value, relative_links)
            if problem:
                found.append(problem)
        if tag == "style":
            fetched = css_fetches(element.text or "")
            if fetched:
                found.append(f"stylesheet that fetches ({fetched})")
    return found


def ensure_inert(
    html: str, what: str, *, fragment: bool | None = None, relative_links: bool = False
) -> None:
    """Raise RenderError naming what a page or fragment would run or fetch.

    A fragment (`fragment`, or by default an output named `*.fragment.html`) is parsed as it
    will be embedded, inside a `<div>` of the host page, and must close all it opens: an
    element, comment, attribute or raw-text element left open would swallow the host page's
    own markup after it. `relative_links` also lets links be relative paths (no scheme, not
    starting with `/`), for pages whose links name files beside them.
    """
    if fragment is None:
        fragment = what.endswith(".fragment.html")
    problems: list[str] = []
    control = _CONTROL.search(html)
    if control:
        problems.append(f"control character U+{ord(control.group()):04X}")
    parser = HTMLParser()
    if fragment:
        root = parser.parse_fragment(f'{html}<span id="{_END}"></span>', scripting=True)
        end = [e for e in root if e.get("id") == _END]
        if not end:
            problems.append(
                "the fragment leaves an element, comment or attribute open, which would "
                "swallow the host page after it"
            )
    else:
        root = parser.parse(html, scripting=True)
    problems += problems_in(root, relative_links)
    if problems:
        found = "; ".join(dict.fromkeys(problems))
        raise RenderError(
            f"{what} would run or fetch something: {found}; "
            "templates may not add scripts, handlers or outside resources"
        )
