"""The Word files, opened with real clients: python-docx and the package XML for structure,
LibreOffice for layout.

Every shipped briefing is built once (conftest `shipped_out`). What a Word file must hold
is taken from elsewhere, never from the renderer: headings, source notes, note numbers and
tables from the HTML page (parsed as a browser does), key judgments and properties from
the briefing files, the marking from the fact base.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import tinyhtml5
import yaml
from lxml import etree
from typer.testing import CliRunner

import tools
from briefing.cli import app
from briefing.render.markdown import render_markdown
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent
FACTBASE = REPO / "factbase"
REFERENCE = REPO / "templates" / "reference.docx"
IDS = sorted(p.stem for p in (FACTBASE / "briefings").glob("*.yaml"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
H = "{http://www.w3.org/1999/xhtml}"

every_briefing = pytest.mark.parametrize("briefing_id", IDS)
runner = CliRunner()


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def unquoted(text: str) -> str:
    """Typographic quotes folded to straight ones: briefing sets quotes as the language
    wants them in every format, and the fact base may hold either kind."""
    return norm(text).translate(str.maketrans("‘’“”", "''\"\""))


def settings() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((FACTBASE / "factbase.yaml").read_text("utf-8"))
    return data


def briefing_yaml(briefing_id: str) -> dict[str, object]:
    path = FACTBASE / "briefings" / f"{briefing_id}.yaml"
    data: dict[str, object] = yaml.safe_load(path.read_text("utf-8"))
    return data


def banner(briefing_id: str) -> str:
    marking = briefing_yaml(briefing_id).get("marking") or settings()["marking"]
    assert isinstance(marking, dict)
    return " | ".join(marking[k] for k in ("classification", "tlp") if marking.get(k))


# ------------------------------------------------------------------ reading a .docx


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def text_of(node: etree._Element) -> str:
    """What Word shows of an element: its text runs and tabs, field codes left out."""
    return "".join(
        t.text or "" if t.tag == f"{W}t" else "\t" for t in node.iter(f"{W}t", f"{W}tab")
    )


def style_names(path: Path) -> dict[str, str]:
    """styleId → name."""
    return {
        s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
        for s in part(path, "word/styles.xml").iter(f"{W}style")
    }


def paragraphs(path: Path) -> list[tuple[str, str, etree._Element]]:
    """Body paragraphs (not those in tables) as (style name, text, element)."""
    names = style_names(path)
    body = part(path, "word/document.xml").find(f"{W}body")
    found = []
    for p in body.iterfind(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        name = names[style.get(f"{W}val")] if style is not None else "Normal"
        found.append((name, norm(text_of(p)), p))
    return found


def notes_in_word_order(path: Path) -> list[etree._Element]:
    """The footnotes (not the separators) in the order Word numbers them: by where their
    reference stands in the document."""
    notes = {
        n.get(f"{W}id"): n
        for n in part(path, "word/footnotes.xml").iterfind(f"{W}footnote")
        if n.get(f"{W}type") is None
    }
    order = [
        r.get(f"{W}id") for r in part(path, "word/document.xml").iter(f"{W}footnoteReference")
    ]
    assert len(order) == len(set(order)), "a footnote is referenced twice"
    assert sorted(order) == sorted(notes), "footnotes and references differ"
    return [notes[ident] for ident in order]


# ------------------------------------------------------------------ reading the HTML


@functools.cache
def html(path: Path) -> ET.Element:
    return tinyhtml5.parse(path.read_text("utf-8"))


def html_text(node: ET.Element, skip: str = "") -> str:
    parts = [node.text or ""]
    for child in node:
        if not (skip and skip in (child.get("class") or "")):
            parts.append(html_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def html_main(path: Path) -> ET.Element:
    main = html(path).find(f".//{H}main")
    assert main is not None
    return main


def html_headings(path: Path) -> list[tuple[int, str]]:
    """h1-h6 of the page body, outside the contents list."""
    found = []
    for node in html_main(path).iter():
        if re.fullmatch(rf"{re.escape(H)}h[1-6]", node.tag) and not (
            node.get("id") or ""
        ).endswith("-contents"):
            found.append((int(node.tag[-1]), norm(html_text(node))))
    return found


def html_notes(path: Path) -> list[str]:
    items = html_main(path).iterfind(f".//{H}li[@class='footnote-item']")
    return [norm(html_text(item, skip="footnote-backref")) for item in items]


def html_note_refs(path: Path) -> list[str]:
    """The note numbers the body shows, in reading order."""
    return [
        norm(html_text(sup))
        for sup in html_main(path).iter(f"{H}sup")
        if sup.get("class") == "footnote-ref"
    ]


def html_tables(path: Path) -> list[tuple[list[str], int]]:
    """Each table's header cells and its number of rows."""
    return [
        ([norm(html_text(th)) for th in table.iter(f"{H}th")], len(list(table.iter(f"{H}tr"))))
        for table in html_main(path).iter(f"{H}table")
    ]


