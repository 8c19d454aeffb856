"""Editions: the record each build keeps, the counted edition number, the "What changed since
the last edition" section of every briefing and format, and `briefing diff`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import jsonschema
import pytest
from editing import edit
from test_html import axe_violations, visit

if TYPE_CHECKING:
    from playwright.sync_api import Page
from typer.testing import CliRunner

import tools
from briefing.build.editions import read_records
from briefing.cli import app
from briefing.record import RECORD_VERSION, parse_record
from briefing.writing import LOCK_NAME

runner = CliRunner()
FIRST, SECOND = "2024-07-28", "2024-07-29"  # the mini fact base is as of the first
NEW_FACT = """\
  - id: troops-rotation
    topics: [context]
    statement: The ministers agreed on a headquarters for the forces Japan hosts.
    kind: agreed-outcome
    credibility: 3
    citations:
      - source: mini
        quote: >-
          The ministers agreed on Sunday that U.S. Forces Japan will become a joint force
          headquarters.
"""
SOLO = """\
id: solo
title: Solo
subject: Only the headquarters
topics: [c2]
bluf:
  - text: The ministers agreed on a joint force headquarters.
    facts: [jfhq-agreed]
  - text: The decision was reported after the meeting.
    facts: [jfhq-agreed]
"""


def cli(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [*map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def build(factbase: Path, out: Path, *args: object) -> tuple[int, str, str]:
    return cli("build", "--facts", factbase, "--out", out, "--jobs", 1, *args)


def section(markdown: str) -> str:
    """The "What changed" section of a briefing's Markdown, up to the next `## `."""
    start = markdown.index("## What changed since the last edition")
    end = markdown.index("\n## ", start + 3)
    return markdown[start:end].strip()


def second_edition(factbase: Path) -> None:
    """Reword one fact and add another, both in the `context` topic (c2 shows it, solo not)."""
    edit(
        factbase / "facts.yaml",
        "statement: Japan hosts about 54,000 US troops.",
        "statement: Japan hosts roughly 54,000 US troops.",
    )
    with (factbase / "facts.yaml").open("a", encoding="utf-8") as facts:
        facts.write(NEW_FACT)


