"""The one place our pipeline meets MkDocs (listed under `hooks:` in mkdocs.yml).

Events, in the order MkDocs calls them:
  on_startup       note whether MkDocs serves (the preview also serves the form editor, /admin/)
  on_config        run the pipeline once (pipeline.prepare → one `Build`); fail early on bad entries
  on_files         hand MkDocs the generated pages, media, QR codes, share images, robots.txt and
                   /admin/; fingerprint our own CSS and JS; in the preview, mark the pages a save left
                   unchanged so that only the others are rendered again
  on_nav           the English edition's own navigation (pages under en/); generated pages outside
                   the navigation are handed over finished (no Markdown)
  on_page_content  generated pages arrive as finished HTML; hand-written ones are sanitised; search
                   takes each page here (Material's search plugin skips it)
  on_env           the fingerprinted names and which pages exist in which language; every page has
                   been read: `build` starts the search index and the copies beside the rendering
  on_page_context  English pages get the English navigation and site name
  on_post_page     each page (and 404.html, on_post_template) gets its critical CSS inline
  on_post_build    wait for the work beside (or do it here), neutralise other hosts' URLs in Material's
                   JS, write the search index's manifest; drop the build's state

`build_site()` and `serve_site()` are what `build.py` calls. Nothing else in the package imports
MkDocs, so a builder that reads the same config (ProperDocs, the maintained continuation of
MkDocs 1.x) needs nothing but this file: `properdocs build` builds the same site.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
import os
import posixpath
import sys
import tempfile
import types
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # MkDocs loads hooks by path

import jinja2  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel  # noqa: E402
from mkdocs.structure.nav import Navigation, get_navigation  # noqa: E402
from mkdocs.structure.pages import Page as MkDocsPage  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402
from mkdocs import utils  # noqa: E402

from publisher import beside, cms, content_pages, critical_css, i18n, offline, pipeline, search, urls  # noqa: E402
from publisher.catalog import Catalog  # noqa: E402
from publisher.problems import ContentError  # noqa: E402
from publisher.render import CompiledOnce, Page  # noqa: E402

FINGERPRINTED = ("assets/publisher.css", "assets/publisher.js", "assets/search-worker.js")  # named by content: a host may cache them for a year


@dataclass
class _Run:
    """Everything one build knows besides the pipeline's `Build`: made in on_config, dropped after
    on_post_build (or a failed build)."""

    build: pipeline.Build
    serving: bool
    html: dict[str, str]  # source file → finished HTML of each generated page
    fingerprinted: dict[str, str] = field(default_factory=dict)  # asset → its name with a content hash
    english_nav: Navigation | None = None  # the English edition's navigation (on_nav)
    english_config: MkDocsConfig | None = None  # the config English pages see (site name, footer, nav)
    stylesheets: critical_css.Stylesheets | None = None  # each page's critical CSS (not in the preview)
    pending: _Preview | None = None  # the preview: this build, once it is written
    found: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # URL → (title, content) of each page rendered now; None: not searched
    index: search.IndexBeside | None = None  # `build`: the search index, made beside the rendering
    copied: list[File] = field(default_factory=list)  # `build`: files it copies beside the rendering …
    copies: beside.Beside | None = None  # … here

    def close(self) -> None:
        self.build.close()
        for work in (self.copies, self.index):
            if work is not None:
                work.close()


@dataclass
class _Session:
    """What this process's MkDocs runs know: whether it serves, and the current build."""

    serving: bool = False
    checked: Catalog | None = None  # entries build.py has just read and checked: on_config need not read them again
    compiled: CompiledOnce = field(default_factory=CompiledOnce)  # templates, compiled once per process
    preview: _Preview | None = None  # the preview's last good build (serve only)
    run: _Run | None = None  # the current build

    def drop(self) -> None:
        """The build is over (or was stopped): end what it started and forget it."""
        if self.run is not None:
            self.run.close()
        self.run = self.checked = None


