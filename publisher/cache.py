"""A memo kept between builds in .cache/: most of a rebuild's text is what the last build saw.

Keys and values are plain text (JSON on disk, never pickle: a cache restored from elsewhere
must not be able to run code). Values are what a pure function made of the key. Only entries
used by this build are written back, so the file never outgrows the site. A different
`version` (the code or libraries that make the values changed) starts afresh.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable


class Memo:
    def __init__(self, path: Path | None, version: str):
        self.path, self.version = path, version
        self.previous: dict[str, str] = self._read()
        self.used: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            return {}
        entries = stored.get("entries") if isinstance(stored, dict) else None
        if stored.get("version") != self.version or not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, str)}

    def get(self, key: str, make: Callable[[], str]) -> str:
        if key not in self.used:
            self.used[key] = self.previous[key] if key in self.previous else make()
        return self.used[key]

    def save(self) -> None:
        if self.path is None or self.used == self.previous:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": self.version, "entries": self.used}, ensure_ascii=False),
                             encoding="utf-8")
        temporary.replace(self.path)  # a killed build never leaves half a cache
