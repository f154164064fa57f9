"""The pipeline, start to end: read and check entries → render pages → share tags, QR codes, images.

`prepare()` makes one `Build`: everything a build knows, made once and only read afterwards. The
MkDocs hook (mkdocs_hook.py) asks for it when MkDocs starts and hands its pages and files over;
`build.py check` asks for it without a site URL, which skips everything that needs absolute URLs.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import cards, content_pages, media_variants, social, urls
from .catalog import Catalog
from .problems import ContentError, Problem
from .render import CompiledOnce, Page, render_pages
from .store import Store
from .validate import build_catalog

CASES_DIR = "cases"
CONTENT_DIR = "content"
TEMPLATES_DIR = "templates"
STORE_DIR = ".cache/drawn"  # share images and QR codes drawn by earlier builds (git-ignored; may be deleted)


class TemplateFailure(Exception):
    """A template could not be rendered; the message names the template file and line."""


@dataclass
class Build:
    """Everything one build knows: made by `prepare`, read by the MkDocs hook, dropped after the build."""

    root: Path
    site_url: str | None  # the published site's root; None for `check` (no share tags, QR codes, images)
    catalog: Catalog
    pages: list[Page]  # generated pages, in a stable order
    files: dict[str, Path] = field(default_factory=dict)  # site path → file to copy (media, QR codes, images)
    generated: dict[str, bytes] = field(default_factory=dict)  # site path → content (robots.txt)
    store: Store | None = None
    fonts: cards.Fonts | None = None  # what share images are drawn with (None: no CJK font, plain images)

    def written_page_head(self, page: str, title: str, description: str) -> str:
        """Share tags of a hand-written page at site path `page` ("" for `check`, which shares nothing)."""
        if not self.site_url:
            return ""
        return social.written_page_head(self.catalog.site, urls.language_of(page), title, description, page,
                                        self.site_url, self.fonts)

    def close(self) -> None:
        """After MkDocs copied the files: nothing of this build is needed any more."""
        if self.store is not None:
            self.store.close()


def load(root: Path) -> Catalog:
    """Read and check every entry (raises ContentError with every problem)."""
    return build_catalog(root / CASES_DIR)


def prepare(root: Path, site_url: str | None = None, *, catalog: Catalog | None = None,
            compiled: CompiledOnce | None = None) -> Build:
    """The whole build before MkDocs: entries, pages and, with a `site_url`, what sharing needs.
    `catalog`: the entries, when the caller has just read and checked them; `compiled`: templates
    compiled by an earlier build of this process (the preview's). Raises ContentError (entries, or a
    hand-written page in a generated page's place) or TemplateFailure."""
    catalog = catalog or load(root)
    media = media_variants.describe(catalog.media, root / CASES_DIR)  # issue 13: picture sizes, audio formats
    try:
        pages = render_pages(catalog, root / TEMPLATES_DIR, site_url, media, compiled)
    except jinja2.TemplateError as error:
        raise TemplateFailure(_describe_template_error(error, root)) from None
    clashes = page_clashes(root / CONTENT_DIR, {page.url for page in pages})
    if clashes:
        raise ContentError(clashes)
    build = Build(root, site_url, catalog, pages)
    build.files = dict(media.as_is)  # media published as supplied; resized pictures and audio are drawn below
    if site_url:
        build.fonts = cards.find_fonts()
        build.pages, drawings, build.generated = social.share(catalog, pages, site_url, build.fonts)
        drawings.update(content_pages.share_codes(root / CONTENT_DIR, site_url))  # issue 13: QR of hand-written pages
        build.store = Store(root / STORE_DIR)
        build.files.update(build.store.files({**drawings, **media.drawings}))
    return build


def page_clashes(content_dir: Path, generated: set[str]) -> list[Problem]:
    """Hand-written pages that would take the place of a generated page: never replaced in silence."""
    return [Problem(path, "page_clash", args={"value": "/" + page})
            for path, page in content_pages.written_pages(content_dir) if page in generated]


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


def default_nav(catalog: Catalog, content_dir: Path) -> list:
    """A small navigation: never every entry (each page embeds the whole nav)."""
    nav: list = [{"首页": urls.source(urls.HOME)}]
    if catalog.current:
        year = catalog.current.year
        nav += [{"创新案例": urls.source(urls.ranking(year, "case"))},
                {"创新人物": urls.source(urls.ranking(year, "person"))}]
    nav += [{"公益大使": urls.source(urls.WALL)}, {"往届": urls.source(urls.ARCHIVE)}]
    nav += sorted(p.relative_to(content_dir).as_posix() for p in content_dir.glob("*.md") if p.name != "index.md")
    return nav


def source_date_epoch(root: Path) -> str:
    """The build date MkDocs writes (sitemap, gzip headers): the last commit's, so equal input gives
    equal output; SOURCE_DATE_EPOCH when set."""
    import subprocess

    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        stamp = ""
    return stamp if stamp.isdigit() else "0"
