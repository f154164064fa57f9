"""The pipeline, start to end: read and validate entries → render pages → share meta, QR codes, images.

`run()` is what the MkDocs hook calls (with the site's URL); `build.py check` calls it without a URL,
which skips everything that needs absolute URLs (share tags, QR codes, images).
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import media_variants, share
from .cache import Memo
from .render import Page, render_pages, templates_version
from .catalog import Catalog
from .validate import ENTRY_CACHE_VERSION, build_catalog

CASES_DIR = "cases"
TEMPLATES_DIR = "templates"
CACHE_DIR = ".cache"  # what builds made, keyed by input (see docs/deploy.md); git-ignored


class TemplateFailure(Exception):
    """A template could not be rendered; the message names the template file and line."""


@dataclass(frozen=True)
class Result:
    catalog: Catalog
    pages: list[Page]
    files: dict[str, Path]  # site path → file to copy (media the entries use, QR codes, share images)
    generated: dict[str, bytes] = field(default_factory=dict)  # site path → content (robots.txt)


def language() -> str:
    """Language of messages: Chinese unless `--lang en` (or PUBLISHER_LANG=en) asked otherwise."""
    return "en" if os.environ.get("PUBLISHER_LANG", "zh").lower().startswith("en") else "zh"


_last_load: list[tuple[object, Catalog]] = []


def load(root: Path) -> Catalog:
    """Read and validate every entry (raises ContentError with every problem).

    `build` validates before MkDocs starts and the hook asks again: while no file under
    cases/ changed (names, sizes, modification times), the catalog is reused, not re-read.
    """
    cases = root / CASES_DIR
    stamp = (str(cases.resolve()), sorted((path, s.st_size, s.st_mtime_ns) for folder, _, names in os.walk(cases)
                                          for path in (os.path.join(folder, name) for name in names)
                                          if (s := os.stat(path))))
    if _last_load and _last_load[0][0] == stamp:
        return _last_load[0][1]
    memo = Memo(root / CACHE_DIR / "entries.sqlite", ENTRY_CACHE_VERSION)
    try:
        catalog = build_catalog(cases, memo)
    finally:
        memo.save()  # files that passed are remembered even when others did not
        memo.close()
    _last_load[:] = [(stamp, catalog)]
    return catalog


def run(root: Path, site_url: str | None = None) -> Result:
    """Every page and file of the site; `site_url` (MkDocs' site_url) makes pages shareable."""
    catalog = load(root)
    # issue 13: what pages show of media (picture sizes, audio files); pages print it, so it keys their memo
    media = media_variants.describe(catalog.media, root / CASES_DIR, root / CACHE_DIR)
    # `check` renders without the site's address (no share links), so its pages are kept apart
    memo = Memo(root / CACHE_DIR / ("pages.sqlite" if site_url else "pages-check.sqlite"),
                templates_version(root / TEMPLATES_DIR) + media.digest)
    memo.preload()  # nearly every page is asked for: one query beats thousands
    try:
        pages = render_pages(catalog, root / TEMPLATES_DIR, site_url, memo, media)
        files = media.materialise() if site_url else {}  # resized pictures, transcoded audio (issue 13)
        if not site_url:
            memo.save()
            return Result(catalog, pages, files)
        fonts = share.find_fonts()
        plan = share.plan(catalog, pages, site_url, fonts.identity if fonts else "", memo)
        memo.save()
    except jinja2.TemplateError as error:
        raise TemplateFailure(_describe_template_error(error, root)) from None
    finally:
        memo.close()
    files.update(share.materialise(plan, root / CACHE_DIR, fonts))
    return Result(catalog, plan.pages, files, plan.generated)


def _describe_template_error(error: jinja2.TemplateError, root: Path) -> str:
    where = ""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where = f"{Path(error.filename).resolve().relative_to(root.resolve()).as_posix()}:{error.lineno}"
    else:  # Jinja rewrites tracebacks so that template frames carry the template's file and line
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.endswith(".html") and TEMPLATES_DIR in Path(frame.filename).parts:
                where = f"{Path(frame.filename).resolve().relative_to(root.resolve()).as_posix()}:{frame.lineno}"
                break
    return f"{where}: 模板错误 (template error): {error.message or error}"


def default_nav(catalog: Catalog, docs_dir: Path) -> list:
    """A small navigation: never every entry (each page embeds the whole nav)."""
    nav: list = [{"首页": "index.md"}]
    if catalog.current:
        year = catalog.current.year
        nav += [{"创新案例": f"{year}/top-cases/index.md"}, {"创新人物": f"{year}/top-people/index.md"}]
    nav += [{"公益大使": "ambassadors/index.md"}, {"往届": "archive/index.md"}]
    nav += sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.glob("*.md") if p.name != "index.md")
    return nav

