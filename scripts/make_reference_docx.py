"""Write templates/reference.docx: the Word reference template the docx format takes its look from.

    .venv/bin/python scripts/make_reference_docx.py        # rewrite templates/reference.docx
    .venv/bin/python scripts/make_reference_docx.py --check  # exit 1 if the committed file differs

Every style is written out here, in plain WordprocessingML, so the look can be reviewed and
changed in one place and the file is the same bytes on every run. Colours and sizes follow
templates/assets/briefing.css and pdf.css (the PDF): Noto Serif body, Noto Sans headings,
tables, header and footer, the same ink, accent, rule and shade colours. The font table names
Georgia, Arial and Courier New as the fallbacks Word substitutes where Noto is not installed.

An organisation replaces this file with its own house template (see README); the styles the
renderer needs are listed in briefing/render/docx.py (REQUIRED_STYLES, SHIPPED_STYLES).
"""

from __future__ import annotations

import argparse
import sys

from briefing.render.docx import REFERENCE_DOCX, write_package
from briefing.render.templating import SHIPPED_TEMPLATES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
WHEN = (2024, 1, 1)  # fixed: the template's bytes never depend on the day it was made

# --- the palette and type, from templates/assets/briefing.css ---------------------------
INK, MUTED, ACCENT, RULE, SHADE, BLUF_SHADE = (
    "1B1F24", "4A5360", "1F3A5F", "C9CED6", "EEF1F5", "F7F9FB",
)
SERIF, SANS, MONO = "Noto Serif", "Noto Sans", "Noto Sans Mono"
# A4 with the PDF's margins (pdf.css: 22 mm top and bottom, 18 mm left and right), in twips.
PAGE_W, PAGE_H, MARGIN_X, MARGIN_Y, HEADER_Y = 11906, 16838, 1020, 1247, 567
TEXT_W = PAGE_W - 2 * MARGIN_X


def fonts(family: str) -> str:
    return f'<w:rFonts w:ascii="{family}" w:hAnsi="{family}" w:cs="{family}"/>'


def size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def colour(hex_rgb: str) -> str:
    return f'<w:color w:val="{hex_rgb}"/>'


