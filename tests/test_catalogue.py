"""The intranet catalogue, `out/index.html` and `out/index.fragment.html`: every briefing and
every format listed, links that resolve, valid HTML (vnu), no axe violations in Chromium, no
request, hostile metadata shown as text, and the highest marking as the page's banner.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from test_html import axe_violations, host_page, visit
from tinyhtml5.parser import HTMLParser

import tools
from briefing.build import Options, run
from briefing.build.options import FORMATS, output_names
from briefing.render.catalogue import MarkingText, highest_marking
from briefing.validation import load_valid

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parent.parent
SHIPPED_FACTBASE = REPO / "factbase"
MINI = REPO / "tests" / "fixtures" / "mini"
XHTML = "{http://www.w3.org/1999/xhtml}"


def hrefs(path: Path) -> list[str]:
    root = HTMLParser().parse(path.read_text(encoding="utf-8"))
    return [a.get("href", "") for a in root.iter(f"{XHTML}a")]


def headings(path: Path) -> list[str]:
    root = HTMLParser().parse(path.read_text(encoding="utf-8"))
    return ["".join(h.itertext()) for h in root.iter(f"{XHTML}h2")]


# ------------------------------------------------------------------ what it lists


def test_the_index_lists_every_briefing_and_links_every_format(shipped_out: Path) -> None:
    fb, _ = load_valid(SHIPPED_FACTBASE)
    page = shipped_out / "index.html"
    assert sorted(headings(page)) == sorted(b.title for b in fb.briefings)
    links = hrefs(page)
    for briefing in fb.briefings:
        for fmt in FORMATS:
            for name in output_names(briefing.id, fmt, ("ua", "a3b")):
                assert name in links, f"{name} is not linked"
    local = [h for h in links if not h.startswith(("#", "http"))]
    missing = [h for h in local if not (shipped_out / h).is_file()]
    assert missing == [], "links that name no file"


def test_each_entry_shows_title_subject_marking_and_edition(shipped_out: Path) -> None:
    fb, _ = load_valid(SHIPPED_FACTBASE)
    root = HTMLParser().parse((shipped_out / "index.html").read_text(encoding="utf-8"))
    text = " ".join(tools.fold_marks("".join(root.itertext())).split())
    for briefing in fb.briefings:
        marking = briefing.marking or fb.settings.marking
        assert tools.fold_marks(briefing.subject) in text
        assert marking.banner in text
    assert "Edition 1, 28 July 2024: First edition." in text


def test_a_build_of_one_briefing_still_lists_every_briefing(mini: Path, tmp_path: Path) -> None:
    (mini / "briefings" / "solo.yaml").write_text(SOLO, encoding="utf-8")
    out = tmp_path / "out"
    result = run(Options(factbase=mini, out=out, briefings=("solo",), formats=("md", "html")))
    assert not result.failed, result.failed
    assert sorted(headings(out / "index.html")) == ["Command and control", "Solo"]
    assert {"c2.html", "c2.md", "solo.html", "solo.md"} <= set(hrefs(out / "index.html"))


def test_earlier_editions_are_listed_with_their_files(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for edition in ("2024-07-28", "2024-07-29"):
        options = Options(factbase=mini, out=out, formats=("html", "json"), edition=edition)
        assert not run(options).failed
    links = hrefs(out / "index.html")
    assert "c2.html" in links  # the current edition at the stable path
    assert "editions/2024-07-28/c2.html" in links and "editions/2024-07-28/c2.json" in links
    assert not [h for h in links if h.startswith("editions/2024-07-29/")]  # that one is current


SOLO = """\
id: solo
title: Solo
subject: Only the headquarters
topics: [c2]
bluf:
  - text: The ministers agreed on a joint force headquarters.
    facts: [jfhq-agreed]
  - text: Japan hosts some 54,000 US troops.
    facts: [troops-54000]
