"""Make every page good to share: Open Graph / Twitter tags, schema.org JSON-LD, a QR code and a
share image per entry and ranking, robots.txt. `share()` decides; `store.py` draws what is decided.

Nothing here imports MkDocs: absolute URLs come from the `site_url` passed in.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Iterable

from . import cards, i18n, schema, urls
from .translations import Localized
from .cards import HEIGHT, WIDTH, Card, Fonts, card_key, entry_card, ranking_card, ranking_label, site_card
from .catalog import Catalog, Entry
from .render import Page
from .store import Drawing

ENTRY_KINDS = ("case", "person", "ambassador")
SHAREABLE = (*ENTRY_KINDS, "ranking")  # pages that get a QR code and their own image


# --- URLs and text for tags -------------------------------------------------------------------------------


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json">: `<`, `>` and `&` escaped so no text can end the script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def escape_attribute(text: str) -> str:
    """As markupsafe.escape, byte for byte, without a Markup object per value (pages have dozens)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def head_html(properties: list[tuple[str, str, str]], ld: dict | None) -> str:
    """Meta tags (attribute, name, value) and JSON-LD as HTML; every value is escaped for its context."""
    tags = [f'<meta {attribute}="{escape_attribute(name)}" content="{escape_attribute(value)}">'
            for attribute, name, value in properties if value]
    if ld:
        tags.append(f'<script type="application/ld+json">{json_ld(ld)}</script>')
    return "\n".join(tags)


def social_tags(*, title: str, description: str, url: str, image: str, image_alt: str, og_type: str,
                site_name: str, lang: str = i18n.DEFAULT) -> list[tuple[str, str, str]]:
    return [
        ("property", "og:type", og_type), ("property", "og:site_name", site_name),
        ("property", "og:locale", i18n.OG_LOCALE[lang]),
        ("property", "og:locale:alternate", i18n.OG_LOCALE[i18n.other_language(lang)]),
        ("property", "og:title", title), ("property", "og:description", description), ("property", "og:url", url),
        ("property", "og:image", image), ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(WIDTH)), ("property", "og:image:height", str(HEIGHT)),
        ("property", "og:image:alt", image_alt),
        ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
        ("name", "twitter:description", description), ("name", "twitter:image", image),
        ("name", "twitter:image:alt", image_alt),
    ]


# --- schema.org -------------------------------------------------------------------------------------------


def entry_ld(entry: Entry, url: str, image: str, site_name: str, lang: str = i18n.DEFAULT) -> dict:
    """`Article` for a case, `Person` for people and ambassadors (texts as the page in `lang` shows them)."""
    e = entry.data
    award = f"{ranking_label(entry, lang)} {i18n.text('rank', lang, rank=e.rank)}" if entry.kind != "ambassador" else ""
    publisher = {"@type": "Organization", "name": site_name}
    if entry.kind == "case":
        return {"@context": "https://schema.org", "@type": "Article", "headline": e.title, "description": e.summary,
                "url": url, "mainEntityOfPage": url, "image": image, "inLanguage": i18n.HTML_LANG[lang],
                "articleSection": i18n.label("category", e.category, lang), "keywords": list(e.tags),
                "author": {"@type": "Organization", "name": e.unit}, "publisher": publisher, "award": award}
    person = {"@context": "https://schema.org", "@type": "Person", "name": e.name, "url": url,
              "mainEntityOfPage": url, "image": image, "worksFor": {"@type": "Organization", "name": e.organization}}
    if entry.kind == "person":
        return {**person, "jobTitle": e.role, "description": entry.excerpt, "award": award}
    other_name = e.raw.name if isinstance(e, Localized) and lang != "zh" else e.name_en
    extra = {"alternateName": other_name} if other_name and other_name != e.name else {}
    return {**person, **extra, "jobTitle": i18n.text("ambassadors", lang), "description": e.quote,
            "memberOf": publisher}


def ranking_ld(title: str, description: str, url: str, entries: Iterable[Entry], site_url: str,
               lang: str = i18n.DEFAULT) -> dict:
    """`ItemList` in rank order; each item's position is its rank, its URL in the list's language."""
    root = urls.language_root(lang)
    items = [{"@type": "ListItem", "position": e.data.rank, "url": urls.absolute(site_url, root + e.url), "name": e.name}
             for e in sorted(entries, key=lambda e: e.data.rank)]
    return {"@context": "https://schema.org", "@type": "ItemList", "name": title, "description": description,
            "url": url, "itemListOrder": "https://schema.org/ItemListOrderAscending", "numberOfItems": len(items),
            "itemListElement": items}


