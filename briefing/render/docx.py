"""Markdown → Word (.docx). The only module importing python-docx, and only when called.

The body comes from the Markdown's token stream (`wordml`); this module puts it into a copy
of the reference template (`templates/reference.docx`, or `reference.docx` in `--templates`,
searched first) and completes the package:

- native footnotes (`word/footnotes.xml`), one per source note;
- the handling marking in the header and footer of every section, as on every PDF page;
- a table of contents field that Word updates when the file opens (`w:updateFields`);
- document properties: title, subject, author (the organisation), keywords, language, and
  created and modified dates from the edition, never from the clock;
- a zip with fixed timestamps and a fixed entry order: the same inputs give the same bytes.

python-docx handles the package (parts, relationships, properties); it has no footnote API,
so the footnotes part is written here as plain WordprocessingML.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from briefing.errors import InvalidInput, Problem, RenderError
from briefing.render.html import body_tokens
from briefing.render.job import RenderJob
from briefing.render.markdown import MarkdownDocument
from briefing.render.wordml import (
    W_NS,
    Element,
    Numbering,
    StyleIds,
    WordWriter,
    el,
    field_runs,
    paragraph,
    text_run,
    toc_paragraphs,
    w,
)
from briefing.resources import SHIPPED_TEMPLATES

if TYPE_CHECKING:
    from docx.document import Document

REFERENCE_DOCX = "reference.docx"
CONTENTS_HEADING = "Contents"
NO_CONTENTS = "No headings."
EMU_PER_TWIP = 635
MAX_PARTS, MAX_UNPACKED = 1000, 64 << 20  # a reference template is styles, not media
MAX_PROPERTY = 255  # characters in a core property (title, subject, keywords)
DEFAULT_TEXT_WIDTH = 9866  # twips: A4 less 18 mm margins, when a template gives no page size

# Styles by their names in styles.xml (Word localises ids, never the names of its built-in
# styles). A house template must define the headings; the other styles, where it lacks
# them, are copied in from the shipped reference template.
REQUIRED_STYLES = ("Normal", "heading 1", "heading 2", "heading 3")
SHIPPED_STYLES = (
    "Title", "heading 4", "Title Block", "Bottom Line", "List Paragraph", "Briefing Table",
    "Table Text", "Table Heading", "footnote text", "footnote reference", "Hyperlink",
    "HTML Code", "HTML Preformatted", "Quote", "header", "footer", "Handling Marking",
    "TOC Heading", "toc 1", "toc 2", "toc 3",
)

WML_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
WML_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SETTINGS_AFTER_UPDATE_FIELDS = (  # settings children the schema puts after w:updateFields
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator",
)


def reference_template(templates: Path | None) -> Path:
    """`reference.docx` from the user's templates folder if it has one, else the shipped one."""
    if templates is not None and (templates / REFERENCE_DOCX).is_file():
        return templates / REFERENCE_DOCX
    return SHIPPED_TEMPLATES / REFERENCE_DOCX


