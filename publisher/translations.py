"""How much of the site has its English: counts per kind, and every English text still missing.

`coverage()` is pure: a validated Catalog (and the list of hand-written pages) in, counts and gaps out.
`build.py check` prints the counts; with `--strict-en` every gap becomes a problem (file, line, field,
the Chinese it would translate) and the check fails.

What "translated" means (docs/english.md): an entry counts once nothing in it still lacks its English —
its `en:` block, `name_en` for a person or ambassador, and the English of every optional text the
Chinese side fills in (image caption, highlights, tags, video title, audio transcript, source names).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .catalog import Catalog, Edition, Entry
from .load import FieldPath, dotted, read_entry
from .problems import ContentError, Problem
from .text import shorten

KINDS = ("case", "person", "ambassador", "site", "page")
_LABELS = {"zh": {"case": "案例", "person": "人物", "ambassador": "大使", "site": "全站设置", "page": "页面"},
           "en": {"case": "cases", "person": "people", "ambassador": "ambassadors", "site": "site settings",
                  "page": "pages"}}
ENGLISH_PAGES = "en"  # hand-written English pages: content/en/<same path as the Chinese page>
CONTENT_DIR, CASES_DIR = "content", "cases"


@dataclass(frozen=True)
class Gap:
    """One English text that is missing: in which file, under which field, for which Chinese."""

    path: Path
    field: str  # where the English goes, e.g. "en", "en.highlights", "name_en"
    chinese_at: FieldPath  # the Chinese field it translates (its line is where check points)
    chinese: str  # the Chinese text, shortened, so the editor sees what to translate


@dataclass(frozen=True)
class Coverage:
    translated: dict[str, int]  # kind → how many are fully translated
    total: dict[str, int]  # kind → how many there are
    gaps: tuple[Gap, ...] = field(default=())

    def summary(self, lang: str) -> str:
        """One line, e.g. 英文版：案例 10/10，人物 7/10，大使 12/37，全站设置 1/1，页面 1/1"""
        labels = _LABELS[lang]
        parts = [f"{labels[kind]} {self.translated[kind]}/{self.total[kind]}" for kind in KINDS if self.total[kind]]
        if lang == "zh":
            return "英文版：" + "，".join(parts)
        return "English edition: " + ", ".join(parts)


def entry_gaps(kind: str, path: Path, data: Any) -> list[Gap]:
    """Every English text `data` (a schema model of `kind`) lacks, in file order of the Chinese."""
    gaps: list[Gap] = []

    def lack(english: str, chinese_at: FieldPath, chinese: object) -> None:
        gaps.append(Gap(path, english, chinese_at, shorten(" ".join(str(chinese).split()), 30)))

    if kind in ("person", "ambassador") and not data.name_en:
        lack("name_en", ("name",), data.name)
    english = data.en
    if english is None:
        first = {"case": "title", "person": "role", "ambassador": "quote", "site": "brand"}[kind]
        lack("en", (first,), getattr(data, first))
        return gaps
    if kind == "case":
        if data.image_alt and not english.image_alt:
            lack("en.image_alt", ("image_alt",), data.image_alt)
        if data.highlights and len(english.highlights) != len(data.highlights):
            lack("en.highlights", ("highlights",), "、".join(h.label for h in data.highlights))
        if data.video and data.video.title and not english.video:
            lack("en.video.title", ("video", "title"), data.video.title)
    if kind in ("case", "person"):
        if data.tags and len(english.tags) != len(data.tags):
            lack("en.tags", ("tags",), "、".join(data.tags))
        if data.audio and not english.audio:
            lack("en.audio.transcript", ("audio", "transcript"), data.audio.transcript)
        elif data.audio and data.audio.title and not english.audio.title:
            lack("en.audio.title", ("audio", "title"), data.audio.title)
    if kind == "person" and data.body and not english.body:
        lack("en.body", ("body",), data.body)
    if kind == "site":
        if data.motto and not english.motto:
            lack("en.motto", ("motto",), data.motto)
        if data.figures and len(english.figures) != len(data.figures):
            lack("en.figures", ("figures",), "、".join(f.label for f in data.figures))
        for number, district in enumerate(data.districts):
            if not district.name_en:
                lack(f"districts[{number}].name_en", ("districts", number, "name"), district.name)
            if district.alias and not district.alias_en:
                lack(f"districts[{number}].alias_en", ("districts", number, "alias"), district.alias)
    for at, source in _sources(kind, data):
        if not source.title_en:
            lack(dotted((*at, "title_en")), (*at, "title"), source.title)
    return gaps


def _sources(kind: str, data: Any) -> list[tuple[FieldPath, Any]]:
    if kind == "case":
        return [(("sources", number), source) for number, source in enumerate(data.sources)]
    if kind == "site" and data.source:
        return [(("source",), data.source)]
    return []


def english_page(chinese: str) -> str:
    """content-relative path of a hand-written page's English: about.md → en/about.md."""
    return f"{ENGLISH_PAGES}/{chinese}"


def page_sources(content_dir: Path) -> tuple[list[str], set[str]]:
    """Hand-written Chinese pages (content-relative, outside en/) and the English pages that exist."""
    if not content_dir.is_dir():
        return [], set()
    every = sorted(p.relative_to(content_dir).as_posix() for p in content_dir.rglob("*.md"))
    chinese = [p for p in every if not p.startswith(ENGLISH_PAGES + "/")]
    return chinese, {p for p in every if p.startswith(ENGLISH_PAGES + "/")}