# --- every page -------------------------------------------------------------------------------------------


def share(catalog: Catalog, pages: list[Page], site_url: str,
          fonts: Fonts | None) -> tuple[list[Page], dict[str, Drawing], dict[str, bytes]]:
    """The pages with their share tags; the QR codes and images to draw (site path → drawing); robots.txt.

    Without a CJK font every page uses a text-free brand image, since Chinese text cannot be drawn.
    """
    site = catalog.site
    font_id = fonts.identity if fonts else ""
    # the site's own image per language: pages without a card of their own share it, hand-written ones too
    site_images = {lang: site_image(site, lang, fonts) for lang in i18n.LANGUAGES}
    drawings: dict[str, Drawing] = dict(site_images.values())
    shared = []
    for page in pages:
        shown = Localized(site, page.lang)  # the site's name and districts as the page's language reads them
        card = _card(page, shown) if fonts else None
        if card:
            image_path = urls.share_image(page.url, card_key(card, font_id))
            drawings[image_path] = _image(card, font_id, fonts)
        else:  # the site's own image, in the page's language
            image_path = site_images[page.lang][0]
        if page.kind in SHAREABLE:
            drawings[urls.qr_code(page.url)] = qr_drawing(site_url, page.url)
        shared.append(replace(page, head=_head(page, shown.brand, site_url, urls.absolute(site_url, image_path))))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site_url, 'sitemap.xml')}\n"
    return shared, drawings, {"robots.txt": robots.encode("utf-8")}


def site_image(site: schema.Site, lang: str, fonts: Fonts | None) -> tuple[str, Drawing]:
    """The site's own share image in `lang` (one file per language, or one for both): index pages and
    hand-written pages, which have no card of their own, share it."""
    font_id = fonts.identity if fonts else ""
    card = site_card(Localized(site, lang)) if fonts else Card()
    return urls.share_image(None, card_key(card, font_id)), _image(card, font_id, fonts)


def written_page_head(site: schema.Site, lang: str, title: str, description: str, page: str, site_url: str,
                      fonts: Fonts | None) -> str:
    """Share tags of a hand-written page (content/): its title, and the site's image in its language."""
    shown = Localized(site, lang)
    image = urls.absolute(site_url, site_image(site, lang, fonts)[0])
    tags = social_tags(title=title, description=description or shown.tagline, url=urls.absolute(site_url, page),
                       image=image, image_alt=f"{title} - {shown.brand}", og_type="website", site_name=shown.brand,
                       lang=lang)
    return head_html(tags, None)


def qr_drawing(site_url: str, page: str) -> Drawing:
    """The QR code that leads to `page` (a site path) at its published address."""
    canonical = urls.absolute(site_url, page)
    return Drawing(cards.qr_key(canonical), ".svg", cards.qr_svg, (canonical,))


def _image(card: Card, font_id: str, fonts: Fonts | None) -> Drawing:
    return Drawing(card_key(card, font_id), ".png", cards.draw_card, (card, fonts))


def _card(page: Page, shown: Localized) -> Card | None:
    """What the page's own share image shows, in the page's language; None: the site's default image."""
    if page.kind in ENTRY_KINDS:
        return entry_card(page.entries[0], shown.brand, page.lang, {d.raw.name: d.name for d in shown.districts})
    if page.kind == "ranking":
        return ranking_card(page.title, page.entries, shown.brand, page.lang)
    return None


def _head(page: Page, brand: str, site_url: str, image: str) -> str:
    """One page's meta tags and JSON-LD."""
    canonical = urls.absolute(site_url, page.url)
    if page.kind in ENTRY_KINDS:
        ld: dict | None = entry_ld(page.entries[0], canonical, image, brand, page.lang)
    elif page.kind == "ranking":
        ld = ranking_ld(page.title, page.description, canonical, page.entries, site_url, page.lang)
    else:
        ld = None
    og_type = {"case": "article", "person": "profile", "ambassador": "profile"}.get(page.kind, "website")
    tags = social_tags(title=page.title, description=page.description, url=canonical, image=image,
                       image_alt=f"{page.title} - {brand}", og_type=og_type, site_name=brand, lang=page.lang)
    return head_html(tags, ld)
