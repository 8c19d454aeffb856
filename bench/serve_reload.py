"""How long `briefing serve` takes from a saved edit to the new text on screen.

Copies the shipped fact base to a scratch folder, serves it, opens a briefing in Debian's
Chromium (Playwright), then edits one fact's statement several times and times each save
until the page shows the new words. Prints one line per edit and the median.

    .venv/bin/python bench/serve_reload.py [--briefing read-ahead] [--edits 5]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FACT = "sscc-talks-held"  # any fact the chosen briefing shows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefing", default="read-ahead")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    import tools

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(REPO / "factbase", root / "factbase")
        shutil.copytree(REPO / "seeds", root / "seeds")
        facts = root / "factbase" / "facts.yaml"
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefing", "serve", "--facts", str(root / "factbase"),
             "--port", "0"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        try:
            assert proc.stderr is not None
            url = re.search(r"http://\S+/", proc.stderr.readline())
            assert url, "the server did not start"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=tools.find_chromium(), args=list(tools.CHROMIUM_ARGS)
                )
                page = browser.new_page()
                page.goto(f"{url.group()}{args.briefing}.html")
                times = []
                for n in range(args.edits):
                    text = facts.read_text(encoding="utf-8")
                    start = text.index(f"- id: {FACT}")
                    at = text.index("statement: >-\n", start) + len("statement: >-\n")
                    marker = f"Edit number {n} of the benchmark."
                    saved = time.monotonic()
                    facts.write_text(f"{text[:at]}      {marker}\n{text[at:]}", encoding="utf-8")
                    # the reload's load event, not expect()'s back-off polling, ends the clock
                    while True:
                        page.wait_for_event("load", timeout=30_000)
                        if marker in page.content():
                            break
                    times.append(time.monotonic() - saved)
                    print(f"edit {n + 1}: {times[-1]:.2f} s from save to the new text on screen")
                browser.close()
            print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                  f"({args.briefing}, {args.edits} edits)")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
