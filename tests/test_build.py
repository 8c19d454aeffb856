"""`briefing build`: outputs, manifest, incremental rebuilds, exit codes, the lock."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from briefing.writing import LOCK_NAME, OutputFolder

runner = CliRunner()


def build(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, ["build", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_every_format_and_a_manifest(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = build("--facts", mini, "--out", out, "--jobs", 1)
    assert code == 0, err
    names = {
        "c2.md", "c2.html", "c2.fragment.html", "c2.pdf", "c2.summary.pdf", "c2.summary.html",
        "c2.docx", "c2.json",
    }  # fmt: skip
    site = {"index.html", "index.fragment.html", "feed.xml"}  # the whole fact base's, undated
    assert names | site <= {p.name for p in out.iterdir()}
    manifest = json.loads((out / "manifest.json").read_text())
    edition = {f"editions/2024-07-28/{name}" for name in names}
    record = "editions/2024-07-28/record.json"  # the edition's record, recorded like the rest
    assert set(manifest["outputs"]) == names | edition | site | {record}
    for name, entry in manifest["outputs"].items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
    assert manifest["tool_version"]
    assert len(manifest["factbase_digest"]) == 64


def test_second_build_skips_everything(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build("--facts", mini, "--out", out, "--format", "md", "--format", "html")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, stdout, _ = build("--facts", mini, "--out", out, "--format", "md", "--format", "html")
    assert code == 0
    assert "0 built, 4 skipped" in stdout  # md, html, the catalogue, the feed
    assert "built " not in stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_editing_a_fact_rebuilds_only_the_briefings_that_show_it(
    mini: Path, tmp_path: Path
) -> None:
    (mini / "briefings" / "solo.yaml").write_text(_solo_briefing())
    out = tmp_path / "out"
    assert build("--facts", mini, "--out", out, "-f", "md")[0] == 0
    facts = mini / "facts.yaml"
    facts.write_text(
        facts.read_text().replace(
            "statement: Japan hosts about 54,000 US troops.",
            "statement: Japan hosts roughly 54,000 US troops.",
        )
    )
    code, stdout, err = build("--facts", mini, "--out", out, "-f", "md")
    assert code == 0, err
    assert "built   c2.md" in stdout, stdout
    assert "skipped solo.md" in stdout
    assert "roughly 54,000" in (out / "c2.md").read_text()


def _solo_briefing() -> str:
    return """\
id: solo
title: Solo
subject: Only the headquarters
topics: [c2]
bluf:
  - text: The ministers agreed on a joint force headquarters.
    facts: [jfhq-agreed]
  - text: The decision was reported after the talks.
    facts: [jfhq-agreed]
"""


def test_force_rebuilds(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build("--facts", mini, "--out", out, "-f", "md")
    code, stdout, _ = build("--facts", mini, "--out", out, "-f", "md", "--force")
    assert code == 0
    assert "3 built, 0 skipped" in stdout  # c2.md, the catalogue and the feed


def test_invalid_fact_base_exits_1_and_writes_nothing(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (mini / "facts.yaml").write_text((mini / "facts.yaml").read_text().replace("c2]", "nope]"))
    code, _, err = build("--facts", mini, "--out", out)
    assert code == 1
    assert "unknown topic 'nope'" in err
    assert not out.exists()


def test_unknown_briefing_is_a_usage_error(mini: Path, tmp_path: Path) -> None:
    code, _, err = build("nothing-here", "--facts", mini, "--out", tmp_path / "out")
    assert code == 2
    assert "unknown briefing nothing-here" in err


def test_bad_marking_is_a_usage_error(mini: Path, tmp_path: Path) -> None:
    code, _, err = build("--facts", mini, "--out", tmp_path / "o", "--marking", "TLP:PURPLE")
    assert code == 2
    assert "TLP:AMBER+STRICT" in err


def test_marking_override_reaches_the_output(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _ = build(
        "--facts",
        mini,
        "--out",
        out,
        "-f",
        "md",
        "--marking",
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY|TLP:AMBER+STRICT",
    )
    assert code == 0
    text = (out / "c2.md").read_text()
    assert text.splitlines()[0] == "**UNCLASSIFIED//FOR OFFICIAL USE ONLY | TLP:AMBER+STRICT**"
    assert text.rstrip().splitlines()[-1] == text.splitlines()[0]


def test_a_held_lock_exits_4(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out):
        code, _, err = build("--facts", mini, "--out", out, "-f", "md")
    assert code == 4
    assert "another build holds the lock" in err
    assert (out / LOCK_NAME).exists()
    assert not (out / "c2.md").exists()


def test_a_failing_template_fails_its_target_only(mini: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html.j2").write_text("{{ doc.no_such_field }}\n")
    out = tmp_path / "out"
    code, stdout, _ = build(
        "--facts", mini, "--out", out, "-f", "md", "-f", "html", "--templates", templates
    )
    assert code == 3
    assert "failed  c2.html" in stdout
    assert "page.html.j2:1" in stdout
    assert (out / "c2.md").exists()
    assert not (out / "c2.html").exists()


def test_a_damaged_output_is_rebuilt(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build("--facts", mini, "--out", out, "-f", "md", "-f", "html")
    good = (out / "c2.html").read_bytes()
    (out / "c2.html").write_bytes(good[: len(good) // 2])
    code, stdout, _ = build("--facts", mini, "--out", out, "-f", "md", "-f", "html")
    assert code == 0
    assert "built   c2.html" in stdout
    assert "skipped c2.md" in stdout
    assert (out / "c2.html").read_bytes() == good


def test_other_options_are_not_taken_for_up_to_date(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build("--facts", mini, "--out", out, "-f", "md")
    code, stdout, _ = build("--facts", mini, "--out", out, "-f", "md", "--marking", "TLP:RED")
    assert code == 0
    assert "built   c2.md" in stdout
    assert "TLP:RED" in (out / "c2.md").read_text()


def test_a_new_template_file_is_noticed(mini: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    out = tmp_path / "out"
    build("--facts", mini, "--out", out, "-f", "md", "--templates", templates)
    shipped = (Path(__file__).parent.parent / "templates" / "topic.md.j2").read_text()
    (templates / "topic.md.j2").write_text(
        shipped.replace("{% block body %}\n", "{% block body %}\nA line of my own.\n")
    )
    code, stdout, err = build("--facts", mini, "--out", out, "-f", "md", "--templates", templates)
    assert code == 0, err
    assert "built   c2.md" in stdout
    assert "A line of my own." in (out / "c2.md").read_text()
