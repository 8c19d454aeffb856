"""The output folder: a lock, safe paths, atomic writes, and the manifest.

Every file is written to a temporary file beside its final path, flushed to disk, and renamed
into place, so a build killed at any moment leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from briefing.errors import LockHeld, RenderError, UsageError

LOCK_NAME = ".briefing.lock"
_TEMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # what `write` names its temporary files


def temporaries(root: Path) -> list[Path]:
    """The temporary files `OutputFolder.write` makes (a killed build may leave some)."""
    return [
        temp
        for temp in root.rglob(".*.tmp")
        if _TEMP_FILE.match(temp.name) and temp.is_file() and not temp.is_symlink()
    ]


class OutputFolder:
    """An output folder held under an exclusive lock while a build writes into it."""

    def __init__(self, root: Path, wait_seconds: float = 0.0) -> None:
        self.root = root
        self.wait_seconds = wait_seconds
        self._lock_fd: int | None = None

    def __enter__(self) -> OutputFolder:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise RenderError(f"cannot use output folder {self.root}: {error.strerror}") from None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockHeld(
                        f"another build holds the lock on {self.root} "
                        f"(waited {self.wait_seconds:g} s; raise --wait-lock to wait longer)"
                    ) from None
                time.sleep(0.1)
        self._lock_fd = fd
        self._remove_stale_temporaries()
        return self

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed build left behind; under the lock, none is live."""
        for temp in temporaries(self.root):
            with contextlib.suppress(OSError):
                temp.unlink()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def path(self, name: str) -> Path:
        """The final path of an output; nothing may leave the output folder."""
        root = self.root.resolve()
        if "\0" in name:
            raise UsageError(f"refusing to write {name!r}: a file name holds no NUL byte")
        candidate = (self.root / name).resolve()
        if not candidate.is_relative_to(root) or candidate == root or name.startswith(("/", "\\")):
            raise UsageError(f"refusing to write {name!r} outside {self.root}")
        return candidate

    def write(self, name: str, data: bytes) -> None:
        """Write atomically: temporary file in the same folder, fsync, rename into place."""
        final = self.path(name)
        try:  # a read-only or full folder fails here already: the same clear error
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{final.name}.", suffix=".tmp", dir=final.parent
            )
        except OSError as error:
            reason = "disk full" if error.errno == errno.ENOSPC else error.strerror
            raise RenderError(f"cannot write {final}: {reason}") from None
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temp.chmod(0o644)
            temp.replace(final)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            reason = "disk full" if error.errno == errno.ENOSPC else error.strerror
            raise RenderError(f"cannot write {final}: {reason}") from None

    def read_manifest(self, name: str) -> dict[str, Any]:
        """The previous build's manifest, or an empty one if absent or unreadable."""
        try:
            data = json.loads(self.path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_manifest(self, name: str, manifest: dict[str, Any]) -> None:
        data = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
        try:
            if self.path(name).read_bytes() == data:
                return  # nothing changed, nothing rewritten
        except OSError:
            pass
        self.write(name, data)

    def up_to_date(self, manifest: dict[str, Any], names: list[str], digest: str) -> bool:
        """All outputs exist, are the bytes the manifest recorded, and share this digest."""
        outputs = manifest.get("outputs", {})
        for name in names:
            entry = outputs.get(name)
            if not isinstance(entry, dict) or entry.get("inputs") != digest:
                return False
            try:
                data = self.path(name).read_bytes()
            except OSError:
                return False
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                return False
        return True
