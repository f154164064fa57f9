"""The one place our pipeline meets MkDocs (listed under `hooks:` in mkdocs.yml).

on_config  read and validate entries, render pages (fail early, before MkDocs works)
on_files   hand the rendered pages, the media they use, QR codes, share images and
           robots.txt to MkDocs as generated files; fingerprint our own CSS and JS
on_page_content  generated pages are finished HTML: skip Markdown for them; pages
           whose search entries are remembered are marked for Material's search to skip
on_env     give the theme the fingerprinted names (filter `fingerprinted`)
on_post_build  complete the search index from the remembered entries and refine it
           for Chinese sub-words

Nothing else in the package imports MkDocs, so another builder that reads the
same config (e.g. ProperDocs) only needs this file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import posixpath
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # MkDocs loads hooks by path

import jinja2  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel  # noqa: E402
from mkdocs.structure.pages import Page as MkDocsPage  # noqa: E402

from publisher import cms, pipeline, search  # noqa: E402
from publisher.cache import Memo  # noqa: E402
from publisher.problems import ContentError  # noqa: E402

_state: dict[str, object] = {}
_ABSENT = object()
FINGERPRINTED = ("assets/publisher.css", "assets/publisher.js")  # named by content: a host may cache them for a year


def on_startup(command: str, dirty: bool) -> None:
    _state["dirty"] = dirty  # `serve --dirty` rebuilds changed pages only: nothing to remember then
    _state["serving"] = command == "serve"  # the form editor (/admin/) is served while previewing


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    _state.pop("result", None)
    _leave_chinese_segmentation_to_us()
    try:
        result = pipeline.run(root, site_url=config.site_url or None)
    except ContentError as error:
        raise PluginError("\n" + error.report(pipeline.language(), root)) from None
    except pipeline.TemplateFailure as error:
        raise PluginError(str(error)) from None
    _state["result"] = result
    _state["html"] = {page.src_uri: page.html for page in result.pages}
    _state["indexed"] = []
    _state["search_memo"] = None if _state.get("dirty") else Memo(root / pipeline.CACHE_DIR / "search.sqlite",
                                                                  _search_cache_version())
    if config.nav is None:
        config.nav = pipeline.default_nav(result.catalog, Path(config.docs_dir))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    result: pipeline.Result = _state["result"]  # type: ignore[assignment]
    for page in result.pages:
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"content/{page.src_uri} 与自动生成的页面重名，请改名或删除 "
                              f"(content/{page.src_uri} clashes with a generated page).")
        # Entries are reached from rankings, not the nav (a full nav makes every page heavy).
        files.append(File.generated(config, page.src_uri, content=page.front_matter(),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    for site_path, source in result.files.items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    for site_path, content in result.generated.items():
        if files.get_file_from_path(site_path) is not None:
            raise PluginError(f"content/{site_path} 与自动生成的文件重名，请删除 "
                              f"(content/{site_path} clashes with a generated file).")
        files.append(File.generated(config, site_path, content=content))
    # --- form editor (/admin/), issue 15: publisher/cms.py decides what is served ---------------------
    root = Path(config.config_file_path).resolve().parent
    for site_path, source in cms.admin_files(root, bool(_state.get("serving")), result.catalog.site,
                                             [edition.year for edition in result.catalog.editions]).items():
        given = {"abs_src_path": str(source)} if isinstance(source, Path) else {"content": source}
        files.append(File.generated(config, site_path, inclusion=InclusionLevel.NOT_IN_NAV, **given))
    # --- end form editor --------------------------------------------------------------------------------
    _state["fingerprinted"] = _fingerprint(files, config)
    return files


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


def on_page_content(html: str, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
    """Generated pages arrive as finished HTML; hand-written pages went through Markdown as usual."""
    rendered: dict[str, str] = _state["html"]  # type: ignore[assignment]
    html = rendered.get(page.file.src_uri, html)
    memo: Memo | None = _state["search_memo"]  # type: ignore[assignment]
    if memo is not None:
        key = search.page_key(page.url, html, page.title or "", page.meta, _anchors(page.toc))
        cached = memo.lookup(key) is not None
        if cached:  # Material's search plugin would parse this page again to make the same entries
            _state["meta_search"] = page.meta.get("search", _ABSENT)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        _state["indexed"].append(search.IndexedPage(page.url, key, cached))  # type: ignore[union-attr]
    return html


def on_page_context(context: dict, page: MkDocsPage, config: MkDocsConfig, nav: object) -> dict:
    """Hooks run after plugins: Material's search has seen the mark; the page template must not."""
    original = _state.pop("meta_search", None)
    if original is _ABSENT:
        del page.meta["search"]
    elif original is not None:
        page.meta["search"] = original
    return context


def _anchors(toc: object) -> list[tuple[str, str]]:
    return [(item.id, item.url) for top in toc for item in (top, *_descendants(top))]  # type: ignore[attr-defined]


def _descendants(item: object) -> list:
    return [found for child in item.children for found in (child, *_descendants(child))]  # type: ignore[attr-defined]


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    names: dict[str, str] = _state.get("fingerprinted", {})  # type: ignore[assignment]
    env.filters["fingerprinted"] = lambda path: names.get(path, path)
    return env


def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    memo: Memo | None = _state.get("search_memo")  # type: ignore[assignment]
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    if memo is None:
        index["docs"] = [search.refine_entry(doc) for doc in index.get("docs", [])]
    else:
        try:
            index = search.merge_index(index, _state["indexed"], memo)  # type: ignore[arg-type]
        except LookupError as error:
            memo.close()
            Path(memo.path).unlink(missing_ok=True)  # type: ignore[arg-type]
            raise PluginError(f"搜索索引缓存与本次构建不一致，已清除，请重新构建 (search cache out of step, "
                              f"cleared: build again): {error}") from None
        memo.save()
        memo.close()
    search.write_index(path, index)


def _search_cache_version() -> str:
    """Entries are Material's parse of a page, refined by search.py: either changing starts afresh."""
    return f"mkdocs-material {importlib.metadata.version('mkdocs-material')}, refine {search.CACHE_VERSION}"


def _leave_chinese_segmentation_to_us() -> None:
    """Material runs jieba over every page on every build when jieba is installed; publisher/search.py
    segments once, finer, with a cache. This is the one place we reach into Material: if the
    attribute ever disappears, both segment and the result is the same, only slower."""
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:
        return
    if getattr(material_search, "jieba", None) is not None:
        material_search.jieba = None
