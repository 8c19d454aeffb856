"""The authoring commands through the CLI: init, source add/update/text, quote, new.

Each test runs the command as an analyst would (CliRunner, in a project folder) and checks
what it wrote to disk, what it printed and its exit code.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from editing import edit, where
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefing.authoring.quotes import QuoteMatch, find_quote
from briefing.checks import quote_spans
from briefing.cli import app
from briefing.schema import KINDS, file_name, schema_text
from briefing.text import normalise
from briefing.watch import seeds_folder

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ARTICLE = """\
Harbour Board Weighs Dredging Plan

PORT ELLIS — The harbour board voted five to two on Tuesday to approve the dredging.
Work started in May and took about six weeks, the board said.
By Jane Example
"""


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh project made by `briefing init`, as the working folder."""
    code, _, err = run("init", tmp_path / "proj", "--as-of", "2031-03-04", "--title", "Port")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ----------------------------------------------------------------------------- init


def test_init_makes_a_project_that_validates(project: Path) -> None:
    assert sorted(p.name for p in project.iterdir()) == ["factbase", "schema", "seeds", "templates"]
    assert list((project / "seeds").iterdir()) == []
    assert list((project / "templates").iterdir()) == []
    code, _, err = run("validate")
    assert code == 0, err
    assert err.splitlines()[-1] == "0 errors, 2 warnings in 0 facts, 0 sources"  # two TODOs


def test_every_file_init_writes_is_commented_and_its_schema_resolves(project: Path) -> None:
    for kind in KINDS:
        assert (project / "schema" / file_name(kind)).read_text() == schema_text(kind)
    for path in sorted((project / "factbase").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# yaml-language-server: $schema="), path
        target = (path.parent / lines[0].split("$schema=", 1)[1]).resolve()
        assert target.is_file(), target
        assert sum(line.lstrip().startswith("#") for line in lines) >= 3, path


def test_init_refuses_to_touch_an_existing_fact_base(project: Path) -> None:
    before = snapshot(project)
    code, _, err = run("init", project)
    assert code == 2
    assert "factbase already exists; choose a new folder" in err
    assert snapshot(project) == before


# ----------------------------------------------------------------------------- source add


def test_source_add_copies_byte_for_byte_and_registers_the_full_digest(
    project: Path, tmp_path: Path
) -> None:
    article = tmp_path / "harbour.txt"
    article.write_bytes(EXAMPLE_ARTICLE.encode("utf-8"))
    code, out, err = run("source", "add", article, "--origin", "Port Ellis Gazette")
    assert code == 0, err
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    assert (project / "seeds" / "harbour.txt").read_bytes() == article.read_bytes()
    assert f"registered harbour: seeds/harbour.txt (sha256 {digest})" in out
    assert "proposed exclusion, line 1: Headline" in out
    assert "proposed exclusion, line 5: Byline" in out
    register = (project / "factbase" / "sources.yaml").read_text(encoding="utf-8")
    assert f"sha256: {digest}" in register
    assert "label: Port Ellis Gazette — Harbour Board Weighs Dredging Plan" in register
    assert "curating: true" in register
    code, _, err = run("validate")
    assert code == 0, err
    assert "harbour is being curated: 0 of 2 sentences cited (0%)" in err
    assert run("validate", "--strict")[0] == 1


def test_source_add_keeps_every_byte_of_a_hand_written_register(tmp_path: Path) -> None:
    """The shipped register, comments and long lines and all, stays a prefix of the file."""
    root = tmp_path / "shipped"
    shutil.copytree(REPO / "factbase", root / "factbase")
    shutil.copytree(REPO / "seeds", root / "seeds")
    register = root / "factbase" / "sources.yaml"
    before = register.read_text(encoding="utf-8")
    article = tmp_path / "harbour.txt"
    article.write_text(EXAMPLE_ARTICLE, encoding="utf-8")
    code, _, err = run("source", "add", article, "--facts", root / "factbase", "--id", "s005")
    assert code == 0, err
    after = register.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :].startswith("  # Added by `briefing source add`")
    assert "\n  - id: s005\n" in after
    code, _, err = run("validate", "--facts", root / "factbase")
    assert code == 0, err


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"caf\xe9 au lait\n", "is not UTF-8 text: byte 0xe9 on line 1"),
        (b"\xef\xbb\xbfA headline\n", "starts with a byte-order mark"),
        (b"text\x00with a NUL\n", "is not plain text: control character U+0000 on line 1"),
        (b"   \n\n", "is empty"),
    ],
)
def test_source_add_refuses_what_is_not_utf8_text(
    project: Path, tmp_path: Path, raw: bytes, message: str
) -> None:
    article = tmp_path / "bad.txt"
    article.write_bytes(raw)
    before = snapshot(project)
    code, _, err = run("source", "add", article)
    assert code == 2
    assert message in err
    assert snapshot(project) == before


