"""Pages made to be shared: Chinese line breaking, escaping of share tags and JSON-LD,
share images (size, title not cut, deterministic, cached, font fallback) and QR codes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_build_py
from publisher import cards, search, social

CASE = "cases/2022/top-cases/smart-form-registration.yaml"
SHAREABLE_PAGES = ["2022/top-cases/smart-form-registration/", "2022/top-people/zhang-mingyuan/",
                   "ambassadors/thomas-schmidt/", "2022/top-cases/", "2022/top-people/"]


def fonts_or_skip() -> cards.Fonts:
    """Debian's fonts-noto-cjk (the set-up installs it); in CI a missing font is a failure."""
    fonts = cards.find_fonts()
    if fonts is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-noto-cjk is not installed (apt-get install fonts-noto-cjk)")
        pytest.skip("fonts-noto-cjk is not installed")
    return fonts


def width_one(text: str) -> float:
    """Every character one unit wide: line breaking without a font."""
    return float(len(text))


# --- Chinese line breaking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "智能表单让企业登记注册“一次过”，一次性通过率提升50%以上。",
    "先诊疗后付费，让看病少排一次队！（试点）",
    "市政接入“12+N”与联合验收“6+N”……改革「一网通办」",
    "营商青岛·共赢之道——人人都是营商环境",
])
@pytest.mark.parametrize("width", [3, 5, 7, 11])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text: str, width: int) -> None:
    lines = cards.wrap(text, width_one, width)
    assert "".join(lines) == text  # nothing lost, nothing added
    if max(len(unit) for unit in cards.break_units(text)) > width:
        return  # a unit wider than the line must be cut somewhere: the rule cannot hold
    for line in lines[1:]:
        assert line[0] not in cards.NO_LINE_START, lines
    for line in lines:
        assert line[-1] not in cards.NO_LINE_END, lines


def test_numbers_and_latin_words_are_not_split() -> None:
    lines = cards.wrap("一次性通过率提升50%以上 Thomas Schmidt", width_one, 8)
    assert "50%" in "".join(lines) and any("50%" in line for line in lines)
    assert any(line.endswith("Thomas") or line.startswith("Thomas") for line in lines), lines
    assert "Schmidt" in lines[-1]


def test_ellipsis_only_when_text_is_left_out() -> None:
    assert cards.wrap("一二三四五六", width_one, 3, max_lines=2) == ["一二三", "四五六"]
    cut = cards.wrap("一二三四五六七", width_one, 3, max_lines=2)
    assert cut == ["一二三", "四五…"]
    assert cards.wrap("一二三，四五六七", width_one, 4, max_lines=1) == ["一二三…"]  # no "，…"


def test_a_word_longer_than_the_line_is_cut_by_characters() -> None:
    lines = cards.wrap("abcdefghij", width_one, 4)
    assert lines == ["abcd", "efgh", "ij"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="青岛营商环境一网通办AB12 ，。、）》”“（《…·%", min_size=1, max_size=60),
       st.integers(min_value=2, max_value=16))
def test_wrap_properties(text: str, width: int) -> None:
    lines = cards.wrap(text, width_one, width)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    assert all(line and line == line.strip() and width_one(line) <= width for line in lines)
    if all(len(unit) <= width for unit in cards.break_units(text)):  # else a unit had to be cut anywhere
        assert all(line[0] not in cards.NO_LINE_START for line in lines[1:]), lines
        assert all(line[-1] not in cards.NO_LINE_END for line in lines[:-1]), lines


# --- escaping -----------------------------------------------------------------------------------------------

EVIL = '</script><script>alert("x")</script><!-- & \' " javascript:alert(1) \u2028'


