"""An exclusive lock held by one process at a time on a lock file (flock), taken at once or refused.

The kernel lets go of a flock when its holder dies, even by SIGKILL: a killed run never
leaves a lock behind. Within one process the lock is re-entrant (the command line takes it
before Prefect starts, the flow again), so a run never refuses itself.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


class LockBusy(RuntimeError):
    """Another process holds the lock; the message says which process, since when."""


class ReentrantHolds:
    """Resources held once per process, however often a block asks for them: the first entry
    acquires, nested and parallel entries (threads of one run) share it, the last exit
    releases. One registry per kind of resource (lock files, database sessions)."""

    def __init__(self) -> None:
        self._held: dict[str, list] = {}  # key → [resource, depth]
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: str, acquire: Callable[[], object], release: Callable[[object], None]) -> Iterator[None]:
        with self._guard:
            if key in self._held:
                self._held[key][1] += 1
            else:
                self._held[key] = [acquire(), 1]
        try:
            yield
        finally:
            with self._guard:
                self._held[key][1] -= 1
                if self._held[key][1] == 0:
                    resource, _ = self._held.pop(key)
                    release(resource)


_lock_files = ReentrantHolds()


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Holds the lock on `path` (created if needed) for the block; LockBusy at once when another
    process holds it."""
    key = os.path.realpath(path)

    def acquire() -> int:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip()
            os.close(descriptor)
            raise LockBusy(holder or "another process") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
                  .encode(), 0)
        return descriptor

    with _lock_files.hold(key, acquire, os.close):  # closing the descriptor releases the flock
        yield
