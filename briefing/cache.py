"""A content-addressed cache of parsed YAML, so an unchanged large file is not parsed again.

Parsing is the slow part of validating a large fact base (libyaml's events still cost about
0.2 s per MiB in Python). A file that parsed without problems is stored as JSON under the
sha256 of its bytes; the same bytes are then read back in a few milliseconds. Line marks are
not stored: they are only needed to report a problem, so the file is parsed again for them
then. JSON, never pickle: reading the cache cannot run code. Any failure to read or write the
cache is ignored: it only ever saves time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "briefing-yaml-cache-1"
MIN_BYTES = 64 * 1024  # smaller files parse faster than a cache round trip is worth
MAX_ENTRIES = 64


def folder() -> Path | None:
    """`$BRIEFING_CACHE`, else `$XDG_CACHE_HOME/briefing`, else `~/.cache/briefing`; `off`
    disables the cache."""
    chosen = os.environ.get("BRIEFING_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def _key(raw: bytes) -> str:
    return hashlib.sha256(FORMAT.encode() + raw).hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return value


def _dates(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$date" in obj:
        return dt.date.fromisoformat(obj["$date"])
    if len(obj) == 1 and "$datetime" in obj:
        return dt.datetime.fromisoformat(obj["$datetime"])
    return obj


def get(raw: bytes) -> tuple[bool, Any]:
    """(True, data) when these bytes were parsed before."""
    where = folder()
    if where is None or len(raw) < MIN_BYTES:
        return False, None
    try:
        text = (where / f"{_key(raw)}.json").read_text(encoding="utf-8")
        entry = json.loads(text, object_hook=_dates)
        return True, entry["data"]
    except (OSError, ValueError, KeyError, TypeError):
        return False, None


def put(raw: bytes, data: Any) -> None:
    """Remember a file that parsed without problems; keep the newest entries only."""
    where = folder()
    if where is None or len(raw) < MIN_BYTES:
        return
    entry = {"format": FORMAT, "data": _encode(data)}
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=where, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle, ensure_ascii=False)
        Path(temp).replace(where / f"{_key(raw)}.json")
        entries = sorted(where.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError, TypeError):
        return
