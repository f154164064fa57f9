"""A search index that finds exactly the pages containing what the reader typed, in small pieces.

`entries()` cuts each page into the entries Material's search plugin would make (the page and its
sections, `data-search-exclude` honoured); the index made of them (`IndexBeside` on `build`, beside
the rendering; `write_index` in the preview) is what our own worker
(templates/theme/assets/search-worker.js) reads through Material's worker protocol:

    search/search_index.json     what Material's bundle fetches: its config, no documents, and
                                 per language the index's folder and shard counts (a few hundred bytes)
    search/<lang>.<digest>/      one folder per language (zh, and en for pages under en/):
        b<N>.json   positional postings of Chinese character pairs (Lucene's CJK bigrams), by hash
        u<N>.json   per single Chinese character: [pages holding it, pages whose title holds it], by hash
        w<K>.json   positional postings of Latin/digit words (English: stemmed), by first character
        t<N>.json   location and title of pages N·TITLES_PER_FILE …
        p<N>.json   page N: its location and sections (title, text), for exact checks and excerpts

A query fetches only the shards of its own pairs and words and the texts of the first page of
results; titles of later results are fetched as the reader scrolls to them. So its cost barely grows
with the site. Pairs with positions give exact substring semantics: a query matches a page where its
pairs follow each other. A page's title is indexed at positions below TITLE_SPAN and the rest of its
text from TITLE_SPAN on, so the worker ranks title matches first from the postings alone.

Positions are UTF-16 offsets into the page's text as the worker rebuilds it (`page_text`), so
Python and JavaScript agree on them; the character folding and the hash are the same on both sides
(tests/test_search.py runs the worker's versions against these).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable

from .beside import Beside
from .schema import LANGUAGES  # one folder of the index per language

INDEX_FILE = "search/search_index.json"  # the one path Material's bundle requests
TITLES_PER_FILE = 32  # read as the reader scrolls, a few results at a time: ≈ 1 KB gzipped each
TITLE_SPAN = 1024  # positions below: the page's title; from here on: the rest of its text
SHARD_TARGET_BYTES = 8_000  # postings per shard before gzip: a query fetches one shard per pair
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PAIR = re.compile(f"(?=([{HAN}]{{2}}))")
_NOT_HAN = re.compile(f"[^{HAN}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")


# --- the same on both sides (search-worker.js: fold, stem, hash) ----------------------------------------------


_FOLD = str.maketrans({**{chr(c): chr(c - 0xFEE0).lower() for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                          for c in range(r[0], r[1] + 1)}, **{chr(c): chr(c + 32) for c in range(0x41, 0x5B)}})


def fold(text: str) -> str:
    """Lower-case Latin letters and make full-width letters and digits ASCII, one character for one."""
    return text.translate(_FOLD)


# Longest first. A stem keeps at least MIN_STEM letters; words ending in ss/us keep their s.
SUFFIXES = ("izations", "ization", "ations", "ation", "ators", "ator", "ments", "ment", "ings", "ing", "ions",
            "ion", "ers", "er", "ors", "or", "ies", "ied", "ed", "es", "ly", "al", "s", "y", "e")
MIN_STEM = 3


def stem(word: str) -> str:
    """Strip one common English ending, so that a word and its relatives share a prefix.

    With prefix matching at query time, 'register' (regist) finds 'registration' (registr),
    'policy' and 'policies' meet at 'polic'. Deliberately small and rule-for-rule the same as the
    worker's stem(): a stemmer that behaved differently on the two sides would lose pages
    silently (the browser test runs both over every word of the demo). Only letters are stemmed."""
    if not word.isascii() or not word.isalpha():
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            if suffix == "s" and word.endswith(("ss", "us")):
                continue
            return word[:-len(suffix)]
    return word


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives)."""
    value = 0x811C9DC5
    for unit in _utf16_units(token):
        value = ((value ^ unit) * 0x01000193) & 0xFFFFFFFF
    return value


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le")
    return [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]


# --- pages ----------------------------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    title: str
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, title, plain text)


