"""What editions add to a build that renders anything: reading the records of earlier
editions, and making and writing this edition's record. (A no-op build reads none.)

Records the shipped fact base once, copies that record under N earlier dates into a scratch
output folder, and times `read_records` (every record validated in full) and `current_record`
+ `to_bytes` (this edition's record), with records unknown to the manifest (each validated
in full) and with the manifest that a build writes (each checked by its digest). Prints one
line per figure, medians of --repeat runs.

    .venv/bin/python bench/editions.py [--editions 1,30,365] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from briefing.build.editions import RECORD_FORMAT, current_record, read_records
from briefing.build.manifest import MANIFEST, Manifest, OutputRecord, record_name
from briefing.validation import load_valid

REPO = Path(__file__).resolve().parent.parent


def median_seconds(action: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", default="1,30,365")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    fb, _ = load_valid(REPO / "factbase")
    as_of = fb.settings.as_of
    seconds = median_seconds(lambda: current_record(fb, as_of).to_bytes(), args.repeat)
    data = current_record(fb, as_of).to_bytes()
    print(f"this edition's record: {len(data) / 1024:.0f} KiB, made in {seconds * 1000:.1f} ms")
    for count in (int(n) for n in args.editions.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            manifest = Manifest()
            for n in range(count):
                date = (as_of - dt.timedelta(days=n + 1)).isoformat()
                path = out / record_name(date)
                path.parent.mkdir(parents=True)
                record = data.replace(as_of.isoformat().encode(), date.encode(), 1)
                path.write_bytes(record)
                sha = hashlib.sha256(record).hexdigest()
                manifest.outputs[record_name(date)] = OutputRecord(
                    "", RECORD_FORMAT, sha, sha, len(record)
                )
            for how in ("validated in full", "as the manifest recorded them"):
                if how != "validated in full":
                    (out / MANIFEST).write_bytes(manifest.to_bytes())
                assert len(read_records(out).editions) == count
                seconds = median_seconds(lambda out=out: read_records(out), args.repeat)  # type: ignore[misc]
                print(
                    f"read_records, {count} earlier editions {how}: {seconds * 1000:.0f} ms "
                    f"({seconds / count * 1000:.2f} ms per record)"
                )


if __name__ == "__main__":
    main()
