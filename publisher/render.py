"""Render a validated Catalog into pages: site path → Markdown file text.

Templates in `templates/` present; this module decides: which pages exist,
their order, their links (relative, so the site works under any sub-path) and
what text goes where. Everything from YAML is escaped by Jinja's autoescape;
Markdown bodies are converted here and sanitised with nh3.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Callable

import jinja2
import markdown
import nh3
from markupsafe import Markup, escape
from pydantic import BaseModel
from pymdownx.slugs import slugify

from . import schema
from .cache import Memo, code_version
from .catalog import Catalog, Edition, Entry

PLACEHOLDER_COLOURS = 6
_BODY_TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a", "code",
              "pre", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub"}
_BODY_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"align"}, "td": {"align"}}


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, what it is about, and its rendered body."""

    src_uri: str  # e.g. "2022/top-cases/smart-form.md"
    title: str  # plain text (escaped when written out)
    description: str  # plain text, for meta tags and search snippets
    html: str
    kind: str = "page"  # case | person | ambassador | ranking | page
    image: str | None = None  # site path of the share image
    meta: dict = field(default_factory=dict)
    key: str = ""  # hash of its template and everything the template was given ("" when rendered without memo)

    def front_matter(self) -> str:
        """The file MkDocs reads: front matter only (JSON is YAML). The body, already HTML,
        is handed over as the page's content, so Markdown never re-parses it.

        Front matter values are HTML-escaped: MkDocs and Material print page.meta
        into HTML without escaping it.
        """
        front = {
            "title": str(escape(self.title)),
            "description": str(escape(self.description)),
            "hide": ["navigation", "toc"],
            "pub_kind": self.kind,
            **self.meta,
        }
        if self.image:
            front["pub_image"] = self.image
        return "---\n" + json.dumps(front, ensure_ascii=False, sort_keys=True) + "\n---\n"

    def markdown(self) -> str:
        """The whole page as one Markdown file (front matter + HTML block), for builders without our hook."""
        return self.front_matter() + "\n" + self.html.strip() + "\n"


def url_of(src_uri: str) -> str:
    """The site URL MkDocs gives a page (use_directory_urls: true)."""
    stem = src_uri[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_url: str, to_url: str) -> str:
    """A link from one site URL to another that works under any sub-path (URLs are directory-style)."""
    target = posixpath.relpath("/" + to_url, "/" + from_url)
    return target + "/" if to_url.endswith("/") or not to_url else target


_markdown = markdown.Markdown(extensions=["tables", "sane_lists", "toc"],
                              extension_configs={"toc": {"slugify": slugify(case="lower"), "toc_depth": "2-4"}})