"""


# ------------------------------------------------------------------ marking


def test_the_banner_is_the_highest_marking_listed() -> None:
    markings = [
        MarkingText("UNCLASSIFIED", "TLP:CLEAR"),
        MarkingText("CONFIDENTIAL", "TLP:GREEN"),
        MarkingText("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "TLP:AMBER+STRICT"),
        MarkingText("", "TLP:AMBER"),
    ]
    assert highest_marking(markings).banner == "CONFIDENTIAL | TLP:AMBER+STRICT"
    assert highest_marking(list(reversed(markings))) == highest_marking(markings)
    # Controls rank above the bare level; a level word not in the table ranks highest.
    assert highest_marking(markings[:1] + markings[2:3]).classification.endswith("ONLY")
    unknown = MarkingText("STRENG GEHEIM", "")
    assert highest_marking([*markings, unknown]).classification == "STRENG GEHEIM"
    assert highest_marking([]).banner == ""


def test_the_page_banner_is_the_highest_and_each_entry_keeps_its_own(
    mini: Path, tmp_path: Path
) -> None:
    (mini / "briefings" / "solo.yaml").write_text(
        SOLO + "marking:\n  classification: CONFIDENTIAL\n  tlp: TLP:AMBER\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert not run(Options(factbase=mini, out=out, formats=("md",))).failed
    root = HTMLParser().parse((out / "index.html").read_text(encoding="utf-8"))
    banners = [
        "".join(e.itertext()) for e in root.iter() if "bf-marking" in (e.get("class") or "")
    ]
    assert banners == ["CONFIDENTIAL | TLP:AMBER"] * 2  # top and bottom
    own = ["".join(e.itertext()) for e in root.iter() if e.get("class") == "bf-cat-marking"]
    c2_marking = load_valid(mini)[0].settings.marking.banner
    assert sorted(own) == sorted(["CONFIDENTIAL | TLP:AMBER", c2_marking])


# ------------------------------------------------------------------ real tools


def test_index_page_and_fragment_are_valid_html(
    shipped_out: Path, vnu_jar: Path, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page((shipped_out / "index.fragment.html").read_text("utf-8")), "utf-8")
    messages = tools.vnu_report(vnu_jar, shipped_out / "index.html", host)
    assert [tools.format_vnu_message(m) for m in messages] == []


@pytest.mark.browser
def test_index_page_has_no_axe_violations_and_makes_no_request(
    shipped_out: Path, page: Page
) -> None:
    seen = visit(page, shipped_out / "index.html")
    assert axe_violations(page) == []
    assert seen.requests == [seen.url]
    assert seen.errors == []
    assert page.evaluate("document.querySelectorAll('script,[onload],[onclick]').length") == 0


@pytest.mark.browser
def test_index_fragment_has_no_axe_violations_inside_a_host_page(
    shipped_out: Path, page: Page, tmp_path: Path
) -> None:
    host = tmp_path / "host.html"
    host.write_text(host_page((shipped_out / "index.fragment.html").read_text("utf-8")), "utf-8")
    seen = visit(page, host)
    assert axe_violations(page, context="#briefing_catalogue") == []
    assert seen.requests == [seen.url]
    assert seen.errors == []


def test_with_a_site_url_the_fragment_links_absolutely_and_the_page_relatively(
    mini: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site = "https://intranet.example/briefings"
    assert not run(Options(factbase=mini, out=out, formats=("html",), site_url=site)).failed
    fragment = hrefs(out / "index.fragment.html")
    assert "https://intranet.example/briefings/c2.html" in fragment
    assert all(h.startswith(("#", "https://intranet.example/briefings/")) for h in fragment)
    assert "c2.html" in hrefs(out / "index.html")


# ------------------------------------------------------------------ hostile metadata

HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> & "q" ]]>'


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with HOSTILE in the briefing's title and subject, the fact base's
    title and subject, and its organisation."""
    root = tmp_path_factory.mktemp("hostile-catalogue")
    shutil.copytree(MINI, root / "mini")
    factbase = root / "mini" / "factbase"
    briefing = factbase / "briefings" / "c2.yaml"
    data = yaml.safe_load(briefing.read_text(encoding="utf-8"))
    data["title"], data["subject"] = f"Title {HOSTILE}", f"Subject {HOSTILE}"
    briefing.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    settings = factbase / "factbase.yaml"
    data = yaml.safe_load(settings.read_text(encoding="utf-8"))
    data["title"], data["subject"] = f"Site {HOSTILE}", f"About {HOSTILE}"
    data["organisation"] = f"Org {HOSTILE}"
    settings.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = root / "out"
    result = run(Options(factbase=factbase, out=out, formats=("html", "pdf")))
    assert not result.failed, result.failed
    return out


