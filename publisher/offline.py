"""Nothing in the built site loads from another host: other hosts' URLs in bundled JS and CSS neutralised.

Material's JavaScript loads a ResizeObserver polyfill and mermaid from unpkg.com when it thinks it
needs them. Readers in mainland China often cannot reach such hosts (a page waits, then breaks), and
a script from another host runs with the site's rights. After MkDocs wrote the site, every URL of
another host that a script could load (one that starts a string literal) and every CSS url()/@import
of another host is replaced by `about:invalid`, which loads nothing. Comments and prose inside strings
("see https://…") are left alone: they load nothing. The link checker (`build.py links`) reads the
same places with `loaded_urls`, so a new Material release that adds such a URL is caught either way.
"""

from __future__ import annotations

import re
from pathlib import Path

BLOCKED = "about:invalid"
# XML namespaces name things; nothing is fetched from them.
NAMESPACES = ("http://www.w3.org/", "https://www.w3.org/")
# A URL at the start of a JS string literal: "https://…", '//host/…', `https://…${x}`
_HOST_URL = r"(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:[/?#][^\"'`\s\\)]*)?"
_JS_URL = re.compile(r"""(?P<quote>["'`])(?P<url>""" + _HOST_URL + ")", re.I)
_CSS_URL = re.compile(r"""(?P<open>url\(\s*["']?|@import\s+["'])(?P<url>""" + _HOST_URL + ")", re.I)


def _foreign(url: str, own: str) -> bool:
    return not url.startswith(NAMESPACES) and not (own and url.startswith(own))


def loaded_urls(text: str, suffix: str, own: str = "") -> list[str]:
    """URLs of other hosts a .js or .css file could load (`own`: the site's own address, allowed)."""
    pattern = _JS_URL if suffix == ".js" else _CSS_URL
    return [m.group("url") for m in pattern.finditer(text) if _foreign(m.group("url"), own)]


def neutralise_text(text: str, suffix: str, own: str = "") -> str:
    pattern = _JS_URL if suffix == ".js" else _CSS_URL
    prefix = "quote" if suffix == ".js" else "open"
    return pattern.sub(lambda m: m.group(prefix) + (BLOCKED if _foreign(m.group("url"), own) else m.group("url")),
                       text)


def neutralise(site_dir: Path, site_url: str | None = None) -> list[str]:
    """Rewrite every .js and .css file of `site_dir` in place; returns the files changed (site paths)."""
    own = site_url.rstrip("/") + "/" if site_url else ""
    changed = []
    for path in sorted([*site_dir.rglob("*.js"), *site_dir.rglob("*.css")]):
        if path.is_symlink() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        fixed = neutralise_text(text, path.suffix, own)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8", errors="surrogateescape")
            changed.append(path.relative_to(site_dir).as_posix())
    return changed