@dataclass
class _Preview:
    """What the preview's last good build wrote. A save that changes some entries re-renders only the pages
    whose content changed (MkDocs' dirty build, the others stay as written); when anything every page
    shows has changed (which pages exist, the settings, templates, hand-written pages, the config, our
    code), every page is rendered again into an emptied folder."""

    frame: str  # digest of what every page shows besides its own content
    pages: dict[str, str]  # generated page's source → digest of its front matter and HTML
    page_urls: list[str]  # every page, in build order
    search: dict[str, list[dict]] = field(default_factory=dict)  # page URL → its search entries
    indexed: search.Written = field(default_factory=dict)  # what the index was made of, by language


_session = _Session()  # the one piece of module state: MkDocs calls hooks as plain functions


def on_startup(command: str, dirty: bool) -> None:
    _session.serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    try:
        build = pipeline.prepare(root, site_url=config.site_url or None, catalog=_session.checked,
                                 compiled=_session.compiled)
    except ContentError as error:
        raise PluginError("\n" + error.report("zh", root)) from error
    except pipeline.TemplateFailure as error:
        raise PluginError(str(error)) from error
    _session.drop()  # the checked entries are used; and a build MkDocs ended without telling us is over
    _session.run = _Run(build, _session.serving, {page.source: page.html for page in build.pages})
    if config.nav is None:
        config.nav = pipeline.default_nav(build.catalog, Path(config.docs_dir))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    run = _run()
    build = run.build
    for page in build.pages:  # entries are reached from rankings, not the nav (a full nav makes every page heavy)
        files.append(File.generated(config, page.source, content=page.front_matter(),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    copied = File if run.serving else _CopiedBeside  # the preview copies only what changed: MkDocs' dirty build
    for site_path, source in build.files.items():
        files.append(copied.generated(config, site_path, abs_src_path=str(source)))
    run.copied = [file for file in files if isinstance(file, _CopiedBeside)]
    for site_path, content in build.generated.items():
        if files.get_file_from_path(site_path) is not None:
            raise PluginError(f"content/{site_path} 与自动生成的文件重名，请删除 "
                              f"(content/{site_path} clashes with a generated file).")
        files.append(File.generated(config, site_path, content=content))
    # the form editor (/admin/): served by the preview, published only when site.yaml turns it on
    for site_path, source in cms.admin_files(build.root, run.serving, build.catalog.site,
                                             [edition.year for edition in build.catalog.editions]).items():
        given = {"abs_src_path": str(source)} if isinstance(source, Path) else {"content": source}
        files.append(File.generated(config, site_path, inclusion=InclusionLevel.NOT_IN_NAV, **given))
    for file in files.documentation_pages():  # hand-written English pages are in the English navigation (on_nav)
        if file.url.startswith(urls.language_root("en")) and file.inclusion.is_in_nav():
            file.inclusion = InclusionLevel.NOT_IN_NAV  # … so the Chinese one need not say they are missing
    run.fingerprinted = _fingerprint(files, config)
    if run.serving:
        run.pending = _rebuild_only_what_changed(files, config, build)
    return files


class _CopiedBeside(File):
    """Media, share images and QR codes (thousands of files at 1,000 entries): `build` copies them
    beside the rendering (beside.py, started in on_env), not one by one before it as MkDocs would."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def _copy(files: list[File]) -> int:
    """Beside the build: copy the files as MkDocs would; returns how many."""
    for file in files:
        File.copy_file(file)
    return len(files)


def _finish_copies(run: _Run) -> None:
    """Wait for the copies; make them here if the process beside could not."""
    if run.copies is None or run.copies.finish() != len(run.copied):
        _copy(run.copied)


def _rebuild_only_what_changed(files: Files, config: MkDocsConfig, build: pipeline.Build) -> _Preview:
    """The preview: mark generated pages the last build wrote as they are now, so MkDocs' dirty build
    skips them; or empty the folder for a full build."""
    pages = {page.source: _digest(page.front_matter(), page.html) for page in build.pages}
    documents = files.documentation_pages()
    page_urls = [file.url for file in documents]
    now = _Preview(_frame(config, build, page_urls), pages, page_urls)
    before = _session.preview
    if before is None or before.frame != now.frame:
        utils.clean_directory(config.site_dir)
        return now
    for file in documents:
        if file.src_uri not in pages:  # hand-written: read again (the navigation shows its title from the page)
            file.is_modified = lambda: True  # type: ignore[method-assign]
        elif before.pages.get(file.src_uri) == pages[file.src_uri]:
            file.is_modified = lambda: False  # type: ignore[method-assign]  # written so by the last build
    return now


def _frame(config: MkDocsConfig, build: pipeline.Build, page_urls: list[str]) -> str:
    """A digest of what every page shows besides its own content."""
    digest = hashlib.sha256("\n".join(page_urls).encode())
    digest.update(build.catalog.site.model_dump_json().encode())
    folders = [Path(config.docs_dir), build.root / pipeline.TEMPLATES_DIR, Path(__file__).parent]
    for path in [Path(config.config_file_path), *(p for folder in folders for p in sorted(folder.rglob("*")))]:
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _fingerprint(files: Files, config: MkDocsConfig) -> dict[str, str]:
    """Rename our theme assets to name.<hash>.ext; returns original → new site path."""
    names = {}
    for path in FINGERPRINTED:
        file = files.get_file_from_path(path)
        if file is None:
            continue
        stem, extension = posixpath.splitext(path)
        names[path] = f"{stem}.{hashlib.sha256(file.content_bytes).hexdigest()[:10]}{extension}"
        files.remove(file)
        files.append(File.generated(config, names[path], abs_src_path=file.abs_src_path))
    return names


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Pages under en/ get their own, English navigation (handed to them in on_page_context)."""
    run = _run()
    english = copy.copy(config)  # what English pages see as `config`: English name, footer and navigation
    for key, value in i18n.english_settings(run.build.catalog.site, config.extra).items():
        english[key] = value
    english["nav"] = i18n.english_nav(config.nav or [], Path(config.docs_dir))
    for file in files.documentation_pages():
        if file.url.startswith(urls.language_root("en")):
            file.page = None  # made again by the English navigation, with its English title
    run.english_nav, run.english_config = get_navigation(files, english), english
    in_a_nav = {page.file.src_uri for navigation in (nav, run.english_nav) for page in navigation.pages}
    for page in run.build.pages:
        file = files.get_file_from_path(page.source)
        if file is not None and page.source not in in_a_nav:  # a nav's page keeps the title the nav gives it
            _FinishedPage(file, config, page)
    return nav


class _FinishedPage(MkDocsPage):
    """A generated page outside the navigation (entries: most of the site). Its front matter and HTML
    are finished (render.py), so MkDocs neither parses the one nor runs Markdown for the other, which
    would make a Markdown converter per page. Material's blog plugin makes its pages the same way."""

    def __init__(self, file: File, config: MkDocsConfig, page: Page) -> None:
        super().__init__(None, file, config)
        self.finished = page

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown, self.meta = "", self.finished.front_matter_data()

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, self.toc, self.present_anchor_ids = self.finished.html, get_toc([]), set()


def on_page_context(context: dict, page: MkDocsPage, config: MkDocsConfig, nav: Navigation) -> dict:
    run = _run()
    if run.english_nav is not None and page.url.startswith(urls.language_root("en")):
        context["nav"] = run.english_nav  # the English edition's tabs and drawer
        context["config"] = run.english_config
    return context


def on_page_content(html: str, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
    """Generated pages arrive as finished HTML; hand-written pages went through Markdown as usual and
    are text like any entry: sanitised, their front matter escaped."""
    run = _run()
    generated = run.html.get(page.file.src_uri)
    if generated is not None:
        html = generated
    else:
        if page.url.startswith(urls.language_root("en")):  # an English page's heading anchors, titled in English
            html = i18n.english_headings(html, config.mdx_configs.get("toc", {}).get("permalink_title", ""))
        head = run.build.written_page_head(page.url, page.title or "", str(page.meta.get("description") or ""))
        page.meta, page.title = content_pages.escape_front_matter(page.meta, page.title)  # type: ignore[misc]
        if head:  # made from the text as written; escaped for HTML where it lands (social.head_html)
            page.meta["pub_head"] = head
        html = content_pages.sanitise(html)
    _index_page(run, page, html)
    return html


def _index_page(run: _Run, page: MkDocsPage, html: str) -> None:
    """Search takes the page as rendered, and Material's search plugin is told to skip it: search.py
    makes the same entries several times faster. A page's own `search: exclude` is honoured."""
    excluded = bool((page.meta.get("search") or {}).get("exclude"))
    title = str(page.meta.get("title", page.title))
    run.found[page.url] = None if excluded else (title, html)
    page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    run = _run()
    names = run.fingerprinted
    env.bytecode_cache = _session.compiled  # the preview compiles Material's templates once, not on every save
    env.filters["fingerprinted"] = lambda path: names.get(path, path)
    env.globals.update(pub_urls=urls, pub_text=i18n.text)  # for templates/theme: site paths and interface words
    # which pages exist in which language: the language switch, hreflang and sitemap alternates
    env.globals["pub_languages"] = i18n.Alternates.from_urls(file.url for file in files.documentation_pages())
    if not run.serving:  # first paint on a phone (issue 13); the preview is local, and looks the same without
        run.stylesheets = critical_css.Stylesheets(Path(config.site_dir), config.site_url)
        # every page has been read: the search index and the copies are made beside the rendering
        run.copies = beside.Beside(partial(_copy, run.copied))
        if _searched(config):
            run.index = search.IndexBeside(Path(config.site_dir), [(url, *page) for url, page in run.found.items() if page])
    return env


def _searched(config: MkDocsConfig) -> bool:
    """Is Material's search plugin on (its search box, our index: issue 12)?"""
    return any(name.split("/")[-1] == "search" for name in config.plugins)


def on_post_page(output: str, page: MkDocsPage, config: MkDocsConfig) -> str:
    return _with_critical_css(output, page.file.dest_uri, config)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return _with_critical_css(output_content, template_name, config)  # 404.html


def _with_critical_css(html: str, site_path: str, config: MkDocsConfig) -> str:
    stylesheets = _run().stylesheets
    if stylesheets is None or not site_path.endswith(".html"):
        return html
    return stylesheets.rewrite(html, Path(config.site_dir) / site_path)


def on_post_build(config: MkDocsConfig) -> None:
    run = _run()
    _finish_copies(run)
    offline.neutralise(Path(config.site_dir), config.site_url)  # safety (issue 10): nothing loads from another host
    if _searched(config):
        if run.index is not None:  # `build`: made beside the rendering
            run.index.write()
        else:
            _write_preview_index(run, Path(config.site_dir))
    _session.preview = run.pending
    _drop()


def _write_preview_index(run: _Run, site_dir: Path) -> None:
    """The preview's index: the search entries of the pages rendered now, with the last build's for the
    pages it left as they were, in build order; a language whose entries are unchanged keeps its folder."""
    pending, before = run.pending, _session.preview
    assert pending is not None  # serving: set in on_files
    now = {url: search.entries(url, *page) if page else [] for url, page in run.found.items()}
    kept = before.search if before is not None else {}
    pending.search = {url: now[url] if url in now else kept.get(url, []) for url in pending.page_urls}
    pending.indexed = search.write_index(site_dir, [entry for entries in pending.search.values() for entry in entries],
                                         before.indexed if before is not None else None)


def on_build_error(error: Exception) -> None:
    _session.preview = None  # the next preview build renders every page
    _drop()


def _run() -> _Run:
    if _session.run is None:
        raise PluginError("publisher: on_config did not run (is publisher/mkdocs_hook.py listed under hooks:?)")
    return _session.run


def _drop() -> None:
    _session.drop()


# --- what build.py calls -----------------------------------------------------------------------------------


class BuildFailed(Exception):
    """MkDocs stopped; what went wrong has been logged."""


def build_site(root: Path, site_dir: Path, site_url: str | None = None, checked: Catalog | None = None) -> None:
    """Build the site of `root` into `site_dir` (strict: any warning fails the build); `checked`: the
    entries, read and checked just before."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _quiet_logging(logging.WARNING)
    overrides = {"site_url": site_url} if site_url else {}
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True, **overrides)
        _session_of(config).checked = checked
        with _build_date(pipeline.source_date_epoch(root)):
            try:
                build(config)
            finally:  # stopped by Ctrl-C, which MkDocs does not report: the work beside it ends before its folder goes
                _session_of(config).drop()
    except (Abort, ConfigurationError) as error:
        raise BuildFailed(str(error)) from None


def serve_site(root: Path, host: str, port: int, open_browser: bool, problem_page: Callable[[Exception], str]) -> None:
    """The live preview: rebuilds on every save. When a build fails, every address answers with
    `problem_page(error)` instead of waiting (as MkDocs' own serve does) until the build works.
    Raises OSError when the port is taken."""
    import shutil

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    from publisher.preview import write_problem_site

    _quiet_logging(logging.INFO)
    # the preview's builds are dirty on purpose (the hook decides which pages to render again): MkDocs'
    # warning about it would be shown on every save, and would fail the build in strict mode
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not record.getMessage().startswith("A 'dirty' build"))
    site_dir = Path(tempfile.mkdtemp(prefix="publisher-preview-"))
    serve_url = f"http://{host}:{port}/"

    def fresh_config() -> MkDocsConfig:
        # the preview's own address: its share links and QR codes lead to the preview, not the published site
        return load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), site_url=serve_url)

    def builder(config: MkDocsConfig | None = None) -> None:
        try:
            session.checked = pipeline.load(root)  # the entries first: their problems are the ones editors make
            build(config or fresh_config(), serve_url=serve_url, dirty=True)  # the hook decides what to render
        except Exception as error:  # noqa: BLE001 — whatever failed is shown in the browser, never a hang
            session.preview = None  # the problem page replaced the site: the next build renders every page
            write_problem_site(site_dir, problem_page(_cause(error)))
            with contextlib.suppress(OSError):  # the form editor stays reachable while the entries are broken
                cms.write_admin(site_dir, root)

    config = fresh_config()
    config.plugins.on_startup(command="serve", dirty=False)
    session = _session_of(config)  # MkDocs keeps this hook's module, and so the session, for the process
    try:
        # MkDocs polls the watched folders every 0.5 s; every 0.2 s takes a save to the browser 0.15 s
        # sooner on average, for about 2 % of one core while idle at the demo's size
        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir), mount_path="/",
                                  polling_interval=0.2)
        server.build_delay = 0.02  # a poll reports a save's changes at once: no need to wait 0.1 s for more
        server.error_handler = lambda code: _read(site_dir / "404.html") if code == 404 else None
        builder(config)
        for watched in [config.docs_dir, config.config_file_path, *config.watch]:
            server.watch(watched)
        try:
            server.serve(open_in_browser=open_browser)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _session_of(config: MkDocsConfig) -> _Session:
    """The session of this hook as MkDocs runs it: MkDocs loads hooks by path, as a module apart from the
    `publisher.mkdocs_hook` that build.py imports, and keeps that module for the whole process."""
    for plugin in config.plugins.values():
        if isinstance(plugin, types.ModuleType) and hasattr(plugin, "_session"):
            return plugin._session
    raise PluginError("publisher/mkdocs_hook.py is not listed under hooks: in mkdocs.yml")


def _cause(error: BaseException) -> Exception:
    """The error behind MkDocs' Abort: the ContentError, or the plugin's message."""
    seen = error
    while seen is not None:
        if isinstance(seen, ContentError):
            return seen
        if isinstance(seen, PluginError):
            return Exception(str(seen).strip())
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return error if isinstance(error, Exception) else Exception(str(error))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _quiet_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(level)


@contextlib.contextmanager
def _build_date(epoch: str) -> Iterator[None]:
    """MkDocs reads SOURCE_DATE_EPOCH for the build date; set it for this build only."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
