"""The parse cache saves time and changes nothing: same data, same located problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing import cache
from briefing.validation import gather

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


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
