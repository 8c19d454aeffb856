"""Markdown → HTML page or embeddable fragment. The only module importing `markdown_it`.

One parser, raw HTML off (fact text is untrusted), links limited to http, https, mailto and
in-page anchors. Every id is prefixed with the briefing id, so two fragments and a host page
can share one DOM without clashing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from briefing.render.inert import ensure_inert
from briefing.render.job import RenderJob
from briefing.render.markdown import MarkdownDocument
from briefing.render.templating import (
    FOOTNOTE_SEPARATOR,
    html_environment,
    render_template,
)
from briefing.resources import ASSETS

SAFE_SCHEMES = ("http://", "https://", "mailto:")
ROOT_CLASS = "briefing-doc"


def _safe_link(url: str) -> bool:
    return url.startswith("#") or url.lower().startswith(SAFE_SCHEMES)


def slug(text: str) -> str:
    """ASCII, lower-case, hyphenated: `Key judgments` → `key-judgments`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


# --------------------------------------------------------------------------- render rules


def plain_text(inline: Token) -> str:
    """What an inline token shows, as text: `Q\\& A *now*` → `Q& A now`, for the contents list
    and for slugs (the raw Markdown would show its escapes and markers)."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "text_special", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


# Every id is `<briefing>-<slug>` for a heading and `<briefing>--<name>` for anything else
# (notes, references, the contents list). A slug never starts with a hyphen, so no heading,
# whatever its words (`fn1`, `Contents`), can take another element's id.
def other_id(doc_id: str, name: str) -> str:
    """The id of an element that is not a heading: `c2--fn3`, `c2--contents`."""
    return f"{doc_id}--{name}"


def _heading_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    text = plain_text(tokens[idx + 1])
    base = f"{env['docId']}-{slug(text)}"
    used: set[str] = env.setdefault("ids", set())
    ident, count = base, 1
    while ident in used:  # "Background" twice and "Background 2" all get ids of their own
        count += 1
        ident = f"{base}-{count}"
    used.add(ident)
    token.attrSet("id", ident)
    env.setdefault("headings", []).append((int(token.tag[1]), ident, text))
    return str(self.renderToken(tokens, idx, options, env))


def _note_number(token: Token) -> str:
    return str(token.meta["id"] + 1)


def _note_id(token: Token, env: EnvType) -> str:
    return other_id(env["docId"], f"fn{_note_number(token)}")


def _ref_id(token: Token, env: EnvType) -> str:
    """Id of one reference to a note: `<briefing>--fnref3`, `-2` for its second use."""
    sub = token.meta.get("subId", -1)
    return other_id(env["docId"], f"fnref{_note_number(token)}" + (f"-{sub}" if sub > 0 else ""))


def _footnote_ref(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    number, ref_id = _note_number(tokens[idx]), _ref_id(tokens[idx], env)
    return (
        f'<sup class="footnote-ref"><a href="#{_note_id(tokens[idx], env)}" id="{ref_id}" '
        f'aria-label="Source note {number}">{number}</a></sup>'
    )


def _footnote_block_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return (
        '<section class="footnotes" aria-label="Source notes list">\n<ol class="footnotes-list">\n'
    )


def _footnote_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<li id="{_note_id(tokens[idx], env)}" class="footnote-item">'


def _footnote_anchor(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    number, ref_id = _note_number(tokens[idx]), _ref_id(tokens[idx], env)
    return (
        f' <a href="#{ref_id}" class="footnote-backref" '
        f'aria-label="Back to reference {number}">↩</a>'
    )


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.use(footnote_plugin, inline=False)
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("footnote_ref", _footnote_ref)
    parser.add_render_rule("footnote_block_open", _footnote_block_open)
    parser.add_render_rule("footnote_open", _footnote_open)
    parser.add_render_rule("footnote_anchor", _footnote_anchor)
    return parser


PARSER = _parser()


# --------------------------------------------------------------------------- documents


def _separate_note_refs(tokens: list[Token]) -> None:
    """Raise the comma between two adjacent note references to their height, as in ¹,⁷."""
    for token in tokens:
        children = token.children or []
        for index in range(1, len(children) - 1):
            child = children[index]
            if (
                child.type == "text"
                and child.content == FOOTNOTE_SEPARATOR
                and children[index - 1].type == "footnote_ref"
                and children[index + 1].type == "footnote_ref"
            ):
                child.type = "html_inline"  # constant markup, never text from the fact base
                child.content = f'<sup class="footnote-sep">{FOOTNOTE_SEPARATOR}</sup>'


def _name_tables(tokens: list[Token]) -> None:
    """Class each table by its first header (`bf-table-variant`), so CSS can size columns."""
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            header = next((t for t in tokens[index:] if t.type == "inline" and t.content), None)
            if header is not None:
                token.attrSet("class", f"bf-table-{slug(header.content)}")


@dataclass(frozen=True)
class HtmlBody:
    """The briefing body as HTML, split where the contents list goes, and its headings."""

    head: str  # the title and title block
    rest: str  # from the first section on
    headings: tuple[tuple[int, str, str], ...]


def body_tokens(doc: MarkdownDocument) -> tuple[list[Token], dict[str, Any]]:
    """The Markdown body as markdown-it tokens, and the parser's env (notes, headings):
    what every format made from the Markdown starts from."""
    env: dict[str, Any] = {"docId": doc.view.id}
    return PARSER.parse(doc.body, env), env


def body_html(doc: MarkdownDocument) -> HtmlBody:
    """Markdown body → HTML, with the heading list for a table of contents."""
    tokens, env = body_tokens(doc)
    _name_tables(tokens)
    _separate_note_refs(tokens)
    split = next(
        (i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"),
        len(tokens),
    )
    head = PARSER.renderer.render(tokens[:split], PARSER.options, env)
    rest = PARSER.renderer.render(tokens[split:], PARSER.options, env)
    return HtmlBody(head, rest, tuple(env.get("headings", ())))


def stylesheet(name: str = "briefing.css") -> str:
    """A stylesheet from the shipped assets folder."""
    return (ASSETS / name).read_text(encoding="utf-8")


def render_html(
    doc: MarkdownDocument,
    *,
    fragment: bool = False,
    templates: Path | None = None,
    extra_css: str = "",
    shell: str | None = None,
) -> str:
    """A standalone page (CSS inline, no script) or a fragment to embed in an intranet page;
    `shell` names another page template, such as the one-page summary's."""
    body = body_html(doc)
    view = doc.view
    toc = [(level, ident, text) for level, ident, text in body.headings if level == 2]
    return render_template(
        html_environment(templates),
        shell or ("fragment.html.j2" if fragment else "page.html.j2"),
        doc=view,
        contents_id=other_id(view.id, "contents"),
        root_class=ROOT_CLASS,
        banner=doc.banner,
        tlp=(view.marking.tlp.value if view.marking.tlp else ""),
        head_html=body.head,
        rest_html=body.rest,
        toc=toc,
        css=(stylesheet("fragment.css") if fragment else "") + stylesheet() + extra_css,
    )


def render_summary_html(
    doc: MarkdownDocument,
    *,
    templates: Path | None = None,
    extra_css: str = "",
    screen: bool = True,
) -> str:
    """The one-page summary as a standalone page: the card layout, no contents list. The
    narrow-screen rules are left out of the page WeasyPrint lays out (`screen=False`)."""
    css = stylesheet("summary.css") + (stylesheet("summary-screen.css") if screen else "")
    return render_html(doc, templates=templates, extra_css=css + extra_css, shell="summary.html.j2")


def page_file(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `html` format: a standalone page, checked inert."""
    html = render_html(doc, templates=job.templates)
    ensure_inert(html, job.names[0], fragment=False)
    return (html.encode(),)


def fragment_file(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `fragment` format: a fragment to embed, checked inert."""
    html = render_html(doc, fragment=True, templates=job.templates)
    ensure_inert(html, job.names[0], fragment=True)
    return (html.encode(),)
