"""Putting a new site in place of the old one, so that readers never find no site/ or half a site.

A build writes into a fresh folder beside site/ and swaps it in only when it is complete. One build
at a time holds the lock (`.site.lock` beside site/); another build waits for it. On Linux the swap
is one atomic exchange of the two folders. Elsewhere it is two renames, with a journal written
first, so that a build killed between them is repaired by the next build before anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

_NO_STEP: Callable[[str], None] = lambda name: None  # noqa: E731


def _beside(site_dir: Path, what: str) -> Path:
    return site_dir.with_name(f".{site_dir.name}.{what}")


@contextlib.contextmanager
def locked(site_dir: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the build lock of `site_dir`; `on_wait()` is called once if another build holds it."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(_beside(site_dir, "lock"), "a+b") as handle:
        if not _lock(handle, wait=False):
            on_wait()
            _lock(handle, wait=True)
        try:
            yield
        finally:
            _unlock(handle)


def _lock(handle, wait: bool) -> bool:
    if os.name == "nt":
        import msvcrt
        import time

        while True:
            try:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not wait:
                    return False
                time.sleep(0.2)
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False


def _unlock(handle) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def fresh_folder(site_dir: Path) -> Path:
    """An empty folder beside site/ for the new site (same file system, so the swap is a rename)."""
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))


def repair(site_dir: Path) -> None:
    """Finish or undo a swap that a killed build left half done; remove what killed builds left.
    Call it holding the lock: then no other build is using those folders."""
    journal = _beside(site_dir, "swap")
    if journal.exists():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))
            new, old = Path(names["new"]), Path(names["old"])
        except (OSError, ValueError, KeyError, TypeError):
            new = old = None
        if new is not None and old is not None and not site_dir.exists():
            if new.is_dir():  # the journal is written only once the new site is complete
                new.rename(site_dir)
            elif old.is_dir():
                old.rename(site_dir)
        journal.unlink(missing_ok=True)
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}-old-*")) + sorted(
        site_dir.parent.glob(f".{site_dir.name}-new-*"))
    for leftover in leftovers:
        if not site_dir.exists() and leftover.name.startswith(f".{site_dir.name}-old-") and leftover.is_dir():
            leftover.rename(site_dir)  # a swap killed before there was a journal: keep the old site
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def swap_in(fresh: Path, site_dir: Path, exchange: bool = True, step: Callable[[str], None] = _NO_STEP) -> None:
    """Put the complete site in `fresh` at `site_dir`. `step(name)` is called between the steps (tests
    stop the swap there, as a kill would)."""
    fresh.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if not site_dir.exists():
        fresh.rename(site_dir)
        return
    if exchange and _exchange(fresh, site_dir):  # one step: site/ is never missing
        step("exchanged")
        shutil.rmtree(fresh, ignore_errors=True)  # it now holds the old site
        return
    old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
    journal = _beside(site_dir, "swap")
    temporary = journal.with_name(journal.name + ".tmp")
    temporary.write_text(json.dumps({"new": str(fresh), "old": str(old)}), encoding="utf-8")
    os.replace(temporary, journal)
    step("journal written")
    site_dir.rename(old)
    step("old site moved aside")
    fresh.rename(site_dir)
    step("new site in place")
    journal.unlink()
    step("journal removed")
    shutil.rmtree(old, ignore_errors=True)


def _exchange(one: Path, other: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(one), at_fdcwd, os.fsencode(other), rename_exchange) == 0