def test_json_ld_cannot_end_its_script_and_round_trips() -> None:
    text = social.json_ld({"name": EVIL, "list": [EVIL]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": EVIL, "list": [EVIL]}


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_head_tags_keep_markup_as_text() -> None:
    html = social.head_html([("property", "og:title", EVIL), ("name", "twitter:title", EVIL)], {"headline": EVIL})
    head = _Head()
    head.feed(html)
    assert [tag for tag, _ in head.tags] == ["meta", "meta", "script"]
    assert head.tags[0][1] == {"property": "og:title", "content": EVIL}
    assert head.tags[1][1] == {"name": "twitter:title", "content": EVIL}
    assert head.tags[2][1] == {"type": "application/ld+json"}
    assert [json.loads(s) for s in head.scripts] == [{"headline": EVIL}]


def test_markup_in_a_title_stays_inert_in_meta_and_json_ld(project: Path) -> None:
    path = project / CASE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    title = '</script><b>"引号"</b>&amp;\'x\''
    summary = '<script>alert(1)</script><img src=x onerror=alert(2)> & "summary"'
    data.update(title=title, summary=summary)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "site/2022/top-cases/smart-form-registration/index.html").read_text(encoding="utf-8")
    head = _Head()
    head.feed(html[: html.index("</head>")])
    meta = {a.get("property") or a.get("name"): a.get("content") for tag, a in head.tags if tag == "meta"}
    assert meta["og:title"] == title and meta["twitter:title"] == title
    assert meta["og:description"] == summary and meta["description"] == summary
    assert not [a for tag, a in head.tags if tag in ("b", "img")]  # no element came out of the text
    ld = [json.loads(script) for script in head.scripts if '"@context"' in script]
    assert len(ld) == 1 and ld[0]["headline"] == title and ld[0]["description"] == summary
    assert "<script>alert" not in html


# --- share images --------------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def png_chunks(data: bytes) -> list[str]:
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append(kind.decode("ascii"))
        at += 12 + length
    return chunks


def demo_cards(site: Path) -> dict[str, cards.Card]:
    """The cards of the demo's share images, decided from the catalog as the pipeline does."""
    from publisher import pipeline

    build = pipeline.prepare(site.parent)
    _pages, drawings, _files = social.share(build.catalog, build.pages, "https://example.org/", cards.find_fonts())
    return {path: drawing.args[0] for path, drawing in drawings.items() if drawing.suffix == ".png"}


def test_every_demo_title_fits_uncut_and_above_the_footer(demo_site: Path) -> None:
    fonts = fonts_or_skip()
    shown = demo_cards(demo_site)
    published = {p.relative_to(demo_site).as_posix() for p in demo_site.rglob("*.png") if p.name.startswith(("share.", "site."))}
    assert set(shown) == published and len(published) > 2 * (10 + 10 + 37 + 2) - 5  # both languages
    for path, card in shown.items():
        layout = cards.layout(card, fonts)
        assert "".join(layout.title).replace(" ", "") == card.title.replace(" ", ""), (path, layout.title)
        assert cards.ELLIPSIS not in "".join(layout.title)
        assert layout.bottom <= cards.FOOTER_TOP, (path, layout)
        for line in layout.title:
            assert cards._font(fonts.bold, layout.title_size).getlength(line) <= cards.WIDTH - 2 * cards.MARGIN
        for line in layout.title[1:]:
            assert line[0] not in cards.NO_LINE_START


def test_longest_allowed_title_fits_in_three_lines() -> None:
    fonts = fonts_or_skip()
    title = "青岛市行政审批服务局推出企业开办“一网通办、一窗受理、一次办结”改革，群众满意度显著提升"[:40]
    card = cards.Card(title, "一句话简介" * 24, "2022 年度十大创新案例", "第 10 名", ("企业全生命周期",), True, "营商青岛")
    layout = cards.layout(card, fonts)
    assert len(layout.title) <= 3 and "".join(layout.title) == title
    assert layout.subtitle[-1].endswith(cards.ELLIPSIS) and len(layout.subtitle) == 2  # the summary may be cut
    assert layout.bottom <= cards.FOOTER_TOP


def test_share_images_in_the_demo_site(demo_site: Path) -> None:
    fonts_or_skip()
    for url in SHAREABLE_PAGES:
        images = sorted((demo_site / url).glob("share.*.png"))
        assert len(images) == 1, url
        data = images[0].read_bytes()
        assert png_size(data) == (1200, 630)
        assert set(png_chunks(data)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}  # no time, no text
        assert len(data) < 120_000  # small enough for a phone on a slow network
        name_hash = images[0].name.split(".")[1]
        assert re.fullmatch(r"[0-9a-f]{12}", name_hash)


def test_the_english_home_page_shares_the_sites_english_image(demo_site: Path) -> None:
    """An index page has no card of its own: it shares the site's image, drawn in the page's language."""
    fonts_or_skip()

    def shared_image(page: str) -> str:
        html = (demo_site / page / "index.html").read_text(encoding="utf-8")
        return re.search(r'<meta property="og:image" content="https://example.org/([^"]+)"', html).group(1)

    chinese, english = shared_image("."), shared_image("en")
    assert chinese.startswith("assets/share/site.") and english.startswith("assets/share/site.")
    assert chinese != english and (demo_site / english).is_file()
    assert shared_image("en/archive") == english and shared_image("archive") == chinese


def test_card_drawing_is_deterministic_and_sized() -> None:
    fonts = fonts_or_skip()
    card = cards.Card("智能表单让企业登记注册“一次过”", "摘要", "2022 年度十大创新案例", "第 1 名", ("企业",), True, "品牌")
    one, two = cards.draw_card(card, fonts), cards.draw_card(card, fonts)
    assert one == two and png_size(one) == (1200, 630)
    assert cards.draw_card(cards.Card("另一个标题"), fonts) != one


def test_without_a_cjk_font_the_build_uses_the_plain_brand_image(project: Path) -> None:
    result = run_build_py(project, "build", env={cards.FONT_ENV: str(project / "no-such-font.ttc")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fonts-noto-cjk" in result.stderr  # a warning, not a crash
    site = project / "site"
    html = (site / "2022/top-cases/smart-form-registration/index.html").read_text(encoding="utf-8")
    image = re.search(r'<meta property="og:image" content="https://example.org/([^"]+)"', html).group(1)
    assert image.startswith("assets/share/site.") and png_size((site / image).read_bytes()) == (1200, 630)
    assert not list(site.rglob("share.*.png"))


# --- QR codes ------------------------------------------------------------------------------------------------


def rasterise_segno_svg(svg: str, scale: int = 8):
    """Draw the QR code an SVG file holds (segno's path: M/m moves, h strokes one module high) as a PIL image."""
    from PIL import Image, ImageDraw

    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.findall(r'<path[^>]*\sd="([^"]+)"', svg)[-1]  # the last path holds the dark modules
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            draw.rectangle((x * scale, (y - 0.5) * scale, (x + float(a)) * scale - 1, (y + 0.5) * scale - 1), fill=0)
            x += float(a)
    return image


@pytest.mark.parametrize("url", SHAREABLE_PAGES)
def test_qr_code_file_decodes_to_the_canonical_url(demo_site: Path, url: str) -> None:
    import zxingcpp

    svg = (demo_site / url / "qr.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "href" not in svg  # an image, nothing else
    decoded = [r.text for r in zxingcpp.read_barcodes(rasterise_segno_svg(svg))]
    html = (demo_site / url / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert decoded == [canonical] == [f"https://example.org/{url}"]


def test_qr_block_is_on_shareable_pages_only_and_not_searchable(demo_site: Path) -> None:
    for url in [*SHAREABLE_PAGES, "about/"]:  # entries, and the hand-written about page (its own block)
        html = (demo_site / url / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<aside class="pub-share[^"]*"[^>]*data-search-exclude[^>]*>(.*?)</aside>', html, re.S)
        assert block, url
        assert 'src="qr.svg"' in block.group(1) and f"https://example.org/{url}" in block.group(1)
    for url in ["", "ambassadors/", "archive/"]:  # lists: shared by their own link, without a QR block
        assert 'class="pub-share' not in (demo_site / url / "index.html").read_text(encoding="utf-8")
    assert "扫码分享" not in search.indexed_text(demo_site)


def test_qr_svg_is_deterministic_and_standalone() -> None:
    one = cards.qr_svg("https://example.org/campaign/2022/top-cases/x/")
    assert one == cards.qr_svg("https://example.org/campaign/2022/top-cases/x/")
    assert one.startswith(b"<svg") and b"viewBox" in one and b"width=" not in one.split(b">")[0]
    assert hashlib.sha256(one).hexdigest() != hashlib.sha256(cards.qr_svg("https://example.org/")).hexdigest()


@pytest.mark.parametrize("text", ["", "plain", "a&b<c>d\"e'f", "先诊疗&后付费 <b>“引号”</b>", "&amp;&#39;"])
def test_attribute_escaping_matches_markupsafe(text: str) -> None:
    from markupsafe import escape

    assert social.escape_attribute(text) == str(escape(text))
