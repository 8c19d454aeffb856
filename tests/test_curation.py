"""Assisted curation: `briefing draft` and `briefing suggest`, one small fixture per rule.

Each fixture is a project made by `briefing init` with articles written for the rule under
test, registered with `briefing source add`; the commands run through CliRunner as an analyst
runs them, and what they write is read back and validated.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.checks import quote_spans
from briefing.cli import app
from briefing.curation import reading
from briefing.curation.suggest import suggest
from briefing.model import FactKind
from briefing.render.context import document_view
from briefing.text import normalise
from briefing.validation import gather

REPO = Path(__file__).resolve().parent.parent

PREVIEW = """\
PORT ELLIS — Harbour chief Jane Moss will sign the dredging contract on Tuesday, officials said.
The port hosts more than 50,000 containers a week, according to the harbour board.
Port Director Jane Moss said the work was "a chance to secure the future of the town".
The town lies on the estuary of the Ellis.
"""
REPORT = """\
PORT ELLIS — Harbour chief Jane Moss signed the dredging contract on Tuesday, officials said.
The port handles 54,000 containers a week, board figures show.
Mayor Jane Moss told reporters the work was "a chance to protect the future of the town".
The town lies on the estuary of the river Ellis.
"""
ENTITIES = """\
# People the articles name.
entities:
  - id: jane-moss
    name: Jane Moss
    kind: person
    role: Harbour chief
    country: not stated
    citations:
      - source: preview
        quote: Harbour chief Jane Moss
"""


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a preview and a report of one event, a topic and one person."""
    code, _, err = run("init", tmp_path / "proj", "--as-of", "2031-03-04", "--title", "Port")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "proj")
    for name, text, timing in (("preview", PREVIEW, "preview"), ("report", REPORT, "report")):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        code, _, err = run("source", "add", tmp_path / f"{name}.txt", "--timing", timing)
        assert code == 0, err
    settings = Path("factbase/factbase.yaml")
    text = settings.read_text(encoding="utf-8")
    topic = "topics:\n  - id: port\n    title: The port\n    description: The port's works.\n"
    settings.write_text(text.replace("topics: []\n", topic), encoding="utf-8")
    Path("factbase/entities.yaml").write_text(ENTITIES, encoding="utf-8")
    return tmp_path / "proj"


def loaded(folder: Path = Path("factbase")):  # type: ignore[no-untyped-def]
    fb, problems = gather(folder)
    assert fb is not None, [str(p) for p in problems]
    return fb, problems


# ----------------------------------------------------------------------------- reading rules


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The council will vote on the budget in May.", FactKind.EXPECTATION),
        ("The minister is expected to resign.", FactKind.EXPECTATION),
        ("The board plans to widen the channel.", FactKind.EXPECTATION),
        ("The two sides agreed to share radar data.", FactKind.AGREED),
        ("The mayor signed the contract.", FactKind.AGREED),
        ("The ministry announced a review of the port.", FactKind.PLAN),
        ('"We are ready," the mayor said.', FactKind.QUOTATION),
        ("The port handles 54,000 containers a week.", FactKind.FIGURE),
        ("The ministers condemned the launches.", FactKind.POSITION),
        ("The town lies on the estuary.", FactKind.BACKGROUND),
    ],
)
def test_the_kind_is_guessed_from_the_wording(sentence: str, kind: FactKind) -> None:
    assert reading.guess_kind(sentence) is kind


def test_a_quotation_needs_a_speech_verb_and_quotation_marks() -> None:
    assert reading.guess_kind('The so-called "fast lane" opened.') is not FactKind.QUOTATION
    assert reading.guess_kind("The mayor said the port is ready.") is not FactKind.QUOTATION


def test_figures_carry_value_unit_and_qualifier() -> None:
    found = reading.figures(
        "Japan is home to more than 50,000 U.S. troops; the drill took nearly six hours, "
        "2.5 percent of 1.2 million people, in 2024, at the “2+2” talks."
    )
    assert [(f.value, f.unit, f.qualifier) for f in found] == [
        (50000.0, "troops", "more than"),
        (6.0, "hours", "about"),
        (2.5, "percent", "exactly"),
        (1200000.0, "people", "exactly"),
    ]


def test_a_number_glued_to_a_name_is_no_figure() -> None:
    assert reading.figures("PAC-3 interceptors and F-35 jets") == []


def test_dates_are_typed_and_an_inferred_year_says_so() -> None:
    found = reading.dates("Talks on July 28th 2024, a review on 3 June.", 2025, "as_of")
    assert [(d.value, d.inferred, d.basis) for d in found] == [
        ("2024-07-28", False, ""),
        ("2025-06-03", True, "as_of"),
    ]
    assert reading.dates("on 31 February 2024", None, "") == []


# ----------------------------------------------------------------------------- draft


