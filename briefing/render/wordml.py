"""markdown-it tokens → WordprocessingML: the body, the footnotes and the contents entries.

The Word file is made from the token stream `html.PARSER` makes of a briefing's Markdown,
the very stream the HTML and PDF come from: whatever a template (shipped or the user's)
puts in the Markdown reaches Word in the same order, with the same typography, the same bold
likelihood words and the same note numbers. Walking the `DocumentView` instead would
duplicate every template in Python and ignore user templates.

Each Markdown construct becomes its Word counterpart: headings take Word's heading styles,
note references become native footnotes, tables real tables whose header row repeats on
every page. A construct without a counterpart fails the target rather than vanish. Only
`lxml` is used here; the package (parts, styles, properties) is `docx.py`'s business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from briefing.errors import RenderError
from briefing.render.templating import FOOTNOTE_SEPARATOR

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

Element = Any  # lxml.etree._Element; lxml ships no type hints

# Word heading levels for Markdown ones: `#` is the document title, `##` a section.
TITLE_LEVEL = 1
WORD_LEVEL = {2: 1, 3: 2, 4: 3, 5: 4, 6: 4}
TOC_LEVELS = 2  # Heading 1-2 in the contents (as the HTML lists sections); 3 in the navigation pane

# Table layout: an 8 pt sans character is about 88 twips wide; cells have 90-twip margins.
CHAR_TWIPS = 88
CELL_MARGINS = 180
NARROW_COLUMN = 0.15  # a column whose whole text fits in this share of the width keeps it
SPACE_AFTER_TABLE = 160  # twips before the paragraph that follows a table (CSS: 1.22em)
INDENT_STEP, HANGING = 360, 270  # list indents, twips


class Token(Protocol):
    """What this module reads of a markdown-it token (so it need not import markdown-it)."""

    @property
    def type(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def content(self) -> str: ...
    @property
    def info(self) -> str: ...
    @property
    def meta(self) -> dict[Any, Any]: ...
    @property
    def attrs(self) -> dict[str, str | int | float]: ...
    @property
    def children(self) -> Sequence[Token] | None: ...


@functools.cache
def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag or attribute: `w("p")` → `{…/main}p`."""
    return f"{{{W_NS}}}{tag}"


def el(parent: Element | None, tag: str, **attrs: object) -> Element:
    """A `w:` element, appended to `parent` when given; keyword arguments are `w:` attributes."""
    attrib = {w(key): str(value) for key, value in attrs.items()}
    if parent is None:
        return etree.Element(w(tag), attrib, nsmap={"w": W_NS})
    return etree.SubElement(parent, w(tag), attrib)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text_run(parent: Element, text: str, *, style: str | None = None, **props: bool) -> Element:
    """A run of text; `props` turns on run properties such as b=True, i=True."""
    bad = _NOT_XML.search(text)
    if bad:  # the loader refuses these in the fact base; a template could still print one
        raise RenderError(
            f"a Word file cannot hold the character U+{ord(bad.group()):04X} "
            f"(in {text[max(0, bad.start() - 30) : bad.start()]!r}…); take it out of the template"
        )
    run = el(parent, "r")
    set_run_props(run, style, **props)
    t = el(run, "t")
    t.text = text
    if text != text.strip():
        t.set(XML_SPACE, "preserve")
    return run


def set_run_props(run: Element, style: str | None = None, **props: bool) -> None:
    wanted = [name for name in ("b", "i") if props.get(name)]
    if style is None and not wanted:
        return
    rpr = el(run, "rPr")
    if style:
        el(rpr, "rStyle", val=style)
    for name in wanted:
        el(rpr, name)


def paragraph(parent: Element | None, style: str | None) -> Element:
    p = el(parent, "p")
    if style:
        el(el(p, "pPr"), "pStyle", val=style)
    return p


# The order the schema gives the paragraph properties this module writes.
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "numPr", "pBdr", "spacing", "ind", "jc")


def set_ppr(p: Element, tag: str, **attrs: object) -> Element:
    """Add one paragraph property in its schema place (Word rejects them out of order)."""
    props = p.find(w("pPr"))
    if props is None:
        props = el(None, "pPr")
        p.insert(0, props)
    node = el(None, tag, **attrs)
    rank = PPR_ORDER.index(tag)
    for child in props:
        name = etree.QName(child).localname
        if name in PPR_ORDER and PPR_ORDER.index(name) > rank:
            child.addprevious(node)
            return node
    props.append(node)
    return node


