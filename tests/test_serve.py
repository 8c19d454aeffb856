"""`briefing serve`, the live preview, in real Chromium: edit a fact, watch the page change.

The server runs as a real process (`python -m briefing serve --port 0`); Chromium, driven by
Playwright, opens a briefing and the test edits the fact base on disk, as an analyst's editor
would. The page must reload by itself with the new text; while the fact base is invalid it
must list the problems (file:line:column and message) instead of stale content.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from editing import edit, where

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parent.parent
OLD = "The ministers agreed that US Forces Japan will become a joint force headquarters."
NEW = "The ministers agreed, after some delay, on a joint force headquarters."
pytestmark = pytest.mark.browser


@pytest.fixture
def server(mini: Path) -> Iterator[str]:
    """`briefing serve` on the mini fact base; yields its URL."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "serve", "--facts", str(mini), "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:\d+/) \(Ctrl-C stops\)", line)
        assert match, line
        yield match[1]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()


def test_the_page_follows_each_save_and_shows_problems_while_invalid(
    server: str, mini: Path, page: Page
) -> None:
    from playwright.sync_api import expect

    page.goto(server + "c2.html")
    body = page.locator("body")
    expect(body).to_contain_text(OLD)
    facts = mini / "facts.yaml"

    saved = time.monotonic()
    edit(facts, OLD, NEW)
    expect(body).to_contain_text(NEW, timeout=10_000)
    seconds = time.monotonic() - saved
    print(f"page showed the edit {seconds:.2f} s after the save")  # the figure, with -s
    expect(body).not_to_contain_text(OLD)

    edit(facts, "event: talks\n    credibility: 3", "event: talks\n    credibility: seven")
    line, column = where(facts, "seven")
    problems = page.locator("ul.problems")
    expect(problems).to_contain_text(f"facts.yaml:{line}:{column}", timeout=10_000)
    expect(problems).to_contain_text("facts[0].credibility: Input should be a valid integer")
    expect(body).not_to_contain_text(NEW)  # no stale content while invalid

    edit(facts, "credibility: seven", "credibility: 3")
    expect(body).to_contain_text(NEW, timeout=10_000)
    expect(page.locator("ul.problems")).to_have_count(0)


def test_it_listens_on_127_0_0_1_only_and_injects_the_script_into_responses_only(
    server: str,
) -> None:
    port = int(server.rsplit(":", 1)[1].strip("/"))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", port), timeout=2).close()
    with urllib.request.urlopen(server + "c2.html", timeout=30) as response:
        page = response.read().decode("utf-8")
    assert page.count("<script>") == 1
    assert 'fetch("/_wait?since="' in page
    with urllib.request.urlopen(server, timeout=30) as response:
        index = response.read().decode("utf-8")
    assert '<a href="/c2.html">Command and control</a>' in index
    for path in ("../etc/passwd", "no-such-briefing.html"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server + path, timeout=30)
        assert missing.value.code == 404
    with urllib.request.urlopen(server + "c2.html", timeout=30) as response:
        assert response.status == 200  # an unknown page does not break the known ones
