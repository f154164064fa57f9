"""A memo kept between builds in .cache/: most of a rebuild's text is what the last build saw.

Keys are texts, hashes or file stamps; values are what a pure function made of them. Only entries
used by this build are written back, so the file never outgrows the site. A different `version`
(the code or libraries that make the values changed) starts afresh.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Callable


class Memo:
    def __init__(self, path: Path | None, version: str):
        self.path, self.version = path, version
        self.previous: dict[str, Any] = self._read()
        self.used: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        try:
            version, entries = pickle.loads(self.path.read_bytes()) if self.path else ("", {})
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            return {}
        return entries if version == self.version else {}

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.used:
            self.used[key] = self.previous[key] if key in self.previous else make()
        return self.used[key]

    def save(self) -> None:
        if self.path is None or self.used == self.previous:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps((self.version, self.used), protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(self.path)  # a killed build never leaves half a cache
