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
import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.build.manifest import OutputRecord, record_name, record_names, regular_bytes
from briefing.build.options import EDITIONS
from briefing.errors import UsageError

if TYPE_CHECKING:
    from briefing.build.manifest import Manifest
    from briefing.changes import Change
    from briefing.model import FactBase
    from briefing.record import Edition, EditionRecord
    from briefing.writing import OutputFolder

log = logging.getLogger("briefing.build")
RECORD_FORMAT = "record"  # its `format` in the manifest; it belongs to no one briefing


@dataclass(frozen=True)
class RecordedEdition:
    """An edition the output folder holds a valid record of, with its counted number.

    Only the date is kept: the record itself is read again when it is used (the previous
    edition, the editions `diff` compares), so a year of daily editions does not sit in
    memory (nor in every worker forked from this process).
    """

    number: int
    date: dt.date
    folder: Path

    @functools.cached_property
    def record(self) -> EditionRecord:
        """The record, validated; `RecordError` if it changed into something unusable."""
        return _load(self.folder, record_name(self.date.isoformat()))


@dataclass(frozen=True)
class Recorded:
    """Every valid record in an output folder, oldest first, and why others were refused."""

    folder: Path
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
        from briefing.record import Edition, RecordError

        earlier = [e for e in self.editions if e.date < date]
        previous = earlier[-1] if earlier else None
        previous_record = None
        if previous is not None:
            try:
                previous_record = previous.record
            except RecordError as error:  # changed since it was read a moment ago
                name = record_name(previous.date.isoformat())
                log.warning("%s: %s; compared with nothing", name, error)
        return Edition(
            number=len(earlier) + 1,
            date=date,
            record=record,
            previous=previous_record,
            previous_number=previous.number if previous else 0,
        )


def _read(out: Path, name: str) -> bytes:
    """A record's bytes, from a regular file inside the output folder."""
    from briefing.record import MAX_RECORD_BYTES, RecordError

    path = out / name
    if not path.resolve().is_relative_to(out.resolve()):
        raise RecordError("it is a link that leads out of the output folder")
    data = regular_bytes(path, follow=False, limit=MAX_RECORD_BYTES)
    if data is None:
        raise RecordError(f"it is not a regular file of at most {MAX_RECORD_BYTES >> 20} MiB")
    return data


def _load(out: Path, name: str) -> EditionRecord:
    """One record, validated whole, dated as its folder is."""
    from briefing.record import RecordError, parse_record

    record = parse_record(_read(out, name))
    date = name.split("/")[1]
    if record.date.isoformat() != date:
        raise RecordError(f"it records edition {record.date}, not {date}")
    return record


def read_records(out: Path) -> Recorded:
    """The records under `out/editions/`; each unusable one is a problem (a warning) and is
    left out, so it is not counted.

    A record holding the very bytes the manifest says this tool wrote there is taken as
    valid without parsing (it was made from the model, and is parsed in full when used);
    any other is validated in full now. A year of daily editions thus costs a digest each,
    not a validation each (`bench/editions.py`).
    """
    from briefing.build.manifest import Manifest
    from briefing.record import RecordError

    manifest = Manifest.read(out)
    written = {n: r.sha256 for n, r in manifest.outputs.items() if r.format == RECORD_FORMAT}
    dates: list[dt.date] = []
    problems: list[str] = []
    for name in record_names(out):
        try:
            if name in written and hashlib.sha256(_read(out, name)).hexdigest() == written[name]:
                dates.append(dt.date.fromisoformat(name.split("/")[1]))
            else:
                dates.append(_load(out, name).date)  # the record itself is not kept
        except (RecordError, ValueError) as error:
            problems.append(f"{name}: {error}; treated as absent (the edition is not counted)")
    dates.sort()
    editions = [RecordedEdition(n, d, out) for n, d in enumerate(dates, 1)]
    return Recorded(out, editions, problems)


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


# --------------------------------------------------------------------------- briefing diff

WORKING = "working"  # `briefing diff --to working`: the fact base as it stands, not yet built


