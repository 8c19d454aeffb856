"""How long the sentence splitter takes on hostile and ordinary one-line articles.

    .venv/bin/python bench/sentences.py            # 1.2 MB per article
    .venv/bin/python bench/sentences.py --mib 0.3  # smaller, to see how time grows

Prints one line per article: its size, the sentences found and the seconds taken (the best
of `--repeat` runs). `x. x. x.` is the shape that made the splitter quadratic: every stop
looked like an initial, so each candidate sentence grew by one piece and was read again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.text import sentences

SHAPES = {
    "x. x. x. (initials)": "x. ",
    "Mr. Mr. Mr. (abbreviations)": "Mr. ",
    "ab. ab. ab. (short sentences)": "ab. ",
    "prose": "The ministers agreed on Sunday that the forces will be reorganised. ",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mib", type=float, default=1.2, help="size of each article in MiB")
    parser.add_argument("--repeat", type=int, default=3, help="runs per article; the best counts")
    args = parser.parse_args()
    size = int(args.mib * 1024 * 1024)
    for name, unit in SHAPES.items():
        text = (unit * (size // len(unit) + 1))[:size]
        best = float("inf")
        found = 0
        for _ in range(args.repeat):
            begun = time.perf_counter()
            found = len(sentences(text))
            best = min(best, time.perf_counter() - begun)
        print(f"{name:32} {len(text) / 1024 / 1024:5.2f} MiB {found:8,} sentences {best:8.3f} s")


if __name__ == "__main__":
    main()
