"""The English edition as readers get it: every page in both languages, a switch that always lands,
hreflang in pairs, interface words in the page's language, untranslated entries kept in place."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import copy_project, run_build_py
from publisher import i18n

HAN = re.compile(r"[\u3400-\u9fff]")
UNTRANSLATED_AMBASSADOR = "ambassadors/zhou-yaqin/"
CASE_FILE = "cases/2022/top-cases/smart-form-registration.yaml"


class Visible(HTMLParser):
    """The text a reader sees in <body> (and attribute texts: alt, title, aria-label, placeholder), each with
    the language it is marked with (the nearest lang=…); scripts, styles and hidden SVG titles left out."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.in_body = False
        self.skip = 0
        self.texts: list[tuple[str, str]] = []  # (language, text)
        self.root_lang = ""

    def _lang(self) -> str:
        for _, lang in reversed(self.stack):
            if lang:
                return lang
        return self.root_lang

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.root_lang = attributes.get("lang", "")
            return
        if tag == "body":
            self.in_body = True
        if tag in self.VOID:
            if self.in_body:
                self._attributes(attributes, attributes.get("lang") or self._lang())
            return
        self.stack.append((tag, attributes.get("lang")))
        if tag in ("script", "style", "svg", "template"):
            self.skip += 1
        if self.in_body and not self.skip:
            self._attributes(attributes, self._lang())

    def _attributes(self, attributes: dict, lang: str) -> None:
        for name in ("alt", "title", "aria-label", "placeholder"):
            if attributes.get(name):
                self.texts.append((lang, attributes[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self.stack:
            return
        while self.stack:
            name, _ = self.stack.pop()
            if name in ("script", "style", "svg", "template"):
                self.skip -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_body and not self.skip and data.strip():
            self.texts.append((self._lang(), data.strip()))


def visible(path: Path) -> Visible:
    parser = Visible()
    parser.feed(path.read_text("utf-8"))
    return parser


def pages(site: Path) -> list[str]:
    """Site paths of every page (directory style), the 404 page left out."""
    return sorted(("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/")
                  for p in site.rglob("index.html") if "assets" not in p.parts)


def page_file(site: Path, page: str) -> Path:
    return site / page / "index.html"


def switch_of(site: Path, page: str) -> str:
    """The site path the language switch of `page` leads to."""
    html = page_file(site, page).read_text("utf-8")
    href = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-pub-switch', html).group(1)
    target = posixpath.normpath(posixpath.join("/" + page, href)).lstrip("/")
    return "" if target in ("", ".") else target + "/"


def hreflang(site: Path, page: str) -> dict[str, str]:
    html = page_file(site, page).read_text("utf-8")
    links = re.findall(r'<link rel="alternate\s*" hreflang="([^"]+)" href="([^"]+)">', html)
    assert len(links) == len({lang for lang, _ in links}), (page, links)
    return dict(links)


def test_every_chinese_page_has_its_english_page_and_the_reverse(demo_site: Path) -> None:
    every = set(pages(demo_site))
    english = {page for page in every if page.startswith("en/")}
    chinese = every - english
    assert len(english) > 60
    assert {"en/" + page for page in chinese} == english  # hand-written about/ included: content/en/about.md


def test_english_pages_are_english_and_chinese_pages_chinese(demo_site: Path) -> None:
    for page in pages(demo_site):
        html = page_file(demo_site, page).read_text("utf-8")
        expected = "en" if page.startswith("en/") else "zh"
        assert re.search(rf'<html lang="{expected}"', html), page


def test_every_switch_lands_on_the_same_page_in_the_other_language_and_back(demo_site: Path) -> None:
    every = set(pages(demo_site))
    for page in every:
        target = switch_of(demo_site, page)
        assert target in every, (page, target)
        assert target == (page[3:] if page.startswith("en/") else "en/" + page), (page, target)
        assert switch_of(demo_site, target) == page


def test_a_page_without_english_switches_to_the_english_home(project: Path) -> None:
    (project / "content/en/about.md").unlink()
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "en/about").exists()
    assert switch_of(site, "about/") == "en/"
    assert hreflang(site, "about/") == {}  # no pair, no alternates
    assert "about" not in (site / "en/index.html").read_text("utf-8").split("md-tabs")[1].split("</nav>")[0]


def test_hreflang_comes_in_pairs_that_point_at_each_other(demo_site: Path) -> None:
    for page in pages(demo_site):
        links = hreflang(demo_site, page)
        assert set(links) == {"zh-CN", "en"}, page
        other = page[3:] if page.startswith("en/") else "en/" + page
        assert links == hreflang(demo_site, other)
        own = "en" if page.startswith("en/") else "zh-CN"
        assert links[own].endswith("/" + page) or links[own].endswith(page), (page, links)


def test_sitemap_lists_both_languages_of_every_page(demo_site: Path) -> None:
    sitemap = (demo_site / "sitemap.xml").read_text("utf-8")
    entries = re.findall(r"<url>(.*?)</url>", sitemap, re.S)
    assert len(entries) == len(pages(demo_site))
    for entry in entries:
        alternates = re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', entry)
        assert {lang for lang, _ in alternates} == {"zh-CN", "en"}, entry
        location = re.search(r"<loc>(.*?)</loc>", entry).group(1)
        assert location in {href for _, href in alternates}


def test_share_tags_say_the_page_language(demo_site: Path) -> None:
    english = page_file(demo_site, "en/2022/top-cases/smart-form-registration/").read_text("utf-8")
    chinese = page_file(demo_site, "2022/top-cases/smart-form-registration/").read_text("utf-8")
    assert '<meta property="og:locale" content="en_US">' in english
    assert '<meta property="og:locale:alternate" content="zh_CN">' in english
    assert '<meta property="og:locale" content="zh_CN">' in chinese
    og_title = re.search(r'<meta property="og:title" content="([^"]+)"', english).group(1)
    assert not HAN.search(og_title)
    english_image = re.search(r'<meta property="og:image" content="[^"]+/(en/[^"]+)"', english).group(1)
    assert (demo_site / english_image).is_file()
    assert (demo_site / "en/2022/top-cases/smart-form-registration/qr.svg").is_file()
    chinese_image = re.search(r'<meta property="og:image" content="[^"]+/(2022/[^"]+)"', chinese).group(1)
    assert (demo_site / english_image).read_bytes() != (demo_site / chinese_image).read_bytes()


def test_no_chinese_interface_on_english_pages(demo_site: Path) -> None:
    """Every Chinese character on an English page is in an element marked lang="zh" (entry text that has
    no English yet); the interface around it is English."""
    for page in pages(demo_site):
        if not page.startswith("en/"):
            continue
        html = page_file(demo_site, page).read_text("utf-8")
        title = re.search(r"<title>(.*?) - ", html).group(1)
        # Material's header repeats the page title; an untranslated entry's title is its Chinese name
        untranslated_entry = '<p class="pub-chips">' in html and "pub-badge--zh" in html.split('<p class="pub-chips">')[1].split("</p>")[0]
        unmarked = [text for lang, text in visible(page_file(demo_site, page)).texts
                    if HAN.search(text) and not lang.startswith("zh") and not (untranslated_entry and text == title)]
        assert unmarked == [], (page, unmarked[:5])


def test_no_english_interface_on_chinese_pages(demo_site: Path) -> None:
    english_words = {texts["en"] for texts in i18n.STRINGS.values() if len(texts["en"]) > 4 and "{" not in texts["en"]}
    english_words |= {"Chinese only", "Skip to content", "Search"}
    for page in pages(demo_site):
        if page.startswith("en/"):
            continue
        shown = [text for lang, text in visible(page_file(demo_site, page)).texts if not lang.startswith("en")]
        leaked = [text for text in shown if text in english_words]
        assert leaked == [], (page, leaked)


def test_untranslated_ambassador_is_listed_in_chinese_marked_and_labelled(demo_site: Path) -> None:
    wall = page_file(demo_site, "en/ambassadors/").read_text("utf-8")
    tile = re.search(r'<li class="pub-tile"[^>]*>\s*<a href="zhou-yaqin/">.*?</li>', wall, re.S).group(0)
    assert ' lang="zh"' in tile.split(">", 1)[0] and "周雅琴" in tile
    assert re.search(r'<span class="pub-badge pub-badge--zh" lang="en"[^>]*>Chinese only</span>', tile)
    page = page_file(demo_site, "en/" + UNTRANSLATED_AMBASSADOR).read_text("utf-8")
    assert "Chinese only" in page and '<blockquote class="pub-citation pub-citation--quote" lang="zh">' in page
    translated = re.search(r'<li class="pub-tile"[^>]*>\s*<a href="anna-mueller/">.*?</li>', wall, re.S).group(0)
    assert "Chinese only" not in translated and "Anna Müller" in translated


def test_an_untranslated_case_keeps_its_rank_in_the_english_ranking(project: Path) -> None:
    path = project / CASE_FILE
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^en:\n(?:(?:  .*)?\n)*", "", text, flags=re.M), "utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stderr
    ranking = (project / "site/en/2022/top-cases/index.html").read_text("utf-8")
    cards = re.findall(r'<li class="pub-card[^"]*"[^>]*>.*?</li>', ranking, re.S)
    assert len(cards) == 10
    first = cards[0]  # rank 1 stays first, in Chinese, marked and labelled
    assert first.split(">", 1)[0].endswith(' lang="zh"') and "智能表单让企业登记注册“一次过”" in first
    assert 'aria-label="No. 1" lang="en">1<' in first and ">Chinese only<" in first
    assert all("Chinese only" not in card for card in cards[1:])
    page = (project / "site/en/2022/top-cases/smart-form-registration/index.html").read_text("utf-8")
    assert '<h1 lang="zh">' in page and "Lead agency:" in page and "Rank 1" in page


def test_english_sub_path_build_links_resolve(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    url = "https://example.org/campaign/"
    result = run_build_py(project, "build", "--site-url", url)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    links = run_build_py(project, "links")
    assert links.returncode == 0, links.stdout + links.stderr
    assert hreflang(site, "en/2022/top-cases/")["zh-CN"] == url + "2022/top-cases/"
    assert switch_of(site, "en/2022/top-cases/") == "2022/top-cases/"
    html = (site / "en/index.html").read_text("utf-8")
    assert '<meta property="og:url" content="https://example.org/campaign/en/">' in html


@pytest.mark.parametrize("page", ["en/", "en/2022/top-people/li-ruoxi/", "en/about/"])
def test_english_navigation_and_footer(demo_site: Path, page: str) -> None:
    html = page_file(demo_site, page).read_text("utf-8")
    tabs = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'md-tabs__link"[^>]*>(.*?)</a>', html, re.S)]
    assert tabs[:5] == ["Home", "Cases", "People", "Ambassadors", "Past years"], tabs
    assert "invented examples" in html and "演示站点" not in html
