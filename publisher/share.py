"""Make every page good to share: absolute URLs, Open Graph / Twitter tags,
schema.org JSON-LD, a QR code per entry and ranking, and a 1200×630 share image.

`plan()` decides (pure: pages in, pages with share meta out, plus what to draw);
`materialise()` draws QR codes and images through a small on-disk cache, because
drawing costs milliseconds per page and a site may have thousands. Nothing here
imports MkDocs: absolute URLs come from the `site_url` passed in.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator


from . import schema
from .cache import Memo
from .render import Page, url_of
from .catalog import Catalog, Entry

log = logging.getLogger("publisher.share")

SHAREABLE = ("case", "person", "ambassador", "ranking")  # pages that get a QR code and their own image
WIDTH, HEIGHT = 1200, 630
RENDERER = "share-card-3"  # bump when the drawing changes, so cached images are redrawn
QR_FILE = "qr.svg"
DEFAULT_IMAGE_DIR = "assets/share"
FONT_ENV = "PUBLISHER_CJK_FONT"  # a .ttc/.otf/.ttf with Chinese glyphs, if not Debian's fonts-noto-cjk
DEBIAN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

SEA_DARK, SEA, SEA_LIGHT, GOLD, GOLD_INK = "#083f7a", "#0b5cad", "#2e86d0", "#f5b700", "#3a2a00"


# --- URLs and text for tags -------------------------------------------------------------------------------


def absolute(site_url: str, url: str) -> str:
    """The absolute URL of a site path; `site_url` is the site's root (MkDocs' site_url)."""
    return site_url.rstrip("/") + "/" + url.lstrip("/")


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
                site_name: str) -> list[tuple[str, str, str]]:
    return [
        ("property", "og:type", og_type), ("property", "og:site_name", site_name), ("property", "og:locale", "zh_CN"),
        ("property", "og:title", title), ("property", "og:description", description), ("property", "og:url", url),
        ("property", "og:image", image), ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(WIDTH)), ("property", "og:image:height", str(HEIGHT)),
        ("property", "og:image:alt", image_alt),
        ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
        ("name", "twitter:description", description), ("name", "twitter:image", image),
        ("name", "twitter:image:alt", image_alt),
    ]


# --- schema.org -------------------------------------------------------------------------------------------


def ranking_label(entry: Entry) -> str:
    return f"{entry.year} 年度十大{schema.KIND_TITLES[entry.kind]}"


def entry_ld(entry: Entry, url: str, image: str, site_name: str) -> dict:
    """`Article` for a case, `Person` for people and ambassadors."""
    e = entry.data
    publisher = {"@type": "Organization", "name": site_name}
    if entry.kind == "case":
        return {"@context": "https://schema.org", "@type": "Article", "headline": e.title, "description": e.summary,
                "url": url, "mainEntityOfPage": url, "image": image, "inLanguage": "zh-CN",
                "articleSection": schema.CATEGORY_LABELS[e.category], "keywords": list(e.tags),
                "author": {"@type": "Organization", "name": e.unit}, "publisher": publisher,
                "award": f"{ranking_label(entry)} 第 {e.rank} 名"}
    person = {"@context": "https://schema.org", "@type": "Person", "name": e.name, "url": url,
              "mainEntityOfPage": url, "image": image, "worksFor": {"@type": "Organization", "name": e.organization}}
    if entry.kind == "person":
        return {**person, "jobTitle": e.role, "description": entry.excerpt,
                "award": f"{ranking_label(entry)} 第 {e.rank} 名"}
    extra = {"alternateName": e.name_en} if e.name_en else {}
    return {**person, **extra, "jobTitle": schema.KIND_TITLES["ambassador"], "description": e.quote,
            "memberOf": publisher}


def ranking_ld(title: str, description: str, url: str, entries: Iterable[Entry], site_url: str) -> dict:
    """`ItemList` in rank order; each item's position is its rank."""
    items = [{"@type": "ListItem", "position": e.data.rank, "url": absolute(site_url, e.url), "name": e.name}
             for e in sorted(entries, key=lambda e: e.data.rank)]
    return {"@context": "https://schema.org", "@type": "ItemList", "name": title, "description": description,
            "url": url, "itemListOrder": "https://schema.org/ItemListOrderAscending", "numberOfItems": len(items),
            "itemListElement": items}