def plain(markup: str) -> str:
    """Material's entry text (HTML) as a reader sees it: tags gone, entities decoded, spaces single."""
    text = html.unescape(_TAG.sub(" ", _ZERO_WIDTH.sub("", markup or "")))
    return _SPACES.sub(" ", text).strip()


def pages_of(docs: list[dict]) -> list[Page]:
    """Material's entries (a page, then its sections) grouped by page, in site order."""
    pages: dict[str, Page] = {}
    for doc in docs:
        url, _, anchor = str(doc.get("location", "")).partition("#")
        title = plain(doc.get("title", ""))
        page = pages.setdefault(url, Page(url, title))
        page.sections.append((anchor, title, plain(doc.get("text", ""))))
    return list(pages.values())


def page_text(page: Page) -> str:
    """Everything a page can be found by: each section's title and text on lines of their own."""
    return "".join(f"{title}\n{text}\n" for _, title, text in page.sections)


def title_and_body(page: Page) -> tuple[str, str]:
    """The page's title (its first line: plain() leaves no line break in a title) and the rest of its text."""
    title, _, body = page_text(page).partition("\n")
    return title, body


def language_of(url: str) -> str:
    return "en" if url == "en/" or url.startswith("en/") else "zh"


# --- a page's entries, as Material's search plugin makes them -------------------------------------------


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_KEEP = frozenset("p code pre li ol ul sub sup".split())  # kept as tags in an entry's text: they separate words
_ALWAYS_SKIPPED = frozenset(("script", "style", "object"))
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_HTML_TOKEN = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<(/?)([a-zA-Z][^\s/>]*)"
                         r"((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>|([^<]+)|<", re.S | re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