# ----------------------------------------------------------------------- structure


@every_briefing
def test_python_docx_opens_it_with_the_briefings_properties(
    shipped_out: Path, briefing_id: str
) -> None:
    document = docx.Document(str(shipped_out / f"{briefing_id}.docx"))
    data = briefing_yaml(briefing_id)
    props = document.core_properties
    midnight = dt.datetime.combine(settings()["as_of"], dt.time(), dt.UTC)  # default edition
    assert (props.title, props.subject) == (data["title"], data["subject"])
    assert props.author == settings()["organisation"]
    assert props.keywords
    assert props.created == props.modified == midnight
    assert props.revision == 1
    assert props.language == settings().get("language", "en")


@every_briefing
def test_every_fact_bluf_sentence_and_judgment_is_in_the_text(
    shipped_out: Path, briefing_id: str
) -> None:
    fb, _ = load_valid(FACTBASE)
    view = render_markdown(fb, next(b for b in fb.briefings if b.id == briefing_id)).view
    briefings = [view.main.briefing, *(p.briefing for p in view.parts)]
    wanted = [f.statement for f in view.all_facts]
    wanted += [item.text for b in briefings if b for item in b.bluf]
    wanted += [j.text for b in briefings if b for j in b.judgments]
    body = part(shipped_out / f"{briefing_id}.docx", "word/document.xml").find(f"{W}body")
    text = unquoted(" ".join(text_of(p) for p in body.iter(f"{W}p")))
    assert [item for item in wanted if unquoted(item) not in text] == []
    assert view.all_facts and wanted


@every_briefing
def test_headings_are_words_heading_styles_as_in_the_html(
    shipped_out: Path, briefing_id: str
) -> None:
    page = html_headings(shipped_out / f"{briefing_id}.html")
    # The page's last section lists the source notes; in Word they are the footnotes.
    assert page[-1] == (2, "Source notes")
    expected = [("Title", page[0][1])] + [
        (f"heading {min(level - 1, 4)}", text) for level, text in page[1:-1]
    ]
    found = [
        (name, text)
        for name, text, _ in paragraphs(shipped_out / f"{briefing_id}.docx")
        if name == "Title" or name.startswith("heading ")
    ]
    assert found == expected
    assert {name for name, _ in found} >= {"Title", "heading 1", "heading 2"}


def test_heading_styles_carry_outline_levels_for_the_navigation_pane() -> None:
    levels = {}
    for style in part(REFERENCE, "word/styles.xml").iter(f"{W}style"):
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None:
            levels[style.find(f"{W}name").get(f"{W}val")] = int(outline.get(f"{W}val"))
    assert [levels[f"heading {n}"] for n in (1, 2, 3)] == [0, 1, 2]
    assert levels["Title"] == levels["TOC Heading"] == 9  # body text: not in the outline


@every_briefing
def test_one_native_footnote_per_source_note_with_its_text(
    shipped_out: Path, briefing_id: str
) -> None:
    path = shipped_out / f"{briefing_id}.docx"
    notes = notes_in_word_order(path)
    expected = html_notes(shipped_out / f"{briefing_id}.html")
    assert len(notes) == len(expected) > 0
    assert [norm(" ".join(map(text_of, note.iter(f"{W}p")))) for note in notes] == expected
    for note in notes:  # Word's own number mark leads each note
        assert note.find(f".//{W}footnoteRef") is not None


