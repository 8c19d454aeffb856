"""Synthetic fact bases for scaling measurements: many facts per source, real quotes.

`grow_facts(factbase, total)` rewrites a copy's facts.yaml to hold `total` facts, and its
discrepancies.yaml to hold one discrepancy per FACTS_PER_DISCREPANCY facts. Each new
fact is a copy of a shipped fact (its topics, kind, event, entities: every reference stays
valid) with a new id, and cites passages of whole words cut from the seeds it already cites,
so every citation is a real quote that validation has to find in its source, and no two
facts cite exactly the same set of passages. The same arguments give the same file.
"""

from __future__ import annotations

import copy
import itertools
import random
from pathlib import Path
from typing import Any

import yaml

QUOTES_PER_FACT = 2
FACTS_PER_DISCREPANCY = 40  # the shipped base has one per 4 facts; a large one, fewer
WORDS = (4, 14)  # a quote is this many whole words of one line of a source


def source_lines(factbase: Path) -> dict[str, list[list[str]]]:
    """Each source id → the words of each line of its text long enough to quote from."""
    settings = yaml.safe_load((factbase / "factbase.yaml").read_text(encoding="utf-8"))
    seeds = (factbase / settings.get("seeds", "../seeds")).resolve()
    register = yaml.safe_load((factbase / "sources.yaml").read_text(encoding="utf-8"))
    lines: dict[str, list[list[str]]] = {}
    for source in register["sources"]:
        text = (seeds / source["file"]).read_text(encoding="utf-8")
        usable = [line.split() for line in text.splitlines() if len(line.split()) >= WORDS[1]]
        if usable:
            lines[source["id"]] = usable
    return lines


def passage(rng: random.Random, words: list[str]) -> str:
    """A run of whole words of one line, never an ellipsis (which no quote may contain)."""
    size = rng.randint(*WORDS)
    start = rng.randrange(0, len(words) - size + 1)
    return " ".join(words[start : start + size])


def grow_facts(factbase: Path, total: int, seed: int = 15) -> int:
    """Rewrite `factbase`/facts.yaml with `total` facts; return the file's size in bytes."""
    path = factbase / "facts.yaml"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    facts: list[dict[str, Any]] = yaml.load(path.read_text(encoding="utf-8"), yaml.CSafeLoader)[
        "facts"
    ]
    lines = source_lines(factbase)
    rng = random.Random(seed)
    grown = list(facts[:total])
    n = 0
    while len(grown) < total:
        model = facts[n % len(facts)]
        n += 1
        fact = copy.deepcopy(model)  # no YAML anchors when dumped
        fact["id"] = f"{model['id']}-s{n}"
        cited = [c["source"] for c in model["citations"] if c["source"] in lines] or list(lines)
        fact["citations"] = [
            {"source": source, "quote": passage(rng, rng.choice(lines[source]))}
            for source in (rng.choice(cited) for _ in range(QUOTES_PER_FACT))
        ]
        fact.pop("status", None)  # a draft would only add a warning per fact
        fact.pop("event", None)  # an event that lists its facts would not list this one
        grown.append(fact)
    _dump(path, header, {"facts": grown})
    copies: dict[str, list[str]] = {}
    for fact in grown[len(facts) :]:
        copies.setdefault(fact["id"].rsplit("-s", 1)[0], []).append(fact["id"])
    grow_discrepancies(factbase, total // FACTS_PER_DISCREPANCY, copies)
    return path.stat().st_size


def grow_discrepancies(factbase: Path, total: int, copies: dict[str, list[str]]) -> None:
    """Rewrite discrepancies.yaml with `total` discrepancies (at least the shipped ones): each
    new one a copy of a shipped one, about copies of the facts the original is about."""
    path = factbase / "discrepancies.yaml"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    shipped: list[dict[str, Any]] = yaml.load(path.read_text(encoding="utf-8"), yaml.CSafeLoader)[
        "discrepancies"
    ]
    grown = list(shipped)
    for n in range(total - len(shipped)):
        model, round_ = shipped[n % len(shipped)], n // len(shipped)
        copy_ = copy.deepcopy(model)
        copy_["id"] = f"{model['id']}-s{n + 1}"
        copy_["facts"] = [
            copies[f][round_ % len(copies[f])] if f in copies else f for f in model["facts"]
        ]
        grown.append(copy_)
    _dump(path, header, {"discrepancies": grown})


def _dump(path: Path, header: str, data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text(f"{header}\n{text}", encoding="utf-8")


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Time `briefing validate` (parse cache off) on synthetic fact bases of several sizes."""
    import argparse
    import os
    import resource
    import shutil
    import statistics
    import subprocess
    import tempfile
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--keep", metavar="DIR", help="write the fact bases here and keep them")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="briefing-synth-"))
    env = {**os.environ, "BRIEFING_CACHE": "off"}
    times: dict[int, float] = {}
    cpu: dict[int, float] = {}
    try:
        for total in (int(s) for s in args.sizes.split(",")):
            dest = work / f"facts-{total}"
            if not (dest / "factbase").exists():
                shutil.copytree(root / "factbase", dest / "factbase")
                shutil.copytree(root / "seeds", dest / "seeds")
                grow_facts(dest / "factbase", total)
            size = (dest / "factbase" / "facts.yaml").stat().st_size
            command = [str(root / ".venv" / "bin" / "briefing"), "validate", "--facts"]
            runs, cpus = [], []
            for _ in range(args.repeat):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                begun = time.perf_counter()
                done = subprocess.run(
                    [*command, str(dest / "factbase")], env=env, capture_output=True, text=True
                )
                runs.append(time.perf_counter() - begun)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            times[total] = statistics.median(runs)
            cpu[total] = statistics.median(cpus)
            last = (done.stderr.strip().splitlines() or [""])[-1]
            print(
                f"validate {total:>7,} facts ({size / 2**20:5.1f} MiB): {times[total]:7.2f} s, "
                f"CPU {cpu[total]:7.2f} s, exit {done.returncode}: {last[:100]}"
            )
        sizes = sorted(times)
        for small, big in itertools.pairwise(sizes):
            print(
                f"ratio {big:,} / {small:,} facts: wall {times[big] / times[small]:.2f}x, "
                f"CPU {cpu[big] / cpu[small]:.2f}x (linear: {big / small:g}x)"
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