@dataclass
class _Section:
    tag: str  # its heading's tag ("hx": the text before the first heading)
    depth: float
    id: str | None = None
    excluded: bool = False
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Sections:
    """Material's search Parser (material/plugins/search/plugin.py, 9.x) rule for rule, quirks included
    (elements are told apart by tag alone), fed by one regular expression instead of html.parser: the
    same entries in a fraction of the time. tests/test_search.py compares both on every demo page."""

    def __init__(self) -> None:
        self.open: list[str] = []  # tags of the open elements
        self.counts: dict[str, int] = defaultdict(int)  # open elements by tag
        self.links: list[bool] = []  # open <a> elements: is it a heading's permalink (not part of its title)?
        self.skipped = set(_ALWAYS_SKIPPED)  # tags whose open elements hide their text
        self.hidden = 0  # open elements whose tag is in `skipped`
        self.section: _Section | None = None
        self.sections: list[_Section] = []

    def feed(self, markup: str) -> list[_Section]:
        for match in _HTML_TOKEN.finditer(markup):
            cdata, closing, tag, attributes, text = match.groups()
            if text is not None:
                self.data(html.unescape(text) if "&" in text else text)
            elif closing:
                self.end(tag.lower())
            elif tag:
                self.start(tag.lower(), attributes)
            elif cdata:
                self.start(cdata.lower(), "")
                self.end(cdata.lower())
            elif match.group() == "<":
                self.data("<")
        return self.sections

    def _target(self) -> list[str]:
        assert self.section is not None
        return self.section.title if self.counts[self.section.tag] else self.section.text

    def _ensure_section(self) -> _Section:
        if self.section is None:
            self.section = _Section("hx", 0)
            self.sections.append(self.section)
        return self.section

    def start(self, tag: str, markup: str) -> None:
        if tag in _VOID:
            return
        self.open.append(tag)
        self.counts[tag] += 1
        self.hidden += tag in self.skipped
        heading = tag in _HEADINGS
        attributes = _attributes(markup) if heading or tag == "a" or "data-search-exclude" in markup or \
            "linenodiv" in markup else {}
        if tag == "a":
            self.links.append(attributes.get("class") == "headerlink")
        if heading and "id" in attributes:
            depth = len(self.open)
            if tag != "h1" and not self.sections:
                self.sections.append(_Section("hx", depth))
            self.section = _Section(tag, depth, excluded="data-search-exclude" in attributes)
            if self.sections:
                self.section.id = attributes["id"]
            self.sections.append(self.section)
        self._ensure_section()
        if "data-search-exclude" in attributes or attributes.get("class") == "linenodiv":
            if tag not in self.skipped:
                self.skipped.add(tag)
                self.hidden += self.counts[tag]
            return
        if tag in _KEEP and not self.hidden:
            self._target().append(f"<{tag}>")

    def end(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            return
        section = self._ensure_section()
        if section.depth > len(self.open):  # a heading nested in an element that now ends: back to the section before
            for before in reversed(self.sections):
                if before.depth <= len(self.open):
                    section.depth = float("inf")
                    self.section = before
                    break
        self.open.pop()
        self.counts[tag] -= 1
        if tag == "a":
            self.links.pop()
        if tag in self.skipped:
            self.hidden -= 1
            if tag not in _ALWAYS_SKIPPED:
                self.skipped.discard(tag)
                self.hidden -= self.counts[tag]
            return
        if tag in _KEEP and not self.hidden:
            parts = self._target()
            marker = f"<{tag}>"
            start = parts.index(marker) if marker in parts else len(parts)
            if start < len(parts) and all(part.isspace() for part in parts[start + 1:]):
                del parts[start:]  # an element with nothing in it leaves nothing
            else:
                parts.append(f"</{tag}>")

    def data(self, text: str) -> None:
        if self.hidden:
            return
        if not self.counts["pre"]:
            text = " " if text.isspace() else text.replace("\n", " ")
        section = self._ensure_section()
        if self.counts[section.tag]:
            if not any(self.links):
                section.title.append(html.escape(text, quote=False))
        elif text.isspace():
            if not section.text or not section.text[-1].isspace() or self.counts["pre"]:
                section.text.append(text)
        else:
            section.text.append(html.escape(text, quote=False))


def _attributes(markup: str) -> dict[str, str]:
    return {name.lower(): html.unescape(next((value for value in values if value), ""))
            for name, *values in _ATTRIBUTE.findall(markup)}


def entries(url: str, title: str, content: str) -> list[dict]:
    """A page's search entries (page, then sections), as Material's search plugin would make them from
    its `content` (HTML): which elements begin sections and which text is left out (`data-search-exclude`)."""
    found = []
    for section in _Sections().feed(content):
        if section.excluded:
            continue
        found.append({"location": f"{url}#{section.id}" if section.id else url,
                      "title": ("".join(section.title) if section.title else title).strip(), "text": "".join(section.text).strip()})
    return found


# --- tokens ---------------------------------------------------------------------------------------------


def utf16_offsets(text: str) -> list[int] | None:
    """Offset in UTF-16 units of every character, or None when they are the same (no character above U+FFFF)."""
    if not _ASTRAL.search(text):
        return None
    offsets, at = [], 0
    for char in text:
        offsets.append(at)
        at += 2 if ord(char) >= 0x10000 else 1
    return offsets


@dataclass
class Postings:
    """Every page's tokens, gathered in page order.

    An occurrence is one number, page · 2^20 + position, so a token's occurrences are increasing and
    stored as gaps: one pass over the text, no per-page grouping (this loop is most of the build's
    indexing time). The worker splits the sums again (search-worker.js positional)."""

    language: str
    pairs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    singles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # pages
    title_singles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # pages, by title
    words: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, number: int, title: str, body: str) -> None:
        """Page `number`: its title from position 0 (cut below TITLE_SPAN UTF-16 units), the rest from TITLE_SPAN."""
        title = fold(title)[:TITLE_SPAN // 2 - 1]  # ≤ 2 units a character: always below TITLE_SPAN
        body = fold(body)[:PAGE_LIMIT - TITLE_SPAN - 1]
        base = number * PAGE_LIMIT
        self._positions(base, title)
        self._positions(base + TITLE_SPAN, body)
        in_title = set(_NOT_HAN.sub("", title))
        for char in in_title | set(_NOT_HAN.sub("", body)):
            self.singles[char].append(number)
        for char in in_title:
            self.title_singles[char].append(number)

    def _positions(self, base: int, folded: str) -> None:
        offsets = utf16_offsets(folded)
        at = (lambda i: base + offsets[i]) if offsets else (lambda i: base + i)  # astral characters: rare
        pairs, words = self.pairs, self.words
        if offsets:
            for match in _PAIR.finditer(folded):
                pairs[match.group(1)].append(at(match.start()))
        else:  # the regex engine walks the text: much faster than a loop over characters
            for match in _PAIR.finditer(folded):
                pairs[match.group(1)].append(base + match.start())
        for word in _WORD.finditer(folded):
            words[stem(word.group(0)) if self.language == "en" else word.group(0)].append(at(word.start()))


PAGE_LIMIT = 1 << 20  # positions beyond a page's first million characters are not indexed


def gaps(values: list[int]) -> list[int]:
    """Increasing numbers as their differences (the first from 0): short in JSON and in gzip."""
    return [b - a for a, b in zip([0, *values], values)]


def shard_count(total_bytes: int) -> int:
    """A power of two giving shards of about SHARD_TARGET_BYTES (the worker masks the hash with it)."""
    count = 1
    while total_bytes / count > SHARD_TARGET_BYTES and count < 16384:
        count *= 2
    return count


def word_shard(word: str) -> str:
    """Words are sharded by first character so that one file holds every word a prefix can reach."""
    return word[0]


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class LanguageIndex:
    """One language's index, made page by page (in site order) and encoded into its files at the end."""

    language: str
    postings: Postings = field(init=False)
    files: dict[str, str] = field(default_factory=dict)  # file name → JSON
    titles: list[list[str]] = field(default_factory=list)  # [url, title] of every page, in page order

    def __post_init__(self) -> None:
        self.postings = Postings(self.language)

    def add(self, page: Page) -> None:
        number = len(self.titles)
        self.titles.append([page.url, page.title])
        self.postings.add(number, *title_and_body(page))
        self.files[f"p{number}.json"] = _dump({"url": page.url, "sections": [[a, t, x] for a, t, x in page.sections]})

    def finish(self) -> dict:
        """Encode the postings into their files; returns the manifest the worker reads."""
        postings = self.postings
        encoded_pairs = {pair: gaps(values) for pair, values in postings.pairs.items()}
        encoded_singles = {char: [gaps(values), gaps(postings.title_singles.get(char, []))]
                           for char, values in postings.singles.items()}
        pair_shards = _hashed(encoded_pairs, "b", self.files)
        single_shards = _hashed(encoded_singles, "u", self.files)
        by_initial: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for word, values in postings.words.items():
            by_initial[word_shard(word)][word] = gaps(values)
        for initial, shard in by_initial.items():
            self.files[f"w{initial}.json"] = _dump(shard)
        for start in range(0, len(self.titles), TITLES_PER_FILE):
            self.files[f"t{start // TITLES_PER_FILE}.json"] = _dump(self.titles[start:start + TITLES_PER_FILE])
        return {"pages": len(self.titles), "pairs": pair_shards, "singles": single_shards, "words": sorted(by_initial),
                "titles": TITLES_PER_FILE, "title_span": TITLE_SPAN, "stem": self.language == "en"}

    def write(self, search_dir: Path) -> dict:
        """Write the files into a folder named by their content; returns the manifest the worker reads."""
        manifest = self.finish()
        folder = f"{self.language}.{_digest(self.files)}"
        (search_dir / folder).mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            (search_dir / folder / name).write_text(content, encoding="utf-8")
        return {"path": folder + "/", **manifest}


def _digits(values: list) -> int:
    """≈ JSON bytes of a list of numbers, or of lists of numbers (single characters' two page lists)."""
    if values and isinstance(values[0], list):
        return sum(map(_digits, values))
    return sum(map(len, map(str, values)))


def _hashed(postings: dict[str, list], prefix: str, files: dict[str, str]) -> int:
    count = shard_count(sum(len(k) * 3 + 1 + _digits(v) for k, v in postings.items()))  # ≈ JSON bytes
    shards: list[dict[str, list]] = [{} for _ in range(count)]
    for token in sorted(postings):
        shards[fnv1a(token) & (count - 1)][token] = postings[token]
    for number, shard in enumerate(shards):
        files[f"{prefix}{number}.json"] = _dump(shard)
    return count


# --- writing ----------------------------------------------------------------------------------------------


def index_language(language: str, search_dir: Path, pages: Iterable[list[dict]]) -> dict:
    """One language's index from its pages' entries, in site order, written into `search_dir`;
    returns its manifest."""
    index = LanguageIndex(language)
    for page_entries in pages:
        for page in pages_of(page_entries):
            index.add(page)
    return index.write(search_dir)


def _index_rendered(language: str, search_dir: Path, pages: Iterable[tuple[str, str, str]]) -> dict:
    """The same, from pages as rendered: (url, title, content)."""
    return index_language(language, search_dir, (entries(*page) for page in pages))


def write_manifests(site_dir: Path, manifests: dict[str, dict]) -> None:
    """Replace search/search_index.json, which Material's bundle fetches, with the manifests of our
    index: it keeps Material's `config` (the page highlighter reads its separator) and lists no
    documents; the worker fetches what a query needs from the per-language folders beside it."""
    index_path = site_dir / INDEX_FILE
    config = json.loads(index_path.read_text(encoding="utf-8")).get("config", {}) if index_path.exists() else {}
    current = {manifest["path"].rstrip("/") for manifest in manifests.values()}
    for old in (site_dir / "search").iterdir():  # earlier builds' folders (names change with content)
        if old.is_dir() and old.name.split(".")[0] in LANGUAGES and old.name not in current:
            shutil.rmtree(old)
    ordered = {language: manifests[language] for language in LANGUAGES if language in manifests}
    index_path.write_text(_dump({"config": {**config, "publisher": ordered}, "docs": []}), encoding="utf-8")


Written = dict[str, tuple[list[dict], dict]]  # language → (its entries, the manifest of the folder made of them)


def write_index(site_dir: Path, docs: list[dict], before: Written | None = None) -> Written:
    """The index of these entries (every page's, in site order, as Material's plugin writes them).
    `before`: what an earlier call into the same folder returned (the preview): a language whose
    entries did not change keeps the folder written then, if it is still there."""
    search_dir = site_dir / "search"
    search_dir.mkdir(parents=True, exist_ok=True)
    by_language: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        by_language[language_of(str(doc.get("location", "")))].append(doc)
    written: Written = {}
    for language, found in by_language.items():
        kept = (before or {}).get(language)
        if kept is not None and kept[0] == found and (search_dir / kept[1]["path"]).is_dir():
            written[language] = kept
        else:
            written[language] = (found, index_language(language, search_dir, [found]))
    write_manifests(site_dir, {language: manifest for language, (_, manifest) in written.items()})
    return written


class IndexBeside:
    """The index of these pages, (url, title, content) in site order, made beside the build (beside.py):
    one process per language. A language whose process could not run is indexed here, on `write`."""

    def __init__(self, site_dir: Path, pages: list[tuple[str, str, str]]) -> None:
        self.search_dir = site_dir / "search"
        self.pages = {language: [page for page in pages if language_of(page[0]) == language] for language in LANGUAGES}
        self.workers = {language: Beside(partial(_index_rendered, language, self.search_dir, mine))
                        for language, mine in self.pages.items() if mine}

    def write(self) -> None:
        manifests = {language: worker.finish() for language, worker in self.workers.items()}
        for language, manifest in manifests.items():
            if manifest is None:
                manifests[language] = _index_rendered(language, self.search_dir, self.pages[language])
        write_manifests(self.search_dir.parent, manifests)

    def close(self) -> None:
        for worker in self.workers.values():
            worker.close()


def _digest(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()[:10]


def gzipped_size(path: Path) -> int:
    """What a file costs on the wire from a host that gzips JSON (benchmark and tests)."""
    return len(gzip.compress(path.read_bytes(), 6, mtime=0))


def indexed_text(site_dir: Path) -> str:
    """Everything a built site's search can find (titles and texts of every page), for checks and tests."""
    manifests = json.loads((site_dir / INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]
    parts = []
    for manifest in manifests.values():
        for number in range(manifest["pages"]):
            sections = json.loads((site_dir / "search" / manifest["path"] / f"p{number}.json")
                                  .read_text(encoding="utf-8"))["sections"]
            parts += [f"{title}\n{text}" for _, title, text in sections]
    return "\n".join(parts)