@pytest.fixture
def two_editions(mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Edition 1 built, one fact reworded and one added, edition 2 built (Markdown)."""
    (mini / "briefings" / "solo.yaml").write_text(SOLO, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = build(mini, out, "-f", "md")
    assert code == 0, err
    second_edition(mini)
    code, _, err = build(mini, out, "-f", "md", "--edition", SECOND)
    assert code == 0, err
    return mini, out


# --------------------------------------------------------------------------- the record


def test_the_first_edition_says_so_and_records_its_fact_base(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(mini, out, "-f", "md")[0] == 0
    text = (out / "c2.md").read_text(encoding="utf-8")
    assert "- **Edition 1**, 28 July 2024\n" in text
    assert section(text) == "## What changed since the last edition\n\nFirst edition."
    data = (out / "editions" / FIRST / "record.json").read_bytes()
    record = parse_record(data)
    assert record.version == RECORD_VERSION and record.date.isoformat() == FIRST
    assert [f.id for f in record.facts] == ["jfhq-agreed", "troops-54000"]
    assert record.facts[1].figures[0].value == 54000
    assert record.facts[1].citations[0].quote == "Japan hosts 54,000 US troops"
    assert [(j.id, j.likelihood) for j in record.judgments] == [("c2:1", "likely")]
    assert [s.id for s in record.sources] == ["mini"]
    assert record.sources[0].reliability == "C"
    shown = record.briefing("c2")
    assert shown is not None
    assert (shown.facts, shown.discrepancies, shown.sources, shown.judgments) == (
        ["jfhq-agreed", "troops-54000"],
        ["troop-count"],
        ["mini"],
        ["c2:1"],
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["outputs"][f"editions/{FIRST}/record.json"]
    assert (entry["size"], entry["format"]) == (len(data), "record")
    # Deterministic: the same fact base gives the same bytes in another folder, another time.
    assert build(mini, tmp_path / "again", "-f", "md")[0] == 0
    assert (tmp_path / "again" / "editions" / FIRST / "record.json").read_bytes() == data
    raw = json.loads(data)
    assert list(raw) == sorted(raw)  # sorted keys
    assert dt.date.today().isoformat() not in data.decode()  # no clock


# --------------------------------------------------------------------------- the second edition


def test_each_briefing_says_exactly_what_changed_in_what_it_shows(
    two_editions: tuple[Path, Path],
) -> None:
    _, out = two_editions
    c2 = (out / "c2.md").read_text(encoding="utf-8")
    assert "- **Edition 2**, 29 July 2024\n" in c2
    assert section(c2) == (
        "## What changed since the last edition\n\n"
        "2 changes since edition 1 (28 July 2024): 1 fact added, 1 reworded.\n\n"
        "### Facts added\n\n"
        "- The ministers agreed on a headquarters for the forces Japan hosts.[^troops-rotation]\n\n"
        "### Facts reworded\n\n"
        "- Japan hosts roughly 54,000 US troops.[^troops-54000] "
        "*Previously:* Japan hosts about 54,000 US troops."
    )
    # It sits just after the BLUF, and its notes are the facts' own.
    assert (
        c2.index("## Bottom line up front")
        < c2.index("## What changed")
        < c2.index("## Key judgments")
    )
    assert "[^troops-rotation]: Information credibility 3" in c2
    solo = (out / "solo.md").read_text(encoding="utf-8")
    assert section(solo) == (
        "## What changed since the last edition\n\nNo changes since edition 1 (28 July 2024)."
    )
    assert "- **Edition 2**, 29 July 2024\n" in solo
    # The first edition's copies are as they were.
    first = (out / "editions" / FIRST / "c2.md").read_text(encoding="utf-8")
    assert section(first).endswith("First edition.")


def test_briefing_diff_json_shows_exactly_the_two_changes(
    two_editions: tuple[Path, Path],
) -> None:
    _, out = two_editions
    code, stdout, err = cli("diff", "--out", out, "--json")
    assert code == 0, err
    report = json.loads(stdout)
    code, schema, _ = cli("schema", "diff")
    assert code == 0
    jsonschema.validate(report, json.loads(schema))
    assert report["since"] == {"edition": 1, "date": FIRST}
    assert report["to"] == {"edition": 2, "date": SECOND}
    assert report["counts"] == {"fact-added": 1, "fact-reworded": 1}
    assert report["changes"] == [
        {
            "kind": "fact-added",
            "id": "troops-rotation",
            "text": "The ministers agreed on a headquarters for the forces Japan hosts.",
        },
        {
            "kind": "fact-reworded",
            "id": "troops-54000",
            "text": "Japan hosts roughly 54,000 US troops.",
            "before": "Japan hosts about 54,000 US troops.",
            "after": "Japan hosts roughly 54,000 US troops.",
        },
    ]
    # The same by number, by date, and as text.
    assert json.loads(cli("diff", "--out", out, "--json", "--since", 1, "--to", SECOND)[1]) == (
        report
    )
    code, text, _ = cli("diff", "--out", out)
    assert code == 0
    assert text.splitlines() == [
        "edition 2 (29 July 2024): 2 changes since edition 1 (28 July 2024): "
        "1 fact added, 1 reworded.",
        "  fact-added            troops-rotation: "
        "The ministers agreed on a headquarters for the forces Japan hosts.",
        "  fact-reworded         troops-54000: Japan hosts roughly 54,000 US troops.",
        "                        previously: Japan hosts about 54,000 US troops.",
    ]


def test_diff_against_the_working_fact_base_before_it_is_built(
    two_editions: tuple[Path, Path],
) -> None:
    factbase, out = two_editions
    edit(
        factbase / "facts.yaml",
        "statement: Japan hosts roughly 54,000 US troops.",
        "statement: Japan is host to roughly 54,000 US troops.",
    )
    code, stdout, err = cli("diff", "--out", out, "--to", "working", "--facts", factbase, "--json")
    assert code == 0, err
    report = json.loads(stdout)
    assert report["since"] == {"edition": 2, "date": SECOND}
    assert report["to"] == {"edition": "working", "date": FIRST}  # the as-of date
    assert [(c["kind"], c["id"]) for c in report["changes"]] == [("fact-reworded", "troops-54000")]
    assert not (out / "editions" / FIRST / "c2.html").exists()  # nothing was built


def test_a_same_date_rebuild_keeps_its_number_and_rebuilds_nothing(
    two_editions: tuple[Path, Path],
) -> None:
    factbase, out = two_editions

    def times() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != LOCK_NAME}

    before = times()
    code, stdout, _ = build(factbase, out, "-f", "md", "--edition", SECOND)
    assert code == 0
    assert "0 built, 4 skipped" in stdout  # c2.md, solo.md, the catalogue, the feed
    # Past the fast path too (other options): the same Markdown, so nothing is rewritten.
    code, stdout, _ = build(factbase, out, "-f", "md", "--edition", SECOND, "--strict")
    assert code == 0
    assert "0 built, 4 skipped" in stdout
    assert times() == before | {out / "manifest.json": (out / "manifest.json").stat().st_mtime_ns}
    assert "- **Edition 2**, 29 July 2024" in (out / "c2.md").read_text(encoding="utf-8")


def test_a_changed_earlier_record_is_noticed_by_the_fast_path(
    two_editions: tuple[Path, Path],
) -> None:
    """The previous record is an input of every briefing's Markdown: when it goes, the
    briefings say so, even though no fact-base file changed."""
    factbase, out = two_editions
    (out / "editions" / FIRST / "record.json").unlink()
    code, stdout, _ = build(factbase, out, "-f", "md", "--edition", SECOND)
    assert code == 0
    assert "built   c2.md" in stdout
    c2 = (out / "c2.md").read_text(encoding="utf-8")
    assert "- **Edition 1**, 29 July 2024" in c2 and section(c2).endswith("First edition.")


def test_a_record_copied_in_is_noticed_by_the_fast_path(mini: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert build(mini, elsewhere, "-f", "md", "--edition", "2024-07-01")[0] == 0
    assert build(mini, out, "-f", "md")[0] == 0
    shutil.copytree(elsewhere / "editions" / "2024-07-01", out / "editions" / "2024-07-01")
    code, stdout, _ = build(mini, out, "-f", "md")
    assert code == 0 and "built   c2.md" in stdout
    c2 = (out / "c2.md").read_text(encoding="utf-8")
    assert "- **Edition 2**, 28 July 2024" in c2
    assert "No changes since edition 1 (1 July 2024)." in c2


# --------------------------------------------------------------------------- every format


def test_the_section_is_in_every_format(two_editions: tuple[Path, Path]) -> None:
    factbase, out = two_editions
    code, _, err = build(factbase, out, "--edition", SECOND)
    assert code == 0, err
    page = (out / "c2.html").read_text(encoding="utf-8")
    fragment = (out / "c2.fragment.html").read_text(encoding="utf-8")
    for html in (page, fragment):
        assert "What changed since the last edition</h2>" in html
        assert "<em>Previously:</em> Japan hosts about 54,000 US troops." in html
        assert "Edition 2</strong>, 29 July 2024" in html
    pdf = tools.fold_marks(" ".join(" ".join(tools.pdftotext_pages(out / "c2.pdf")).split()))
    assert "Edition 2, 29 July 2024" in pdf
    assert "What changed since the last edition 2 changes since edition 1 (28 July 2024)" in pdf
    assert "Previously: Japan hosts about 54,000 US troops." in pdf
    summary = " ".join(" ".join(tools.pdftotext_pages(out / "c2.summary.pdf")).split())
    assert "Edition 2, 29 July 2024" in summary
    assert "2 changes since edition 1 (28 July 2024): 1 fact added, 1 reworded." in summary
    paragraphs = [p.text for p in docx.Document(str(out / "c2.docx")).paragraphs]
    assert "What changed since the last edition" in paragraphs
    assert any(p.startswith("Japan hosts roughly 54,000 US troops.") for p in paragraphs)
    assert any("Previously: Japan hosts about 54,000 US troops." in p for p in paragraphs)


# --------------------------------------------------------------------------- every kind


@pytest.mark.browser
def test_retired_facts_figures_judgments_and_disagreements_each_cite_their_notes(
    mini: Path, tmp_path: Path, vnu: Callable[[Path], list[str]], page: Page
) -> None:
    """A retired fact and a resolved disagreement have no note in the current fact base:
    they cite what the earlier edition quoted."""
    out = tmp_path / "out"
    with (mini / "facts.yaml").open("a", encoding="utf-8") as facts:
        facts.write(NEW_FACT)
    assert build(mini, out, "-f", "md")[0] == 0
    facts = mini / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(NEW_FACT, ""), encoding="utf-8")
    edit(facts, "value: 54000", "value: 55000")
    briefing = mini / "briefings" / "c2.yaml"
    edit(briefing, "will likely improve", "will very likely improve")
    edit(briefing, "likelihood: likely", "likelihood: very likely")
    code, _, err = build(mini, out, "-f", "md", "-f", "html", "--edition", SECOND)
    assert code == 0, err
    c2 = (out / "c2.md").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert section(c2) == (
        "## What changed since the last edition\n\n"
        "3 changes since edition 1 (28 July 2024): 1 fact retired, 1 figure changed, "
        "1 key judgment changed.\n\n"
        "### Facts retired\n\n"
        "- The ministers agreed on a headquarters for the forces Japan hosts."
        "[^retired:troops-rotation]\n\n"
        "### Figures changed\n\n"
        "- US troops in Japan: 55,000 troops, previously 54,000 troops[^troops-54000]\n\n"
        "### Key judgments changed\n\n"
        "- The new headquarters will very likely improve coordination.[^jfhq-agreed] "
        "*Now very likely, previously likely.*"
    )
    assert (
        "[^retired:troops-rotation]: As edition 1 (28 July 2024) cited it: "
        "information credibility 3: possibly true.\n"
        "    - **mini** (C, fairly reliable; report): “The ministers agreed on Sunday that "
        "U.S. Forces Japan will become a joint force headquarters.”"
    ) in c2
    html = (out / "c2.html").read_text(encoding="utf-8")  # the note is linked in HTML too
    retired = html.split('id="c2-facts-retired"', 1)[1].split("</li>", 1)[0]
    note = re.search(r'href="#(c2--fn\d+)"', retired)
    assert note is not None, retired
    item = f'<li id="{note.group(1)}" class="footnote-item">'
    assert f"{item}<p>As edition 1 (28 July 2024) cited it" in html
    assert vnu(out / "c2.html") == []
    visit(page, out / "c2.html")
    assert axe_violations(page) == []


def test_what_only_moved_into_a_briefing_is_new_to_it_not_new(mini: Path, tmp_path: Path) -> None:
    """A fact whose topics now reach a briefing (and the disagreement it carries) is new to
    that briefing, not to the fact base; the briefing it stays in says nothing changed."""
    (mini / "briefings" / "solo.yaml").write_text(SOLO, encoding="utf-8")
    out = tmp_path / "out"
    assert build(mini, out, "-f", "md")[0] == 0
    edit(mini / "facts.yaml", "topics: [context]", "topics: [context, c2]")
    code, _, err = build(mini, out, "-f", "md", "--edition", SECOND)
    assert code == 0, err
    solo = (out / "solo.md").read_text(encoding="utf-8")
    assert section(solo) == (
        "## What changed since the last edition\n\n"
        "2 changes since edition 1 (28 July 2024): 1 fact added, 1 disagreement opened.\n\n"
        "### Facts added\n\n"
        "- Japan hosts about 54,000 US troops.[^troops-54000] *(new to this briefing)*\n\n"
        "### Disagreements opened\n\n"
        "- US troops in Japan[^discrepancy:troop-count] *(new to this briefing)*"
    )
    c2 = (out / "c2.md").read_text(encoding="utf-8")
    assert section(c2).endswith("No changes since edition 1 (28 July 2024).")
    code, stdout, _ = cli("diff", "--out", out, "--json")
    assert code == 0 and json.loads(stdout)["changes"] == []  # the whole fact base: no change


def test_opened_and_resolved_disagreements_and_added_sources(mini: Path) -> None:
    """Discrepancies and sources, compared record to record (a new source needs a new
    article; the records stand in for two fact bases)."""
    from briefing.build.editions import current_record
    from briefing.changes import ChangeKind, Snapshot, compare
    from briefing.record import Edition
    from briefing.render.markdown import render_markdown
    from briefing.validation import load_valid

    fb, _ = load_valid(mini)
    now = current_record(fb, dt.date(2024, 7, 29))
    c2 = now.briefing("c2")
    assert c2 is not None
    gone = now.discrepancies[0].model_copy(update={"id": "old-count", "subject": "Old count"})
    shown_then = c2.model_copy(update={"discrepancies": ["old-count"], "sources": []})
    earlier = now.model_copy(
        update={"date": dt.date(2024, 7, 28), "discrepancies": [gone], "briefings": [shown_then]}
    )
    old, new = Snapshot.of_briefing(earlier, "c2"), Snapshot.of_briefing(now, "c2")
    assert old is not None and new is not None
    found = compare(old, new)
    assert [(c.kind, c.id) for c in found] == [
        (ChangeKind.DISCREPANCY_OPENED, "troop-count"),
        (ChangeKind.DISCREPANCY_RESOLVED, "old-count"),
        (ChangeKind.SOURCE_ADDED, "mini"),
    ]
    edition = Edition(2, now.date, now, earlier, 1)
    briefing = next(b for b in fb.briefings if b.id == "c2")
    text = render_markdown(fb, briefing, edition=edition).text
    assert section(text) == (
        "## What changed since the last edition\n\n"
        "3 changes since edition 1 (28 July 2024): 1 disagreement opened, 1 resolved, "
        "1 source added.\n\n"
        "### Disagreements opened\n\n"
        "- US troops in Japan[^discrepancy:troop-count]\n\n"
        "### Disagreements resolved\n\n"
        "- Old count[^resolved:old-count]\n\n"
        "### Sources added\n\n"
        "- **mini** Mini report (C, fairly reliable; report) *(new to this briefing)*"
    )  # the earlier record's register held it already: new to this briefing only
    assert "[^resolved:old-count]: Sources disagreed: 54,000; more than 50,000." in text


def test_a_template_that_leaves_the_changes_out_fails_naming_them(
    two_editions: tuple[Path, Path], tmp_path: Path
) -> None:
    factbase, out = two_editions
    templates = tmp_path / "templates"
    templates.mkdir()
    shipped = Path(__file__).resolve().parent.parent / "templates" / "base.md.j2"
    text = shipped.read_text(encoding="utf-8").replace("{{ s.changes(doc.changes, 2) }}\n", "")
    (templates / "base.md.j2").write_text(text, encoding="utf-8")
    code, _, err = build(factbase, out, "-f", "md", "--edition", SECOND, "--templates", templates)
    assert code == 1
    assert "the template shows no section holding change fact-reworded troops-54000" in err
    assert "the changes since the last edition (doc.changes.headline)" in err


# --------------------------------------------------------------------------- bad records


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


HOSTILE = {
    "truncated": lambda good: good[: len(good) // 2],
    "not an object": lambda good: b"[1, 2]",
    "wrong types": lambda good: json.dumps({**json.loads(good), "facts": "all of them"}).encode(),
    "another version": lambda good: json.dumps({**json.loads(good), "version": 99}).encode(),
    "another date": lambda good: json.dumps({**json.loads(good), "date": "2024-07-01"}).encode(),
    "an unknown field": lambda good: json.dumps({**json.loads(good), "extra": 1}).encode(),
    "a duplicate fact": lambda good: json.dumps(
        {**json.loads(good), "facts": json.loads(good)["facts"] * 2}
    ).encode(),
    "a control character": lambda good: good.replace(b"Japan hosts", b"Japan\\u001b[2J hosts", 1),
    "deep nesting": lambda good: b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": lambda good: b"\xff\xfe" + good,
}


@pytest.mark.parametrize("spoil", list(HOSTILE.values()), ids=list(HOSTILE))
def test_an_unusable_record_is_a_warning_and_treated_as_absent(
    mini: Path, tmp_path: Path, spoil: object
) -> None:
    out = tmp_path / "out"
    assert build(mini, out, "-f", "md")[0] == 0
    record = out / "editions" / FIRST / "record.json"
    record.write_bytes(spoil(record.read_bytes()))  # type: ignore[operator]
    found = read_records(out)
    assert found.editions == []
    assert len(found.problems) == 1
    assert found.problems[0].startswith(f"editions/{FIRST}/record.json: ")
    assert found.problems[0].endswith("; treated as absent (the edition is not counted)")
    code, stdout, err = build(mini, out, "-f", "md", "--edition", SECOND)
    assert code == 0, err
    assert f"editions/{FIRST}/record.json" in stdout + err and "treated as absent" in stdout + err
    c2 = (out / "c2.md").read_text(encoding="utf-8")
    assert "- **Edition 1**, 29 July 2024" in c2 and section(c2).endswith("First edition.")
    code, _, err = cli("diff", "--out", out)
    assert code == 2 and "Traceback" not in err
    assert "treated as absent" in err


def test_records_reached_through_links_fifos_or_too_large_are_refused(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    assert build(mini, out, "-f", "md")[0] == 0
    good = out / "editions" / FIRST
    shutil.copytree(good, outside)
    (out / "editions" / "2024-07-01").symlink_to(outside, target_is_directory=True)
    os.mkfifo(out / "editions" / "2024-07-02")  # not a folder: ignored
    (out / "editions" / "2024-07-03").mkdir()
    os.mkfifo(out / "editions" / "2024-07-03" / "record.json")
    (out / "editions" / "2024-07-04").mkdir()
    (out / "editions" / "2024-07-04" / "record.json").symlink_to(outside / "record.json")
    (out / "editions" / "not-a-date").mkdir()
    shutil.copy(good / "record.json", out / "editions" / "not-a-date" / "record.json")
    found = read_records(out)
    assert [e.date.isoformat() for e in found.editions] == [FIRST]
    reasons = sorted(found.problems)
    assert len(reasons) == 3, reasons
    assert "2024-07-01/record.json: it is a link that leads out of the output folder" in reasons[0]
    assert "2024-07-03/record.json: it is not a regular file" in reasons[1]
    assert "2024-07-04/record.json: it is a link" in reasons[2]
    monkeypatch.setattr("briefing.record.MAX_RECORD_BYTES", 100)
    found = read_records(out)
    assert found.editions == [] and any(
        f"{FIRST}/record.json: it is not a regular file of at most 0 MiB" in p
        for p in found.problems
    )


# --------------------------------------------------------------------------- diff errors


def test_diff_errors_are_one_line_and_exit_2(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = cli("diff", "--out", out)
    assert (code, err.strip()) == (
        2,
        f"briefing: no edition is recorded in {out}/editions: build one first, or name the "
        "output folder with --out",
    )
    assert build(mini, out, "-f", "md")[0] == 0
    code, _, err = cli("diff", "--out", out)
    assert code == 2
    assert "only one edition is recorded (1 (2024-07-28))" in err and "--to working" in err
    assert build(mini, out, "-f", "md", "--edition", SECOND)[0] == 0
    for args, message in [
        (("--since", 3), "--since 3: no such edition; recorded: 1 (2024-07-28), 2 (2024-07-29)"),
        (("--to", "2024-08-01"), "--to 2024-08-01: no such edition"),
        (("--since", 2, "--to", 1), "--since names edition 2 (2024-07-29), which is not earlier"),
        (("--to", 1), "--to 1: edition 1 has no earlier edition to compare with"),
    ]:
        code, _, err = cli("diff", "--out", out, *args)
        assert code == 2, args
        assert message in err and "Traceback" not in err, err
    code, stdout, _ = cli("diff", "--out", out)
    assert code == 0
    assert stdout.strip() == "edition 2 (29 July 2024): No changes since edition 1 (28 July 2024)."


def test_the_deprecated_edition_field_is_a_warning_with_a_hint(mini: Path) -> None:
    briefing = mini / "briefings" / "c2.yaml"
    edit(briefing, "template: topic.md.j2\n", 'template: topic.md.j2\nedition: "7"\n')
    code, _, err = cli("validate", "--facts", mini)
    assert code == 0
    line = next(x for x in err.splitlines() if "edition-deprecated" in x or "`edition: 7`" in x)
    assert re.match(r".*c2\.yaml:6:1: warning: `edition: 7` is no longer used", line), line
    assert "delete the line" in line
    assert cli("validate", "--facts", mini, "--strict")[0] == 1