def field_runs(parent: Element, instruction: str, result: str, style: str | None) -> None:
    """A complex field: Word shows `result` until it updates the field from `instruction`."""
    begin = el(parent, "r")
    set_run_props(begin, style)
    el(begin, "fldChar", fldCharType="begin")
    instr = el(parent, "r")
    set_run_props(instr, style)
    code = el(instr, "instrText")
    code.text = f" {instruction} "
    code.set(XML_SPACE, "preserve")
    separate = el(parent, "r")
    set_run_props(separate, style)
    el(separate, "fldChar", fldCharType="separate")
    if result:
        text_run(parent, result, style=style)
    end = el(parent, "r")
    set_run_props(end, style)
    el(end, "fldChar", fldCharType="end")


@dataclass(frozen=True)
class StyleIds:
    """The style ids of the reference template the renderer writes (ids are localised in
    Word, so they are looked up by name in `docx.py`)."""

    title: str
    headings: Mapping[int, str]  # Word level 1-4
    title_block: str
    bluf: str
    list_paragraph: str
    table: str
    table_text: str
    table_heading: str
    footnote_text: str
    footnote_reference: str
    hyperlink: str
    code: str
    preformatted: str
    quote: str
    header: str
    footer: str
    marking: str
    toc_heading: str
    toc: Mapping[int, str]  # TOC level 1-3


@dataclass
class Numbering:
    """The list definitions the body asks for: one bullet list, and a fresh numbering for
    each ordered list so that each starts at its own first number."""

    first_abstract: int
    first_num: int
    bullet_num: int = 0
    ordered: list[tuple[int, int]] = field(default_factory=list)  # (num id, start)

    def bullets(self) -> int:
        if not self.bullet_num:
            self.bullet_num = self._next_num()
        return self.bullet_num

    def numbered(self, start: int) -> int:
        num = self._next_num()
        self.ordered.append((num, start))
        return num

    def _next_num(self) -> int:
        return self.first_num + (1 if self.bullet_num else 0) + len(self.ordered)

    def definitions(self) -> tuple[list[Element], list[Element]]:
        """`w:abstractNum` and `w:num` elements for the lists used, in that order."""
        bullet_abstract, decimal_abstract = self.first_abstract, self.first_abstract + 1
        abstracts, nums = [], []
        if self.bullet_num:
            abstracts.append(_abstract(bullet_abstract, "bullet", ("•", "–", "▪")))
            nums.append(_num(self.bullet_num, bullet_abstract, None))
        if self.ordered:
            abstracts.append(_abstract(decimal_abstract, "decimal", ("%1.", "%2.", "%3.")))
            nums += [_num(num, decimal_abstract, start) for num, start in self.ordered]
        return abstracts, nums


def _abstract(ident: int, kind: str, texts: tuple[str, ...]) -> Element:
    abstract = el(None, "abstractNum", abstractNumId=ident)
    el(abstract, "multiLevelType", val="hybridMultilevel")
    for level in range(9):
        lvl = el(abstract, "lvl", ilvl=level)
        el(lvl, "start", val=1)
        el(lvl, "numFmt", val=kind)
        text = texts[level % len(texts)]
        el(lvl, "lvlText", val=text.replace("1", str(level + 1)) if kind == "decimal" else text)
        el(lvl, "lvlJc", val="left")
        props = el(lvl, "pPr")
        el(props, "ind", left=INDENT_STEP * (level + 1), hanging=HANGING)
        if kind == "bullet":
            fonts = el(lvl, "rPr")
            el(fonts, "rFonts", ascii="Noto Sans", hAnsi="Noto Sans", hint="default")
    return abstract


def _num(ident: int, abstract: int, start: int | None) -> Element:
    num = el(None, "num", numId=ident)
    el(num, "abstractNumId", val=abstract)
    if start is not None:
        override = el(num, "lvlOverride", ilvl=0)
        el(override, "startOverride", val=start)
    return num


@dataclass(frozen=True)
class TocEntry:
    level: int  # Word heading level, 1-3
    bookmark: str
    text: str