def border(side: str, eighths: int, hex_rgb: str, space: int = 0) -> str:
    return f'<w:{side} w:val="single" w:sz="{eighths}" w:space="{space}" w:color="{hex_rgb}"/>'


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    priority: int = 99,
    quick: bool = False,
    default: bool = False,
) -> str:
    """One w:style element; elements in the order the schema wants them."""
    attrs = f' w:type="{kind}" w:styleId="{style_id}"' + (' w:default="1"' if default else "")
    parts = [f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if quick:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    return f"<w:style{attrs}>{''.join(parts)}</w:style>"


def heading(level: int, points: float, before: float, after: float, ink: str, rule: bool) -> str:
    ppr = (
        "<w:keepNext/><w:keepLines/>"
        + (f"<w:pBdr>{border('bottom', 12, ACCENT, 2)}</w:pBdr>" if rule else "")
        + f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
        'w:line="240" w:lineRule="auto"/>'
        + f'<w:outlineLvl w:val="{level - 1}"/>'
    )
    rpr = fonts(SANS) + "<w:b/><w:bCs/>" + colour(ink) + size(points)
    return style(
        "paragraph",
        f"Heading{level}",
        f"heading {level}",
        next_style="Normal",
        ppr=ppr,
        rpr=rpr,
        priority=9,
        quick=True,
    )


def toc_level(level: int) -> str:
    ppr = (
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/></w:tabs>'  # Word's pages
        f'<w:spacing w:before="0" w:after="{40 if level == 1 else 20}"/>'
        f'<w:ind w:left="{(level - 1) * 240}"/>'
    )
    rpr = fonts(SANS) + ("<w:b/><w:bCs/>" if level == 1 else "") + size(9)
    return style(
        "paragraph", f"TOC{level}", f"toc {level}", next_style="Normal", ppr=ppr, rpr=rpr,
        priority=39,
    )


MARKING_RPR = (
    fonts(SANS) + "<w:b/><w:bCs/>" + colour("000000") + '<w:spacing w:val="10"/>' + size(8)
)
TABS = (
    f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_W // 2}"/>'
    f'<w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
)

STYLES = [
    style(
        "paragraph", "Normal", "Normal", based_on=None, quick=True, default=True, priority=0,
    ),
    style("character", "DefaultParagraphFont", "Default Paragraph Font", based_on=None,
          priority=1, default=True),
    style(
        "table", "TableNormal", "Normal Table", based_on=None, default=True, priority=99,
        extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>",
    ),
    style("numbering", "NoList", "No List", based_on=None, default=True),
    style(
        "paragraph", "Title", "Title", next_style="Normal", quick=True, priority=10,
        ppr='<w:keepNext/><w:spacing w:before="0" w:after="160" w:line="240" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="9"/>',
        rpr=fonts(SANS) + "<w:b/><w:bCs/>" + colour(ACCENT) + size(20),
    ),
    heading(1, 13.5, 18, 6, ACCENT, rule=True),
    heading(2, 11, 12, 4, ACCENT, rule=False),
    heading(3, 10, 10, 3, MUTED, rule=False),
    heading(4, 10, 8, 2, MUTED, rule=False),
    style(
        "paragraph", "TitleBlock", "Title Block", next_style="Normal", quick=True,
        ppr="<w:pBdr>" + border("left", 24, ACCENT, 8) + "</w:pBdr>"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/>'
        '<w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/>'
        '<w:ind w:left="200" w:right="0"/>',
        rpr=fonts(SANS) + size(9),
    ),
    style(
        "paragraph", "BLUF", "Bottom Line", next_style="Normal", quick=True,
        ppr="<w:pBdr>" + border("top", 4, RULE, 5) + border("left", 32, ACCENT, 8)
        + border("bottom", 4, RULE, 5) + border("right", 4, RULE, 8) + "</w:pBdr>"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{BLUF_SHADE}"/>'
        '<w:spacing w:before="120" w:after="200"/><w:ind w:left="220" w:right="180"/>',
        rpr=size(10.5),
    ),
    style(
        "paragraph", "ListParagraph", "List Paragraph", quick=True, priority=34,
        ppr='<w:spacing w:before="0" w:after="70"/><w:ind w:left="360"/>',
    ),
    style(
        "paragraph", "TableText", "Table Text", quick=True,
        ppr='<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=fonts(SANS) + size(8),
    ),
    style(
        "paragraph", "TableHeading", "Table Heading", based_on="TableText", quick=True,
        ppr="<w:keepNext/>",
        rpr="<w:b/><w:bCs/>" + colour(ACCENT),
    ),
    style(
        "table", "BriefingTable", "Briefing Table", based_on="TableNormal", priority=59,
        ppr='<w:spacing w:before="0" w:after="0"/>',
        rpr=fonts(SANS) + size(8),
        extra='<w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
        "<w:tblBorders>" + border("top", 4, RULE) + border("bottom", 4, RULE)
        + border("insideH", 4, RULE) + "</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="90" w:type="dxa"/>'
        '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="90" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/>' + colour(ACCENT) + "</w:rPr>"
        "<w:tblPr/><w:tcPr><w:tcBorders>"
        + border("bottom", 12, ACCENT) + "</w:tcBorders>"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/></w:tcPr></w:tblStylePr>',
    ),
    style(
        "paragraph", "FootnoteText", "footnote text", quick=False, priority=99,
        ppr='<w:spacing w:before="0" w:after="20" w:line="240" w:lineRule="auto"/>',
        rpr=size(7.5),
    ),
    style(
        "character", "FootnoteReference", "footnote reference",
        based_on="DefaultParagraphFont", rpr='<w:vertAlign w:val="superscript"/>',
    ),
    style(
        "paragraph", "Header", "header",
        ppr=TABS + '<w:spacing w:before="0" w:after="0"/>',
        rpr=fonts(SANS) + size(8),
    ),
    style(
        "paragraph", "Footer", "footer",
        ppr=TABS + '<w:spacing w:before="0" w:after="0"/>',
        rpr=fonts(SANS) + colour(MUTED) + size(7.5),
    ),
    style(
        "paragraph", "HandlingMarking", "Handling Marking", based_on="Header", quick=True,
        ppr='<w:jc w:val="center"/>', rpr=MARKING_RPR,
    ),
    style(
        "paragraph", "TOCHeading", "TOC Heading", based_on="Heading1", next_style="Normal",
        priority=39, quick=True,
        ppr='<w:pBdr><w:bottom w:val="nil"/></w:pBdr>'
        '<w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="9"/>',
        rpr=size(11.5),
    ),
    toc_level(1),
    toc_level(2),
    toc_level(3),
    style(
        "character", "Hyperlink", "Hyperlink", based_on="DefaultParagraphFont",
        rpr=colour(ACCENT) + '<w:u w:val="single"/>',
    ),
    style(
        "character", "HTMLCode", "HTML Code", based_on="DefaultParagraphFont",
        rpr=fonts(MONO) + size(9),
    ),
    style(
        "paragraph", "HTMLPreformatted", "HTML Preformatted",
        ppr='<w:spacing w:before="0" w:after="120" w:line="240" w:lineRule="auto"/>',
        rpr=fonts(MONO) + size(9),
    ),
    style(
        "paragraph", "Quote", "Quote", next_style="Normal", quick=True, priority=29,
        ppr="<w:pBdr>" + border("left", 12, RULE, 8) + "</w:pBdr>" '<w:ind w:left="360"/>',
        rpr=colour(MUTED),
    ),
]

DOC_DEFAULTS = (
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    + fonts(SERIF)
    + colour(INK)
    + size(10)
    + '<w:lang w:val="en-GB" w:eastAsia="ja-JP" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:widowControl/>"
    '<w:spacing w:before="0" w:after="150" w:line="250" w:lineRule="auto"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
)

STYLES_XML = f'{XML}<w:styles xmlns:w="{W}">{DOC_DEFAULTS}{"".join(STYLES)}</w:styles>'

FONT_TABLE_XML = (
    f'{XML}<w:fonts xmlns:w="{W}">'
    + "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="00"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, panose, family, pitch in (
            (SERIF, "Georgia", "02020502060505020204", "roman", "variable"),
            (SANS, "Arial", "020B0502040504020204", "swiss", "variable"),
            (MONO, "Courier New", "020B0509040504020204", "modern", "fixed"),
        )
    )
    + "</w:fonts>"
)