# --- what a share image shows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """The text of one share image (plain text; drawn by `draw_card`)."""

    title: str = ""
    subtitle: str = ""
    kicker: str = ""  # above the title, e.g. "2022 年度十大创新案例"
    badge: str = ""  # gold badge, e.g. "第 1 名"
    chips: tuple[str, ...] = ()
    sample: bool = False
    brand: str = ""


def entry_card(entry: Entry, brand: str) -> Card:
    e = entry.data
    if entry.kind == "case":
        chips = (schema.CATEGORY_LABELS[e.category],) + ((e.district,) if e.district else ())
        return Card(e.title, e.summary, ranking_label(entry), f"第 {e.rank} 名", chips, e.sample, brand)
    if entry.kind == "person":
        return Card(e.name, f"{e.role} · {e.organization}", ranking_label(entry), f"第 {e.rank} 名",
                    (e.district,) if e.district else (), e.sample, brand)
    name = f"{e.name} {e.name_en}" if e.name_en else e.name
    return Card(name, f"“{e.quote}”", schema.KIND_TITLES["ambassador"], "",
                (schema.IDENTITY_LABELS[e.identity], e.region), e.sample, brand)


def ranking_card(title: str, entries: tuple[Entry, ...], brand: str) -> Card:
    names = "、".join(e.name for e in entries[:3]) + ("等" if len(entries) > 3 else "")
    counted = f"年度榜单 · 共 {len(entries)} {'项' if entries and entries[0].kind == 'case' else '位'}"
    return Card(title, names, counted if entries else "年度榜单", "TOP 10" if len(entries) == 10 else "", (), False,
                brand)


def site_card(site: schema.Site) -> Card:
    return Card(site.brand, site.tagline, site.motto or "", "", (), False, "")


# --- the plan: share meta for every page, and what to draw ------------------------------------------------


@dataclass(frozen=True)
class Plan:
    pages: list[Page]  # the pages, with share meta
    cards: dict[str, Card]  # site path of each share image → what it shows
    qr_codes: dict[str, str]  # site path of each QR code → the URL it encodes
    generated: dict[str, bytes]  # other generated files (robots.txt)
    card_keys: dict[str, str] = field(default_factory=dict)  # site path of a share image → card_key(), if known


def _shown(card: Card) -> dict:
    return {f.name: getattr(card, f.name) for f in fields(card)}


