"""Sources are read only from a dedicated seeds folder: never a project file, a hidden file,
a file reached through a link, a FIFO, or a file too big to be an article. `validate` quotes
source lines in warnings and hints, so a file read by mistake would be printed.

The bad-input corpus holds the cases that fit in files (`source-seeds-*`, `source-dot*`);
links, FIFOs and a big file are made here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from editing import edit

from briefing.load import MAX_SOURCE_BYTES, seeds_folder
from briefing.locate import SourceMap
from briefing.validation import gather

REPO = Path(__file__).resolve().parent.parent
SECRET = "SECRET_TOKEN=hunter2-must-never-be-printed"
REGISTERED = "de628648ecfd66349f737fd3449404b37e3289b77734791b11bac1a983ccd01b"


def validate(factbase: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`briefing validate` as a real process, so a hang is a failure, not a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", "validate", "--facts", str(factbase)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), "BRIEFING_CACHE": "off"},
        check=False,
    )


def register(factbase: Path, name: str, content: bytes | None = None) -> None:
    """Point the mini source at `name` (with the sha256 of `content`, if given)."""
    edit(factbase / "sources.yaml", "file: mini.txt", f"file: {name}")
    if content is not None:
        edit(factbase / "sources.yaml", REGISTERED, hashlib.sha256(content).hexdigest())


def codes(factbase: Path) -> dict[str, str]:
    return {p.code: str(p) for p in gather(factbase)[1]}


def test_a_project_file_is_refused_and_never_printed(mini: Path) -> None:
    """`seeds: ..` once let `.env` at the project root be registered and quoted."""
    (mini.parent / ".env").write_text(SECRET + "\nAnother line of the secret file.\n")
    edit(mini / "factbase.yaml", "seeds: ../seeds", "seeds: ..")
    register(mini, ".env", (mini.parent / ".env").read_bytes())
    proc = validate(mini)
    assert proc.returncode == 1
    assert "is the project folder itself" in proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout


def test_a_link_out_of_the_seeds_folder_is_refused_and_never_printed(
    mini: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\nThe ministers agreed on nothing at all.\n")
    (mini.parent / "seeds" / "notes.txt").symlink_to(secret)
    register(mini, "notes.txt", secret.read_bytes())
    proc = validate(mini)
    assert proc.returncode == 1
    assert "notes.txt is a link that leads outside the seeds folder" in proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout
    assert "agreed on nothing" not in proc.stderr + proc.stdout


def test_a_seeds_folder_that_links_outside_the_project_is_refused(
    mini: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mini.txt").write_text(SECRET + "\n")
    seeds = mini.parent / "seeds"
    for path in seeds.iterdir():
        path.unlink()
    seeds.rmdir()
    seeds.symlink_to(outside, target_is_directory=True)
    found = codes(mini)
    assert "is outside the project" in found["seeds-outside"]
    assert "hunter2" not in " ".join(found.values())


def test_a_link_inside_the_seeds_folder_is_followed(mini: Path) -> None:
    seeds = mini.parent / "seeds"
    (seeds / "copy.txt").symlink_to(seeds / "mini.txt")
    register(mini, "copy.txt")
    assert [p for p in gather(mini)[1] if p.severity == "error"] == []


def test_a_fifo_in_place_of_a_source_is_an_error_not_a_hang(mini: Path) -> None:
    os.mkfifo(mini.parent / "seeds" / "pipe.txt")
    register(mini, "pipe.txt")
    proc = validate(mini, timeout=30)
    assert proc.returncode == 1
    assert "pipe.txt is not a regular file" in proc.stderr


def test_a_source_over_the_size_cap_is_refused_before_it_is_read(mini: Path) -> None:
    big = mini.parent / "seeds" / "big.txt"
    with big.open("w") as handle:
        handle.write("x. " * (MAX_SOURCE_BYTES // 3 + 10))
    register(mini, "big.txt")
    found = codes(mini)
    assert "over the 2,097,152-byte cap" in found["source-too-large"]
    assert "source-missing" not in found


def test_a_fact_base_at_the_top_of_the_file_system_has_no_project_to_keep_seeds_in() -> None:
    """A fact base mounted at /factbase once reached /etc/passwd with `seeds: ../etc`."""
    folder, problems = seeds_folder(Path("/factbase"), "../etc", SourceMap("factbase.yaml"))
    assert folder is None
    assert [p.code for p in problems] == ["seeds-project-root"]


@pytest.mark.parametrize("seeds", ["../seeds", "articles", "../seeds/2024"])
def test_a_dedicated_folder_is_accepted(mini: Path, seeds: str) -> None:
    folder = (mini / seeds).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    found, problems = seeds_folder(mini, seeds, SourceMap("factbase.yaml"))
    assert (found, problems) == (folder, [])
