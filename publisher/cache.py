"""A memo kept between builds in .cache/: most of a rebuild is what the last build already made.

Each memo is one SQLite file of text keys and text values (never pickle: a cache restored from
elsewhere must not be able to run code). A value is what a pure function made of its key, so a
key must name every input (callers hash them). Values are read one by one when asked for and
only new ones are written, so a rebuild that changes one entry writes a few rows, not the whole
cache. A different `version` (the code or libraries that make the values changed) starts
afresh; so does a damaged file: a cache can make a build faster, never make it fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

_PRUNE_SLACK = 1000  # rows beyond twice what one build uses before unused rows are dropped


class Memo:
    def __init__(self, path: Path | None, version: str):
        self.path, self.version = path, version
        self.used: set[str] = set()
        self.new: dict[str, str] = {}
        self.loaded: dict[str, str] | None = None  # every stored value, after preload()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = self._open(path) or self._open(path, fresh=True)

    def _open(self, path: Path, fresh: bool = False) -> sqlite3.Connection | None:
        try:
            if fresh:
                path.unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            db.executescript("CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS about (version TEXT NOT NULL);")
            stored = db.execute("SELECT version FROM about").fetchone()
            if stored is None or stored[0] != self.version:
                with _transaction(db):
                    db.execute("DELETE FROM memo")
                    db.execute("DELETE FROM about")
                    db.execute("INSERT INTO about VALUES (?)", (self.version,))
            return db
        except sqlite3.Error:
            return None

    def preload(self) -> None:
        """Read every stored value now, for a caller that will ask for most of them."""
        try:
            self.loaded = dict(self._db.execute("SELECT key, value FROM memo")) if self._db is not None else {}
        except sqlite3.Error:
            self.loaded = {}

    def lookup(self, key: str) -> str | None:
        """The remembered value of `key`, or None."""
        self.used.add(key)
        if key in self.new:
            return self.new[key]
        if self.loaded is not None:
            return self.loaded.get(key)
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def lookup_many(self, keys: list[str]) -> dict[str, str]:
        """The remembered values of those of `keys` that have one (one query per thousand keys)."""
        self.used.update(keys)
        found = {key: self.new[key] for key in keys if key in self.new}
        for start in range(0, len(keys) if self._db is not None else 0, 900):  # SQLite allows 999 parameters
            chunk = keys[start:start + 900]
            try:
                rows = self._db.execute(  # type: ignore[union-attr]
                    f"SELECT key, value FROM memo WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            except sqlite3.Error:
                return found
            found.update(rows)
        return found

    def put(self, key: str, value: str) -> None:
        self.used.add(key)
        self.new[key] = value

    def get(self, key: str, make: Callable[[], str]) -> str:
        found = self.lookup(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def save(self) -> None:
        """Write what is new; drop rows no build has used lately once they outnumber the used ones
        (checked when something new is written: a build that changed nothing writes nothing)."""
        if self._db is None or not self.new:
            return
        try:
            with _transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)", self.new.items())
                (rows,) = self._db.execute("SELECT count(*) FROM memo").fetchone()
                if rows > 2 * len(self.used) + _PRUNE_SLACK:
                    self._db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                    self._db.executemany("INSERT INTO used VALUES (?)", ((k,) for k in self.used))
                    self._db.execute("DELETE FROM memo WHERE key NOT IN (SELECT key FROM used)")
                    self._db.execute("DROP TABLE used")
        except sqlite3.Error:
            pass  # a cache that cannot be written only makes the next build slower
        self.new.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")  # one writer at a time: builds may run side by side
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@lru_cache(maxsize=None)
def code_version(*libraries: str) -> str:
    """What makes cached values besides their inputs: this package's source and the given libraries'
    versions. Any change to either starts a memo afresh, so no cached value outlives its code."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    versions = [f"{name} {importlib.metadata.version(name)}" for name in libraries]
    return ", ".join([digest.hexdigest()[:16], *versions])
