"""The parse cache saves time and changes nothing: same data, same located problems; and no
entry that was edited, swapped, linked or replaced by a FIFO changes what a file says."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import cache
from briefing.validation import gather

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


@pytest.fixture
def big_mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini fact base with a facts.yaml large enough to be cached, and one bad topic."""
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    shutil.copytree(MINI, tmp_path / "mini")
    facts = tmp_path / "mini" / "factbase" / "facts.yaml"
    text = facts.read_text()
    padding = "".join(f"# padding line {i} to pass the cache's size floor\n" for i in range(2000))
    facts.write_text(text.replace("topics: [context]", "topics: [contxt]") + padding)
    assert facts.stat().st_size > cache.MIN_BYTES
    return tmp_path / "mini" / "factbase"


def test_a_cached_file_reports_the_same_located_problems(big_mini: Path, tmp_path: Path) -> None:
    _, first = gather(big_mini)
    assert list((tmp_path / "cache").glob("*.json")), "nothing was cached"
    _, second = gather(big_mini)
    assert [str(p) for p in second] == [str(p) for p in first]
    unknown = [p for p in second if p.code == "unknown-topic"]
    assert len(unknown) == 1
    line = next(
        i
        for i, text in enumerate((big_mini / "facts.yaml").read_text().splitlines(), 1)
        if "contxt" in text
    )
    assert unknown[0].line == line


def test_a_cached_file_loads_the_same_model(big_mini: Path) -> None:
    first, _ = gather(big_mini)
    second, _ = gather(big_mini)
    assert first is not None and second is not None
    assert second.facts == first.facts
    assert second.settings == first.settings


def test_the_cache_can_be_turned_off(
    big_mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    gather(big_mini)
    assert not (tmp_path / "cache").exists()


# --------------------------------------------------------------------------- poisoning

STATEMENT = "Japan hosts about 54,000 US troops."
FORGED = "Japan hosts about 90,000 US troops."


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(factbase, cache folder): the valid mini fact base, facts.yaml and sources.yaml padded
    past the cache's size floor, validated once so both are cached."""
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    shutil.copytree(MINI, tmp_path / "mini")
    factbase = tmp_path / "mini" / "factbase"
    for name in ("facts.yaml", "sources.yaml"):
        path = factbase / name
        padding = "".join(
            f"# padding line {i} to pass the cache's size floor\n" for i in range(2000)
        )
        path.write_text(path.read_text() + padding)
    fb, problems = gather(factbase)
    assert fb is not None and problems == []
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2
    return factbase, tmp_path / "cache"


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.json"))


def statement(factbase: Path) -> str:
    fb, _ = gather(factbase)
    assert fb is not None
    return next(f.statement for f in fb.facts if f.id == "troops-54000")


def test_an_edited_entry_cannot_change_a_statement(cached: tuple[Path, Path]) -> None:
    factbase, cache_dir = cached
    (entry,) = [p for p in entries(cache_dir) if STATEMENT.encode() in p.read_bytes()]
    entry.write_bytes(entry.read_bytes().replace(STATEMENT.encode(), FORGED.encode()))
    assert statement(factbase) == STATEMENT


def test_an_edited_entry_cannot_hide_a_changed_source(cached: tuple[Path, Path]) -> None:
    """The forged sources.yaml entry carries the sha256 of the edited article."""
    factbase, cache_dir = cached
    seed = factbase.parent / "seeds" / "mini.txt"
    old = hashlib.sha256(seed.read_bytes()).hexdigest()
    seed.write_text(seed.read_text().replace("54,000", "90,000"))
    new = hashlib.sha256(seed.read_bytes()).hexdigest()
    (entry,) = [p for p in entries(cache_dir) if old.encode() in p.read_bytes()]
    entry.write_bytes(entry.read_bytes().replace(old.encode(), new.encode()))
    _, problems = gather(factbase)
    assert "source-changed" in [p.code for p in problems]


def test_an_entry_of_another_file_is_not_taken_for_this_one(cached: tuple[Path, Path]) -> None:
    """The entry made from the old facts.yaml, renamed to what the edited file's would be."""
    factbase, cache_dir = cached
    facts = factbase / "facts.yaml"
    before = set(entries(cache_dir))
    facts.write_text(facts.read_text().replace(STATEMENT, FORGED))
    assert statement(factbase) == FORGED  # parsed, and cached under its own name
    (new_entry,) = set(entries(cache_dir)) - before
    (old_entry,) = [p for p in before if STATEMENT.encode() in p.read_bytes()]
    old_entry.replace(new_entry)
    assert statement(factbase) == FORGED


def test_a_link_in_place_of_an_entry_is_not_followed(cached: tuple[Path, Path]) -> None:
    factbase, cache_dir = cached
    (entry,) = [p for p in entries(cache_dir) if STATEMENT.encode() in p.read_bytes()]
    forged = cache_dir.parent / "forged.json"
    forged.write_bytes(entry.read_bytes().replace(STATEMENT.encode(), FORGED.encode()))
    entry.unlink()
    entry.symlink_to(forged)
    assert statement(factbase) == STATEMENT


def test_a_fifo_in_place_of_an_entry_is_a_miss_not_a_hang(cached: tuple[Path, Path]) -> None:
    factbase, cache_dir = cached
    for entry in entries(cache_dir):
        entry.unlink()
        os.mkfifo(entry)
    env = {**os.environ, "BRIEFING_CACHE": str(cache_dir), "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "validate", "--facts", str(factbase)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_the_cache_folder_and_its_entries_are_private(cached: tuple[Path, Path]) -> None:
    _, cache_dir = cached
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    for path in cache_dir.iterdir():
        assert stat.S_IMODE(path.lstat().st_mode) == 0o600, path.name


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files to another user")
def test_a_folder_or_entry_of_another_user_is_not_used(cached: tuple[Path, Path]) -> None:
    factbase, cache_dir = cached
    (entry,) = [p for p in entries(cache_dir) if STATEMENT.encode() in p.read_bytes()]
    entry.write_bytes(entry.read_bytes().replace(STATEMENT.encode(), FORGED.encode()))
    os.chown(entry, 65534, 65534)
    assert statement(factbase) == STATEMENT
    os.chown(cache_dir, 65534, 65534)
    cache_dir.chmod(0o777)
    for path in cache_dir.iterdir():
        path.unlink()
    gather(factbase)
    assert list(cache_dir.iterdir()) == []  # nothing written into someone else's folder