def test_draft_writes_a_draft_per_uncited_sentence_keeping_the_file(project: Path) -> None:
    before = Path("factbase/facts.yaml").read_text(encoding="utf-8")
    code, out, err = run("draft", "preview")
    assert code == 0, err
    after = Path("factbase/facts.yaml").read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.startswith("#")]
    assert [line for line in after.splitlines() if line.startswith("#")] == comments
    fb, problems = loaded()
    assert [f.citations[0].quote for f in fb.facts] == [
        line.strip() for line in PREVIEW.splitlines()
    ]
    assert all(f.draft for f in fb.facts)
    by_kind = {f.kind: f for f in fb.facts}
    sign = by_kind[FactKind.EXPECTATION]
    assert sign.entities == ["jane-moss"] and sign.credibility == 6  # init's grade F
    figure = by_kind[FactKind.FIGURE]
    assert [(v.value, v.unit, v.qualifier) for v in figure.figures] == [
        (50000.0, "containers", "more than")
    ]
    quote = by_kind[FactKind.QUOTATION]
    assert quote.speaker == "jane-moss"
    assert "4 drafts, 0 corroborations" in out
    assert not [p for p in problems if p.severity == "error"], [str(p) for p in problems]
    drafts = [p for p in problems if p.code == "draft"]
    assert len(drafts) == 4 and all(p.severity == "warning" for p in drafts)


def test_validate_counts_drafts_as_warnings_and_strict_fails(project: Path) -> None:
    run("draft", "preview")
    code, out, err = run("validate", "--facts", "factbase")
    assert code == 0, out + err
    assert "is a draft" in out + err
    code, out, err = run("validate", "--facts", "factbase", "--strict")
    assert code == 1


def test_draft_twice_adds_nothing_the_second_time(project: Path) -> None:
    run("draft", "preview")
    first = Path("factbase/facts.yaml").read_bytes()
    code, out, _ = run("draft", "preview")
    assert code == 0 and "0 drafts, 0 corroborations" in out
    assert Path("factbase/facts.yaml").read_bytes() == first


def test_a_sentence_saying_what_a_fact_says_corroborates_it(project: Path) -> None:
    run("draft", "preview")
    code, out, err = run("draft", "report")
    assert code == 0, err
    fb, _ = loaded()
    estuary = [f for f in fb.facts if "estuary" in f.statement]
    assert len(estuary) == 1  # not a second draft
    assert [c.source for c in estuary[0].citations] == ["preview", "report"]
    assert f"says what fact {estuary[0].id} says: added to it as a further citation" in out


def test_a_sentence_with_another_figure_is_no_corroboration(project: Path) -> None:
    run("draft", "preview")
    run("draft", "report")
    fb, _ = loaded()
    containers = [f for f in fb.facts if "containers" in f.statement]
    assert len(containers) == 2
    assert all(len(f.citations) == 1 for f in containers)


def test_no_briefing_shows_a_draft(project: Path) -> None:
    run("draft", "preview")
    code, _, err = run("new", "port-note", "--topic", "port")
    assert code == 0, err
    fb, _ = loaded()
    briefing = fb.briefings[0]
    shown = [v.id for v in document_view(fb, briefing).main.facts]
    assert shown == []
    fb = dataclasses.replace(fb, facts=[f.model_copy(update={"status": None}) for f in fb.facts])
    assert len(document_view(fb, briefing).main.facts) == 4  # reviewed: shown


