"""The plain-MkDocs baseline's only hook: the theme glue our templates/theme needs, no pipeline.

templates/theme/main.html names our CSS and JS through the `fingerprinted` filter that
publisher/mkdocs_hook.py provides. This copy does the same renaming (so both builds
write byte-identical pages, which bench/run.py checks) without importing publisher:
no YAML, no validation, no rendering, no search index refinement.
"""

from __future__ import annotations

import hashlib
import posixpath

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from publisher import i18n, urls  # the theme templates' words, site paths and each page's other language
#                                   (loaded with the project's folder on sys.path, as MkDocs loads hooks)

FINGERPRINTED = ("assets/publisher.css", "assets/publisher.js", "assets/search-worker.js")  # as mkdocs_hook.py
_names: dict[str, str] = {}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _names.clear()
    for path in FINGERPRINTED:
        file = files.get_file_from_path(path)
        if file is None:
            continue
        stem, extension = posixpath.splitext(path)
        _names[path] = f"{stem}.{hashlib.sha256(file.content_bytes).hexdigest()[:10]}{extension}"
        files.remove(file)
        files.append(File.generated(config, _names[path], abs_src_path=file.abs_src_path))
    return files


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.filters["fingerprinted"] = lambda path: _names.get(path, path)
    env.globals.update(pub_urls=urls, pub_text=i18n.text)  # as mkdocs_hook.py
    env.globals["pub_languages"] = i18n.Alternates.from_urls(file.url for file in files.documentation_pages())
    return env
