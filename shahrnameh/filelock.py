"""An exclusive lock held by one process at a time on a lock file (flock), taken at once or refused.

The kernel lets go of a flock when its holder dies, even by SIGKILL: a killed run never
leaves a lock behind. Within one process the lock is re-entrant (the command line takes it
before Prefect starts, the flow again), so a run never refuses itself.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


class LockBusy(RuntimeError):
    """Another process holds the lock; the message says which process, since when."""


_held: dict[str, list] = {}  # lock file → [file descriptor, depth]
_held_lock = threading.Lock()


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Holds the lock on `path` (created if needed) for the block; LockBusy at once when another
    process holds it."""
    key = os.path.realpath(path)
    with _held_lock:
        if key in _held:
            _held[key][1] += 1
        else:
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
            _held[key] = [descriptor, 1]
    try:
        yield
    finally:
        with _held_lock:
            _held[key][1] -= 1
            if _held[key][1] == 0:
                descriptor, _ = _held.pop(key)
                os.close(descriptor)  # releases the flock