@lru_cache(maxsize=65536)  # asked for twice per new card: for its site path and for its cache file
def card_key(card: Card, font_id: str) -> str:
    """Everything that shapes the image, hashed: it names the file (cache, and a long-cacheable site path)."""
    identity = json.dumps([RENDERER, font_id, _pillow_version(), _shown(card)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def plan(catalog: Catalog, pages: list[Page], site_url: str, font_id: str, memo: Memo | None = None) -> Plan:
    """Add title/description/image tags and JSON-LD to every page; QR codes and images for shareable ones.

    `font_id` identifies the CJK font (`Fonts.identity`); "" when there is none: then every page uses a
    text-free brand image, since Chinese text cannot be drawn. `memo` remembers each page's share meta
    by the page's render key (`Page.key`: what its template was given) and everything else used here.
    """
    site = catalog.site
    by_url = {e.url: e for ed in catalog.editions for e in (*ed.cases, *ed.people)}
    by_url.update({a.url: a for a in catalog.ambassadors})
    default = site_card(site) if font_id else Card()
    default_path = f"{DEFAULT_IMAGE_DIR}/site.{card_key(default, font_id)[:12]}.png"
    cards: dict[str, Card] = {default_path: default}
    card_keys: dict[str, str] = {}
    qr_codes: dict[str, str] = {}
    shared = []
    for page in pages:
        url = url_of(page.src_uri)
        key = memo is not None and page.key and hashlib.sha256(json.dumps(
            [page.key, page.title, page.description, page.kind, page.meta, site_url, font_id, default_path],
            ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        remembered = memo.lookup(key) if memo is not None and key else None
        if remembered is not None:
            image_path, image_key, shown, head = remembered.split("\n", 3)
            fields_shown = json.loads(shown) if shown else None
            card = Card(**{**fields_shown, "chips": tuple(fields_shown["chips"])}) if fields_shown else None
        else:
            entry = by_url.get(url) if page.kind in ("case", "person", "ambassador") else None
            ranked = tuple(by_url[u] for u in page.meta.get("pub_items", ())) if page.kind == "ranking" else ()
            head, image_path, card = _share_page(page, entry, ranked, site, site_url, font_id, default_path)
            image_key = card_key(card, font_id) if card else ""
            if memo is not None and key:
                shown = json.dumps(_shown(card), ensure_ascii=False) if card else ""
                # one line each, the head last (it has lines of its own): no JSON to decode for the big part
                memo.put(key, "\n".join([image_path, image_key, shown, head]))
        if card:
            cards[image_path] = card
            card_keys[image_path] = image_key
        if page.kind in SHAREABLE:
            qr_codes[url + QR_FILE] = absolute(site_url, url)
        shared.append(replace(page, image=image_path, meta={**page.meta, "pub_head": head}))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {absolute(site_url, 'sitemap.xml')}\n"
    return Plan(shared, cards, qr_codes, {"robots.txt": robots.encode("utf-8")}, card_keys)


def _share_page(page: Page, entry: Entry | None, ranked: tuple[Entry, ...], site: schema.Site, site_url: str,
                font_id: str, default_path: str) -> tuple[str, str, Card | None]:
    """One page's meta tags and JSON-LD, the site path of its share image, and what that image shows
    (None: the site's default image)."""
    url = url_of(page.src_uri)
    canonical = absolute(site_url, url)
    card = (entry_card(entry, site.brand) if entry else
            ranking_card(page.title, ranked, site.brand) if page.kind == "ranking" else None)
    if not (card and font_id):
        card, image_path = None, default_path
    else:
        image_path = f"{url}share.{card_key(card, font_id)[:12]}.png"
    image = absolute(site_url, image_path)
    if entry:
        ld: dict | None = entry_ld(entry, canonical, image, site.brand)
    elif page.kind == "ranking":
        ld = ranking_ld(page.title, page.description, canonical, ranked, site_url)
    else:
        ld = None
    og_type = {"case": "article", "person": "profile", "ambassador": "profile"}.get(page.kind, "website")
    tags = social_tags(title=page.title, description=page.description, url=canonical, image=image,
                       image_alt=f"{page.title} - {site.brand}", og_type=og_type, site_name=site.brand)
    return head_html(tags, ld), image_path, card


# --- QR codes and images, through a cache ----------------------------------------------------------------


def materialise(the_plan: Plan, cache_dir: Path, fonts: Fonts | None) -> dict[str, Path]:
    """Site path → file for every QR code and share image, drawn now or taken from `cache_dir`."""
    files: dict[str, Path] = {}
    missing: list[tuple[Path, Callable[..., bytes], tuple]] = []
    qr_dir, image_dir = cache_dir / "qr", cache_dir / "share"
    made = {folder: set(os.listdir(folder)) if folder.is_dir() else set() for folder in (qr_dir, image_dir)}
    for site_path, url in the_plan.qr_codes.items():
        key = hashlib.sha256(f"{RENDERER}\n{url}".encode("utf-8")).hexdigest()
        files[site_path] = qr_dir / f"{key}.svg"
        if files[site_path].name not in made[qr_dir]:
            missing.append((files[site_path], qr_svg, (url,)))
    font_id = fonts.identity if fonts else ""
    for site_path, card in the_plan.cards.items():
        key = the_plan.card_keys.get(site_path) or card_key(card, font_id)
        files[site_path] = image_dir / f"{key}.png"
        if files[site_path].name not in made[image_dir]:
            missing.append((files[site_path], draw_card, (card, fonts)))
    for path, content in zip([path for path, _, _ in missing], _make_all([job[1:] for job in missing])):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # atomic: builds may run side by side
        temporary.write_bytes(content)
        os.replace(temporary, path)
    return files


_PARALLEL_FROM = 32  # below this many drawings, starting worker processes costs more than it saves


def _make_all(jobs: list[tuple[Callable[..., bytes], tuple]]) -> Iterator[bytes]:
    """Run every (function, arguments) job, in order, on every core when there are many (a fresh checkout
    draws thousands of images at ~25 ms each). Workers are forked, so they need no imports of their own."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < _PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (make(*args) for make, args in jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_make, jobs, chunksize=max(1, min(16, len(jobs) // (4 * workers))))


def _make(job: tuple[Callable[..., bytes], tuple]) -> bytes:
    make, args = job
    return make(*args)


def qr_svg(url: str) -> bytes:
    """A QR code as a small SVG that scales to any size (and prints sharp), with its white quiet zone."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", xmldecl=False, omitsize=True, dark="#000",
                                                   light="#fff", border=4, svgclass="pub-qr", lineclass=None)
    return out.getvalue() + b"\n"


# --- fonts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path

    @property
    def identity(self) -> str:
        """Names and sizes of the font files: part of every image's cache key."""
        return "|".join(f"{p.name}:{p.stat().st_size}" for p in (self.regular, self.bold))


def find_fonts() -> Fonts | None:
    """The CJK fonts: $PUBLISHER_CJK_FONT, else Debian's fonts-noto-cjk; None (with a warning) when missing."""
    chosen = os.environ.get(FONT_ENV)
    if chosen and Path(chosen).is_file():
        return Fonts(Path(chosen), Path(chosen))
    regular, bold = (Path(p) for p in DEBIAN_FONTS)
    if not chosen and regular.is_file() and bold.is_file():
        return Fonts(regular, bold)
    log.warning("未找到中文字体：分享图改用不含文字的品牌图。请安装 fonts-noto-cjk 或设置 %s "
                "(no CJK font: share images fall back to a plain brand image; install fonts-noto-cjk)", FONT_ENV)
    return None


@lru_cache(maxsize=None)
def _pillow_version() -> str:
    import PIL

    return PIL.__version__


@lru_cache(maxsize=64)
def _font(path: Path, size: int):  # -> ImageFont.FreeTypeFont
    """The Simplified Chinese face of a font collection (.ttc holds JP, KR, SC, TC … faces) at `size` px."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size, index=_sc_index(path))


@lru_cache(maxsize=8)
def _sc_index(path: Path) -> int:
    from PIL import ImageFont

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    for index in range(16):
        try:
            family, _style = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:
            break
        if family and family.endswith(" SC"):
            return index
    return 0


# --- line breaking for Chinese ---------------------------------------------------------------------------

# Closing punctuation never begins a line; opening punctuation never ends one (as in GB/T 15834, JIS X 4051).
NO_LINE_START = set("，。、．,.：:；;！!？?）)］]｝}」』】〕〉》”’%％‰℃·・…‥～〜ー々ゝゞ〃"
                    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")
NO_LINE_END = set("（(［[｛{「『【〔〈《“‘")
ELLIPSIS = "…"
_TOKEN = re.compile(r"[+\-−]?[0-9A-Za-z\u00c0-\u024f](?:[0-9A-Za-z\u00c0-\u024f%.,'’&/_+\-]*[0-9A-Za-z\u00c0-\u024f%])?"
                    r"|—+|…+|\s+|.", re.S)


def break_units(text: str) -> list[str]:
    """Split text into pieces a line may break between: one Han character, one Latin word or number;
    closing punctuation stays with what precedes it, opening punctuation with what follows."""
    units: list[str] = []
    glue_next = False
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace():
            if glue_next:  # "（ x": a space after opening punctuation is no place to break
                units[-1] += " "
            else:
                units.append(" ")
        elif units and token[0] in NO_LINE_START and units[-1] == " " and len(units) > 1:
            units.pop()  # "x ，": nor a space before closing punctuation
            units[-1] += " " + token
            glue_next = token[-1] in NO_LINE_END
        elif units and not units[-1].isspace() and (glue_next or token[0] in NO_LINE_START):
            units[-1] += token
            glue_next = token[-1] in NO_LINE_END
        else:
            units.append(token)
            glue_next = token[-1] in NO_LINE_END
    return units


def wrap(text: str, measure: Callable[[str], float], width: float, max_lines: int | None = None) -> list[str]:
    """Lines no wider than `width` (as `measure` says), broken by Chinese rules; with `max_lines`,
    the last kept line ends in an ellipsis if (and only if) text had to be left out."""
    lines: list[str] = []
    line = ""
    for unit in break_units(text):
        if unit == " ":
            line += " " if line else ""
            continue
        if measure(line + unit) <= width or not line.strip():
            line += unit
        else:
            lines.append(line.rstrip())
            line = unit
        while measure(line) > width and len(line) > 1:  # a word longer than the line: cut it by characters
            cut = max(1, _fitting(line, measure, width))
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        if max_lines is not None and len(lines) > max_lines:
            break  # enough to know it will be cut
    if line.strip():
        lines.append(line.rstrip())
    if max_lines is None or len(lines) <= max_lines:
        return lines
    return lines[: max_lines - 1] + [_with_ellipsis(lines[max_lines - 1], measure, width)]


def _fitting(text: str, measure: Callable[[str], float], width: float) -> int:
    """How many leading characters of `text` fit in `width`."""
    count = 0
    while count < len(text) and measure(text[: count + 1]) <= width:
        count += 1
    return count


def _with_ellipsis(line: str, measure: Callable[[str], float], width: float) -> str:
    while line and measure(line + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip(" ，。、,.;；:：·—-（(“‘《「") + ELLIPSIS


# --- drawing ----------------------------------------------------------------------------------------------

MARGIN = 72
TITLE_SIZES = (112, 96, 84, 72, 64, 58)  # largest first: short titles and names are drawn big
TITLE_TOP, FOOTER_TOP = 188, 530  # the title and subtitle live between these
TITLE_LEADING = 1.25
SUBTITLE_SIZE, SUBTITLE_LEADING = 32, 46
SUBTITLE_WIDTH = WIDTH - 2 * MARGIN - 110  # clear of the gold sun, bottom right
HANGING = set("“‘「『（《【〔")  # full-width opening marks sit right in their box: pull them into the margin


def title_layout(title: str, measure_at: Callable[[int], Callable[[str], float]], box: float,
                 width: float = WIDTH - 2 * MARGIN) -> tuple[int, list[str]]:
    """The largest size at which the title fits `box` px high in at most 3 lines; cut (…) only at the smallest."""
    for size in TITLE_SIZES:
        allowed = min(3, int(box // (size * TITLE_LEADING)))
        lines = wrap(title, measure_at(size), width)
        if len(lines) <= allowed:
            return size, lines
    size = TITLE_SIZES[-1]
    return size, wrap(title, measure_at(size), width, max_lines=max(1, min(3, int(box // (size * TITLE_LEADING)))))


@dataclass(frozen=True)
class Layout:
    """Where the text of a card goes: the title's size and lines, the subtitle's lines."""

    title_size: int
    title: tuple[str, ...]
    subtitle: tuple[str, ...]

    @property
    def bottom(self) -> float:
        """Where the text ends; the footer (chips, 示例) starts at FOOTER_TOP."""
        subtitle = 20 + len(self.subtitle) * SUBTITLE_LEADING if self.subtitle else 0
        return TITLE_TOP + len(self.title) * self.title_size * TITLE_LEADING + subtitle


def layout(card: Card, fonts: Fonts) -> Layout:
    """The subtitle takes at most 2 lines; the title gets the rest of the space, in the largest size that fits."""
    subtitle = wrap(card.subtitle, _font(fonts.regular, SUBTITLE_SIZE).getlength, SUBTITLE_WIDTH, max_lines=2)
    box = FOOTER_TOP - TITLE_TOP - (20 + len(subtitle) * SUBTITLE_LEADING if subtitle else 0)
    size, lines = title_layout(card.title, lambda s: _font(fonts.bold, s).getlength, box) if card.title else (0, [])
    return Layout(size, tuple(lines), tuple(subtitle))


def draw_card(card: Card, fonts: Fonts | None) -> bytes:
    """A 1200×630 PNG in the brand's colours. Same card and font → same bytes (no metadata, no time)."""
    from PIL import ImageDraw

    image = _background().copy()
    if fonts is None:
        return _png(image)
    draw = ImageDraw.Draw(image, "RGBA")
    regular = lambda size: _font(fonts.regular, size)  # noqa: E731
    bold = lambda size: _font(fonts.bold, size)  # noqa: E731
    right = WIDTH - MARGIN
    if card.badge:  # rank badge, top right
        font = bold(40)
        text_width = font.getlength(card.badge)
        draw.rounded_rectangle((right - text_width - 56, 50, right, 118), radius=34, fill=GOLD)
        draw.text((right - 28, 84), card.badge, font=font, fill=GOLD_INK, anchor="rm")
        right -= text_width + 56 + 24
    if card.brand:
        draw.text((MARGIN, 88), _one_line(card.brand, bold(32), right - MARGIN), font=bold(32), fill=GOLD, anchor="ls")
    if card.kicker:
        draw.text((MARGIN, 138 if card.brand else 98), _one_line(card.kicker, regular(30), right - MARGIN),
                  font=regular(30), fill=(255, 255, 255, 220), anchor="ls")
    text = layout(card, fonts)
    y = float(TITLE_TOP)
    leading = text.title_size * TITLE_LEADING
    for line in text.title:
        x = MARGIN - (text.title_size * 0.45 if line[0] in HANGING else 0)
        draw.text((x, y + leading / 2 + text.title_size * 0.36), line, font=bold(text.title_size), fill="#ffffff",
                  anchor="ls")
        y += leading
    y += 20
    for line in text.subtitle:
        x = MARGIN - (SUBTITLE_SIZE * 0.45 if line[0] in HANGING else 0)
        draw.text((x, y + SUBTITLE_LEADING / 2 + SUBTITLE_SIZE * 0.36), line, font=regular(SUBTITLE_SIZE),
                  fill=(255, 255, 255, 230), anchor="ls")
        y += SUBTITLE_LEADING
    _draw_footer(draw, card, regular(26), bold(28))
    return _png(image)


def _draw_footer(draw, card: Card, chip_font, badge_font) -> None:
    """Chips (category, district …) and the 示例 mark for sample entries, along the bottom."""
    x, bottom, limit = MARGIN, HEIGHT - 44, WIDTH - 260  # leave the gold sun free
    pills = [(chip, chip_font, (255, 255, 255, 40), "#ffffff") for chip in card.chips]
    if card.sample:
        pills.append(("示例", badge_font, "#fff1cc", "#7a5200"))
    for text, font, fill, ink in pills:
        width = font.getlength(text) + 36
        if x + width > limit and text != "示例":
            continue
        draw.rounded_rectangle((x, bottom - 46, x + width, bottom), radius=23 if text != "示例" else 8, fill=fill)
        draw.text((x + 18, bottom - 23), text, font=font, fill=ink, anchor="lm")
        x += width + 14


def _one_line(text: str, font, width: float) -> str:
    return wrap(text, font.getlength, width, max_lines=1)[0] if text.strip() else ""


@lru_cache(maxsize=1)
def _background():  # -> Image.Image
    """The brand backdrop in flat colours (they stay crisp in a small 256-colour PNG): sea blue, a deep-sea
    diagonal, a gold sun."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), SEA)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 0), (780, 0), (560, HEIGHT), (0, HEIGHT)], fill=SEA_DARK)
    draw.ellipse((WIDTH - 190, HEIGHT - 190, WIDTH + 110, HEIGHT + 110), fill=GOLD)
    draw.ellipse((WIDTH - 330, -200, WIDTH + 130, 260), fill=SEA_LIGHT)
    return image


def _png(image) -> bytes:
    """PNG without metadata; 256 colours keep it small (≈40 kB) for chat apps on slow networks."""
    out = io.BytesIO()
    image.quantize(colors=256, method=2, dither=0).save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


