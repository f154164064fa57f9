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

from . import i18n, translations, urls
from .catalog import Catalog, Edition, Entry
from .media_variants import MediaSet

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
    lang: str = i18n.DEFAULT  # zh | en: the English edition's pages live under en/

    @property
    def source(self) -> str:
        return urls.source(self.url)

    def front_matter_data(self) -> dict:
        """The page's front matter. Its values are HTML-escaped: MkDocs and Material print page.meta
        into HTML without escaping it."""
        front = {"title": str(escape(self.title)), "description": str(escape(self.description)),
                 "hide": ["navigation", "toc"], "pub_kind": self.kind, "pub_lang": self.lang, **self.meta}
        if self.head:
            front["pub_head"] = self.head
        return dict(sorted(front.items()))

    def front_matter(self) -> str:
        """The file MkDocs reads: front matter only (JSON is YAML). The body, already HTML,
        is handed over as the page's content, so Markdown never re-parses it."""
        return "---\n" + json.dumps(self.front_matter_data(), ensure_ascii=False) + "\n---\n"


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
    """Renders every page of a catalog in one language with the Jinja templates in `templates_dir`.

    The templates are the same for both languages: the entries come as `translations.Localized` views
    (English where there is English, else Chinese), the interface words from `t()` (i18n.py), and every
    link stays inside the page's own language (`link`, `url`)."""

    def __init__(self, catalog: Catalog, templates_dir: Path, site_url: str | None = None,
                 lang: str = i18n.DEFAULT, media: MediaSet | None = None,
                 compiled: jinja2.BytecodeCache | None = None):
        self.written = catalog  # the data as written: lookups by Chinese name
        self.catalog = translations.localize(catalog, lang)
        self.lang = lang
        self.prefix = urls.language_root(lang)
        self.site_url = site_url  # absolute root of the published site; None: no absolute URLs (check)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # one build, fixed templates: no stat() per include/import
            bytecode_cache=compiled,
        )
        self.env.filters["markdown"] = render_markdown
        self.env.globals.update(
            CATEGORY_LABELS=i18n.labels("category", lang), CATEGORY_SHORT=i18n.labels("category_short", lang),
            IDENTITY_LABELS=i18n.labels("identity", lang), placeholder_colour=placeholder_colour, initial=initial,
            t=i18n.translator(lang), lang=lang, html_lang=i18n.HTML_LANG)
        self.env.globals["media"] = media or MediaSet()  # picture sizes, audio files (issue 13)

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
        return {d.name: d.slug for d in self.written.site.districts}

    @cached_property
    def district_names(self) -> dict[str, str]:
        """Chinese name (as entries name a district) → the name shown in this language."""
        return {d.raw.name: d.name for d in self.catalog.site.districts}

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
            return urls.relative(here, urls.in_language(target.url if isinstance(target, Entry) else target, self.lang))

        def url(name: str, *args: object) -> str:
            shared = name in urls.SHARED_BY_LANGUAGES  # media; a QR code's page is already this page
            return urls.relative(here, ("" if shared else self.prefix) + urls.named(name, *args))

        share_url = urls.absolute(self.site_url, here) if self.site_url else None  # what the QR code says
        return self.env.get_template(template).render(site=self.catalog.site, here=here, share_url=share_url,
                                                      link=link, url=url, district_names=self.district_names,
                                                      **context)

    def _page(self, url: str, title: str, description: str, html: str, **more: object) -> Page:
        return Page(url, title, description, html, lang=self.lang, **more)  # type: ignore[arg-type]

    def home(self) -> Page:
        site = self.catalog.site
        html = self._render("home.html", self.prefix + urls.HOME, catalog=self.catalog, edition=self.catalog.current,
                            ambassadors=self.catalog.ambassadors[:8],
                            ambassador_count=len(self.catalog.ambassadors))
        # Material prints "<page title> - <site name>": the tagline keeps the brand from doubling.
        return self._page(self.prefix + urls.HOME, site.tagline, site.tagline, html, kind="home")

    def edition(self, edition: Edition) -> Page:
        here = self.prefix + urls.edition(edition.year)
        html = self._render("edition.html", here, edition=edition, is_current=edition is self.catalog.current)
        t = i18n.translator(self.lang)
        return self._page(here, t("edition", year=edition.year), t("edition_lead", year=edition.year), html,
                          kind="edition")

    def ranking(self, edition: Edition, kind: str, entries: tuple[Entry, ...]) -> Page:
        here = self.prefix + urls.ranking(edition.year, kind)
        title = i18n.text("ranking_cases" if kind == "case" else "ranking_people", self.lang, year=edition.year)
        html = self._render("ranking.html", here, edition=edition, kind=kind, entries=entries, title=title,
                            is_current=edition is self.catalog.current)
        names = i18n.text("list_separator", self.lang).join(e.name for e in entries[:3])
        description = i18n.text("ranking_description", self.lang, title=title, names=names) if entries else title
        return self._page(here, title, description, html, kind="ranking", entries=entries)

    def entry(self, siblings: tuple[Entry, ...], index: int) -> Page:
        """The page of `siblings[index]`, with its neighbours in the ranking (or on the wall)."""
        entry = siblings[index]
        previous = siblings[index - 1] if index > 0 else None
        following = siblings[index + 1] if index + 1 < len(siblings) else None
        here = self.prefix + entry.url
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
        html = self._render(f"{entry.kind}.html", here, **context)
        return self._page(here, title, description, html, kind=entry.kind, entries=(entry,),
                          meta={"pub_sample": entry.data.sample, "pub_translated": entry.data.translated})

    def _district_url(self, district: str | None) -> str | None:
        return urls.district(self.district_slugs[district]) if district else None

    def wall(self) -> Page:
        ambassadors = self.catalog.ambassadors
        identities = [(k, v) for k, v in i18n.labels("identity", self.lang).items()
                      if any(a.data.identity == k for a in ambassadors)]
        counts = Counter(a.data.raw.region for a in ambassadors)  # filter by the place as written: one per place
        shown = {a.data.raw.region: a.data.region for a in ambassadors if a.data.lang_of("region") == self.lang}
        regions = [(region, shown.get(region, region), region not in shown)  # value, label, label untranslated
                   for region in sorted(counts, key=lambda region: (-counts[region], region))]  # most first
        html = self._render("wall.html", self.prefix + urls.WALL, ambassadors=ambassadors, identities=identities,
                            regions=regions)
        return self._page(self.prefix + urls.WALL, i18n.text("ambassadors", self.lang),
                          i18n.text("count_ambassadors", self.lang, count=len(ambassadors)), html, kind="wall")

    def archive(self) -> Page:
        html = self._render("archive.html", self.prefix + urls.ARCHIVE, editions=self.catalog.editions)
        return self._page(self.prefix + urls.ARCHIVE, i18n.text("archive", self.lang),
                          i18n.text("archive_description", self.lang), html, kind="archive")

    def categories(self) -> list[Page]:
        pages = []
        all_cases = [c for ed in self.catalog.editions for c in ed.cases]
        overview = []
        for key, label in i18n.labels("category", self.lang).items():
            cases = [c for c in all_cases if c.data.category == key]
            overview.append((key, label, len(cases)))
            here = self.prefix + urls.category(key)
            html = self._render("category.html", here, key=key, label=label, cases=cases)
            pages.append(self._page(here, label, i18n.text("category_cases", self.lang, category=label), html,
                                    kind="category"))
        here = self.prefix + urls.CATEGORIES
        html = self._render("categories.html", here, overview=overview)
        pages.append(self._page(here, i18n.text("categories", self.lang), i18n.text("categories_description", self.lang),
                                html, kind="category"))
        return pages

    def districts(self) -> list[Page]:
        pages = []
        editions = self.catalog.editions
        for district in self.catalog.site.districts:
            cases = [c for ed in editions for c in ed.cases if c.data.district == district.raw.name]
            people = [p for ed in editions for p in ed.people if p.data.district == district.raw.name]
            if not cases and not people:
                continue
            here = self.prefix + urls.district(district.slug)
            html = self._render("district.html", here, district=district, cases=cases, people=people)
            pages.append(self._page(here, district.name, i18n.text("district_entries", self.lang, district=district.name),
                                    html, kind="district"))
        return pages


class CompiledOnce(jinja2.BytecodeCache):
    """Compiled templates, in memory, shared by the languages' environments: each template is compiled
    once per build, not once per language (compiling was a tenth of the demo's build), and the preview
    keeps them between rebuilds. Jinja hands back only code whose template source has the same checksum,
    so an edited template is compiled again."""

    def __init__(self) -> None:
        self.code: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self.code.get(bucket.key, ("", None))
        if checksum == bucket.checksum:
            bucket.code = code  # type: ignore[assignment]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


def render_pages(catalog: Catalog, templates_dir: Path, site_url: str | None = None,
                 media: MediaSet | None = None, compiled: CompiledOnce | None = None) -> list[Page]:
    """Every page of the site, in a stable order: the Chinese edition, then the English one under en/;
    `media` (media_variants.describe): picture sizes, audio files."""
    compiled = compiled or CompiledOnce()
    return [page for lang in i18n.LANGUAGES
            for page in Renderer(catalog, templates_dir, site_url, lang, media, compiled).pages()]
