"""A content-addressed cache of parsed YAML, so an unchanged large file is not parsed again.

Parsing is the slow part of validating a large fact base (libyaml's events still cost about
0.2 s per MiB in Python). A file that parsed without problems is stored as JSON under the
sha256 of its bytes; the same bytes are then read back in a few milliseconds. Line marks are
not stored: they are only needed to report a problem, so the file is parsed again for them
then. JSON, never pickle: reading the cache cannot run code.

The cache must never change what a fact base says, so an entry is trusted only when:
- it lies in a private folder: a real directory owned by this user, mode 0700 (created so;
  an existing one of ours is tightened; anyone else's is not used);
- it is a regular file owned by this user that no one else may write, opened without
  following a link and without blocking (a FIFO or a device in its place is a miss);
- it names the sha256 of the file it was made from, and that is the file being read;
- its data carries an HMAC-SHA256 made with this cache's own key (a 0600 file beside the
  entries), so an entry that was edited, or copied from elsewhere, is a miss.
Any failure to read or write the cache is a miss: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "briefing-yaml-cache-2"
MIN_BYTES = 64 * 1024  # smaller files parse faster than a cache round trip is worth
MAX_ENTRIES = 64
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # an 8 MiB YAML file never makes a bigger entry
KEY_FILE = "key"
KEY_BYTES = 32


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


# --------------------------------------------------------------------------- private files


def _private_folder(where: Path, create: bool) -> bool:
    """Whether `where` is a directory only this user can use, creating it (0700) if asked."""
    if create:
        where.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            where.mkdir(mode=0o700)
    info = os.lstat(where)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return False
    if info.st_mode & 0o077:
        where.chmod(0o700)  # ours, made before the cache was private: tighten it
    return True


def _read_own(path: Path, limit: int) -> bytes:
    """A regular file of this user that no one else may write; never a link, FIFO or device."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.geteuid()
            or info.st_mode & 0o022
            or info.st_size > limit
        ):
            raise OSError(f"{path.name} is not a private regular file")
        return handle.read(limit + 1)


def _key(where: Path, create: bool) -> bytes | None:
    """This cache's secret, made on first use."""
    path = where / KEY_FILE
    if create:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
    key = _read_own(path, KEY_BYTES)
    return key if len(key) == KEY_BYTES else None


def _seal(key: bytes, digest: str, payload: bytes) -> str:
    return hmac.new(key, f"{FORMAT}\n{digest}\n".encode() + payload, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- JSON


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


# --------------------------------------------------------------------------- entries


def get(raw: bytes) -> tuple[bool, Any]:
    """(True, data) when these very bytes were parsed before and the entry is sound."""
    where = folder()
    if where is None or len(raw) < MIN_BYTES:
        return False, None
    digest = hashlib.sha256(raw).hexdigest()
    try:
        if not _private_folder(where, create=False):
            return False, None
        key = _key(where, create=False)
        entry = _read_own(where / f"{digest}.json", MAX_ENTRY_BYTES)
        header_line, _, payload = entry.partition(b"\n")
        header = json.loads(header_line)
        if (
            key is None
            or header.get("format") != FORMAT
            or header.get("sha256") != digest
            or not hmac.compare_digest(str(header.get("hmac")), _seal(key, digest, payload))
        ):
            return False, None
        return True, json.loads(payload, object_hook=_dates)
    except (OSError, ValueError, TypeError, AttributeError):
        return False, None


def put(raw: bytes, data: Any) -> None:
    """Remember a file that parsed without problems; keep the newest entries only."""
    where = folder()
    if where is None or len(raw) < MIN_BYTES:
        return
    digest = hashlib.sha256(raw).hexdigest()
    temp: str | None = None
    try:
        if not _private_folder(where, create=True):
            return
        key = _key(where, create=True)
        if key is None:
            return
        payload = json.dumps(_encode(data), ensure_ascii=False).encode()
        header = {"format": FORMAT, "sha256": digest, "hmac": _seal(key, digest, payload)}
        fd, temp = tempfile.mkstemp(dir=where, prefix=".entry-", suffix=".tmp")  # 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(header).encode() + b"\n" + payload)
        Path(temp).replace(where / f"{digest}.json")
        temp = None
        _prune(where)
    except (OSError, ValueError, TypeError):
        return
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def _prune(where: Path) -> None:
    """Keep the newest MAX_ENTRIES entries (regular files only)."""
    entries = []
    for path in where.glob("*.json"):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            entries.append((info.st_mtime, path))
    for _, old in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        old.unlink(missing_ok=True)
