"""The one place our pipeline meets MkDocs (listed under `hooks:` in mkdocs.yml).

on_config  read and validate entries, render pages (fail early, before MkDocs works)
on_files   hand the rendered pages and the media they use to MkDocs as generated files
on_post_build  refine the search index for Chinese sub-words

Nothing else in the package imports MkDocs, so another builder that reads the
same config (e.g. ProperDocs) only needs this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # MkDocs loads hooks by path

from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files, InclusionLevel  # noqa: E402

from publisher import pipeline, search  # noqa: E402
from publisher.problems import ContentError  # noqa: E402

_state: dict[str, object] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    _state.clear()
    try:
        result = pipeline.run(root)
    except ContentError as error:
        raise PluginError("\n" + error.report(pipeline.language(), root)) from None
    except pipeline.TemplateFailure as error:
        raise PluginError(str(error)) from None
    _state["result"] = result
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
        files.append(File.generated(config, page.src_uri, content=page.markdown(),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    for site_path, source in result.files.items():
        files.append(File.generated(config, site_path, abs_src_path=str(source)))
    return files


def on_post_build(config: MkDocsConfig) -> None:
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.exists():
        search.refine_index(index)
