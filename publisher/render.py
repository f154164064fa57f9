"""Render a validated Catalog into pages: site path → Markdown file text.

Templates in `templates/` present; this module decides: which pages exist,
their order, their links (relative, so the site works under any sub-path) and
what text goes where. Everything from YAML is escaped by Jinja's autoescape;
Markdown bodies are converted here and sanitised with nh3.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
import markdown
import nh3
from markupsafe import Markup, escape
from pymdownx.slugs import slugify

from . import schema, urls
from .catalog import Catalog, Edition, Entry

PLACEHOLDER_COLOURS = 6
_BODY_TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a", "code",
              "pre", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub"}
_BODY_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"align"}, "td": {"align"}}


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, what it is about, and its rendered body."""

    url: str  # site path, e.g. "2022/top-cases/smart-form/"
    title: str  # plain text (escaped when written out)
    description: str  # plain text, for meta tags and search snippets
    html: str
    kind: str = "page"  # case | person | ambassador | ranking | home | …
    entries: tuple[Entry, ...] = ()  # what it shows: its entry, or a ranking's entries in rank order
    meta: dict = field(default_factory=dict)  # more front matter (pub_sample …)
    head: str = ""  # share tags and JSON-LD, finished HTML (social.py)

    @property
    def source(self) -> str:
        return urls.source(self.url)

    def front_matter(self) -> str:
        """The file MkDocs reads: front matter only (JSON is YAML). The body, already HTML,
        is handed over as the page's content, so Markdown never re-parses it.

        Front matter values are HTML-escaped: MkDocs and Material print page.meta
        into HTML without escaping it.
        """
        front = {"title": str(escape(self.title)), "description": str(escape(self.description)),
                 "hide": ["navigation", "toc"], "pub_kind": self.kind, **self.meta}
        if self.head:
            front["pub_head"] = self.head
        return "---\n" + json.dumps(front, ensure_ascii=False, sort_keys=True) + "\n---\n"


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


# --- the renderer -------------------------------------------------------------------------------------------


class Renderer:
    """Renders every page of a catalog with the Jinja templates in `templates_dir`."""

    def __init__(self, catalog: Catalog, templates_dir: Path, site_url: str | None = None):
        self.catalog = catalog
        self.site_url = site_url  # absolute root of the published site; None: no absolute URLs (check)
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
        return pages

    def _render(self, template: str, here: str, **context: object) -> str:
        """`template` for the page at `here`, with `context`, the site's settings and the URL helpers:
        `link(entry or site path)` and `url(name, *args)` give links relative to this page."""

        def link(target: str | Entry) -> str:
            return urls.relative(here, target.url if isinstance(target, Entry) else target)

        def url(name: str, *args: object) -> str:
            return urls.relative(here, urls.named(name, *args))

        share_url = urls.absolute(self.site_url, here) if self.site_url else None  # what the QR code says
        return self.env.get_template(template).render(site=self.catalog.site, here=here, share_url=share_url,
                                                      link=link, url=url, **context)

    def home(self) -> Page:
        site = self.catalog.site
        html = self._render("home.html", urls.HOME, catalog=self.catalog, edition=self.catalog.current,
                            ambassadors=self.catalog.ambassadors[:8],
                            ambassador_count=len(self.catalog.ambassadors))
        # Material prints "<page title> - <site name>": the tagline keeps the brand from doubling.
        return Page(urls.HOME, site.tagline, site.tagline, html, kind="home")

    def edition(self, edition: Edition) -> Page:
        here = urls.edition(edition.year)
        html = self._render("edition.html", here, edition=edition, is_current=edition is self.catalog.current)
        return Page(here, f"{edition.year} 年度创新榜单", f"{edition.year} 年度十大创新案例与十大创新人物", html,
                    kind="edition")

    def ranking(self, edition: Edition, kind: str, entries: tuple[Entry, ...]) -> Page:
        here = urls.ranking(edition.year, kind)
        title = f"{edition.year} 年度十大{schema.KIND_TITLES[kind]}"
        html = self._render("ranking.html", here, edition=edition, kind=kind, entries=entries, title=title,
                            is_current=edition is self.catalog.current)
        names = "、".join(e.name for e in entries[:3])
        description = f"{title}：{names}等" if entries else title
        return Page(here, title, description, html, kind="ranking", entries=entries)

    def entry(self, siblings: tuple[Entry, ...], index: int) -> Page:
        """The page of `siblings[index]`, with its neighbours in the ranking (or on the wall)."""
        entry = siblings[index]
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
            title, description = entry.data.name, " ".join(entry.data.citation.split())
        else:
            title, description = entry.data.name, entry.data.quote
        html = self._render(f"{entry.kind}.html", entry.url, **context)
        return Page(entry.url, title, description, html, kind=entry.kind, entries=(entry,),
                    meta={"pub_sample": entry.data.sample})

    def _district_url(self, district: str | None) -> str | None:
        return urls.district(self.district_slugs[district]) if district else None

    def wall(self) -> Page:
        ambassadors = self.catalog.ambassadors
        identities = [(k, v) for k, v in schema.IDENTITY_LABELS.items() if any(a.data.identity == k for a in ambassadors)]
        counts = Counter(a.data.region for a in ambassadors)
        regions = sorted(counts, key=lambda region: (-counts[region], region))  # most ambassadors first
        html = self._render("wall.html", urls.WALL, ambassadors=ambassadors, identities=identities, regions=regions)
        return Page(urls.WALL, "营商公益大使", f"{len(ambassadors)} 位营商公益大使，来自各行各业、世界各地。",
                    html, kind="wall")

    def archive(self) -> Page:
        html = self._render("archive.html", urls.ARCHIVE, editions=self.catalog.editions)
        return Page(urls.ARCHIVE, "往届榜单", "历年十大创新案例与十大创新人物", html, kind="archive")

    def categories(self) -> list[Page]:
        pages = []
        all_cases = [c for ed in self.catalog.editions for c in ed.cases]
        overview = []
        for key, label in schema.CATEGORY_LABELS.items():
            cases = [c for c in all_cases if c.data.category == key]
            overview.append((key, label, len(cases)))
            here = urls.category(key)
            html = self._render("category.html", here, key=key, label=label, cases=cases)
            pages.append(Page(here, label, f"{label}类创新案例", html, kind="category"))
        html = self._render("categories.html", urls.CATEGORIES, overview=overview)
        pages.append(Page(urls.CATEGORIES, "四个全生命周期", "按全生命周期浏览创新案例", html, kind="category"))
        return pages

    def districts(self) -> list[Page]:
        pages = []
        editions = self.catalog.editions
        for district in self.catalog.site.districts:
            cases = [c for ed in editions for c in ed.cases if c.data.district == district.name]
            people = [p for ed in editions for p in ed.people if p.data.district == district.name]
            if not cases and not people:
                continue
            here = urls.district(district.slug)
            html = self._render("district.html", here, district=district, cases=cases, people=people)
            pages.append(Page(here, district.name, f"{district.name}的创新案例与人物", html, kind="district"))
        return pages


def render_pages(catalog: Catalog, templates_dir: Path, site_url: str | None = None) -> list[Page]:
    """Every page of the site, in a stable order."""
    return Renderer(catalog, templates_dir, site_url).pages()
