"""The one place our pipeline meets MkDocs (listed under `hooks:` in mkdocs.yml).

on_config  read and validate entries, render pages (fail early, before MkDocs works)
on_files   hand the rendered pages, the media they use, QR codes, share images and
           robots.txt to MkDocs as generated files; fingerprint our own CSS and JS
on_page_content  generated pages are finished HTML: skip Markdown for them
on_env     give the theme the fingerprinted names (filter `fingerprinted`)
on_post_build  turn Material's search entries into our sharded index (publisher/search.py)

Nothing else in the package imports MkDocs, so another builder that reads the
same config (e.g. ProperDocs) only needs this file.
"""

from __future__ import annotations

import hashlib
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

from publisher import pipeline, search  # noqa: E402
from publisher.problems import ContentError  # noqa: E402

_state: dict[str, object] = {}
FINGERPRINTED = ("assets/publisher.css", "assets/publisher.js", "assets/search-worker.js")  # named by content: a host may cache them for a year


def on_startup(command: str, dirty: bool) -> None:
    _state["dirty"] = dirty  # `serve --dirty` rebuilds changed pages only: nothing to remember then


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
    return rendered.get(page.file.src_uri, html)


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    names: dict[str, str] = _state.get("fingerprinted", {})  # type: ignore[assignment]
    env.filters["fingerprinted"] = lambda path: names.get(path, path)
    return env


def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / search.INDEX_FILE
    if path.exists():  # Material's search plugin wrote its entries: index them our way
        search.write_index(Path(config.site_dir), json.loads(path.read_text(encoding="utf-8")).get("docs", []))


def _leave_chinese_segmentation_to_us() -> None:
    """Material runs jieba over every page when jieba is installed (the benchmark installs it);
    publisher/search.py indexes character pairs and needs no segmentation. This is the one place we
    reach into Material: if the attribute ever disappears, builds are only slower."""
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:
        return
    if getattr(material_search, "jieba", None) is not None:
        material_search.jieba = None
