"""Client side: what a browser downloads for one page of a built site, gzipped.

Nothing is served: the page's HTML is parsed and every same-site resource it
loads on first view is read from the site folder and gzipped (level 6):
stylesheets (and the fonts/images their url() and @import name), scripts,
images and icons (phase "page"). Material's JavaScript then starts its search
worker (phase "start") and fetches the search index, after which the worker
loads the lunr language files the index's config asks for. Material fetches
the index at start; when the page holds that request back until the reader
opens search (an inline script that patches XMLHttpRequest for
search_index.json, as templates/theme/partials/search-on-demand.html does),
the index and the language files are phase "search" instead.
First load = page + start. Media with preload="none" (audio, video) and source maps are not downloaded
on first view and are left out. Resources on other hosts are listed, not
fetched: there should be none.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ORIGIN = "https://site.invalid/"
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf", ".eot")
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@dataclass(frozen=True)
class Resource:
    url: str  # site path
    kind: str  # html | css | js | img | font | json | other
    phase: str  # page | start | search
    raw: int
    gz: int


class _Refs(HTMLParser):
    """The URLs a page loads by itself, and Material's inline config."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (kind hint, url)
        self.config_text: str | None = None
        self.defers_index = False  # an inline script holds back the search index request
        self._in_config = False
        self._inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = set(a.get("rel", "").lower().split())
        if tag == "link" and a.get("href"):
            if "stylesheet" in rel:
                self.refs.append(("css", a["href"]))
            elif rel & {"icon", "apple-touch-icon", "shortcut"}:
                self.refs.append(("img", a["href"]))
            elif rel & {"preload", "modulepreload"}:
                self.refs.append((a.get("as", "other"), a["href"]))
            elif rel & {"preconnect", "dns-prefetch"}:
                self.refs.append(("other", a["href"]))
        elif tag == "script":
            if a.get("src"):
                self.refs.append(("js", a["src"]))
            self._in_config = a.get("id") == "__config"
            self._inline = not a.get("src") and a.get("type", "text/javascript") in ("", "text/javascript", "module")
        elif tag in ("img", "input") and a.get("src"):
            self.refs.append(("img", a["src"]))
        elif tag == "source" and a.get("srcset") and not a.get("type", "").startswith(("audio", "video")):
            self.refs.append(("img", a["srcset"].split()[0]))

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config_text = (self.config_text or "") + data
        elif self._inline and "XMLHttpRequest" in data and "search_index" in data:
            self.defers_index = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = self._inline = False


def _kind(path: str, hint: str) -> str:
    lower = path.lower()
    if lower.endswith(FONT_SUFFIXES):
        return "font"
    if lower.endswith(IMAGE_SUFFIXES):
        return "img"
    if lower.endswith(".css"):
        return "css"
    if lower.endswith(".js"):
        return "js"
    if lower.endswith(".json"):
        return "json"
    return hint if hint in ("html", "css", "js", "img", "font") else "other"


class PageWeight:
    """Collects the resources of one page, each counted once."""

    def __init__(self, site: Path, page_url: str):
        self.site = site
        self.page_url = page_url
        self.resources: dict[str, Resource] = {}
        self.external: list[str] = []
        self.missing: list[str] = []

    def _file(self, site_path: str) -> Path:
        rel = site_path.lstrip("/")
        return self.site / (rel + "index.html" if site_path.endswith("/") else rel)

    def add(self, url: str, base: str, hint: str, phase: str) -> bytes | None:
        if url.startswith(("data:", "#", "mailto:", "javascript:")):
            return None
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}/" != ORIGIN:
            self.external.append(absolute)
            return None
        site_path = posixpath.normpath(parts.path or "/")
        if parts.path.endswith("/") and not site_path.endswith("/"):
            site_path += "/"
        if site_path in self.resources:
            return None
        path = self._file(site_path)
        if not path.is_file():
            self.missing.append(site_path)
            return None
        data = path.read_bytes()
        kind = _kind(site_path, hint)
        self.resources[site_path] = Resource(site_path, kind, phase, len(data), gzip_size(data))
        if kind == "css":
            for match in _CSS_URL.finditer(data.decode("utf-8", errors="replace")):
                self.add(match.group(1) or match.group(2), absolute, "other", phase)
        return data

    def measure(self) -> dict[str, object]:
        page_base = urljoin(ORIGIN, self.page_url)
        html = self.add(page_base, page_base, "html", "page")
        if html is None:
            raise FileNotFoundError(self._file(urlsplit(page_base).path))
        refs = _Refs()
        refs.feed(html.decode("utf-8"))
        for hint, url in refs.refs:
            self.add(url, page_base, hint, "page")
        if refs.config_text:
            self._search(json.loads(refs.config_text), page_base, "search" if refs.defers_index else "start")
        return self.summary()

    def _search(self, config: dict, page_base: str, index_phase: str) -> None:
        """What Material's JavaScript fetches after start (see its bundle and search worker)."""
        base = urljoin(page_base, config.get("base", ".") + "/")
        if "navigation.instant" in config.get("features", []):
            self.add("sitemap.xml", base, "other", "start")
        worker = config.get("search")
        if not worker:
            return
        self.add(worker, page_base, "js", "start")
        index = self.add("search/search_index.json", base, "json", index_phase)
        langs = json.loads(index)["config"].get("lang", []) if index else []
        lunr = urljoin(urljoin(page_base, worker), "../lunr/")
        scripts = []
        for lang in langs:
            scripts += {"ja": ["tinyseg.js"], "hi": ["wordcut.js"], "th": ["wordcut.js"]}.get(lang, [])
            if lang != "en":
                scripts.append(f"min/lunr.{lang}.min.js")
        if len(langs) > 1:
            scripts.append("min/lunr.multi.min.js")
        if scripts:
            scripts.insert(0, "min/lunr.stemmer.support.min.js")
        for script in scripts:
            self.add(script, lunr, "js", index_phase)

    def summary(self) -> dict[str, object]:
        totals: dict[str, dict[str, int]] = {}
        for r in self.resources.values():
            phase = totals.setdefault(r.phase, {})
            phase[r.kind] = phase.get(r.kind, 0) + r.gz
            phase["total"] = phase.get("total", 0) + r.gz
        page, start = (totals.get(p, {}).get("total", 0) for p in ("page", "start"))
        return {
            "url": self.page_url, "gz": totals, "page_gz": page, "first_load_gz": page + start,
            "with_search_gz": page + start + totals.get("search", {}).get("total", 0),
            "resources": [asdict(r) for r in self.resources.values()],
            "external": sorted(set(self.external)), "missing": sorted(set(self.missing)),
        }


def page_weight(site: Path, page_url: str) -> dict[str, object]:
    """Gzipped bytes to load `page_url` (site-relative, directory style) from the built `site`."""
    return PageWeight(site, page_url).measure()


def index_sizes(path: Path) -> dict[str, int]:
    data = path.read_bytes()
    return {"raw": len(data), "gz": gzip_size(data)}