def render_markdown(text: str) -> Markup:
    """Editors' Markdown → safe HTML: raw HTML and unsafe links never survive."""
    html = _markdown.reset().convert(text)
    return Markup(nh3.clean(html, tags=_BODY_TAGS, attributes=_BODY_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener", strip_comments=True))


def initial(text: str) -> str:
    """The character a placeholder shows: the first letter or Han character, skipping quotes and marks."""
    return next((ch for ch in text if ch.isalnum()), text[:1])


def placeholder_colour(key: str) -> int:
    """A stable brand colour index for a generated placeholder."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % PLACEHOLDER_COLOURS


# --- what a page is made of ---------------------------------------------------------------------------------


def fingerprint(value: object) -> object:
    """`value` as JSON-able data that changes whenever anything a template could read of it changes.

    A page's cache key is the fingerprint of its template's context, so the context *is* the page's
    dependencies: a page is rendered again exactly when something it was given changed. A value of a
    type not listed here is refused rather than guessed at, so no page is ever served stale.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value  # Markup is a str
    if isinstance(value, Entry):  # its file's place and content: everything its data is made of
        return ["entry", value.digest, str(value.source)]
    if isinstance(value, (list, tuple)):
        return [fingerprint(item) for item in value]
    if isinstance(value, dict):
        return {str(key): fingerprint(item) for key, item in value.items()}
    if isinstance(value, Edition):
        return ["edition", value.year, fingerprint(value.cases), fingerprint(value.people)]
    if isinstance(value, BaseModel):
        return [type(value).__name__, _model_digest(value)]
    if isinstance(value, Catalog):
        return ["catalog", _catalog_digest(value)]
    raise TypeError(f"cannot fingerprint a {type(value).__name__} for the page cache: add it to render.fingerprint")


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


_DIGESTS: dict[int, tuple[object, str]] = {}  # id → (object kept alive, digest): the site is on every page


def _remembered(value: object, make: Callable[[], str]) -> str:
    found = _DIGESTS.get(id(value))
    if found is None or found[0] is not value:
        found = _DIGESTS[id(value)] = (value, make())
    return found[1]


def _model_digest(model: BaseModel) -> str:
    return _remembered(model, lambda: hashlib.sha256(model.model_dump_json().encode("utf-8")).hexdigest())


def _catalog_digest(catalog: Catalog) -> str:
    return _remembered(catalog, lambda: _digest([fingerprint(catalog.site), fingerprint(catalog.editions),
                                                 fingerprint(catalog.ambassadors), list(catalog.media)]))


def templates_version(templates_dir: Path) -> str:
    """Our code, Jinja's and Markdown's versions, and every template file: what else makes a page."""
    libraries = ("jinja2", "markdown", "nh3", "pymdown-extensions", "pydantic", "pyyaml")  # pages, and entries' data
    digest = hashlib.sha256(code_version(*libraries).encode("utf-8"))
    for path in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(templates_dir).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


# --- the renderer -------------------------------------------------------------------------------------------


class Renderer:
    """Renders every page of a catalog with the Jinja templates in `templates_dir`."""

    def __init__(self, catalog: Catalog, templates_dir: Path, site_url: str | None = None, memo: Memo | None = None):
        self.catalog = catalog
        self.site_url = site_url  # absolute root of the published site; None: no absolute URLs (check)
        self.memo = memo  # rendered pages of earlier builds, by template, page and context
        self.keys: dict[str, str] = {}  # src_uri → the memo key it was rendered under
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # one build, fixed templates: no stat() per include/import
        )
        self.env.filters["markdown"] = render_markdown
        self.env.globals.update(
            CATEGORY_LABELS=schema.CATEGORY_LABELS, CATEGORY_SHORT=schema.CATEGORY_SHORT,
            IDENTITY_LABELS=schema.IDENTITY_LABELS, placeholder_colour=placeholder_colour, initial=initial)

    # relations the templates show -----------------------------------------------------------

    @cached_property
    def people_by_case(self) -> dict[tuple[int, str], list[Entry]]:
        found: dict[tuple[int, str], list[Entry]] = {}
        for edition in self.catalog.editions:
            for person in edition.people:
                for slug in person.data.cases:
                    found.setdefault((edition.year, slug), []).append(person)
        return found

    @cached_property
    def case_by_slug(self) -> dict[tuple[int, str], Entry]:
        return {(e.year, e.slug): e for ed in self.catalog.editions for e in ed.cases}

    @cached_property
    def district_slugs(self) -> dict[str, str]:
        return {d.name: d.slug for d in self.catalog.site.districts}

    # pages --------------------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        catalog = self.catalog
        pages = [self.home()]
        for edition in catalog.editions:
            pages.append(self.edition(edition))
            for kind, entries in (("case", edition.cases), ("person", edition.people)):
                pages.append(self.ranking(edition, kind, entries))
                pages += [self.entry(entries, index) for index in range(len(entries))]
        pages.append(self.wall())
        pages += [self.entry(catalog.ambassadors, index) for index in range(len(catalog.ambassadors))]
        pages.append(self.archive())
        pages += self.categories()
        pages += self.districts()
        return [replace(page, key=self.keys[page.src_uri]) for page in pages] if self.keys else pages

    def _render(self, template: str, src_uri: str, **context: object) -> str:
        """`template` with `context`, the site's settings and helpers: taken from the memo when it has it."""
        here = url_of(src_uri)
        share_url = self.site_url.rstrip("/") + "/" + here if self.site_url else None  # what the QR code says
        context.update(site=self.catalog.site, here=here, share_url=share_url)
        if self.memo is None:
            return self._render_now(template, context)
        key = self.keys[src_uri] = _digest([template, src_uri, fingerprint(context)])
        return self.memo.get(key, lambda: self._render_now(template, context))

    def _render_now(self, template: str, context: dict[str, object]) -> str:
        here = str(context["here"])

        def link(target: str | Entry) -> str:
            return relative(here, target.url if isinstance(target, Entry) else target)

        return self.env.get_template(template).render(link=link, **context)

    def home(self) -> Page:
        site = self.catalog.site
        html = self._render("home.html", "index.md", catalog=self.catalog, edition=self.catalog.current,
                            ambassadors=self.catalog.ambassadors[:8],
                            ambassador_count=len(self.catalog.ambassadors))
        # Material prints "<page title> - <site name>": the tagline keeps the brand from doubling.
        return Page("index.md", site.tagline, site.tagline, html, kind="home")

    def edition(self, edition: Edition) -> Page:
        src = f"{edition.year}/index.md"
        html = self._render("edition.html", src, edition=edition,
                            is_current=edition is self.catalog.current)
        return Page(src, f"{edition.year} 年度创新榜单", f"{edition.year} 年度十大创新案例与十大创新人物", html,
                    kind="edition")

    def ranking(self, edition: Edition, kind: str, entries: tuple[Entry, ...]) -> Page:
        folder = schema.KIND_FOLDERS[kind]
        src = f"{edition.year}/{folder}/index.md"
        title = f"{edition.year} 年度十大{schema.KIND_TITLES[kind]}"
        html = self._render("ranking.html", src, edition=edition, kind=kind, entries=entries, title=title,
                            is_current=edition is self.catalog.current)
        names = "、".join(e.name for e in entries[:3])
        description = f"{title}：{names}等" if entries else title
        return Page(src, title, description, html, kind="ranking",
                    meta={"pub_items": [e.url for e in entries]})

    def entry(self, siblings: tuple[Entry, ...], index: int) -> Page:
        """The page of `siblings[index]`, with its neighbours in the ranking (or on the wall)."""
        entry = siblings[index]
        src = entry.url.rstrip("/") + ".md"
        previous = siblings[index - 1] if index > 0 else None
        following = siblings[index + 1] if index + 1 < len(siblings) else None
        context: dict[str, object] = {"entry": entry, "previous": previous, "next": following}
        if entry.kind == "case":
            context["people"] = self.people_by_case.get((entry.year, entry.slug), [])
            context["district_url"] = self._district_url(entry.data.district)
            title, description = entry.data.title, entry.data.summary
        elif entry.kind == "person":
            context["cases"] = [self.case_by_slug[(entry.year, s)] for s in entry.data.cases]
            context["district_url"] = self._district_url(entry.data.district)
            title, description = entry.data.name, entry.excerpt
        else:
            title, description = entry.data.name, entry.data.quote
        html = self._render(f"{entry.kind}.html", src, **context)
        return Page(src, title, description, html, kind=entry.kind,
                    meta={"pub_sample": entry.data.sample})

    def _district_url(self, district: str | None) -> str | None:
        return f"districts/{self.district_slugs[district]}/" if district else None

    def wall(self) -> Page:
        ambassadors = self.catalog.ambassadors
        identities = [(k, v) for k, v in schema.IDENTITY_LABELS.items() if any(a.data.identity == k for a in ambassadors)]
        counts = Counter(a.data.region for a in ambassadors)
        regions = sorted(counts, key=lambda region: (-counts[region], region))  # most ambassadors first
        html = self._render("wall.html", "ambassadors/index.md", ambassadors=ambassadors,
                            identities=identities, regions=regions)
        return Page("ambassadors/index.md", "营商公益大使", f"{len(ambassadors)} 位营商公益大使，来自各行各业、世界各地。",
                    html, kind="wall")

    def archive(self) -> Page:
        html = self._render("archive.html", "archive/index.md", editions=self.catalog.editions)
        return Page("archive/index.md", "往届榜单", "历年十大创新案例与十大创新人物", html, kind="archive")

    def categories(self) -> list[Page]:
        pages = []
        all_cases = [c for ed in self.catalog.editions for c in ed.cases]
        overview = []
        for key, label in schema.CATEGORY_LABELS.items():
            cases = [c for c in all_cases if c.data.category == key]
            overview.append((key, label, len(cases)))
            src = f"categories/{key}.md"
            html = self._render("category.html", src, key=key, label=label, cases=cases)
            pages.append(Page(src, label, f"{label}类创新案例", html, kind="category"))
        html = self._render("categories.html", "categories/index.md", overview=overview)
        pages.append(Page("categories/index.md", "四个全生命周期", "按全生命周期浏览创新案例", html, kind="category"))
        return pages

    def districts(self) -> list[Page]:
        pages = []
        editions = self.catalog.editions
        for district in self.catalog.site.districts:
            cases = [c for ed in editions for c in ed.cases if c.data.district == district.name]
            people = [p for ed in editions for p in ed.people if p.data.district == district.name]
            if not cases and not people:
                continue
            src = f"districts/{district.slug}.md"
            html = self._render("district.html", src, district=district, cases=cases, people=people)
            pages.append(Page(src, district.name, f"{district.name}的创新案例与人物", html, kind="district"))
        return pages


def render_pages(catalog: Catalog, templates_dir: Path, site_url: str | None = None,
                 memo: Memo | None = None) -> list[Page]:
    """Every page of the site, in a stable order."""
    try:
        return Renderer(catalog, templates_dir, site_url, memo).pages()
    finally:
        _DIGESTS.clear()