@pytest.mark.browser
@pytest.mark.parametrize("name", ["index.html", "index.fragment.html"])
def test_hostile_metadata_shows_as_text_in_the_catalogue(
    hostile_out: Path, page: Page, tmp_path: Path, name: str
) -> None:
    path = hostile_out / name
    if name.endswith(".fragment.html"):
        path = tmp_path / "host.html"
        path.write_text(host_page((hostile_out / name).read_text("utf-8")), "utf-8")
    seen = visit(page, path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script,img,[onerror]').length") == 0
    assert seen.requests == [seen.url]
    text = " ".join(page.inner_text("body").split())
    for prefix in ("Title", "Subject", "Site", "About", "Org"):
        assert f"{prefix} {HOSTILE}" in text, prefix


def test_hostile_catalogue_is_still_valid_html(hostile_out: Path, vnu_jar: Path) -> None:
    messages = tools.vnu_report(vnu_jar, hostile_out / "index.html")
    assert [tools.format_vnu_message(m) for m in messages] == []


def test_a_template_that_adds_a_script_to_the_catalogue_fails_it_alone(
    mini: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    shipped = (REPO / "templates" / "index.html.j2").read_text(encoding="utf-8")
    (templates / "index.html.j2").write_text(
        shipped.replace("<main>", "<main><script>alert(1)</script>"), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run(Options(factbase=mini, out=out, formats=("md",), templates=templates))
    assert list(result.failed) == ["index.html"]
    assert "<script> element" in result.failed["index.html"]
    assert (out / "c2.md").is_file() and (out / "feed.xml").is_file()
    assert not (out / "index.html").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "index.html" not in manifest["outputs"]


# ------------------------------------------------------------------ incremental builds


def test_site_outputs_are_recorded_and_rebuilt_only_when_what_they_show_changes(
    mini: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    options = Options(factbase=mini, out=out, formats=("md", "html"))
    first = run(options)
    assert sorted(first.built) == ["c2.html", "c2.md", "feed.xml", "index.html"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, kind in (("index.html", "index"), ("index.fragment.html", "index"),
                       ("feed.xml", "feed")):  # fmt: skip
        assert manifest["outputs"][name]["format"] == kind
        assert manifest["outputs"][name]["briefing"] == ""
    assert not [n for n in manifest["outputs"] if n.startswith("editions/") and "index" in n]

    again = run(options)  # the no-op fast path
    assert again.built == [] and sorted(again.skipped) == sorted(first.built)

    edit = mini / "facts.yaml"
    edit.write_text(
        edit.read_text().replace("hosts about 54,000", "hosts roughly 54,000"), encoding="utf-8"
    )
    fact_changed = run(options)
    assert sorted(fact_changed.built) == ["c2.html", "c2.md"]  # nothing the catalogue shows
    assert {"index.html", "feed.xml"} <= set(fact_changed.skipped)

    before = (out / "index.html").read_bytes()
    briefing = mini / "briefings" / "c2.yaml"
    briefing.write_text(
        briefing.read_text().replace("title: Command and control", "title: Command"), "utf-8"
    )
    retitled = run(options)
    assert {"index.html", "feed.xml"} <= set(retitled.built)
    assert (out / "index.html").read_bytes() != before
    assert "Command" in headings(out / "index.html")


def test_a_briefing_may_not_take_a_site_output_name(mini: Path) -> None:
    from briefing.validation import gather

    text = (mini / "briefings" / "c2.yaml").read_text(encoding="utf-8")
    (mini / "briefings" / "index.yaml").write_text(text.replace("id: c2", "id: index"), "utf-8")
    _, problems = gather(mini)
    reserved = [p for p in problems if p.code == "briefing-id-reserved"]
    assert len(reserved) == 1
    assert reserved[0].file.endswith("index.yaml") and "out/index.html" in reserved[0].message


def test_relative_links_pass_the_inert_check_only_where_asked_for() -> None:
    from briefing.errors import RenderError
    from briefing.render.inert import ensure_inert

    page = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{}</body></html>'
    relative = page.format('<a href="editions/2024-07-28/c2.pdf">PDF</a>')
    ensure_inert(relative, "index.html", relative_links=True)
    with pytest.raises(RenderError, match="link to"):
        ensure_inert(relative, "c2.html")  # a briefing page links to the web or itself only
    for href in ("javascript:alert(1)", "java\tscript:x", "//evil.example/", "/etc/passwd",
                 "data:text/html,x", " vbscript:x"):  # fmt: skip
        with pytest.raises(RenderError, match="link to"):
            ensure_inert(page.format(f'<a href="{href}">x</a>'), "index.html", relative_links=True)
