"""The demo site as a reader gets it: pages, order, links, badges, placeholders, editions (search: test_search*.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT, run_build_py


def entries(folder: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "cases" / folder).glob("*.yaml"))}


class Page(HTMLParser):
    """What a built page makes the browser fetch (links, scripts, images, media)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("img", "script", "audio", "video", "source") and a.get("src"):
            self.assets.append(a["src"])
        if tag == "link" and a.get("href") and not {"canonical", "alternate"} & set(a.get("rel", "").split()):
            self.assets.append(a["href"])  # stylesheets, icons, preloads


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_ranking_shows_ten_cards_in_rank_order(demo_site: Path) -> None:
    cases = entries("2022/top-cases")
    html = read(demo_site, "2022/top-cases")
    ranks = [int(r) for r in re.findall(r'<span class="pub-rank" aria-label="第 \d+ 名">(\d+)</span>', html)]
    assert ranks == list(range(1, 11))
    by_rank = sorted(cases.items(), key=lambda item: item[1]["rank"])
    hrefs = re.findall(r'<li class="pub-card pub-card--case[^"]*">\s*<a href="([^"]+)"', html)
    assert hrefs == [f"{slug}/" for slug, _ in by_rank]
    top = re.findall(r'class="pub-card pub-card--case pub-card--top pub-card--rank(\d)"', html)
    assert top == ["1", "2", "3"]
    for slug, case in by_rank:
        assert case["title"] in html and case["summary"] in html


def test_people_ranking_and_sample_badges(demo_site: Path) -> None:
    people = entries("2022/top-people")
    html = read(demo_site, "2022/top-people")
    assert html.count('class="pub-badge pub-badge--sample"') == sum(1 for p in people.values() if p.get("sample"))
    for slug, person in people.items():
        page = read(demo_site, f"2022/top-people/{slug}")
        assert person["name"] in page
        assert ('>示例</span>' in page) == bool(person.get("sample"))
    real_case = read(demo_site, "2022/top-cases/smart-form-registration")
    assert ">示例</span>" not in real_case.split('<header class="pub-head">', 1)[1].split("</header>", 1)[0]


def test_entry_page_has_everything_of_its_entry(demo_site: Path) -> None:
    slug, case = next((s, c) for s, c in entries("2022/top-cases").items() if c.get("audio"))
    html = read(demo_site, f"2022/top-cases/{slug}")
    for text in (case["title"], case["summary"], case["unit"], *case.get("tags", [])):
        assert text in html
    for item in case.get("highlights", []):
        assert item["label"] in html and item["value"] in html
    assert '<audio controls preload="none"><source src="../../../files/' in html  # sources: tests/test_media.py
    assert case["audio"]["transcript"].splitlines()[0] in html
    assert (demo_site / "files" / case["audio"]["file"]).is_file()
    assert 'rel="prev"' in html and 'rel="next"' in html
    people = [s for s, p in entries("2022/top-people").items() if slug in p.get("cases", [])]
    for person in people:
        assert f'../../top-people/{person}/' in html


def test_person_links_to_cases_and_ambassador_profile(demo_site: Path) -> None:
    slug, person = next(iter(entries("2022/top-people").items()))
    html = read(demo_site, f"2022/top-people/{slug}")
    for case in person["cases"]:
        assert f"../../top-cases/{case}/" in html
    for line in person["citation"].splitlines():
        if line.strip():
            assert line.strip() in html
    slug, ambassador = next(iter(entries("ambassadors").items()))
    page = read(demo_site, f"ambassadors/{slug}")
    assert ambassador["quote"] in page and ambassador["bio"] in page


def test_missing_photos_get_generated_placeholders(demo_site: Path) -> None:
    """A letter tile stands in for a missing photo. It is decoration beside the printed name: hidden from
    screen readers (no role, no label), so a link is not read as the name twice."""
    html = read(demo_site, "ambassadors")
    tiles = re.findall(r'<li class="pub-tile"[^>]*>\s*<a [^>]*>\s*<span class="pub-visual pub-ph pub-ph--\d[^"]*"([^>]*)>'
                       r'([^<]+)</span>\s*<strong class="pub-tile__name"[^>]*>([^<]+)<', html)
    assert len(tiles) == len(entries("ambassadors"))
    for attributes, letter, name in tiles:
        assert ' aria-hidden="true"' in attributes and "role=" not in attributes and "aria-label" not in attributes
        assert letter == name[0], (letter, name)
    assert "<img" not in html.split('data-filter-items', 1)[1].split("</ul>", 1)[0]


def tile_and_picture_attributes(html: str) -> list[str]:
    """The attributes of every entry picture and letter tile of a page (a head picture, a card's, a row's)."""
    return re.findall(r'<(?:img|span) class="pub-visual[^"]*"([^>]*)>', html)