SETTINGS_XML = (
    f'{XML}<w:settings xmlns:w="{W}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    "</w:settings>"
)

FOOTNOTES_XML = (
    f'{XML}<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def sample(style_id: str, text: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


# The body shows each style once, so the file can be reviewed in Word; a build replaces it.
DOCUMENT_XML = (
    f'{XML}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
    + sample("Title", "briefing reference template")
    + sample("TitleBlock", "Styles only: a build replaces this text with the briefing.")
    + sample("Heading1", "Heading 1: a section")
    + sample("BLUF", "Bottom Line: the paragraph after a Bottom line up front heading.")
    + sample("Heading2", "Heading 2: a subsection")
    + sample("Normal", "Normal: body text in Noto Serif.")
    + sample("ListParagraph", "List Paragraph: list items (the renderer adds the bullets).")
    + sample("Heading3", "Heading 3: a sub-subsection")
    + sample("Quote", "Quote.")
    + f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
    f'<w:pgMar w:top="{MARGIN_Y}" w:right="{MARGIN_X}" w:bottom="{MARGIN_Y}" '
    f'w:left="{MARGIN_X}" w:header="{HEADER_Y}" w:footer="{HEADER_Y}" w:gutter="0"/>'
    "</w:sectPr></w:body></w:document>"
)

PACKAGE_RELS = (
    f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS = (
    f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(
            [
                ("styles", "styles.xml"),
                ("settings", "settings.xml"),
                ("fontTable", "fontTable.xml"),
                ("footnotes", "footnotes.xml"),
            ],
            start=1,
        )
    )
    + "</Relationships>"
)

WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = (
    f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{WML}.settings+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{WML}.fontTable+xml"/>'
    f'<Override PartName="/word/footnotes.xml" ContentType="{WML}.footnotes+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    "</Types>"
)

CORE_XML = (
    f"{XML}<cp:coreProperties "
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>briefing reference template</dc:title><dc:creator>briefing</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)

APP_XML = (
    f"{XML}<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>briefing</Application><DocSecurity>0</DocSecurity></Properties>"
)

PARTS: dict[str, str] = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": PACKAGE_RELS,
    "docProps/app.xml": APP_XML,
    "docProps/core.xml": CORE_XML,
    "word/_rels/document.xml.rels": DOCUMENT_RELS,
    "word/document.xml": DOCUMENT_XML,
    "word/fontTable.xml": FONT_TABLE_XML,
    "word/footnotes.xml": FOOTNOTES_XML,
    "word/settings.xml": SETTINGS_XML,
    "word/styles.xml": STYLES_XML,
}


def reference_bytes() -> bytes:
    """The reference template, the same bytes on every run."""
    return write_package({name: text.encode() for name, text in PARTS.items()}, WHEN)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    target = SHIPPED_TEMPLATES / REFERENCE_DOCX
    data = reference_bytes()
    if args.check:
        same = target.is_file() and target.read_bytes() == data
        print(f"{target}: {'up to date' if same else 'differs; run without --check'}")
        return 0 if same else 1
    target.write_bytes(data)
    print(f"wrote {target} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