@dataclass
class WordBody:
    """A briefing as WordprocessingML: what precedes the contents, the rest, the notes."""

    head: list[Element]
    rest: list[Element]
    footnotes: list[Element]
    toc: list[TocEntry]


def slug_of(text: str) -> str:
    from briefing.render.html import slug  # one slug rule for every format

    return slug(text)


def _close_index(tokens: Sequence[Token], start: int) -> int:
    """Index of the token closing `tokens[start]` (an `x_open`): `x_close` at its level."""
    opening = tokens[start]
    closing = opening.type.removesuffix("_open") + "_close"
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.type == closing and token.level == opening.level:
            return index
    raise RenderError(f"unbalanced Markdown: {opening.type} is never closed")


def plain_text(inline: Token) -> str:
    """The text an inline token shows, without markup or note references."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


class WordWriter:
    """Turns one briefing's token stream into Word elements."""

    def __init__(
        self,
        styles: StyleIds,
        numbering: Numbering,
        link: Callable[[str], str],
        text_width: int,
        first_note_id: int = 1,
    ) -> None:
        self.styles = styles
        self.numbering = numbering
        self.link = link  # external URL → relationship id in the document part
        self.text_width = text_width
        self.first_note_id = first_note_id
        self.toc: list[TocEntry] = []
        self.noted: set[int] = set()  # footnotes whose first reference is written
        self.has_notes = False

    # ------------------------------------------------------------------ the document

    def document(self, tokens: Sequence[Token]) -> WordBody:
        end = next(
            (i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens)
        )
        body, notes = tokens[:end], tokens[end:]
        self.has_notes = bool(notes)
        split = next(
            (i for i, t in enumerate(body) if t.type == "heading_open" and t.tag != "h1"),
            len(body),
        )
        head = self.blocks(body, 0, split, None)
        rest = self.blocks(body, split, len(body), None)
        return WordBody(head, rest, self.footnotes(notes), self.toc)

    def footnotes(self, tokens: Sequence[Token]) -> list[Element]:
        """One `w:footnote` per source note: its heading, then its citations as a list."""
        notes = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "footnote_open":
                close = _close_index(tokens, index)
                note = el(None, "footnote", id=self.note_id(token))
                for block in self.blocks(tokens, index + 1, close, self.styles.footnote_text):
                    note.append(block)
                self._mark_note(note)
                notes.append(note)
                index = close
            index += 1
        return notes

    def _mark_note(self, note: Element) -> None:
        """Word's own note number at the start of the note's first paragraph."""
        first = note.find(w("p"))
        if first is None:
            first = paragraph(note, self.styles.footnote_text)
        mark = el(None, "r")
        set_run_props(mark, self.styles.footnote_reference)
        el(mark, "footnoteRef")
        space = el(None, "r")
        el(space, "t").text = "\u00a0"
        at = 1 if first.find(w("pPr")) is not None else 0
        first.insert(at, mark)
        first.insert(at + 1, space)

    # ------------------------------------------------------------------ blocks

    def blocks(
        self, tokens: Sequence[Token], start: int, end: int, style: str | None
    ) -> list[Element]:
        """Block tokens in [start, end) → paragraphs and tables; `style` for plain paragraphs."""
        out: list[Element] = []
        previous: Token | None = None
        index = start
        after_table = False
        while index < end:
            token = tokens[index]
            kind = token.type
            made: list[Element]
            if kind == "heading_open":
                if self._heading_is_empty(tokens, index):
                    index += 3  # the source-notes heading: its notes are Word's footnotes
                    continue
                made = [self.heading(token, tokens[index + 1])]
                index += 3
            elif kind == "paragraph_open":
                chosen = style
                if previous is not None and previous.type == "heading_close":
                    heading_text = tokens[index - 2]
                    if slug_of(plain_text(heading_text)) == "bottom-line-up-front":
                        chosen = self.styles.bluf
                made = [self.paragraph(tokens[index + 1], chosen)]
                index += 3
            elif kind in ("bullet_list_open", "ordered_list_open"):
                close = _close_index(tokens, index)
                title_block = (
                    previous is not None
                    and previous.type == "heading_close"
                    and previous.tag == f"h{TITLE_LEVEL}"
                    and kind == "bullet_list_open"
                )
                made = self.list_items(tokens, index, close, style, 0, title_block)
                index = close + 1
            elif kind == "table_open":
                close = _close_index(tokens, index)
                made = [self.table(tokens, index, close)]
                index = close + 1
            elif kind == "blockquote_open":
                close = _close_index(tokens, index)
                made = self.blocks(tokens, index + 1, close, self.styles.quote)
                index = close + 1
            elif kind in ("fence", "code_block"):
                made = self.preformatted(token.content)
                index += 1
            elif kind == "hr":
                made = [self.rule()]
                index += 1
            elif kind == "footnote_anchor":
                index += 1  # the HTML's link back to the reference; Word has its own
                continue
            else:
                raise RenderError(f"Word output has no counterpart for Markdown {kind!r}")
            if after_table and made and made[0].tag == w("p"):
                set_ppr(made[0], "spacing", before=SPACE_AFTER_TABLE)
            after_table = bool(made) and made[-1].tag == w("tbl")
            out += made
            previous = tokens[index - 1]
        return out

    def _heading_is_empty(self, tokens: Sequence[Token], index: int) -> bool:
        """The last heading, when only the note definitions follow it (`## Source notes`):
        in Word its content is the footnotes, so the heading would stand empty at the end."""
        return self.has_notes and index + 3 >= len(tokens)

    def heading(self, token: Token, inline: Token) -> Element:
        level = int(token.tag[1])
        if level == TITLE_LEVEL:
            return self.paragraph(inline, self.styles.title)
        word_level = WORD_LEVEL[level]
        p = self.paragraph(inline, self.styles.headings[word_level])
        if word_level <= TOC_LEVELS:
            bookmark = f"_Toc{len(self.toc) + 1:06d}"
            self.toc.append(TocEntry(word_level, bookmark, plain_text(inline)))
            ident = str(len(self.toc))
            start = el(None, "bookmarkStart", id=ident, name=bookmark)
            p.insert(1, start)
            el(p, "bookmarkEnd", id=ident)
        return p

    def paragraph(self, inline: Token, style: str | None) -> Element:
        p = paragraph(None, style)
        self.inline(p, inline)
        return p

    def list_items(
        self,
        tokens: Sequence[Token],
        start: int,
        close: int,
        style: str | None,
        depth: int,
        title_block: bool,
    ) -> list[Element]:
        """A list's items; the list after the title is the title block, without bullets."""
        opening = tokens[start]
        if title_block:
            num = 0
        elif opening.type == "ordered_list_open":
            num = self.numbering.numbered(int(opening.attrs.get("start", 1)))
        else:
            num = self.numbering.bullets()
        item_style = (
            self.styles.title_block
            if title_block
            else style
            if style == self.styles.footnote_text
            else self.styles.list_paragraph
        )
        out: list[Element] = []
        index = start + 1
        while index < close:
            if tokens[index].type != "list_item_open":
                raise RenderError(f"unexpected {tokens[index].type} in a Markdown list")
            item_close = _close_index(tokens, index)
            first = True
            inner = index + 1
            while inner < item_close:
                token = tokens[inner]
                if token.type in ("bullet_list_open", "ordered_list_open"):
                    nested = _close_index(tokens, inner)
                    out += self.list_items(tokens, inner, nested, style, depth + 1, False)
                    inner = nested + 1
                    continue
                if token.type == "paragraph_open":
                    p = self.paragraph(tokens[inner + 1], item_style)
                    if num and first:
                        numbered = set_ppr(p, "numPr")
                        el(numbered, "ilvl", val=depth)
                        el(numbered, "numId", val=num)
                    elif num:  # a further paragraph of the item: aligned with its text
                        set_ppr(p, "ind", left=INDENT_STEP * (depth + 1))
                    first = False
                    out.append(p)
                    inner += 3
                    continue
                made = self.blocks(tokens, inner, _block_end(tokens, inner), item_style)
                out += made
                inner = _block_end(tokens, inner)
            index = item_close + 1
        return out

    def preformatted(self, text: str) -> list[Element]:
        out = []
        for line in text.rstrip("\n").split("\n"):
            p = paragraph(None, self.styles.preformatted)
            if line:
                text_run(p, line)
            out.append(p)
        return out

    def rule(self) -> Element:
        p = paragraph(None, None)
        borders = set_ppr(p, "pBdr")
        el(borders, "bottom", val="single", sz=6, space=1, color="C9CED6")
        return p

    # ------------------------------------------------------------------ tables

    def table(self, tokens: Sequence[Token], start: int, close: int) -> Element:
        """A real table: header rows repeat on each page, rows never split across pages."""
        rows: list[tuple[bool, list[tuple[Token, str]]]] = []
        header = False
        current: list[tuple[Token, str]] = []
        for index in range(start, close):
            token = tokens[index]
            if token.type == "thead_open":
                header = True
            elif token.type == "tbody_open":
                header = False
            elif token.type == "tr_open":
                current = []
            elif token.type == "tr_close":
                rows.append((header, current))
            elif token.type in ("th_open", "td_open"):
                align = str(token.attrs.get("style", "")).removeprefix("text-align:")
                current.append((tokens[index + 1], align))
        columns = max((len(cells) for _, cells in rows), default=0)
        widths = self.column_widths(rows, columns)
        table = el(None, "tbl")
        props = el(table, "tblPr")
        el(props, "tblStyle", val=self.styles.table)
        el(props, "tblW", w=5000, type="pct")
        el(props, "tblLayout", type="fixed")
        el(
            props, "tblLook", val="0420", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0,
            noHBand=1, noVBand=1,
        )
        grid = el(table, "tblGrid")
        for width in widths:
            el(grid, "gridCol", w=width)
        for is_header, cells in rows:
            row = el(table, "tr")
            row_props = el(row, "trPr")
            el(row_props, "cantSplit")
            if is_header:
                el(row_props, "tblHeader")
            for column in range(columns):
                cell = el(row, "tc")
                el(el(cell, "tcPr"), "tcW", w=widths[column], type="dxa")
                style = self.styles.table_heading if is_header else self.styles.table_text
                if column < len(cells):
                    inline, align = cells[column]
                    p = self.paragraph(inline, style)
                    if align in ("center", "right"):
                        set_ppr(p, "jc", val="center" if align == "center" else "right")
                    cell.append(p)
                else:
                    paragraph(cell, style)
        return table

    def column_widths(
        self, rows: list[tuple[bool, list[tuple[Token, str]]]], columns: int
    ) -> list[int]:
        """Column widths in twips, as a browser's automatic table layout shares them: each
        column gets at least its longest word, and the rest in proportion to its text."""
        if not columns:
            return []
        least = [CELL_MARGINS + 4 * CHAR_TWIPS] * columns
        most = list(least)
        for _, cells in rows:
            for column, (inline, _) in enumerate(cells):
                text = plain_text(inline)
                longest = max((len(word) for word in text.split()), default=0)
                least[column] = max(least[column], CELL_MARGINS + longest * CHAR_TWIPS)
                most[column] = max(most[column], CELL_MARGINS + len(text) * CHAR_TWIPS)
        room = self.text_width
        if sum(most) <= room:
            shares = [m * room / sum(most) for m in most]
        elif sum(least) >= room:
            shares = [m * room / sum(least) for m in least]
        else:
            # Short columns (a date, a grade) keep their text on one line; the long ones
            # share what is left between their longest word and their whole text.
            short = [hi <= room * NARROW_COLUMN and sum(least) - lo + hi <= room for lo, hi in
                     zip(least, most, strict=True)]
            fixed = sum(hi for hi, keep in zip(most, short, strict=True) if keep)
            low = sum(lo for lo, keep in zip(least, short, strict=True) if not keep)
            high = sum(hi for hi, keep in zip(most, short, strict=True) if not keep)
            spare = max(0.0, min(1.0, (room - fixed - low) / max(1, high - low)))
            shares = [
                hi if keep else lo + (hi - lo) * spare
                for lo, hi, keep in zip(least, most, short, strict=True)
            ]
        widths = [int(share) for share in shares]
        widths[-1] += room - sum(widths)
        return widths

    # ------------------------------------------------------------------ inline

    def inline(self, p: Element, inline: Token) -> None:
        """Inline children → runs: bold, italic, code, links, note references."""
        bold = italic = False
        target = p
        children = list(inline.children or ())
        for index, child in enumerate(children):
            kind = child.type
            if kind == "text":
                if _between_notes(children, index):
                    text_run(target, child.content, style=self.styles.footnote_reference)
                else:
                    text_run(target, child.content, b=bold, i=italic)
            elif kind == "softbreak":
                text_run(target, " ", b=bold, i=italic)
            elif kind == "hardbreak":
                el(el(target, "r"), "br")
            elif kind in ("strong_open", "strong_close"):
                bold = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                italic = kind == "em_open"
            elif kind == "code_inline":
                text_run(target, child.content, style=self.styles.code, b=bold, i=italic)
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                if href.startswith("#"):
                    continue  # an in-page anchor: its text stays, as plain text
                target = el(p, "hyperlink")
                target.set(f"{{{R_NS}}}id", self.link(href))
                target.set(w("history"), "1")
            elif kind == "link_close":
                target = p
            elif kind == "image":
                text_run(target, plain_text(child), b=bold, i=italic)
            elif kind == "footnote_ref":
                self.note_reference(target, child)
            elif kind == "footnote_anchor":
                continue  # the HTML's link back to the reference; Word has its own
            else:
                raise RenderError(f"Word output has no counterpart for Markdown {kind!r}")
        if target is not p:
            raise RenderError("unbalanced Markdown: a link is never closed")
        self._style_links(p)

    def _style_links(self, p: Element) -> None:
        for run in p.iterfind(f"{w('hyperlink')}/{w('r')}"):
            props = run.find(w("rPr"))
            if props is None:
                props = el(None, "rPr")
                run.insert(0, props)
            if props.find(w("rStyle")) is None:
                props.insert(0, el(None, "rStyle", val=self.styles.hyperlink))

    def note_id(self, token: Token) -> int:
        """Word footnote id: markdown-it numbers notes from 0 in order of first use; Word
        numbers them by position, so the numbers shown are the same as in the other formats.
        The ids start past the template's separator notes."""
        return self.first_note_id + int(token.meta["id"])

    def note_reference(self, parent: Element, token: Token) -> None:
        """The first reference to a note is Word's footnote; a later one refers back to it
        (a NOTEREF field, Word's cross-reference to a footnote), so each note stays one note
        with one number, as in the other formats."""
        ident = self.note_id(token)
        bookmark = f"_RefNote{ident}"
        if ident not in self.noted:
            self.noted.add(ident)
            el(parent, "bookmarkStart", id=10_000 + ident, name=bookmark)
            run = el(parent, "r")
            set_run_props(run, self.styles.footnote_reference)
            el(run, "footnoteReference", id=ident)
            el(parent, "bookmarkEnd", id=10_000 + ident)
        else:
            field_runs(
                parent,
                f"NOTEREF {bookmark} \\f \\h",
                str(int(token.meta["id"]) + 1),  # the number Word will show
                self.styles.footnote_reference,
            )


