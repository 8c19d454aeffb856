"""`out/<id>.json`: the document view as data, valid against its published schema (checked by
jsonschema, a validator independent of the pydantic models that generate the schema), plain
text values, and read back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from briefing.build import Options, run
from briefing.cli import app
from briefing.render.context import document_view
from briefing.render.document_json import read_output
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent
SHIPPED_FACTBASE = REPO / "factbase"


def published_schema() -> dict[str, object]:
    result = CliRunner().invoke(app, ["schema", "briefing-output"])
    assert result.exit_code == 0, result.stderr
    schema: dict[str, object] = json.loads(result.stdout)
    return schema


def test_the_published_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = published_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    committed = json.loads((REPO / "schema" / "briefing-output.schema.json").read_text("utf-8"))
    assert committed == schema


def test_every_shipped_briefing_json_validates_against_the_schema(
    shipped_out: Path, shipped_ids: list[str]
) -> None:
    validator = jsonschema.Draft202012Validator(published_schema())
    for ident in shipped_ids:
        data = json.loads((shipped_out / f"{ident}.json").read_text(encoding="utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], ident
        assert data["id"] == ident


def test_the_schema_rejects_what_the_output_never_holds(shipped_out: Path) -> None:
    validator = jsonschema.Draft202012Validator(published_schema())
    data = json.loads((shipped_out / "read-ahead.json").read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    assert not validator.is_valid({**data, "extra": 1})
    del data["bluf"]
    assert not validator.is_valid(data)


def test_the_json_holds_what_the_briefing_shows(shipped_out: Path) -> None:
    fb, _ = load_valid(SHIPPED_FACTBASE)
    for briefing in fb.briefings:
        view = document_view(fb, briefing)
        data = json.loads((shipped_out / f"{briefing.id}.json").read_text(encoding="utf-8"))
        assert [b["text"] for b in data["bluf"]] == [b.text for b in briefing.bluf]
        assert [j["text"] for j in data["key_judgments"]] == [j.text for j in briefing.judgments]
        facts = {f["id"]: f for s in data["sections"] for f in s["facts"]}
        assert sorted(facts) == sorted(v.id for v in view.all_facts)
        for fact_view in view.all_facts:  # statements and quotes verbatim, not typeset
            fact = facts[fact_view.id]
            assert fact["statement"] == fact_view.fact.statement
            assert [c["quote"] for c in fact["citations"]] == [
                c.quote for c in fact_view.fact.citations
            ]
        assert [s["id"] for s in data["sources"]] == [s.id for s in view.sources]
        assert data["marking"]["banner"] == view.marking.banner
        assert data["edition"] == {"number": view.edition, "date": "2024-07-28"}
        shown = {d.discrepancy.id for s in (view.context, view.main, *view.parts) if s
                 for d in s.discrepancies}  # fmt: skip
        assert {d["id"] for d in data["discrepancies"]} == shown
        for judgment in data["key_judgments"]:
            assert (judgment["likelihood"] is None) != (judgment["confidence"] is None)


def test_text_is_plain_not_markdown_escaped(mini: Path, tmp_path: Path) -> None:
    facts = mini / "facts.yaml"
    text = "Japan hosts about 54,000 US troops."
    hostile = "Japan hosts *about* 54,000 <b>US</b> troops & [more](x) \\ `code`."
    facts.write_text(facts.read_text(encoding="utf-8").replace(text, hostile), encoding="utf-8")
    out = tmp_path / "out"
    assert not run(Options(factbase=mini, out=out, formats=("json",))).failed
    data = json.loads((out / "c2.json").read_text(encoding="utf-8"))
    statements = [f["statement"] for s in data["sections"] for f in s["facts"]]
    assert hostile in statements


def test_the_bytes_read_back_to_the_same_document(shipped_out: Path) -> None:
    data = (shipped_out / "c2-restructuring.json").read_bytes()
    output = read_output(data)
    assert output is not None and output.id == "c2-restructuring"
    assert read_output(b'{"id": "x"}') is None
    assert read_output(b"not json") is None


def test_the_json_says_what_changed_since_the_last_edition(mini: Path, tmp_path: Path) -> None:
    """Edition 1; one fact reworded and one added; edition 2: its JSON lists exactly those
    two changes, each with its citations, and still validates."""
    out = tmp_path / "out"
    options = {"factbase": mini, "out": out, "formats": ("json",)}
    assert not run(Options(**options, edition="2024-07-28")).failed  # type: ignore[arg-type]
    first = json.loads((out / "c2.json").read_text(encoding="utf-8"))
    assert first["edition"] == {"number": "1", "date": "2024-07-28"}
    assert first["changes"] == {
        "first": True, "headline": "First edition.", "since_edition": None, "since_date": None,
        "entries": [],
    }  # fmt: skip
    facts = mini / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("Japan hosts about 54,000 US troops.", "Japan hosts some 54,000 US troops.")
    facts.write_text(text.rstrip("\n") + "\n" + ADDED_FACT, encoding="utf-8")
    assert not run(Options(**options, edition="2024-07-29")).failed  # type: ignore[arg-type]
    second = json.loads((out / "c2.json").read_text(encoding="utf-8"))
    assert second["edition"] == {"number": "2", "date": "2024-07-29"}
    changes = second["changes"]
    assert changes["since_edition"] == "1" and changes["since_date"] == "2024-07-28"
    assert [(e["kind"], e["id"]) for e in changes["entries"]] == [
        ("fact-added", "troops-again"),
        ("fact-reworded", "troops-54000"),
    ]
    reworded = changes["entries"][1]
    assert reworded["before"] == "Japan hosts about 54,000 US troops."
    assert reworded["after"] == "Japan hosts some 54,000 US troops."
    assert all(e["citations"] for e in changes["entries"])
    validator = jsonschema.Draft202012Validator(published_schema())
    assert list(validator.iter_errors(second)) == []
    earlier = json.loads((out / "editions" / "2024-07-28" / "c2.json").read_text("utf-8"))
    assert earlier == first


ADDED_FACT = """\
  - id: troops-again
    topics: [context]
    statement: Some 54,000 US troops are based in Japan.
    kind: background
    credibility: 3
    citations:
      - source: mini
        quote: Japan hosts 54,000 US troops
"""