@dataclass(frozen=True)
class Diff:
    """What `briefing diff` compares and what it found."""

    since: RecordedEdition
    to: RecordedEdition | None  # None: the working fact base
    to_date: dt.date
    changes: list[Change]

    def headline(self) -> str:
        from briefing.render.changes import edition_name, headline

        return headline(self.changes, edition_name(self.since.number, self.since.date.isoformat()))

    def title(self) -> str:
        """`edition 2 (29 July 2024)`, or `the working fact base (as of 28 July 2024)`."""
        from briefing.render.changes import edition_name
        from briefing.render.context import format_date

        if self.to is None:
            return f"the working fact base (as of {format_date(self.to_date)})"
        return edition_name(self.to.number, self.to.date.isoformat())

    def lines(self) -> list[str]:
        """Each change on a line (kind, id, text), and below it what it was, if it changed."""
        from briefing.render.changes import NOT_GIVEN
        from briefing.render.context import figure_text

        out = []
        for change in self.changes:
            out.append(f"  {change.kind.value:<21} {change.id}: {change.text}")
            if change.figure is not None:
                before, after = (
                    figure_text(v.qualifier, v.value, v.unit) if v else NOT_GIVEN
                    for v in (change.value_before, change.value_after)
                )
                out.append(f"  {'':<21} {change.figure}: {after}, previously {before}")
            elif change.before is not None:
                out.append(f"  {'':<21} previously: {change.before}")
        return out

    def as_json(self) -> dict[str, Any]:
        """The report `briefing diff --json` prints; its schema: `briefing schema diff`."""
        from briefing.changes import DiffReport, counts

        to = {"edition": self.to.number if self.to else WORKING, "date": self.to_date}
        report = DiffReport.model_validate(
            {
                "version": 1,
                "since": {"edition": self.since.number, "date": self.since.date},
                "to": to,
                "headline": self.headline(),
                "counts": counts(self.changes),
                "changes": [c.as_json() for c in self.changes],
            }
        )
        return report.model_dump(mode="json", exclude_unset=True)


def diff(recorded: Recorded, since: str | None, to: str | None, factbase: Path) -> Diff:
    """Compare two recorded editions, or one with the working fact base (`to="working"`).

    Default: the last two recorded editions; with `--to working`, the newest recorded one.
    An edition is named by its number or its date. No records, or an unknown edition, is a
    usage error (exit 2); the working fact base is validated first (exit 1 when invalid).
    """
    from briefing.changes import Snapshot, compare
    from briefing.record import RecordError

    known = recorded.editions
    listing = ", ".join(f"{e.number} ({e.date})" for e in known)
    if not known:
        raise UsageError(
            f"no edition is recorded in {recorded.folder / EDITIONS}: build one first, or name the "
            "output folder with --out"
        )
    if to is not None and to != WORKING and recorded.find(to) is None:
        raise UsageError(f"--to {to}: no such edition; recorded: {listing}; or use --to {WORKING}")
    if since is not None and recorded.find(since) is None:
        raise UsageError(f"--since {since}: no such edition; recorded: {listing}")
    newer = recorded.find(to) if to is not None and to != WORKING else None
    if to is None:
        if since is None and len(known) < 2:
            raise UsageError(
                f"only one edition is recorded ({listing}): nothing to compare it with; "
                f"use --to {WORKING} to compare the working fact base with it"
            )
        newer = known[-1]
    older = recorded.find(since) if since is not None else None
    if older is None:
        older = (
            known[-1]
            if newer is None
            else next((e for e in reversed(known) if e.date < newer.date), None)
        )
        if older is None:
            raise UsageError(f"--to {to}: edition 1 has no earlier edition to compare with")
    if newer is not None and older.date >= newer.date:
        raise UsageError(
            f"--since names edition {older.number} ({older.date}), which is not earlier than "
            f"edition {newer.number} ({newer.date})"
        )
    try:
        old = Snapshot.whole(older.record)
        if newer is not None:
            new, to_date = Snapshot.whole(newer.record), newer.date
    except RecordError as error:  # changed since it was read a moment ago
        raise UsageError(f"an edition record changed while it was read: {error}") from None
    if newer is None:
        from briefing.validation import load_valid

        fb, _ = load_valid(factbase)
        working = current_record(fb, fb.settings.as_of)
        new, to_date = Snapshot.whole(working), working.date
    return Diff(older, newer, to_date, compare(old, new))
