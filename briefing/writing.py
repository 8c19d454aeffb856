"""The output folder: a lock, safe paths, atomic writes, and a journal of temporary files.

Every file is written to a temporary file beside its final path, flushed to disk, and renamed
into place, so a build killed at any moment leaves either the old file or the new one. Each
temporary file's name goes into a journal (the lock file's content) before the file is made,
so the next build removes exactly the temporary files a killed build made, and nothing else.

The lock is a `flock` held by the process that entered the folder, and by no other: a forked
child (a worker) closes its inherited copy at once, so a worker that outlives its build can
never keep the folder locked. The kernel drops the lock when its holder dies, however it dies.

Shards (`--shard K/N`) may share one output folder: they write disjoint files, so each takes
the folder's lock *shared* and a lock of its own (`.briefing.shard-K-of-N.lock`, holding its
journal) exclusively. Shards thus run side by side, the same shard twice does not, and a full
build (or `merge-manifests`), which takes the folder's lock exclusively, waits for them all.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import time
from pathlib import Path
from types import TracebackType

from briefing.errors import LockHeld, OutputFolderError, RenderError, UsageError

LOCK_NAME = ".briefing.lock"
_LOCK_GLOB = ".briefing*.lock"  # the folder's lock and the shards' own
# What `write` names its temporary files, optionally under a subfolder of the output folder.
_TEMP_FILE = re.compile(r"^(?:[^/\0]+/)*\.[^/\0]+\.[a-z0-9_]{8}\.tmp$")
_HELD: set[int] = set()  # lock descriptors this process holds


def _forget_locks_after_fork() -> None:
    """In a forked child: close the inherited lock descriptors (the parent keeps its lock)."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_locks_after_fork)


def shard_lock_name(tag: str) -> str:
    """`.briefing.shard-2-of-4.lock`: one shard's own lock and journal."""
    return f".briefing.{tag}.lock"


def journal_pending(root: Path, shard: str | None = None) -> bool:
    """True when a build is writing into `root`, or was killed before it cleaned up: any
    build at all for a full build; a full build or this shard itself for a shard (other
    shards write other files)."""
    if shard is None:
        locks = list(root.glob(_LOCK_GLOB))
    else:
        locks = [root / LOCK_NAME, root / shard_lock_name(shard)]
    for lock in locks:
        try:
            if lock.stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


class OutputFolder:
    """An output folder held under a lock while a build writes into it: exclusive for a full
    build, shared plus the shard's own for a shard (`shard`: its tag, e.g. shard-2-of-4)."""

    def __init__(self, root: Path, wait_seconds: float = 0.0, shard: str | None = None) -> None:
        self.root = root
        self.wait_seconds = wait_seconds
        self.shard = shard
        self._lock_fd: int | None = None  # holds the journal
        self._folder_fd: int | None = None  # a shard's shared hold on the folder's lock

    def __enter__(self) -> OutputFolder:
        folder_fd = self._open_lock_file(LOCK_NAME)
        own_fd = self._open_lock_file(shard_lock_name(self.shard)) if self.shard else None
        locks = [(folder_fd, fcntl.LOCK_SH if self.shard else fcntl.LOCK_EX)]
        if own_fd is not None:
            locks.append((own_fd, fcntl.LOCK_EX))
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                self._take(locks)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._close_all(folder_fd, own_fd)
                    holder = "another build holds the lock on"
                    if self.shard:
                        holder = f"another build (a full build, or {self.shard}) holds the lock on"
                    raise LockHeld(
                        f"{holder} {self.root} "
                        f"(waited {self.wait_seconds:g} s; raise --wait-lock to wait longer)"
                    ) from None
                time.sleep(0.1)
            except OSError as error:
                self._close_all(folder_fd, own_fd)
                raise OutputFolderError(
                    f"cannot lock output folder {self.root}: {error.strerror}"
                ) from None
        if own_fd is None:
            self._lock_fd = folder_fd
        else:
            self._lock_fd, self._folder_fd = own_fd, folder_fd
            _HELD.add(folder_fd)
        _HELD.add(self._lock_fd)
        self._remove_journalled_temporaries()
        return self

    @staticmethod
    def _take(locks: list[tuple[int, int]]) -> None:
        """All the locks, or none of them (BlockingIOError)."""
        taken: list[int] = []
        try:
            for fd, mode in locks:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                taken.append(fd)
        except OSError:
            for fd in taken:
                fcntl.flock(fd, fcntl.LOCK_UN)
            raise

    @staticmethod
    def _close_all(*fds: int | None) -> None:
        for fd in fds:
            if fd is not None:
                os.close(fd)

    def _open_lock_file(self, name: str) -> int:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
            return os.open(self.root / name, flags, 0o666)
        except OSError as error:
            raise OutputFolderError(
                f"cannot use output folder {self.root}: {error.strerror}; "
                "choose a folder you can write with --out"
            ) from None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        fd = self._lock_fd
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # every temporary file is renamed or removed by now
        for held in (fd, self._folder_fd):
            if held is not None:
                _HELD.discard(held)
                fcntl.flock(held, fcntl.LOCK_UN)
                os.close(held)
        self._lock_fd = self._folder_fd = None

    def ensure_writable(self) -> None:
        """Refuse, before anything is rendered, a folder no file can be written into."""
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise OutputFolderError(
                f"cannot write into output folder {self.root}: it is read-only or not yours; "
                "choose another with --out"
            )

    # ------------------------------------------------------------------ temporary files

    def _journal(self, temp: Path) -> None:
        assert self._lock_fd is not None, "write only inside `with OutputFolder(...)`"
        line = str(temp.relative_to(self.root.resolve())) + "\n"
        os.write(self._lock_fd, line.encode())

    def _remove_journalled_temporaries(self) -> None:
        """Delete the temporary files a killed build journalled; under the lock, none is live."""
        assert self._lock_fd is not None
        size = os.fstat(self._lock_fd).st_size
        if not size:
            return
        root = self.root.resolve()
        for line in os.pread(self._lock_fd, size, 0).decode(errors="replace").splitlines():
            relative = Path(line)
            if relative.is_absolute() or ".." in relative.parts or not _TEMP_FILE.match(line):
                continue
            temp = root / relative
            with contextlib.suppress(OSError):  # only a file right here, not through a link
                if stat.S_ISREG(temp.lstat().st_mode) and temp.parent.resolve() == temp.parent:
                    temp.unlink()
        os.ftruncate(self._lock_fd, 0)

    # ------------------------------------------------------------------ writing

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
        """Write atomically: temporary file in the same folder, fsync, rename into place.

        The file gets the permissions the process umask allows, as any file a user makes.
        """
        final = self.path(name)
        temp = final.parent / f".{final.name}.{secrets.token_hex(4)}.tmp"
        try:  # a read-only or full folder fails here already: the same clear error
            final.parent.mkdir(parents=True, exist_ok=True)
            self._journal(temp)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
            fd = os.open(temp, flags, 0o666)
        except OSError as error:
            raise RenderError(f"cannot write {final}: {_reason(error)}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temp.replace(final)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise RenderError(f"cannot write {final}: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return "disk full" if error.errno == errno.ENOSPC else error.strerror or str(error)
