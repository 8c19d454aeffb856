"""Editions in the output folder: the records of earlier ones, the number of this one, and
writing this one's record (`editions/<date>/record.json`).

The edition number is counted, never typed: 1 + the number of recorded editions dated
earlier, so a rebuild on the same date keeps its number. The previous edition is the newest
record dated earlier. A record that is missing, truncated, edited into something invalid,
too large, not a regular file or reached through a link out of the output folder is
reported as a warning and treated as absent: never a traceback, never a failed build.

Imports nothing heavy at module level (pydantic only inside the functions that need it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.build.manifest import OutputRecord, record_name, record_names, regular_bytes

if TYPE_CHECKING:
    from briefing.build.manifest import Manifest
    from briefing.model import FactBase
    from briefing.record import Edition, EditionRecord
    from briefing.writing import OutputFolder

RECORD_FORMAT = "record"  # its `format` in the manifest; it belongs to no one briefing


@dataclass(frozen=True)
class RecordedEdition:
    """An edition the output folder holds a valid record of, with its counted number."""

    number: int
    record: EditionRecord

    @property
    def date(self) -> dt.date:
        return self.record.date


@dataclass(frozen=True)
class Recorded:
    """Every valid record in an output folder, oldest first, and why others were refused."""

    editions: list[RecordedEdition]
    problems: list[str]

    def find(self, spelling: str) -> RecordedEdition | None:
        """An edition by its number (`2`) or its date (`2024-07-28`)."""
        for edition in self.editions:
            if spelling in (str(edition.number), edition.date.isoformat()):
                return edition
        return None

    def edition(self, date: dt.date, record: EditionRecord | None = None) -> Edition:
        """The edition dated `date`: its number and the previous edition to compare with."""
        from briefing.record import Edition

        earlier = [e for e in self.editions if e.date < date]
        previous = earlier[-1] if earlier else None
        return Edition(
            number=len(earlier) + 1,
            date=date,
            record=record,
            previous=previous.record if previous else None,
            previous_number=previous.number if previous else 0,
        )


def read_records(out: Path) -> Recorded:
    """The records under `out/editions/`; each unusable one is a problem and is left out."""
    from briefing.record import MAX_RECORD_BYTES, RecordError, parse_record

    found: list[EditionRecord] = []
    problems: list[str] = []
    root = out.resolve()
    for name in record_names(out):
        path = out / name
        date = name.split("/")[1]
        why: str | None = None
        record = None
        if not path.resolve().is_relative_to(root):
            why = "it is a link that leads out of the output folder"
        else:
            data = regular_bytes(path, follow=False, limit=MAX_RECORD_BYTES)
            if data is None:
                why = f"it is not a regular file of at most {MAX_RECORD_BYTES >> 20} MiB"
            else:
                try:
                    record = parse_record(data)
                except RecordError as error:
                    why = str(error)
                else:
                    if record.date.isoformat() != date:
                        why = f"it records edition {record.date}, not {date}"
        if why is None and record is not None:
            found.append(record)
        else:
            problems.append(f"{name}: {why}; treated as absent (the edition is not counted)")
    found.sort(key=lambda r: r.date)
    return Recorded([RecordedEdition(n, r) for n, r in enumerate(found, 1)], problems)


def current_record(fb: FactBase, date: dt.date) -> EditionRecord:
    """The record of the fact base as edition `date`: what every briefing shows, by id."""
    from briefing.record import record_of
    from briefing.render.context import document_view, shown_by

    shown = [shown_by(document_view(fb, b)) for b in fb.briefings]
    return record_of(fb, date, shown)


def write_record(folder: OutputFolder, manifest: Manifest, record: EditionRecord) -> bool:
    """The one place an edition's record is written: atomically through the output
    folder, recorded in the manifest like any output, and only when its bytes changed.
    True when it was written."""
    name = record_name(record.date.isoformat())
    data = record.to_bytes()
    sha = hashlib.sha256(data).hexdigest()
    manifest.outputs[name] = OutputRecord(
        briefing="", format=RECORD_FORMAT, inputs=sha, sha256=sha, size=len(data)
    )
    if regular_bytes(folder.root / name, follow=False) == data:
        return False
    folder.ensure_writable()
    folder.write(name, data)
    return True
