"""What the site is made of, once every entry passed its checks: entries, editions, the catalog.

`validate.py` makes a Catalog; rendering and sharing only read it.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path

from . import schema, urls
from .text import one_line


@dataclass(frozen=True)
class Entry:
    """A validated entry: its place in the site plus its schema-checked data."""

    kind: str
    slug: str
    year: int | None
    source: Path
    data: typing.Any  # schema.Case | schema.Person | schema.Ambassador

    @property
    def name(self) -> str:
        """What the entry is called: a case's title, a person's or ambassador's name."""
        return self.data.title if self.kind == "case" else self.data.name

    @property
    def excerpt(self) -> str:
        """The entry in one line, for cards and page descriptions: a case's summary, a person's
        citation, an ambassador's quote (line breaks joined as Chinese text wants: publisher/text.py)."""
        text = {"case": "summary", "person": "citation"}.get(self.kind, "quote")
        return one_line(getattr(self.data, text))

    @property
    def url(self) -> str:
        """Its page's site path."""
        return urls.entry(self.kind, self.slug, self.year)


@dataclass(frozen=True)
class Edition:
    year: int
    cases: tuple[Entry, ...]  # rank order
    people: tuple[Entry, ...]  # rank order


@dataclass(frozen=True)
class Catalog:
    """Everything the site is made of, validated: newest edition first."""

    site: schema.Site
    editions: tuple[Edition, ...]
    ambassadors: tuple[Entry, ...]
    media: tuple[str, ...] = field(default=())  # paths under cases/ that pages use

    @property
    def current(self) -> Edition | None:
        return self.editions[0] if self.editions else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry: each edition's cases and people, newest edition first, then the ambassadors."""
        return (*(e for ed in self.editions for e in (*ed.cases, *ed.people)), *self.ambassadors)