def _between_notes(children: list[Token], index: int) -> bool:
    """The separator between two adjacent note references (`¹,⁷`), raised with them."""
    return (
        0 < index < len(children) - 1
        and children[index].content == FOOTNOTE_SEPARATOR
        and children[index - 1].type == "footnote_ref"
        and children[index + 1].type == "footnote_ref"
    )


def _block_end(tokens: Sequence[Token], index: int) -> int:
    """Index just past the block starting at `index`."""
    token = tokens[index]
    if token.type.endswith("_open"):
        return _close_index(tokens, index) + 1
    return index + 1


def toc_paragraphs(
    entries: Sequence[TocEntry], styles: Mapping[int, str], empty_text: str
) -> Iterator[Element]:
    """A TOC field whose cached result already lists the headings, each a link to its
    heading: a reader that does not update fields (LibreOffice, viewers) shows the contents
    without page numbers, and Word rebuilds it with page numbers when the file opens."""
    instruction = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
    if not entries:
        p = paragraph(None, styles.get(1))
        field_runs(p, instruction, empty_text, None)
        yield p
        return
    for index, entry in enumerate(entries):
        p = paragraph(None, styles.get(entry.level))
        if index == 0:
            begin = el(p, "r")
            el(begin, "fldChar", fldCharType="begin")
            code = el(el(p, "r"), "instrText")
            code.text = f" {instruction} "
            code.set(XML_SPACE, "preserve")
            el(el(p, "r"), "fldChar", fldCharType="separate")
        text_run(el(p, "hyperlink", anchor=entry.bookmark, history=1), entry.text)
        if index == len(entries) - 1:
            el(el(p, "r"), "fldChar", fldCharType="end")
        yield p