def test_a_briefing_naming_a_draft_is_an_error(project: Path) -> None:
    run("draft", "preview")
    fb, _ = loaded()
    assert run("new", "port-note", "--topic", "port")[0] == 0
    path = Path("factbase/briefings/port-note.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("facts: []", f"facts: [{fb.facts[0].id}]", 1), encoding="utf-8")
    _, problems = gather(Path("factbase"))
    assert "draft-in-briefing" in {p.code for p in problems}


def test_draft_of_an_unknown_source_names_the_registered_ones(project: Path) -> None:
    code, _, err = run("draft", "nope")
    assert code != 0
    assert "unknown source 'nope'; registered: preview, report" in err


# ----------------------------------------------------------------------------- suggest


def _suggested(kind: str) -> list[dict[str, object]]:
    code, out, err = run("suggest", "--facts", "factbase", "--json")
    assert code == 0, err
    return [s for s in json.loads(out) if s["kind"] == kind]


def _quotes_pass(fb_folder: Path, suggestion: dict[str, object]) -> None:
    fb, _ = loaded(fb_folder)
    for variant in suggestion["variants"]:  # type: ignore[attr-defined]
        for cit in variant["citations"]:
            assert quote_spans(normalise(fb.source_text(cit["source"])), cit["quote"]), cit


def test_suggest_figures_same_unit_and_subject_different_values(project: Path) -> None:
    [figure] = _suggested("figure")
    assert [v["says"] for v in figure["variants"]] == [  # type: ignore[index]
        "more than 50,000 containers",
        "54,000 containers",
    ]
    _quotes_pass(Path("factbase"), figure)


def test_suggest_leaves_unrelated_counts_alone(tmp_path: Path, project: Path) -> None:
    (tmp_path / "c.txt").write_text(
        "The two countries met in Ellis.\nThe park has 5,000 visitors.\n", encoding="utf-8"
    )
    (tmp_path / "d.txt").write_text(
        "The three countries signed later.\nThe museum has 90,000 visitors.\n", encoding="utf-8"
    )
    run("source", "add", tmp_path / "c.txt")
    run("source", "add", tmp_path / "d.txt")
    says = [v["says"] for s in _suggested("figure") for v in s["variants"]]  # type: ignore[attr-defined]
    assert not [s for s in says if "countries" in s or "visitors" in s]


def test_suggest_quotations_same_speaker_different_words(project: Path) -> None:
    quoted = _suggested("quotation")
    assert quoted, "expected the two renderings of Moss's remark"
    cited = {c["quote"] for s in quoted for v in s["variants"] for c in v["citations"]}  # type: ignore[attr-defined]
    assert any("secure the future" in q for q in cited)
    assert any("protect the future" in q for q in cited)
    for suggestion in quoted:
        _quotes_pass(Path("factbase"), suggestion)


def test_suggest_timing_preview_expects_report_agrees(project: Path) -> None:
    [timing] = _suggested("timing")
    variants = timing["variants"]  # type: ignore[index]
    assert variants[0]["citations"][0]["source"] == "preview"
    assert "will sign" in variants[0]["citations"][0]["quote"]
    assert variants[1]["citations"][0]["source"] == "report"
    assert "signed" in variants[1]["citations"][0]["quote"]


def test_suggest_descriptions_same_person_different_titles(project: Path) -> None:
    [described] = _suggested("description")
    says = [v["says"] for v in described["variants"]]  # type: ignore[index]
    assert set(says) == {"port director", "mayor"}
    _quotes_pass(Path("factbase"), described)


def test_suggest_the_same_figure_said_of_different_things(tmp_path: Path, project: Path) -> None:
    (tmp_path / "e.txt").write_text(
        "He held the first bilateral talks with the harbour board in 15 years.\n",
        encoding="utf-8",
    )
    (tmp_path / "f.txt").write_text(
        "He is the first mayor to visit the harbour in 15 years.\n", encoding="utf-8"
    )
    run("source", "add", tmp_path / "e.txt")
    run("source", "add", tmp_path / "f.txt")
    found = [s for s in _suggested("description") if "15 years" in str(s["subject"])]
    assert len(found) == 1
    sources = [c["source"] for v in found[0]["variants"] for c in v["citations"]]  # type: ignore[attr-defined]
    assert sources == ["e", "f"]


def test_suggest_corroborations_for_a_cited_fact(project: Path) -> None:
    path = Path("factbase/facts.yaml")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "facts: []",
            "facts:\n  - id: estuary\n    topics: [port]\n    statement: The town is on the "
            "estuary.\n    kind: background\n    credibility: 3\n    citations:\n"
            "      - source: preview\n        quote: The town lies on the estuary of the Ellis.",
        ),
        encoding="utf-8",
    )
    [corroboration] = _suggested("corroboration")
    assert corroboration["facts"] == ["estuary"]
    assert corroboration["variants"][1]["citations"][0]["source"] == "report"  # type: ignore[index]


def test_suggest_leaves_out_what_is_recorded(project: Path) -> None:
    [figure] = _suggested("figure")
    entry = {
        "id": "containers",
        "topics": ["port"],
        "kind": "figure",
        "subject": figure["subject"],
        "variants": figure["variants"],
        "note": "Prefer the board's figures.",
    }
    Path("factbase/discrepancies.yaml").write_text(
        json.dumps({"discrepancies": [entry]}), encoding="utf-8"
    )
    code, out, err = run("validate", "--facts", "factbase")
    assert code == 0, out + err  # what suggest printed pastes as a valid entry
    assert _suggested("figure") == []


def test_suggest_prints_a_table_without_json(project: Path) -> None:
    code, out, _ = run("suggest", "--facts", "factbase")
    assert code == 0
    assert "figure" in out and "54,000 containers" in out and "preview:2" in out


def test_suggest_on_the_shipped_sources_without_their_register() -> None:
    fb, _ = loaded(REPO / "factbase")
    found = suggest(dataclasses.replace(fb, discrepancies=[]))
    says = [{v.says for v in s.variants} for s in found]
    assert {"more than 50,000 troops", "54,000 troops"} in says
    wording = [
        " ".join(c.quote for v in s.variants for c in v.citations)
        for s in found
        if s.kind == "quotation"
    ]
    assert any("greatest strategic challenge" in w and "largest" in w for w in wording)