def test_source_add_refuses_an_article_already_registered(project: Path, tmp_path: Path) -> None:
    article = tmp_path / "harbour.txt"
    article.write_text(EXAMPLE_ARTICLE, encoding="utf-8")
    assert run("source", "add", article)[0] == 0
    before = snapshot(project)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(article.read_bytes())
    code, _, err = run("source", "add", copy)
    assert code == 2
    assert "is already registered as harbour (harbour.txt)" in err
    article.write_text(EXAMPLE_ARTICLE + "A late paragraph.\n", encoding="utf-8")
    code, _, err = run("source", "add", article)
    assert code == 2
    assert "run `briefing source update harbour" in err
    assert snapshot(project) == before


def test_source_add_takes_the_options(project: Path, tmp_path: Path) -> None:
    article = tmp_path / "harbour.txt"
    article.write_text(EXAMPLE_ARTICLE, encoding="utf-8")
    code, _, err = run(
        "source", "add", article, "--id", "gazette-1", "--timing", "preview", "--date", "2031-03-03"
    )
    assert code == 0, err
    register = (project / "factbase" / "sources.yaml").read_text(encoding="utf-8")
    assert "- id: gazette-1" in register
    assert "timing: preview" in register
    assert "date: 2031-03-03" in register
    # the text reads as a report ("voted", "started"): a preview needs the analyst's words
    assert "timing_evidence: 'TODO: quote the wording that shows it is a preview'" in register
    assert "date_evidence: given by the analyst (--date); the text does not give it" in register


def test_source_add_outside_a_project_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text(EXAMPLE_ARTICLE, encoding="utf-8")
    code, _, err = run("source", "add", article)
    assert code == 2
    assert "no factbase/ folder here" in err


# ----------------------------------------------------------------------------- source text


def test_source_text_lists_each_sentence_with_what_accounts_for_it(mini: Path) -> None:
    code, out, err = run("source", "text", "mini", "--facts", mini)
    assert code == 0, err
    assert out.splitlines() == [
        "1:1     [excluded: photo caption and credit] Photo: a helicopter over Atsugi.",
        "1:34    [excluded: photo caption and credit] Credit: Example Images",
        "2:1     [jfhq-agreed] The ministers agreed on Sunday that U.S. Forces Japan will become "
        "a joint force headquarters.",
        "3:1     [troops-54000, entity official, discrepancy troop-count] Japan hosts 54,000 US "
        "troops, the official said.",
        "4:1     [discrepancy troop-count] Another report says Japan is home to “more than "
        "50,000” U.S. troops — a rounder figure.",
    ]
    assert err.strip() == "mini: 5 sentences, 3 cited, 2 excluded, 0 uncited"


def test_source_text_shows_what_is_left_to_cite(mini: Path) -> None:
    edit(
        mini / "discrepancies.yaml",
        'quote: Japan is home to "more than 50,000" U.S. troops - a rounder figure.',
        "quote: Japan hosts 54,000 US troops",
    )
    code, out, _ = run("source", "text", "mini", "--facts", mini, "--uncited")
    assert code == 0
    assert out.splitlines() == [
        "4:1     [UNCITED] Another report says Japan is home to “more than 50,000” U.S. troops "
        "— a rounder figure."
    ]
    code, out, _ = run("source", "text", "mini", "--facts", mini, "--uncited", "--json")
    (row,) = json.loads(out)
    assert row == {
        "number": 5,
        "line": 4,
        "column": 1,
        "text": "Another report says Japan is home to “more than 50,000” U.S. troops — a rounder "
        "figure.",
        "facts": [],
        "others": [],
        "excluded": None,
        "uncited": True,
    }


def test_source_text_of_an_unknown_source(mini: Path) -> None:
    code, _, err = run("source", "text", "nope", "--facts", mini)
    assert code == 2
    assert "unknown source 'nope'; registered: mini" in err


# ----------------------------------------------------------------------------- quote


def test_quote_finds_a_paraphrase_and_prints_a_citation_that_validates(mini: Path) -> None:
    code, out, err = run(
        "quote",
        "mini",
        "ministers agree US Forces Japan to become joint headquarters",
        "--facts",
        mini,
    )
    assert code == 0, err
    assert out == (
        '- source: mini\n  quote: "The ministers agreed on Sunday that U.S. Forces Japan will '
        'become a joint force headquarters."\n'
    )
    assert "line 2, column 1" in err
    # pasted as a fact's citation, it is found
    facts = mini / "facts.yaml"
    cited = out.replace("- source", "      - source").replace("\n  quote", "\n        quote")
    edit(
        facts,
        "    citations:\n      - source: mini\n        quote: Japan hosts",
        ("    citations:\n" + cited + "      - source: mini\n        quote: Japan hosts"),
    )
    code, _, err = run("validate", "--facts", mini)
    assert code == 0, err