@pytest.mark.parametrize("url", ["", "2022/top-cases", "2022/top-people", "en", "en/2022/top-cases"])
def test_pictures_beside_an_entrys_name_in_lists_are_decoration(demo_site: Path, url: str) -> None:
    html = read(demo_site, url)
    lists = "".join(re.findall(r'<(?:ol|ul) class="pub-(?:cards|rows|tiles)[^"]*"[^>]*>.*?</(?:ol|ul)>', html, re.S))
    pictures = tile_and_picture_attributes(lists)
    photos = [a for a in pictures if "src=" in a]
    assert photos and len(pictures) > len(photos), "expected both photos and letter tiles on " + url
    for attributes in pictures:
        assert ' alt=""' in attributes if "src=" in attributes else ' aria-hidden="true"' in attributes, attributes
        assert "aria-label" not in attributes and "role=" not in attributes


def test_an_entrys_own_photo_keeps_its_alt_text_and_its_tile_is_hidden(demo_site: Path) -> None:
    cases = entries("2022/top-cases")
    head = read(demo_site, "2022/top-cases/startup-one-stop").split('class="pub-head__visual"', 1)[1].split("</div>", 1)[0]
    assert f'alt="{cases["startup-one-stop"]["image_alt"]}"' in head
    no_photo = next(slug for slug, case in cases.items() if not case.get("image"))
    head = read(demo_site, f"2022/top-cases/{no_photo}").split('class="pub-head__visual"', 1)[1].split("</div>", 1)[0]
    [attributes] = tile_and_picture_attributes(head)
    assert ' aria-hidden="true"' in attributes and "aria-label" not in attributes


def test_wall_offers_filters_for_every_identity_and_region(demo_site: Path) -> None:
    ambassadors = entries("ambassadors").values()
    html = read(demo_site, "ambassadors")
    for identity in {a["identity"] for a in ambassadors}:
        assert f'name="identity" value="{identity}"' in html
    for region in {a["region"] for a in ambassadors}:
        assert f'<option value="{region}">' in html
    assert html.count('<li class="pub-tile"') == len(ambassadors)


def test_navigation_stays_small(demo_site: Path) -> None:
    html = read(demo_site, "")
    nav = html.split('class="md-nav md-nav--primary', 1)[1].split("</nav>", 1)[0]
    assert nav.count("md-nav__link") < 20
    assert "smart-form-registration" not in nav


def test_chinese_heading_anchors_are_words(demo_site: Path) -> None:
    html = read(demo_site, "2022/top-cases/smart-form-registration")
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids and all(not re.fullmatch(r"_\d+", i) for i in ids)
    assert any(re.search(r"[\u4e00-\u9fff]", i) for i in ids)


def test_category_and_district_pages(demo_site: Path) -> None:
    cases = entries("2022/top-cases")
    for category in ("enterprise", "individual", "project", "innovation"):
        html = read(demo_site, f"categories/{category}")
        for slug, case in cases.items():
            assert (f"2022/top-cases/{slug}/" in html) == (case["category"] == category)
    site = yaml.safe_load((ROOT / "cases" / "site.yaml").read_text(encoding="utf-8"))
    slug_of = {d["name"]: d["slug"] for d in site["districts"]}
    for slug, case in cases.items():
        if case.get("district"):
            assert f"2022/top-cases/{slug}/" in read(demo_site, f"districts/{slug_of[case['district']]}")


def test_pages_name_no_other_host(demo_site: Path) -> None:
    external = set()
    for html_file in demo_site.rglob("*.html"):
        parsed = Page(html_file.read_text(encoding="utf-8"))
        external |= {a for a in parsed.assets if urlparse(a).netloc}
    assert not external
    css = "".join(p.read_text(encoding="utf-8") for p in demo_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_new_edition_becomes_current_and_old_one_goes_to_archive(project: Path) -> None:
    result = run_build_py(project, "new", "case", "first-case", "--year", "2023")
    assert result.returncode == 0, result.stderr
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    home = read(site, "")
    assert "2023 年度十大创新案例" in home and "2022 年度十大创新案例" not in home
    assert 'href="2023/top-cases/first-case/"' in home
    ranking = read(site, "2023/top-cases")
    assert ranking.count('class="pub-card ') == 1 and "本届榜单已公布 1 项" in ranking
    archive = read(site, "archive")
    assert 'href="../2022/"' in archive and 'href="../2023/"' in archive
    assert (site / "2022" / "top-cases" / "smart-form-registration" / "index.html").exists()
    nav = home.split('class="md-nav md-nav--primary', 1)[1]
    assert "2023/top-cases/" in nav