def coverage(catalog: Catalog, site_file: Path, content_dir: Path, pages: list[str] = (),
             english_pages: set[str] = frozenset()) -> Coverage:
    """Counts per kind and every gap, from a validated catalog (with its site.yaml's path) and the
    hand-written pages (content-relative paths, see page_sources)."""
    translated = {kind: 0 for kind in KINDS}
    total = {kind: 0 for kind in KINDS}
    gaps: list[Gap] = []
    items = [(entry.kind, entry.source, entry.data) for entry in catalog.entries]
    for kind, path, data in [*items, ("site", site_file, catalog.site)]:
        found = entry_gaps(kind, path, data)
        total[kind] += 1
        translated[kind] += not found
        gaps += found
    for page in pages:
        total["page"] += 1
        if english_page(page) in english_pages:
            translated["page"] += 1
        else:
            gaps.append(Gap(content_dir / page, english_page(page), (), page))
    return Coverage(translated, total, tuple(gaps))


def gap_problems(gaps: tuple[Gap, ...], cases_dir: Path) -> list[Problem]:
    """Each gap as a check problem, at the line of the Chinese it translates (files are read again, only here)."""
    located: dict[Path, Any] = {}
    problems = []
    for gap in gaps:
        line = column = None
        if gap.chinese_at and gap.path.suffix in (".yaml", ".yml"):
            if gap.path not in located:
                located[gap.path] = read_entry(gap.path, cases_dir)[0]
            raw = located[gap.path]
            if raw is not None:
                line, column = raw.locate(gap.chinese_at) or (None, None)
        code = "missing_en" if gap.chinese_at else "missing_en_page"
        problems.append(Problem(gap.path, code, line, column, gap.field, {"chinese": gap.chinese}))
    return problems


def report(catalog: Catalog, root: Path, lang: str, strict: bool) -> int:
    """What `check` says about the English edition: the counts; with `strict`, every gap, and 1 if any."""
    content_dir = root / CONTENT_DIR
    pages, english_pages = page_sources(content_dir)
    found = coverage(catalog, root / CASES_DIR / "site.yaml", content_dir, pages, english_pages)
    print(found.summary(lang))
    if strict and found.gaps:
        print(ContentError(gap_problems(found.gaps, root / CASES_DIR)).report(lang, root), file=sys.stderr)
        return 1
    return 0


class Localized:
    """An entry's data as a page in `lang` reads it: `view.title` is the English title when there is one,
    else the Chinese. `lang_of(name)` says which language a field came out in, so a template can mark
    Chinese text on an English page with lang="zh". Blocks (audio, video, sources…) are views too:
    their file and link stay the Chinese side's, their texts come from the English where given.

    Where a field's English lives: beside it as `<name>_en` (names), or under the same name in the
    `en:` block (texts). Lists in the `en:` block (highlights, tags, figures) replace the Chinese list whole.
    """

    __slots__ = ("_data", "_english", "_lang")

    def __init__(self, data: Any, lang: str, english: Any = None):
        self._data, self._lang = data, lang
        if english is _NONE:
            english = None
        elif english is None:
            english = getattr(data, "en", None)
        self._english = english

    def _find(self, name: str) -> Any:
        """The English of field `name`, or None."""
        if self._lang != "en":
            return None
        beside = getattr(self._data, f"{name}_en", None) if f"{name}_en" in type(self._data).model_fields else None
        if beside:
            return beside
        if self._english is not None and name in type(self._english).model_fields:
            value = getattr(self._english, name)
            return value if value not in (None, [], "") else None
        return None

    def __getattr__(self, name: str) -> Any:
        chinese = getattr(self._data, name)
        english = self._find(name)  # None on Chinese pages
        if _is_model(chinese):
            return Localized(chinese, self._lang, english if _is_model(english) else _NONE)
        if chinese is None and _is_model(english):
            return None  # a block (audio, video) exists where the Chinese has it: English alone has no file
        if isinstance(chinese, list) and chinese and _is_model(chinese[0]) and english is None:
            return [Localized(item, self._lang, _NONE) for item in chinese]  # e.g. sources: title_en per item
        return chinese if english is None else english

    def lang_of(self, name: str) -> str:
        """"en" or "zh": the language `getattr(view, name)` is written in (Chinese for an untranslated text)."""
        if self._lang != "en":
            return self._lang
        return "en" if self._find(name) is not None else "zh"

    @property
    def translated(self) -> bool:
        """Has this entry (or block) any English at all? An untranslated one shows as "Chinese only"."""
        return self._lang != "en" or self._english is not None

    @property
    def raw(self) -> Any:
        """The data as written (Chinese fields, codes): for lookups that must not depend on the language."""
        return self._data

    def __repr__(self) -> str:
        return f"Localized({type(self._data).__name__}, {self._lang})"


_NONE = object()  # "no English block here": a view of a block whose English counterpart is absent


def _is_model(value: Any) -> bool:
    return hasattr(type(value), "model_fields")


def localize(catalog: Catalog, lang: str) -> Catalog:
    """The catalog as pages in `lang` read it: every entry's and the site's data seen through `Localized`.
    Ranks, order, slugs and URLs are the same in both languages, so no ranking ever loses a place."""
    def view(entry: Entry) -> Entry:
        return replace(entry, data=Localized(entry.data, lang))

    editions = tuple(Edition(ed.year, tuple(map(view, ed.cases)), tuple(map(view, ed.people)))
                     for ed in catalog.editions)
    return Catalog(Localized(catalog.site, lang), editions, tuple(map(view, catalog.ambassadors)), catalog.media)