def test_quote_narrows_a_fragment_to_its_clause(mini: Path) -> None:
    code, out, _ = run(
        "quote", "mini", "home to more then 50,000 troops", "--facts", mini, "--json"
    )
    assert code == 0
    best = json.loads(out)["matches"][0]
    assert best["quote"] == "Another report says Japan is home to “more than 50,000” U.S. troops"
    assert (best["line"], best["column"]) == (4, 1)


def test_quote_with_nothing_plausible_exits_1_and_prints_no_passage(mini: Path) -> None:
    code, out, err = run("quote", "mini", "penguins dance on the ice", "--facts", mini)
    assert code == 1
    assert out == ""
    assert "no passage of mini matches 'penguins dance on the ice' closely enough" in err


TEXT = (REPO / "seeds" / "004_d6598c7fc33269be.txt").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.integers(min_value=0, max_value=len(TEXT) - 1),
    length=st.integers(min_value=1, max_value=120),
    noise=st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.", max_size=12),
)
def test_quote_never_invents_a_passage(start: int, length: int, noise: str) -> None:
    words = TEXT[start : start + length] + noise
    found = find_quote(TEXT, words)
    if isinstance(found, list):
        for match in found:
            assert isinstance(match, QuoteMatch)
            assert match.quote in TEXT  # a slice of the source, byte for byte
            assert quote_spans(normalise(TEXT), match.quote)  # validate finds it as it stands
            assert match.quote == match.quote.strip()


# ----------------------------------------------------------------------------- source update


def test_source_update_records_the_edit_and_lists_the_quotes_it_broke(mini: Path) -> None:
    seed = mini.parent / "seeds" / "mini.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("hosts 54,000", "hosts 55,000"))
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    code, _, err = run("validate", "--facts", mini)
    assert f"its sha256 is now {digest}" in err
    code, out, err = run("source", "update", "mini", "--facts", mini)
    assert code == 1
    assert f"mini: recorded sha256 {digest} (was de628648" in out
    assert "2 quotes no longer match the text:" in err
    facts, discrepancies = mini / "facts.yaml", mini / "discrepancies.yaml"
    line, column = where(facts, "Japan hosts 54,000 US troops")
    assert f"{facts.name}:{line}:{column}: error: fact troops-54000: quote no longer found" in err
    assert discrepancies.name in err
    assert f"sha256: {digest}" in (mini / "sources.yaml").read_text(encoding="utf-8")
    assert "excluded lines as they read now" in out
    code, out, _ = run("source", "update", "mini", "--facts", mini)  # nothing new: same list
    assert "mini: unchanged" in out


def test_source_update_with_a_new_version_copies_it_first(mini: Path, tmp_path: Path) -> None:
    seed = mini.parent / "seeds" / "mini.txt"
    newer = tmp_path / "mini-v2.txt"
    newer.write_bytes(seed.read_bytes() + b"\n")
    code, _, err = run("source", "update", "mini", newer, "--facts", mini)
    assert code == 0, err
    assert seed.read_bytes() == newer.read_bytes()
    assert run("validate", "--facts", mini)[0] == 0


# ----------------------------------------------------------------------------- new --includes


def test_new_read_ahead_includes_briefings_and_takes_the_uncovered_topic_as_context(
    mini: Path,
) -> None:
    edit(mini / "briefings" / "c2.yaml", "topics: [c2, context]", "topics: [c2]")
    code, _, err = run("new", "read-ahead", "--includes", "c2", "--facts", mini)
    assert code == 0, err
    text = (mini / "briefings" / "read-ahead.yaml").read_text(encoding="utf-8")
    assert "template: readahead.md.j2" in text
    assert "topics: [context]" in text
    assert "includes: [c2]" in text
    code, _, err = run("validate", "--facts", mini)
    assert code == 0, err
    assert "not-shown" not in err and "is in no briefing" not in err


def test_new_read_ahead_refuses_an_unknown_briefing(mini: Path) -> None:
    code, _, err = run("new", "read-ahead", "--includes", "c2,nope", "--facts", mini)
    assert code == 2
    assert "unknown briefing 'nope'" in err


# ----------------------------------------------------------------------------- seeds setting


def test_watch_and_serve_follow_the_seeds_setting(mini: Path) -> None:
    edit(mini / "factbase.yaml", "seeds: ../seeds", "seeds: ../articles")
    assert seeds_folder(mini).resolve() == (mini.parent / "articles").resolve()
