"""Hand-written pages in content/*.md: text, like entries, never code.

Raw HTML belongs in templates/ (code, reviewed as code); a content page is Markdown. Its HTML is
sanitised with the allow-list of entry bodies (render.py), widened only for what our Markdown
extensions emit: permalinks of headings, admonitions, table alignment and attr_list ids. Front-matter
values are escaped, because MkDocs and Material print page.meta and page titles into HTML as they are.
Features that load code from another host (mermaid diagrams) are refused, with the page and line.

`check_pages` runs with `build.py check`; `sanitise` and `escape_front_matter` run in the MkDocs hook;
`share_codes` in pipeline.prepare (each page's QR code, drawn like a generated page's).
"""

from __future__ import annotations

import re
from pathlib import Path

import nh3
from markupsafe import escape

from . import load, urls
from .problems import Problem
from .render import _BODY_ATTRIBUTES, _BODY_TAGS
from .social import qr_drawing
from .store import Drawing

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ADMONITION_TYPES = {"note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
                     "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail",
                     "missing", "danger", "error", "bug", "example", "quote", "cite"}
PAGE_TAGS = _BODY_TAGS | _HEADINGS | {"div", "img", "span"}
PAGE_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in _BODY_ATTRIBUTES.items()},
    **{tag: {"id"} for tag in _HEADINGS},  # toc ids, and attr_list's {#id}
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"align", "style"}, "td": {"align", "style"},  # tables: style="text-align: …" only (filtered below)
    "*": {"id"},  # attr_list
}
PAGE_CLASSES = {"a": {"headerlink"}, "div": {"admonition", *_ADMONITION_TYPES}, "p": {"admonition-title"}}
_LOCAL = re.compile(r"^(?![a-z][a-z0-9+.-]*:)(?!//)", re.I)  # no scheme, not protocol-relative: this site


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Images load, so they come from this site only; a link may point anywhere safe (url_schemes)."""
    if tag == "img" and name == "src" and not _LOCAL.match(value.strip()):
        return None
    return value


def sanitise(html: str) -> str:
    """A content page's HTML with every tag and attribute outside the allow-list removed."""
    return nh3.clean(html, tags=PAGE_TAGS, attributes=PAGE_ATTRIBUTES, allowed_classes=PAGE_CLASSES,
                     attribute_filter=_keep_attribute, filter_style_properties={"text-align"},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener", strip_comments=True)


def escape_front_matter(meta: dict, title: str | None) -> tuple[dict, str | None]:
    """Front matter and title made safe to print: every text value HTML-escaped, once."""
    return _escaped(meta), (str(escape(title)) if isinstance(title, str) else title)


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def written_pages(content_dir: Path) -> list[tuple[Path, str]]:
    """Every hand-written page: its file and its site path, in a stable order (none without content/)."""
    if not content_dir.is_dir():
        return []
    return [(path, urls.page_of(path.relative_to(content_dir).as_posix()))
            for path in sorted(content_dir.rglob("*.md"))]


def share_codes(content_dir: Path, site_url: str) -> dict[str, Drawing]:
    """The QR code of every hand-written page (site path → drawing): its share block shows one, as a
    generated page's does (templates/theme/partials/pub-share.html)."""
    return {urls.qr_code(page): qr_drawing(site_url, page) for _, page in written_pages(content_dir)}


# --- what check reports ---------------------------------------------------------------------------------

_NEEDS_CDN = re.compile(r"^\s*(```|~~~)\s*\{?\s*\.?(mermaid)\b|class\s*=\s*[\"']?[^\"'>]*\bmermaid\b", re.I | re.M)
_RAW_CODE = re.compile(r"<\s*(script|iframe|object|embed|style|form|link|meta|base)\b|\bon[a-z]+\s*=|javascript:",
                       re.I)
_REMOTE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:https?:)?//[^)\s>]+)", re.I)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def check_pages(content_dir: Path) -> list[Problem]:
    """Problems in hand-written pages a build would otherwise pass on silently: features that need
    another host, and raw HTML that is code (it would be removed: say so rather than drop it)."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        return problems
    for path in sorted(content_dir.rglob("*.md")):
        if path.is_symlink() or not path.is_file():
            problems.append(Problem(path, "symlink", args={"value": path.name}))
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        problems += check_page_text(path, text)
    return problems


def check_page_text(path: Path, text: str) -> list[Problem]:
    problems = []
    in_code = False
    lines = text.split("\n")
    front_end = lines.index("---", 1) if lines[:1] == ["---"] and "---" in lines[1:] else 0
    if front_end:  # MkDocs shows front matter it cannot read as text on the page, and says nothing
        problems += load.parse_yaml("\n" + "\n".join(lines[1:front_end]), path)[2]  # "\n": the lines of the file
    for number, line in enumerate(lines, start=1):
        key = _KEY.match(line) if number <= front_end else None
        field = key.group(1) if key else ""  # front matter: the key the value belongs to

        def add(code: str, column: int, **args: object) -> None:
            problems.append(Problem(path, code, number, column, field, args))

        if cdn := _NEEDS_CDN.search(line):
            add("content_cdn", cdn.start() + 1, feature="mermaid")
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or line.startswith("    "):
            continue
        if code := _RAW_CODE.search(line):
            add("content_html", code.start() + 1, value=code.group().strip())
        if remote := _REMOTE_IMAGE.search(line):
            add("content_remote", remote.start(1) + 1, value=remote.group(1))
    return problems