@every_briefing
def test_note_numbers_are_those_of_the_html(shipped_out: Path, briefing_id: str) -> None:
    """First references are footnotes; later ones NOTEREF fields whose shown number is the
    number Word gives the footnote they point to."""
    path = shipped_out / f"{briefing_id}.docx"
    number = {
        n.get(f"{W}id"): str(i) for i, n in enumerate(notes_in_word_order(path), start=1)
    }
    body = part(path, "word/document.xml")
    bookmarks = {}  # bookmark name → the footnote it encloses
    open_marks: dict[str, str] = {}
    shown: list[str] = []
    field: list[str] | None = None
    for node in body.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd", f"{W}footnoteReference",
                          f"{W}instrText", f"{W}t", f"{W}fldChar"):  # fmt: skip
        tag = etree.QName(node).localname
        if tag == "bookmarkStart":
            open_marks[node.get(f"{W}id")] = node.get(f"{W}name")
        elif tag == "bookmarkEnd":
            open_marks.pop(node.get(f"{W}id"), None)
        elif tag == "footnoteReference":
            shown.append(number[node.get(f"{W}id")])
            for name in open_marks.values():
                bookmarks[name] = node.get(f"{W}id")
        elif tag == "instrText" and node.text.strip().startswith("NOTEREF"):
            target = node.text.split()[1]
            field = [bookmarks[target]]
        elif tag == "t" and field is not None and len(field) == 1:
            field.append(node.text)
            assert node.text == number[field[0]], "a NOTEREF shows another note's number"
            shown.append(node.text)
        elif tag == "fldChar" and node.get(f"{W}fldCharType") == "end":
            field = None
    assert shown == html_note_refs(shipped_out / f"{briefing_id}.html")


@every_briefing
def test_marking_in_the_header_and_footer_of_every_section(
    shipped_out: Path, briefing_id: str
) -> None:
    document = docx.Document(str(shipped_out / f"{briefing_id}.docx"))
    expected = banner(briefing_id)
    assert expected
    for section in document.sections:
        assert not section.header.is_linked_to_previous
        assert section.header.paragraphs[0].text == expected
        assert section.footer.paragraphs[0].text == expected
        assert "Page 1 of 1" in section.footer.paragraphs[1].text  # fields, cached values
    with zipfile.ZipFile(shipped_out / f"{briefing_id}.docx") as archive:
        names = archive.namelist()
    headers = [n for n in names if re.fullmatch(r"word/(header|footer)\d+\.xml", n)]
    assert len(headers) >= 2
    for name in headers:
        assert expected in text_of(part(shipped_out / f"{briefing_id}.docx", name)), name


@every_briefing
def test_key_judgments_with_their_likelihood_words_in_bold(
    shipped_out: Path, briefing_id: str
) -> None:
    data = briefing_yaml(briefing_id)
    judgments = list(data.get("judgments") or [])
    for included in data.get("includes") or []:
        judgments += briefing_yaml(included).get("judgments") or []
    assert judgments
    document = docx.Document(str(shipped_out / f"{briefing_id}.docx"))
    shown = [p for p in document.paragraphs if p.style.name == "List Paragraph"]
    for judgment in judgments:
        term = judgment.get("likelihood") or f"{judgment['confidence']} confidence"
        matches = [p for p in shown if unquoted(judgment["text"]) in unquoted(p.text)]
        assert len(matches) == 1, judgment["text"]
        bold = [r.text for r in matches[0].runs if r.bold]
        assert any(re.fullmatch(rf"{re.escape(term)}(ly)?", b, re.I) for b in bold), (term, bold)
        assert matches[0]._p.find(f"{W}pPr/{W}numPr") is not None  # a numbered list item


@every_briefing
def test_tables_are_real_tables_whose_header_row_repeats(
    shipped_out: Path, briefing_id: str
) -> None:
    document = docx.Document(str(shipped_out / f"{briefing_id}.docx"))
    expected = html_tables(shipped_out / f"{briefing_id}.html")
    found = [
        ([norm(cell.text) for cell in table.rows[0].cells], len(table.rows))
        for table in document.tables
    ]
    assert found == expected
    for table in document.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert table.style.name == "Briefing Table"


