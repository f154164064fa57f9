"""Check a built site the way a reader's browser would use it, without a browser.

Every internal link, asset (src, srcset, poster, stylesheet, icon, CSS url(), URLs in JavaScript), share
tag and search-index location must point at a file that exists; every `#anchor` at an
id in its target page; and nothing may load from another host (chat apps in mainland
China open pages on slow networks where foreign hosts are often blocked). Links *to*
other sites (a[href], canonical) are fine and not fetched; `?query` is ignored.

Pure: `check_site(site_dir)` reads files and returns the problems, sorted.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .offline import loaded_urls

_LOADED_BY_LINK = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "prefetch",
                   "manifest", "mask-icon"}
_SHARE_META = {"og:image", "og:url", "twitter:image", "og:image:url", "og:image:secure_url"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_CSS_IMPORT = re.compile(r"@import\s+(['\"])([^'\"]+)\1")


@dataclass(frozen=True, order=True)
class LinkProblem:
    page: str  # the file that holds the reference, relative to the site folder
    target: str  # the reference as written
    reason: str  # what is wrong

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@dataclass(frozen=True)
class Reference:
    url: str
    loads: bool  # fetched when the page is shown (an asset), not just followed (a link)


class _PageParser(HTMLParser):
    """The ids of one page and everything it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[Reference] = []
        self._in_style = False
        self._style = ""
        self._in_script = False
        self._script = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        add = self.references.append
        if tag in ("a", "area") and "href" in a:
            add(Reference(a["href"], False))
        elif tag == "link" and "href" in a:
            rel = set(a.get("rel", "").lower().split())
            add(Reference(a["href"], bool(rel & _LOADED_BY_LINK)))
        elif tag == "meta" and (a.get("property") or a.get("name", "")).lower() in _SHARE_META:
            add(Reference(a.get("content", ""), False))
        if tag in ("img", "script", "audio", "video", "source", "iframe", "embed", "track", "input") and a.get("src"):
            add(Reference(a["src"], True))
        for name in ("srcset", "imagesrcset"):
            self._loads(srcset_urls(a.get(name, "")))
        if tag == "video" and a.get("poster"):
            add(Reference(a["poster"], True))
        if tag == "object" and a.get("data"):
            add(Reference(a["data"], True))
        self._loads(css_urls(a.get("style", "")))
        self._in_style = tag == "style"
        # JSON-LD and other data blocks name URLs; only code loads them
        self._in_script = tag == "script" and a.get("type", "").lower() in ("", "module", "text/javascript",
                                                                           "application/javascript")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._loads(css_urls(self._style))
            self._in_style, self._style = False, ""
        if tag == "script":  # an inline script may load what its strings name
            self._loads(loaded_urls(self._script, ".js"))
            self._in_script, self._script = False, ""

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._style += data
        if self._in_script:
            self._script += data

    def _loads(self, urls: list[str]) -> None:
        self.references += [Reference(url, True) for url in urls]


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset ("a.png 1x, b.png 2x")."""
    return [part.split()[0] for part in srcset.split(",") if part.split()]


def css_urls(css: str) -> list[str]:
    return [m.group(2).strip() for m in _CSS_URL.finditer(css)] + [m.group(2) for m in _CSS_IMPORT.finditer(css)]


def site_url_of(site_dir: Path) -> str | None:
    """The site's absolute root, as robots.txt names the sitemap (publisher writes it from site_url)."""
    robots = site_dir / "robots.txt"
    if robots.is_file():
        for line in robots.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("sitemap:"):
                url = line.split(":", 1)[1].strip()
                return url[: url.rfind("/") + 1]
    return None


def check_site(site_dir: Path, site_url: str | None = None) -> list[LinkProblem]:
    """Every broken internal link, missing asset or anchor, and external resource in `site_dir`.

    `site_url` (default: from robots.txt, else "/") says where the site lives, so that
    root-relative links (404.html uses them) and absolute links to the site itself are checked too.
    """
    site_dir = Path(site_dir)
    site_url = site_url or site_url_of(site_dir) or "/"
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    pages: dict[str, _PageParser] = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        pages[path.relative_to(site_dir).as_posix()] = parser
    sources: list[tuple[str, Reference]] = [(page, ref) for page, parsed in pages.items() for ref in parsed.references]
    for css in sorted(site_dir.rglob("*.css")):
        name = css.relative_to(site_dir).as_posix()
        text = _without_comments(css.read_text(encoding="utf-8", errors="replace"))
        sources += [(name, Reference(url, True)) for url in css_urls(text)]
    for script in sorted(site_dir.rglob("*.js")):  # URLs a script could load: those that start a string
        text = script.read_text(encoding="utf-8", errors="replace")
        sources += [(script.relative_to(site_dir).as_posix(), Reference(url, True)) for url in loaded_urls(text, ".js")]
    sources += [(name, Reference(url, False)) for name, url in _listed_urls(site_dir)]

    problems = set()
    for page, ref in sources:
        reason = _check(ref, page, site_dir, site_url, base, pages)
        if reason:
            problems.add(LinkProblem(page, ref.url, reason))
    return sorted(problems)


def _check(ref: Reference, page: str, site_dir: Path, site_url: str, base: str,
           pages: dict[str, _PageParser]) -> str | None:
    url = ref.url.strip()
    if not url:
        return "empty address" if ref.loads else None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("mailto", "tel", "data"):
        return None
    if scheme == "javascript":
        return "javascript: link"
    if scheme in ("http", "https") or url.startswith("//"):
        absolute = urljoin(site_url, url)
        if urlsplit(site_url).netloc and absolute.startswith(site_url):
            url = base + absolute[len(site_url):]  # a link to the site itself: check it like any other
        elif ref.loads:
            return "loads from another host (not allowed: keep every asset on the site)"
        else:
            return None  # a link to another site: not followed here
    elif scheme:
        return f"unknown scheme {scheme}:"
    target = urlsplit(urljoin(base + page, url))
    if not target.path.startswith(base):
        return f"outside the site (its root is {base})"
    local = unquote(target.path[len(base):])
    if local == "" or local.endswith("/"):
        local += "index.html"
    local = posixpath.normpath(local)
    file = site_dir / local
    if not file.is_file():
        if file.is_dir() and (file / "index.html").is_file():
            local = posixpath.join(local, "index.html")
        else:
            return "missing file"
    fragment = unquote(target.fragment)
    if fragment and fragment != "top" and local.endswith(".html"):
        ids = pages[local].ids if local in pages else set()
        if fragment not in ids:
            return f"missing anchor #{fragment}"
    return None


def _listed_urls(site_dir: Path) -> list[tuple[str, str]]:
    """URLs the site lists for machines: search-index locations (relative to the root), sitemap entries."""
    found: list[tuple[str, str]] = []
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        docs = json.loads(index.read_text(encoding="utf-8")).get("docs", [])
        found += [("search/search_index.json", doc["location"] or "./") for doc in docs if "location" in doc]
        found = [(name, "../" + url) for name, url in found]  # locations are relative to the site's root
    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        found += [("sitemap.xml", html.unescape(m)) for m in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>",
                                                                        sitemap.read_text(encoding="utf-8"))]
    return found


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)