class _Unusable(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


_RESAVE = "save it from Word as a Word Document (.docx)"


def docx_file(doc: MarkdownDocument, job: RenderJob) -> tuple[bytes, ...]:
    """The renderer of the `docx` format: the created date is the edition's."""
    return (render_docx(doc, edition=dt.date.fromisoformat(job.edition), templates=job.templates),)


def render_docx(
    doc: MarkdownDocument, *, edition: dt.date, templates: Path | None = None
) -> bytes:
    """One briefing as a .docx in the look of the reference template; the same bytes for
    the same inputs."""
    path = reference_template(templates)
    try:
        document = _open_template(path)
        styles = _resolve_styles(document)
    except _Unusable as error:
        problem = Problem(
            str(path), 1, 1, "docx-template", f"unusable Word template: {error}", error.hint
        )
        raise InvalidInput([problem]) from None
    try:
        return _fill(document, styles, doc, edition)
    except (ValueError, KeyError, AttributeError, TypeError, IndexError, etree.LxmlError) as error:
        # A house template is not trusted: one python-docx cannot work with fails its
        # targets alone, with a message naming it, never with a traceback.
        raise RenderError(
            f"the Word file could not be made from {path} ({type(error).__name__}: {error}); "
            "if it is a house template, start from the shipped templates/reference.docx"
        ) from None


# --------------------------------------------------------------------------- the template


def _open_template(path: Path) -> Document:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        data = path.read_bytes()
    except OSError as error:
        raise _Unusable(f"cannot read it ({error.strerror})", "check the file") from None
    try:
        data = _as_document(data)
        document = docx.Document(io.BytesIO(data))
        document.part.part_related_by(RT.STYLES)
    except zipfile.BadZipFile:
        raise _Unusable("not a zip archive, so not a .docx file", _RESAVE) from None
    except KeyError as error:
        raise _Unusable(f"a part is missing ({error.args[0]})", _RESAVE) from None
    except ValueError as error:  # python-docx: the main part is not a Word document
        raise _Unusable(re.sub(r"^file '.*?' is", "it is", str(error)), _RESAVE) from None
    except etree.XMLSyntaxError as error:
        raise _Unusable(f"a part is not well-formed XML ({error})", _RESAVE) from None
    return document


def _as_document(data: bytes) -> bytes:
    """A Word template (.dotx) saved as reference.docx is read as the document it holds.
    A template too large unpacked (a zip bomb in an untrusted folder) is refused first."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise _Unusable(
                f"it unpacks to more than {MAX_PARTS} parts or {MAX_UNPACKED >> 20} MiB",
                "use a template without embedded media",
            )
        types = archive.read("[Content_Types].xml")
        if WML_TEMPLATE.encode() not in types:
            return data
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = types.replace(WML_TEMPLATE.encode(), WML_DOCUMENT.encode())
    return write_package(parts, (1980, 1, 1))


def _styles_by_name(root: Element) -> dict[tuple[str, str], Element]:
    """(type, lower-case name) → w:style element."""
    found: dict[tuple[str, str], Element] = {}
    for style in root.iterfind(w("style")):
        name = style.find(w("name"))
        if name is not None:
            found.setdefault((style.get(w("type"), ""), name.get(w("val"), "").lower()), style)
    return found


@functools.cache
def _shipped_styles() -> bytes:
    with zipfile.ZipFile(SHIPPED_TEMPLATES / REFERENCE_DOCX) as archive:
        return archive.read("word/styles.xml")


def _resolve_styles(document: Document) -> StyleIds:
    """The style ids to write; styles a house template lacks are copied from the shipped one."""
    root = document.styles.element
    have = _styles_by_name(root)
    missing = [n for n in REQUIRED_STYLES if ("paragraph", n.lower()) not in have]
    if missing:
        raise _Unusable(
            f"it has no {', '.join(repr(n) for n in missing)} style",
            "define Word's built-in Normal and Heading 1-3 styles in it (use each once, "
            "or modify it, so Word saves it)",
        )
    shipped_root = etree.fromstring(_shipped_styles())
    shipped = _styles_by_name(shipped_root)
    shipped_ids = {s.get(w("styleId")): s for s in shipped.values()}

    def ensure(kind: str, name: str) -> str:
        key = (kind, name.lower())
        if key not in have:
            _copy_style(root, shipped[key], shipped_ids, have, ensure)
        return str(have[key].get(w("styleId")))

    kinds = {
        "Briefing Table": "table", "footnote reference": "character", "Hyperlink": "character",
        "HTML Code": "character",
    }
    ids = {name: ensure(kinds.get(name, "paragraph"), name) for name in SHIPPED_STYLES}
    ids |= {name: ensure("paragraph", name) for name in REQUIRED_STYLES}
    return StyleIds(
        title=ids["Title"],
        headings={level: ids[f"heading {level}"] for level in (1, 2, 3, 4)},
        title_block=ids["Title Block"],
        bluf=ids["Bottom Line"],
        list_paragraph=ids["List Paragraph"],
        table=ids["Briefing Table"],
        table_text=ids["Table Text"],
        table_heading=ids["Table Heading"],
        footnote_text=ids["footnote text"],
        footnote_reference=ids["footnote reference"],
        hyperlink=ids["Hyperlink"],
        code=ids["HTML Code"],
        preformatted=ids["HTML Preformatted"],
        quote=ids["Quote"],
        header=ids["header"],
        footer=ids["footer"],
        marking=ids["Handling Marking"],
        toc_heading=ids["TOC Heading"],
        toc={level: ids[f"toc {level}"] for level in (1, 2, 3)},
    )


def _copy_style(
    root: Element,
    source: Element,
    shipped_ids: dict[str | None, Element],
    have: dict[tuple[str, str], Element],
    ensure: Callable[[str, str], str],
) -> None:
    """Copy one shipped style into the template, after the styles it refers to; its id is
    renamed if the template uses that id for another style."""
    style = copy.deepcopy(source)
    for ref in ("basedOn", "next", "link"):
        node = style.find(w(ref))
        if node is None:
            continue
        target = shipped_ids.get(node.get(w("val")))
        if target is None or target is source:
            style.remove(node)
            continue
        target_name = target.find(w("name")).get(w("val"))
        node.set(w("val"), ensure(target.get(w("type")), target_name))
    taken = {s.get(w("styleId")) for s in root.iterfind(w("style"))}
    ident = str(style.get(w("styleId")))
    while ident in taken:
        ident += "Briefing"
    style.set(w("styleId"), ident)
    root.append(style)
    have[(str(style.get(w("type"))), style.find(w("name")).get(w("val")).lower())] = style


# --------------------------------------------------------------------------- the document


def _fill(document: Document, styles: StyleIds, doc: MarkdownDocument, edition: dt.date) -> bytes:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part
    numbering_root = _xml_part(document, RT.NUMBERING, "/word/numbering.xml", "numbering")
    numbering = Numbering(
        first_abstract=_max_id(numbering_root, "abstractNum", "abstractNumId") + 1,
        first_num=_max_id(numbering_root, "num", "numId") + 1,
    )

    def link(url: str) -> str:
        return str(part.relate_to(url, RT.HYPERLINK, is_external=True))

    footnotes = _footnotes_part(document)
    first_note = _max_id(footnotes, "footnote", "id") + 1
    writer = WordWriter(styles, numbering, link, _text_width(document), max(first_note, 1))
    tokens, _ = body_tokens(doc)
    body = writer.document(tokens)

    container = document.element.body
    section = container.find(w("sectPr"))
    for child in list(container):
        if child is not section:
            container.remove(child)
    contents = [paragraph(None, styles.toc_heading)]
    text_run(contents[0], CONTENTS_HEADING)
    contents += toc_paragraphs(body.toc, styles.toc, NO_CONTENTS)
    for block in [*body.head, *contents, *body.rest]:
        if section is not None:
            section.addprevious(block)
        else:
            container.append(block)

    abstracts, nums = numbering.definitions()
    _add_numbering(numbering_root, abstracts, nums)
    for note in body.footnotes:
        footnotes.append(note)
    _write_marking(document, styles, doc)
    _settings(document)
    _properties(document, doc, edition)
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    return write_package(parts, _zip_date(edition))


def _text_width(document: Document) -> int:
    section = document.sections[-1]
    if section.page_width is None:
        return DEFAULT_TEXT_WIDTH
    margins = (section.left_margin or 0) + (section.right_margin or 0)
    return int((section.page_width - margins) / EMU_PER_TWIP)


def _max_id(root: Element, tag: str, attribute: str) -> int:
    values = [int(node.get(w(attribute), "0")) for node in root.iterfind(w(tag))]
    return max(values, default=0)


def _xml_part(document: Document, reltype: str, partname: str, root_tag: str) -> Element:
    """The root element of the document's part of this type, created if the template has
    none; a part python-docx keeps as bytes (footnotes) is replaced by a parsed one."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml.parser import parse_xml

    part = document.part
    content_type = {
        "numbering": "application/vnd.openxmlformats-officedocument.wordprocessingml"
        ".numbering+xml",
        "footnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml"
        ".footnotes+xml",
    }[root_tag]
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype != reltype or rel.is_external:
            continue
        existing = rel.target_part
        if isinstance(existing, XmlPart):
            return existing.element
        root = parse_xml(existing.blob)
        part.drop_rel(rel_id)
        partname = str(existing.partname)
        break
    else:
        root = parse_xml(f'<w:{root_tag} xmlns:w="{W_NS}"/>'.encode())
    new = XmlPart(PackURI(partname), content_type, root, part.package)
    part.relate_to(new, reltype)
    return root


def _add_numbering(root: Element, abstracts: list[Element], nums: list[Element]) -> None:
    """Abstract definitions go before every w:num, as the schema orders them."""
    first_num = root.find(w("num"))
    for abstract in abstracts:
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            root.append(abstract)
    for num in nums:
        root.append(num)
    for cleanup in root.findall(w("numIdMacAtCleanup")):
        root.append(cleanup)  # it must stay last


def _footnotes_part(document: Document) -> Element:
    """The footnotes part, holding only the template's separators (or Word's default ones);
    the notes follow them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    root = _xml_part(document, RT.FOOTNOTES, "/word/footnotes.xml", "footnotes")
    special = ("separator", "continuationSeparator", "continuationNotice")
    for note in list(root):
        if note.get(w("type")) not in special:
            root.remove(note)
    if root.find(w("footnote")) is None:
        for ident, kind in ((-1, "separator"), (0, "continuationSeparator")):
            note = el(root, "footnote", type=kind, id=ident)
            p = el(note, "p")
            el(el(p, "pPr"), "spacing", after=0, line=240, lineRule="auto")
            el(el(p, "r"), kind)
        settings = document.settings.element
        if settings.find(w("footnotePr")) is None:
            footnote_pr = el(None, "footnotePr")
            el(footnote_pr, "footnote", id=-1)
            el(footnote_pr, "footnote", id=0)
            _insert_setting(settings, footnote_pr, SETTINGS_AFTER_UPDATE_FIELDS[2:])
    return root


def _write_marking(document: Document, styles: StyleIds, doc: MarkdownDocument) -> None:
    """Every header and footer of every section: the marking, as on every PDF page; the
    footer also the title and `Page X of Y`."""
    banner = doc.banner
    even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        headers = [section.header]
        footers = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if even:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            header.is_linked_to_previous = False
            root = header._element
            _clear(root)
            if banner:
                text_run(paragraph(root, styles.marking), banner)
            else:
                paragraph(root, styles.header)
        for footer in footers:
            footer.is_linked_to_previous = False
            root = footer._element
            _clear(root)
            if banner:
                text_run(paragraph(root, styles.marking), banner)
            line = paragraph(root, styles.footer)
            text_run(line, doc.view.title)
            el(el(line, "r"), "tab")
            el(el(line, "r"), "tab")
            text_run(line, "Page ")
            field_runs(line, "PAGE", "1", None)
            text_run(line, " of ")
            field_runs(line, "NUMPAGES", "1", None)


def _clear(root: Element) -> None:
    for child in list(root):
        root.remove(child)


def _insert_setting(settings: Element, node: Element, successors: tuple[str, ...]) -> None:
    """Insert a settings child before the first child the schema puts after it."""
    after = {w(tag) for tag in successors}
    for child in settings:
        if child.tag in after:
            child.addprevious(node)
            return
    settings.append(node)


def _settings(document: Document) -> None:
    """Word updates the fields (the contents, the cross-references) when the file opens."""
    settings = document.settings.element
    for old in settings.findall(w("updateFields")):
        settings.remove(old)
    update = el(None, "updateFields", val="true")
    _insert_setting(settings, update, SETTINGS_AFTER_UPDATE_FIELDS)


def _properties(document: Document, doc: MarkdownDocument, edition: dt.date) -> None:
    """Title, subject, author, keywords, language; created and modified on the edition date.
    Whatever else the template's properties held (its author, its dates) is cleared."""
    view = doc.view
    props = document.core_properties
    _clear(props._element)
    when = dt.datetime(edition.year, edition.month, edition.day, tzinfo=dt.UTC)
    props.title = _property(view.title)
    props.subject = _property(view.subject)
    props.author = _property(view.organisation)
    props.last_modified_by = _property(view.organisation)
    props.keywords = _property(", ".join(view.keywords))
    props.language = _property(view.language)
    props.created = when
    props.modified = when
    props.revision = 1
    defaults = document.styles.element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    if defaults is not None:
        lang = defaults.find(w("lang"))
        if lang is None:
            lang = el(defaults, "lang")
        lang.set(w("val"), view.language)


def _property(text: str) -> str:
    """A core property holds at most 255 characters (Word's limit, which python-docx
    enforces); a longer title or subject is cut at a word, with an ellipsis. The document
    itself shows the whole text."""
    flat = " ".join(text.split())
    if len(flat) <= MAX_PROPERTY:
        return flat
    cut = flat[: MAX_PROPERTY - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


# --------------------------------------------------------------------------- the zip


def _zip_date(edition: dt.date) -> tuple[int, int, int]:
    return max((edition.year, edition.month, edition.day), (1980, 1, 1))  # zip's epoch


def write_package(parts: Mapping[str, bytes], when: tuple[int, int, int]) -> bytes:
    """A zip with fixed timestamps and attributes, `[Content_Types].xml` and the package
    relationships first (as Office writes them), then every part by name."""
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    names = sorted(parts, key=lambda name: (first.get(name, 2), name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(*when, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()
