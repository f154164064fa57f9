"""The one place that makes site paths. Every URL is site-relative and directory-style
("2022/top-cases/" for a folder page, "" for the home page); templates ask `url()`/`link()`.

MkDocs turns `x.md` and `x/index.md` into the same page `x/`: `source()` gives the file name
MkDocs is handed for a page, `page_of()` the page a hand-written file becomes.
"""

from __future__ import annotations

import posixpath
import urllib.parse

RANKING_FOLDERS = {"case": "top-cases", "person": "top-people"}
HOME = ""
WALL = "ambassadors/"
ARCHIVE = "archive/"
CATEGORIES = "categories/"
MEDIA = "files/"  # editors' media, published under their path below cases/
SHARE_DEFAULT = "assets/share/"  # the site's default share image
QR_FILE = "qr.svg"
LANGUAGE_ROOTS = {"zh": "", "en": "en/"}  # the English edition mirrors the Chinese URLs under en/
SHARED_BY_LANGUAGES = ("media", "qr_code")  # named paths that are not prefixed (a QR code's page already is)


def language_root(lang: str) -> str:
    return LANGUAGE_ROOTS[lang]


def in_language(path: str, lang: str) -> str:
    """A page's site path in `lang`; files both editions share (editors' media, assets) stay where they are."""
    return path if path.startswith((MEDIA, "assets/")) else LANGUAGE_ROOTS[lang] + path


def language_of(page: str) -> str:
    """The language of a site path: under en/ → en, else zh."""
    return "en" if page.startswith(LANGUAGE_ROOTS["en"]) else "zh"


def counterpart(page: str) -> str:
    """The same page in the other language (whether it exists is for the caller to know)."""
    return page[len(LANGUAGE_ROOTS["en"]):] if language_of(page) == "en" else LANGUAGE_ROOTS["en"] + page


def edition(year: int) -> str:
    return f"{year}/"


def ranking(year: int, kind: str) -> str:
    return f"{year}/{RANKING_FOLDERS[kind]}/"


def entry(kind: str, slug: str, year: int | None = None) -> str:
    if kind == "ambassador":
        return f"{WALL}{slug}/"
    return f"{ranking(year, kind)}{slug}/"  # type: ignore[arg-type]


def category(key: str) -> str:
    return f"{CATEGORIES}{key}/"


def district(slug: str) -> str:
    return f"districts/{slug}/"


def media(path: str) -> str:
    """A media file the entries name (`media/images/a.jpg`, relative to cases/)."""
    return MEDIA + path.replace("\\", "/")


def qr_code(page: str) -> str:
    return page + QR_FILE


def share_image(page: str | None, key: str) -> str:
    """A page's share image, named by what it shows; None: the site's default image."""
    return f"{page}share.{key[:12]}.png" if page is not None else f"{SHARE_DEFAULT}site.{key[:12]}.png"


def source(page: str) -> str:
    """The Markdown file name MkDocs is handed for a generated page."""
    return "index.md" if page == HOME else page.rstrip("/") + ".md"


def page_of(source_path: str) -> str:
    """The page a hand-written Markdown file under content/ becomes (MkDocs' use_directory_urls)."""
    stem = posixpath.splitext(source_path)[0]
    name = posixpath.basename(stem)
    if name in ("index", "README"):
        stem = posixpath.dirname(stem)
    return stem + "/" if stem else HOME


def relative(here: str, target: str) -> str:
    """A link from page `here` to site path `target` that works under any sub-path; file names
    are percent-encoded, so `#`, `?` and spaces in them stay part of the path."""
    path = posixpath.relpath("/" + target, "/" + here)
    if target.endswith("/") or not target:
        path += "/"
    return urllib.parse.quote(path, safe="/")


def absolute(site_url: str, path: str) -> str:
    """The absolute URL of a site path; `site_url` is the site's root."""
    return site_url.rstrip("/") + "/" + urllib.parse.quote(path.lstrip("/"), safe="/")


_NAMED = {"home": lambda: HOME, "wall": lambda: WALL, "archive": lambda: ARCHIVE, "categories": lambda: CATEGORIES,
          "edition": edition, "ranking": ranking, "entry": entry, "category": category, "district": district,
          "media": media, "qr_code": qr_code}


def named(name: str, *args: object) -> str:
    """A site path by name, as templates ask for it: `url("ranking", 2022, "case")`."""
    return _NAMED[name](*args)  # type: ignore[operator]