@every_briefing
def test_a_contents_field_that_word_updates_on_open(shipped_out: Path, briefing_id: str) -> None:
    path = shipped_out / f"{briefing_id}.docx"
    update = part(path, "word/settings.xml").find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    codes = [norm(t.text) for t in part(path, "word/document.xml").iter(f"{W}instrText")]
    assert codes.count('TOC \\o "1-2" \\h \\z \\u') == 1
    listed = [text for name, text, _ in paragraphs(path) if name in ("toc 1", "toc 2")]
    headings = [text for name, text, _ in paragraphs(path) if name in ("heading 1", "heading 2")]
    assert listed == headings  # until Word updates it, the field shows the headings


# --------------------------------------------------------------------- determinism


def test_same_inputs_same_bytes_and_dates_from_the_edition(tmp_path: Path) -> None:
    def build(out: Path, *extra: str) -> dict[str, bytes]:
        args = ["build", "--out", str(out), "-f", "docx", "--quiet", "--force", *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return {p.name: p.read_bytes() for p in sorted(out.glob("*.docx"))}

    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert len(first) == len(IDS) and first == second
    with zipfile.ZipFile(tmp_path / "a" / f"{IDS[0]}.docx") as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    as_of = settings()["as_of"]
    assert {info.date_time for info in infos} == {(as_of.year, as_of.month, as_of.day, 0, 0, 0)}

    build(tmp_path / "c", "--edition", "2024-08-01")
    props = docx.Document(str(tmp_path / "c" / f"{IDS[0]}.docx")).core_properties
    assert props.created == props.modified == dt.datetime(2024, 8, 1, tzinfo=dt.UTC)


# ------------------------------------------------------------------ house templates


def mini_build(mini: Path, out: Path, templates: Path | None = None) -> tuple[int, str]:
    args = ["build", "--facts", str(mini), "--out", str(out), "-f", "md", "-f", "docx"]
    result = runner.invoke(app, args + (["--templates", str(templates)] if templates else []))
    return result.exit_code, result.stdout


def rewrite(source: Path, target: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    """Copy a .docx, passing one of its parts through `change`."""
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[name] = change(parts[name])
    with zipfile.ZipFile(target, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)


def test_a_house_template_sets_the_look_and_keeps_the_structure(
    mini: Path, tmp_path: Path
) -> None:
    """A house template with its own heading colour and without the briefing's own styles:
    the colour is used, the missing styles come from the shipped template."""
    house = tmp_path / "house"
    house.mkdir()

    def restyle(styles: bytes) -> bytes:
        root = etree.fromstring(styles)
        for style in root.iterfind(f"{W}style"):
            name = style.find(f"{W}name").get(f"{W}val")
            if name == "heading 1":
                style.set(f"{W}styleId", "Berschrift1")  # as a German Word names it
                style.find(f"{W}rPr/{W}color").set(f"{W}val", "8B0000")
            if name in ("Title Block", "Bottom Line", "Table Text", "Briefing Table"):
                root.remove(style)
        return etree.tostring(root)

    rewrite(REFERENCE, house / "reference.docx", "word/styles.xml", restyle)
    code, stdout = mini_build(mini, tmp_path / "out", house)
    assert code == 0, stdout
    path = tmp_path / "out" / "c2.docx"
    names = style_names(path)
    assert names["Berschrift1"] == "heading 1"
    styles = part(path, "word/styles.xml")
    colour = styles.find(f"{W}style[@{W}styleId='Berschrift1']/{W}rPr/{W}color")
    assert colour.get(f"{W}val") == "8B0000"
    assert {"Title Block", "Bottom Line", "Table Text", "Briefing Table"} <= set(names.values())
    found = {name for name, _, _ in paragraphs(path)}
    assert {"heading 1", "Title Block", "Bottom Line"} <= found


def test_first_page_and_even_page_headers_carry_the_marking_too(
    mini: Path, tmp_path: Path
) -> None:
    """A house template with a different first page and different even pages: all six
    headers and footers of its section show the marking."""
    house = tmp_path / "house"
    house.mkdir()
    step = tmp_path / "step.docx"
    rewrite(REFERENCE, step, "word/document.xml",
            lambda data: data.replace(b"</w:sectPr>", b"<w:titlePg/></w:sectPr>"))  # fmt: skip
    spacing = b"<w:characterSpacingControl"
    rewrite(step, house / "reference.docx", "word/settings.xml",
            lambda data: data.replace(spacing, b"<w:evenAndOddHeaders/>" + spacing))  # fmt: skip
    code, stdout = mini_build(mini, tmp_path / "out", house)
    assert code == 0, stdout
    path = tmp_path / "out" / "c2.docx"
    section = part(path, "word/document.xml").find(f"{W}body/{W}sectPr")
    references = {
        (etree.QName(ref).localname, ref.get(f"{W}type"))
        for ref in section
        if etree.QName(ref).localname in ("headerReference", "footerReference")
    }
    assert references == {
        (kind, page) for kind in ("headerReference", "footerReference")
        for page in ("default", "first", "even")
    }  # fmt: skip
    document = docx.Document(str(path))
    banner_text = "UNCLASSIFIED | TLP:CLEAR"  # the mini fact base's marking
    only = document.sections[0]
    for story in (only.header, only.first_page_header, only.even_page_header,
                  only.footer, only.first_page_footer, only.even_page_footer):  # fmt: skip
        assert story.paragraphs[0].text == banner_text


def test_a_subject_too_long_for_a_property_is_cut_there_and_whole_in_the_text(
    mini: Path, tmp_path: Path
) -> None:
    subject = "A subject of many words " * 15 + "that ends here"
    briefing = mini / "briefings" / "c2.yaml"
    text = briefing.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("subject:"))
    briefing.write_text(text.replace(old, f"subject: {subject}"), encoding="utf-8")
    code, stdout = mini_build(mini, tmp_path / "out")
    assert code == 0, stdout
    path = tmp_path / "out" / "c2.docx"
    shown = docx.Document(str(path)).core_properties.subject
    assert len(shown) <= 255 and shown.endswith("…")
    assert subject.startswith(shown[:-1].rstrip())
    assert f"Subject: {subject}" in [text for _, text, _ in paragraphs(path)]


def test_a_character_xml_cannot_hold_fails_the_docx_target_with_a_message(
    mini: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "topic.md.j2").write_text(
        '{% extends "base.md.j2" %}\n{% block body %}\n'
        "{{ s.gathered(doc) }}\n{{ s.topic_body(doc.main, 2) }}\n"
        "## Extra\n\nA bell \x07 rings.\n{% endblock %}\n",
        encoding="utf-8",
    )
    code, stdout = mini_build(mini, tmp_path / "out", templates)
    assert code == 3, stdout
    assert "built   c2.md" in stdout
    assert "failed  c2.docx: a Word file cannot hold the character U+0007" in stdout


def test_a_word_template_file_dotx_is_accepted(mini: Path, tmp_path: Path) -> None:
    house = tmp_path / "house"
    house.mkdir()
    rewrite(
        REFERENCE, house / "reference.docx", "[Content_Types].xml",
        lambda data: data.replace(b"document.main+xml", b"template.main+xml"),
    )  # fmt: skip
    code, stdout = mini_build(mini, tmp_path / "out", house)
    assert code == 0, stdout
    docx.Document(str(tmp_path / "out" / "c2.docx"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("not a zip", "not a zip archive"),
        ("no heading 2", "it has no 'heading 2' style"),
        ("no styles", "a part is missing"),
        ("a zip bomb", "it unpacks to more than 1000 parts or 64 MiB"),
    ],
)
def test_an_unusable_reference_template_fails_the_docx_targets_alone(
    mini: Path, tmp_path: Path, damage: str, message: str
) -> None:
    out = tmp_path / "out"
    assert mini_build(mini, out)[0] == 0
    before = (out / "c2.docx").read_bytes()
    house = tmp_path / "house"
    house.mkdir()
    template = house / "reference.docx"
    if damage == "not a zip":
        template.write_bytes(b"PK but not really a zip")
    elif damage == "no heading 2":
        rewrite(REFERENCE, template, "word/styles.xml",
                lambda data: re.sub(rb'<w:style [^>]*w:styleId="Heading2".*?</w:style>', b"",
                                    data, flags=re.S))  # fmt: skip
    elif damage == "a zip bomb":  # many parts stand in for a large one: cheaper to make
        shutil.copy(REFERENCE, template)
        with zipfile.ZipFile(template, "a") as archive:
            for n in range(1000):
                archive.writestr(f"media/{n}.bin", b"")
    else:
        rewrite(REFERENCE, template, "word/_rels/document.xml.rels",
                lambda data: re.sub(rb'<Relationship Id="rId1"[^>]*/>', b"", data))  # fmt: skip
    code, stdout = mini_build(mini, out, house)
    assert code == 3, stdout
    failed = [line for line in stdout.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and failed[0].startswith("failed  c2.docx"), stdout
    assert f"{template}:1:1: error: unusable Word template: {message}" in failed[0]
    assert "built   c2.md" in stdout or "skipped c2.md" in stdout
    assert (out / "c2.docx").read_bytes() == before  # the previous file is kept


def test_every_markdown_construct_a_template_may_use_reaches_word(
    mini: Path, tmp_path: Path
) -> None:
    """A user template's quote, code, rule, nested and numbered lists and link: none is lost."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "topic.md.j2").write_text(
        '{% extends "base.md.j2" %}\n{% block body %}\n'
        "{{ s.gathered(doc) }}\n{{ s.topic_body(doc.main, 2) }}\n"
        "## Extra\n\n> A quoted line\n\n```\ncode line\n```\n\n---\n\n"
        "3. third\n   - nested\n4. fourth\n\n"
        "See [the register](https://example.org/register?a=1), `c2` *and* **more**.\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    code, stdout = mini_build(mini, tmp_path / "out", templates)
    assert code == 0, stdout
    path = tmp_path / "out" / "c2.docx"
    found = paragraphs(path)
    texts = {text: (name, p) for name, text, p in found}
    assert texts["A quoted line"][0] == "Quote"
    assert texts["code line"][0] == "HTML Preformatted"
    third = texts["third"][1].find(f"{W}pPr/{W}numPr")
    nested = texts["nested"][1].find(f"{W}pPr/{W}numPr")
    assert third.find(f"{W}ilvl").get(f"{W}val") == "0"
    assert nested.find(f"{W}ilvl").get(f"{W}val") == "1"
    numbering = part(path, "word/numbering.xml")
    num = numbering.find(f"{W}num[@{W}numId='{third.find(f'{W}numId').get(f'{W}val')}']")
    assert num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "3"
    assert "See the register, c2 and more." in texts
    rels = part(path, "word/_rels/document.xml.rels")
    links = [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    assert links == ["https://example.org/register?a=1"]
    assert any(
        p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None and not text for _, text, p in found
    )


# ---------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="session")
def soffice() -> str:
    from conftest import missing_tool

    found = shutil.which("soffice")
    if found is None:
        missing_tool("LibreOffice not found: run scripts/system-deps.sh test")
    return found


@pytest.fixture(scope="session")
def converted(
    shipped_out: Path, soffice: str, tmp_path_factory: pytest.TempPathFactory, pdf_tools: None
) -> Path:
    """Every shipped .docx converted to PDF by LibreOffice, in one run, own profile."""
    folder = tmp_path_factory.mktemp("libreoffice")
    profile = folder / "profile"
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(folder),
           *(str(shipped_out / f"{i}.docx") for i in IDS)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return folder


@pytest.mark.slow
@every_briefing
def test_libreoffice_converts_it_with_the_marking_on_every_page(
    converted: Path, briefing_id: str
) -> None:
    pdf = converted / f"{briefing_id}.pdf"
    tools.qpdf_check(pdf)
    pages = tools.pdftotext_pages(pdf)
    assert len(pages) >= 2
    expected = banner(briefing_id)
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == expected, f"page {number} header"
        assert expected in lines[-3:], f"page {number} footer"
        assert f"Page {number} of {len(pages)}" in page
    title = str(briefing_yaml(briefing_id)["title"])
    assert norm(title) in norm(pages[0])


@pytest.mark.slow
@every_briefing
def test_libreoffice_lays_it_out_in_the_templates_noto_fonts(
    converted: Path, briefing_id: str
) -> None:
    fonts = tools.pdffonts(converted / f"{briefing_id}.pdf")
    families = {font.base_name for font in fonts}
    assert {"NotoSerif-Regular", "NotoSerif-Bold", "NotoSans-Bold"} <= families, families
    assert all(name.startswith(("NotoSerif-", "NotoSans-")) for name in families), families
    assert all(font.embedded for font in fonts)
