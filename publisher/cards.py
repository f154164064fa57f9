"""Share images: what a card shows, Chinese line breaking, drawing a 1200×630 PNG, and QR codes.

Pure drawing, no file system: `store.py` keeps what is drawn, `social.py` decides what each page gets.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable

from . import i18n, schema
from .catalog import Entry

log = logging.getLogger("publisher.cards")

WIDTH, HEIGHT = 1200, 630
RENDERER = "share-card-3"  # bump when the drawing changes, so stored images are redrawn
FONT_ENV = "PUBLISHER_CJK_FONT"  # a .ttc/.otf/.ttf with Chinese glyphs, if not Debian's fonts-noto-cjk
DEBIAN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

SEA_DARK, SEA, SEA_LIGHT, GOLD, GOLD_INK = "#083f7a", "#0b5cad", "#2e86d0", "#f5b700", "#3a2a00"


def ranking_label(entry: Entry, lang: str = i18n.DEFAULT) -> str:
    return i18n.text("ranking_cases" if entry.kind == "case" else "ranking_people", lang, year=entry.year)


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
    sample_label: str = "示例"  # the mark a sample entry carries, in the card's language


def entry_card(entry: Entry, brand: str, lang: str = i18n.DEFAULT, districts: dict[str, str] | None = None) -> Card:
    """The share image of an entry in `lang` (its data as that language's pages read it;
    `districts`: Chinese district name → the name shown)."""
    e = entry.data
    mark = i18n.text("sample", lang)
    district = ((districts or {}).get(e.district, e.district),) if getattr(e, "district", None) else ()
    if entry.kind == "case":
        chips = (i18n.label("category", e.category, lang),) + district
        return Card(e.title, e.summary, ranking_label(entry, lang), i18n.text("rank", lang, rank=e.rank), chips,
                    e.sample, brand, mark)
    if entry.kind == "person":
        return Card(e.name, f"{e.role} · {e.organization}", ranking_label(entry, lang),
                    i18n.text("rank", lang, rank=e.rank), district, e.sample, brand, mark)
    name = f"{e.name} {e.name_en}" if e.name_en and lang == "zh" else e.name
    return Card(name, f"“{e.quote}”", i18n.text("ambassadors", lang), "",
                (i18n.label("identity", e.identity, lang), e.region), e.sample, brand, mark)


def ranking_card(title: str, entries: tuple[Entry, ...], brand: str, lang: str = i18n.DEFAULT) -> Card:
    names = i18n.text("list_separator", lang).join(e.name for e in entries[:3])
    names += i18n.text("and_more", lang) if len(entries) > 3 else ""
    kind = "cases" if entries and entries[0].kind == "case" else "people"
    counted = i18n.text(f"annual_ranking_{kind}", lang, count=len(entries))
    return Card(title, names, counted if entries else i18n.text("annual_ranking", lang),
                "TOP 10" if len(entries) == 10 else "", (), False, brand, i18n.text("sample", lang))


def site_card(site: schema.Site) -> Card:
    """The site's own image: its brand, tagline and motto (a Localized site: in the page's language)."""
    return Card(site.brand, site.tagline, site.motto or "", "", (), False, "")


def card_key(card: Card, font_id: str) -> str:
    """Everything that shapes the image, hashed: it names the file (cache, and a long-cacheable site path)."""
    identity = json.dumps([RENDERER, font_id, _pillow_version(), asdict(card)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def qr_key(url: str) -> str:
    return hashlib.sha256(f"{RENDERER}\n{url}".encode("utf-8")).hexdigest()


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
    if not chosen and (packaged := _packaged_font()):
        return Fonts(packaged, packaged)
    log.warning("未找到中文字体：分享图改用不含文字的品牌图。请安装 fonts-noto-cjk 或设置 %s "
                "(no CJK font: share images fall back to a plain brand image; install fonts-noto-cjk)", FONT_ENV)
    return None


def _packaged_font() -> Path | None:
    """Noto Sans CJK from the pinned PyPI package noto-cjk-sans-otc (the very file Debian's fonts-noto-cjk
    installs, OFL-1.1), for machines without that Debian package. Regular only: titles are drawn in it too."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.is_file() else None


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
    return size, wrap(title, measure_at(size), width, max_lines=max(1, allowed))  # the smallest size, cut


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
    regular, bold = partial(_font, fonts.regular), partial(_font, fonts.bold)
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
    y = _draw_lines(draw, text.title, TITLE_TOP, bold, text.title_size, text.title_size * TITLE_LEADING, "#ffffff")
    _draw_lines(draw, text.subtitle, y + 20, regular, SUBTITLE_SIZE, SUBTITLE_LEADING, (255, 255, 255, 230))
    _draw_footer(draw, card, regular(26), bold(28))
    return _png(image)


def _draw_lines(draw, lines: tuple[str, ...], y: float, face, size: int, leading: float, fill) -> float:
    """Lines of text from `y` down in `face(size)`, an opening mark hung in the margin; returns where they end."""
    for line in lines:
        x = MARGIN - (size * 0.45 if line[0] in HANGING else 0)
        draw.text((x, y + leading / 2 + size * 0.36), line, font=face(size), fill=fill, anchor="ls")
        y += leading
    return y


def _draw_footer(draw, card: Card, chip_font, badge_font) -> None:
    """Chips (category, district …) and the 示例 mark for sample entries, along the bottom."""
    x, bottom, limit = MARGIN, HEIGHT - 44, WIDTH - 260  # leave the gold sun free
    pills = [(chip, chip_font, (255, 255, 255, 40), "#ffffff") for chip in card.chips]
    if card.sample:
        pills.append((card.sample_label, badge_font, "#fff1cc", "#7a5200"))
    for number, (text, font, fill, ink) in enumerate(pills):
        is_mark = number >= len(card.chips)  # the sample mark is always drawn
        width = font.getlength(text) + 36
        if x + width > limit and not is_mark:
            continue
        draw.rounded_rectangle((x, bottom - 46, x + width, bottom), radius=8 if is_mark else 23, fill=fill)
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


