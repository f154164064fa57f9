"""The demo site in a real browser (headless system Chromium through Playwright), mostly at phone size.

What a reader does: search (tests/test_search_browser.py, with this module's helpers), filter the ambassador wall,
scroll pages on a 390 px phone without sideways scrolling, open a ranking and tap the first card.
The site must not fetch anything from another host (fonts and CDNs are blocked or slow in mainland
China). Screenshots of the main pages are written for a human to look at.

Expectations are read from the demo's YAML entries (the copy the `demo_site` fixture built), so a
content change makes a clear "expectation no longer holds" failure instead of a silent pass.

Skips without Chromium or Playwright, except with CI=true, where that is a failure (browser_support).
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import yaml

from browser_support import DESKTOP, PHONE, SiteServer, open_page  # (its fixtures come from conftest.py)

pytestmark = pytest.mark.browser

SHOTS_DIR = Path("/tmp/browser-shots")
YEAR = 2022  # the demo's edition
CASES_RANKING = f"{YEAR}/top-cases/"
PEOPLE_RANKING = f"{YEAR}/top-people/"
CASE_PAGE = f"{YEAR}/top-cases/treat-first-pay-later/"  # the longest case: highlights, audio, sources
PERSON_PAGE = f"{YEAR}/top-people/chen-jingyi/"  # a sample (fictional) person
AMBASSADOR_PAGE = "ambassadors/thomas-schmidt/"  # the longest name, with a Latin name beside it

# Every page kind a phone reader reaches from the home page.
PAGES = ["", CASES_RANKING, PEOPLE_RANKING, CASE_PAGE, PERSON_PAGE, "ambassadors/", AMBASSADOR_PAGE, "about/",
         "archive/", "categories/", "categories/enterprise/", f"{YEAR}/", "districts/huangdao/"]

SEARCH_RESULT_LINKS = ".md-search-result__link"
SEARCH_META = ".md-search-result__meta"
SEARCH_DONE = re.compile(r"符合条件的结果")  # Material (zh): "N 个符合条件的结果" / "没有找到符合条件的结果"


# --- the demo's content, as editors wrote it ----------------------------------------------------------


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@dataclass(frozen=True)
class Entry:
    kind: str  # case | person | ambassador
    slug: str
    data: dict

    @property
    def url(self) -> str:
        return f"ambassadors/{self.slug}/" if self.kind == "ambassador" else \
            f"{YEAR}/{'top-cases' if self.kind == 'case' else 'top-people'}/{self.slug}/"

    @property
    def heading(self) -> str:
        return self.data["title"] if self.kind == "case" else self.data["name"]

    @property
    def text(self) -> str:
        return "\n".join(_strings(self.data))


class Content:
    def __init__(self, cases_dir: Path):
        self.cases_dir = cases_dir

    def _read(self, kind: str, folder: Path) -> list[Entry]:
        files = sorted(folder.glob("*.yaml"))
        assert files, f"no entries in {folder}"
        return [Entry(kind, f.stem, yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files]

    @cached_property
    def cases(self) -> list[Entry]:
        return sorted(self._read("case", self.cases_dir / str(YEAR) / "top-cases"), key=lambda e: e.data["rank"])

    @cached_property
    def people(self) -> list[Entry]:
        return sorted(self._read("person", self.cases_dir / str(YEAR) / "top-people"), key=lambda e: e.data["rank"])

    @cached_property
    def ambassadors(self) -> list[Entry]:
        return self._read("ambassador", self.cases_dir / "ambassadors")

    def entry(self, url: str) -> Entry:
        for entry in self.cases + self.people + self.ambassadors:
            if entry.url == url:
                return entry
        raise AssertionError(f"the demo content has no entry at {url}: update the test's expectation")


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def content(demo_site: Path) -> Content:
    return Content(demo_site.parent / "cases")


@pytest.fixture(scope="session")
def site(demo_site: Path, site_server_factory) -> SiteServer:  # noqa: F811
    """The demo site at http://127.0.0.1:PORT/ (site_server_factory(demo_site, "/campaign/") for a sub-path)."""
    return site_server_factory(demo_site)


@pytest.fixture
def phone(chromium_browser, site):  # noqa: F811
    with open_page(chromium_browser, site.url) as page:
        yield page


# --- helpers --------------------------------------------------------------------------------------------


def goto(page, site: SiteServer, path: str, wait_until: str = "load") -> None:
    response = page.goto(site.url_for(path), wait_until=wait_until)
    assert response is not None and response.ok, f"{path or 'home'}: HTTP {response and response.status}"


def search(page, query: str) -> tuple[str, list[str]]:
    """Type `query` into Material's search as a phone user would; return (result summary, result link URLs)."""
    box = page.locator("input.md-search__input")
    icon = page.locator("label.md-header__button[for=__search]")
    if icon.count() and icon.first.is_visible():  # a phone: the box hides behind the magnifier in the header
        icon.first.tap()
    elif not box.is_visible():  # no icon, no box: open the search overlay the way the icon would
        page.locator("[data-md-toggle=search]").first.check(force=True)
    box.wait_for(state="visible")
    box.tap()
    page.keyboard.type(query)
    page.keyboard.press("Space")  # Material searches on keyup, which typing CJK text does not fire
    page.keyboard.press("Backspace")
    assert box.input_value() == query
    meta = page.locator(SEARCH_META)
    meta.filter(has_text=SEARCH_DONE).wait_for(timeout=10_000)
    hrefs = page.eval_on_selector_all(SEARCH_RESULT_LINKS, "links => links.map(a => a.href)")
    return meta.inner_text(), hrefs


def result_paths(site: SiteServer, hrefs: list[str]) -> list[str]:
    return [site.site_path(href) for href in hrefs]


def visible_tiles(page) -> dict[str, object]:
    """Tiles shown on the wall: by the hidden attribute *and* by layout (CSS could override [hidden])."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll('[data-filter-items] > li')];
        const unhidden = items.filter(li => !li.hidden);
        const rendered = items.filter(li => li.getClientRects().length > 0);
        return {total: items.length, unhidden: unhidden.length, rendered: rendered.length,
                identities: rendered.map(li => li.dataset.identity), regions: rendered.map(li => li.dataset.region)};
    }""")


def shown_count(page) -> int:
    text = page.locator("[data-filter-count]").inner_text()
    found = re.search(r"\d+", text)
    assert found, f"[data-filter-count] shows no number: {text!r}"
    return int(found.group())


def _copy_shot(path: Path) -> None:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, SHOTS_DIR / path.name)


# --- 2. the ambassador wall filter -------------------------------------------------------------------------

IDENTITY, IDENTITY_LABEL = "scholar", "专家学者"


def test_wall_filters_by_identity_and_region(phone, site, content):
    everyone = len(content.ambassadors)
    scholars = [a for a in content.ambassadors if a.data["identity"] == IDENTITY]
    assert 0 < len(scholars) < everyone, "precondition: the demo needs some, not all, ambassadors who are scholars"
    # a region that holds some but not all of the scholars: filtering by it must narrow again
    regions = sorted({a.data["region"] for a in scholars}, key=lambda r: -sum(a.data["region"] == r for a in scholars))
    region = next((r for r in regions if 0 < sum(a.data["region"] == r for a in scholars) < len(scholars)), None)
    assert region, "precondition: the scholars must come from more than one region"
    both = [a for a in scholars if a.data["region"] == region]

    goto(phone, site, "ambassadors/")
    start = visible_tiles(phone)
    assert start["total"] == start["unhidden"] == start["rendered"] == everyone, start
    assert shown_count(phone) == everyone

    phone.locator("[data-filter] label", has_text=IDENTITY_LABEL).first.tap()
    phone.wait_for_function("n => document.querySelectorAll('[data-filter-items] > li:not([hidden])').length === n",
                            arg=len(scholars))
    tiles = visible_tiles(phone)
    assert tiles["unhidden"] == tiles["rendered"] == len(scholars) < everyone, \
        f"after choosing {IDENTITY_LABEL}: {tiles}, YAML has {len(scholars)} scholars"
    assert set(tiles["identities"]) == {IDENTITY}, tiles["identities"]
    assert shown_count(phone) == len(scholars)

    phone.select_option("select[name=region]", region)
    phone.wait_for_function("n => document.querySelectorAll('[data-filter-items] > li:not([hidden])').length === n",
                            arg=len(both))
    tiles = visible_tiles(phone)
    assert tiles["unhidden"] == tiles["rendered"] == len(both) < len(scholars), \
        f"after choosing {IDENTITY_LABEL} + {region}: {tiles}, YAML has {len(both)}"
    assert set(tiles["identities"]) == {IDENTITY} and set(tiles["regions"]) == {region}, tiles
    assert shown_count(phone) == len(both)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(phone.url).query)
    assert query == {"identity": [IDENTITY], "region": [region]}, f"the filter should be shareable: {phone.url}"

    phone.locator("[data-filter] label", has_text="全部").first.tap()
    phone.select_option("select[name=region]", label="全部地区")
    phone.wait_for_function("n => document.querySelectorAll('[data-filter-items] > li:not([hidden])').length === n",
                            arg=everyone)
    tiles = visible_tiles(phone)
    assert tiles["unhidden"] == tiles["rendered"] == everyone, tiles
    assert shown_count(phone) == everyone
    assert phone.locator("[data-filter-empty]").is_hidden()
    assert urllib.parse.urlsplit(phone.url).query == ""


def test_wall_opens_filtered_from_a_shared_link(phone, site, content):
    scholars = sum(a.data["identity"] == IDENTITY for a in content.ambassadors)

    goto(phone, site, f"ambassadors/?identity={IDENTITY}")

    tiles = visible_tiles(phone)
    assert tiles["unhidden"] == tiles["rendered"] == scholars, tiles
    assert set(tiles["identities"]) == {IDENTITY}
    assert shown_count(phone) == scholars
    assert phone.locator(f"input[name=identity][value={IDENTITY}]").is_checked()


# --- 3. no sideways scrolling on a phone -------------------------------------------------------------------

OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth, out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 1) {
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                         [...el.classList].map(c => '.' + c).join('');
            out.push(name + ' right=' + Math.round(box.right));
        }
    }
    return out.slice(0, 12);
}"""


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_horizontal_overflow_on_a_phone(phone, site, path):
    goto(phone, site, path)

    width = phone.evaluate("document.documentElement.scrollWidth")

    assert width <= PHONE["width"] + 1, (f"{path or 'home'} scrolls sideways on a {PHONE['width']} px phone: "
                                         f"scrollWidth={width}; too wide: {phone.evaluate(OVERFLOWING)}")


@pytest.mark.parametrize("path", ["", PERSON_PAGE, CASE_PAGE, "en/", f"en/{PERSON_PAGE}"])
def test_list_thumbnails_keep_their_size_beside_long_text(phone, site, path):
    """A photo in a list row is as big as a letter tile: the row's text must not squeeze it (its <picture>
    wrapper used to be the flex item, and shrank to 25 px beside English text)."""
    goto(phone, site, path)

    sizes = phone.eval_on_selector_all(".pub-visual--small", "els => els.map(e => { const b = e.getBoundingClientRect();"
                                                             " return [Math.round(b.width), Math.round(b.height)]; })")
    pictures = phone.eval_on_selector_all("picture .pub-visual--small", "els => els.length")

    assert sizes and pictures, f"{path or 'home'}: no list thumbnail with a photo to measure"
    assert {tuple(size) for size in sizes} == {(sizes[0][0], sizes[0][0])} and sizes[0][0] >= 48, sizes


# --- 4. everything comes from our own host -----------------------------------------------------------------


def test_pages_and_search_request_nothing_from_other_hosts(chromium_browser, site):  # noqa: F811
    requested: dict[str, list[str]] = {}
    broken: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    label = "home"
    in_flight: set = set()

    def is_local(url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"

    def started(request) -> None:
        in_flight.add(request)
        requested.setdefault(label, []).append(request.url)

    def failed(request) -> None:
        in_flight.discard(request)
        if is_local(request.url):
            broken.setdefault(label, []).append(f"failed {request.url}")

    def settle(page) -> None:
        """Wait until no request has been in flight for a moment (quicker than networkidle's 500 ms)."""
        quiet = 0
        for _ in range(100):
            quiet = quiet + 1 if not in_flight else 0
            if quiet >= 3:
                return
            page.wait_for_timeout(50)

    with open_page(chromium_browser, site.url) as page:
        # on the context: it also sees requests from workers (Material searches in a web worker)
        page.context.on("request", started)
        page.context.on("requestfinished", lambda request: in_flight.discard(request))
        page.context.on("requestfailed", failed)
        page.on("response", lambda r: broken.setdefault(label, []).append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("pageerror", lambda e: errors.setdefault(label, []).append(str(e)))
        for path in PAGES:
            label = path or "home"
            goto(page, site, path)
            settle(page)
        label = "search"
        goto(page, site, "")
        search(page, "先诊疗后付费")
        settle(page)

    foreign = {where: [u for u in urls if not is_local(u)] for where, urls in requested.items()}
    foreign = {where: urls for where, urls in foreign.items() if urls}
    assert not foreign, f"requests to other hosts (blocked or slow in mainland China): {foreign}"
    assert not broken, f"local requests that failed: {broken}"
    assert not errors, f"JavaScript errors: {errors}"
    # the recorder saw what it should: every page itself, and the search its index
    for path in PAGES:
        assert site.url_for(path) in requested.get(path or "home", []), (path, requested.get(path or "home"))
    assert any("search_index.json" in u for u in requested["search"]), requested["search"]


# --- 5. a ranking page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["case", "person"])
def test_ranking_shows_ten_cards_in_order_and_the_first_opens(phone, site, content, kind):
    entries = content.cases if kind == "case" else content.people
    ranking = CASES_RANKING if kind == "case" else PEOPLE_RANKING
    assert len(entries) == 10 and [e.data["rank"] for e in entries] == list(range(1, 11)), \
        "precondition: the demo edition has a complete top ten"

    goto(phone, site, ranking)
    cards = phone.locator(".pub-cards > li")

    assert cards.count() == 10
    assert [r.strip() for r in phone.locator(".pub-cards > li .pub-rank").all_inner_texts()] == \
        [str(n) for n in range(1, 11)]
    titles = phone.locator(".pub-cards > li .pub-card__title").all_inner_texts()
    for rank, (title, entry) in enumerate(zip(titles, entries), 1):
        assert entry.heading in title, f"card {rank} shows {title!r}, YAML rank {rank} is {entry.heading!r}"
    top = [("pub-card--top" in (cards.nth(i).get_attribute("class") or "").split()) for i in range(10)]
    assert top == [True] * 3 + [False] * 7, f"pub-card--top on cards: {top}"

    cards.first.locator("a").first.tap()
    phone.wait_for_url(site.url_for(entries[0].url))

    heading = phone.locator("article h1, .md-content h1")
    assert heading.count() == 1, f"the entry page should have exactly one h1: {heading.all_inner_texts()}"
    assert heading.inner_text().strip() == entries[0].heading


# --- 6. fictional entries are marked -------------------------------------------------------------------------


def test_sample_badge_is_visible_on_a_sample_person_and_absent_on_a_real_case(phone, site, content):
    person = content.entry(PERSON_PAGE)
    assert person.data.get("sample") is True, f"precondition: {PERSON_PAGE} is a sample entry"
    case = next(c for c in content.cases if not c.data.get("sample"))

    goto(phone, site, PERSON_PAGE)
    badge = phone.locator(".md-content .pub-badge--sample").first
    assert badge.is_visible(), "a sample person's page must say 示例 where a reader sees it"
    assert badge.inner_text().strip() == "示例"
    box = badge.bounding_box()
    assert box and box["width"] >= 16 and box["height"] >= 12 and box["x"] + box["width"] <= PHONE["width"], box

    goto(phone, site, case.url)
    own = phone.locator(".pub-head .pub-badge--sample")  # (rows of related sample people may carry theirs)
    assert phone.locator(".pub-head").count() == 1 and own.count() == 0, f"{case.url} is no sample but says 示例"


# --- 7. screenshots for a human to look at -----------------------------------------------------------------

SHOTS = [("phone", PHONE, "home", ""), ("phone", PHONE, "ranking", CASES_RANKING),
         ("phone", PHONE, "case", CASE_PAGE), ("phone", PHONE, "wall", "ambassadors/"),
         ("desktop", DESKTOP, "home", ""), ("desktop", DESKTOP, "ranking", CASES_RANKING)]


def test_screenshots(chromium_browser, site, tmp_path):  # noqa: F811
    written = []
    for device, viewport, name, path in SHOTS:
        with open_page(chromium_browser, site.url, viewport=viewport) as page:
            goto(page, site, path)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            shot = tmp_path / f"{device}-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
        _copy_shot(shot)
        written.append(shot)

    for shot in written:
        assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
        assert shot.stat().st_size > 10_000, f"{shot.name} is only {shot.stat().st_size} bytes: a blank page?"


# --- the server helper itself (other tests serve the site under a sub-path with it) -----------------------


def test_sub_path_server_maps_the_prefix_onto_the_site(demo_site, site_server_factory):  # noqa: F811
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    server = site_server_factory(demo_site, "campaign")
    assert server.url.endswith("/campaign/") and server.site_path(server.url_for("ambassadors/")) == "ambassadors/"
    with urllib.request.urlopen(server.url_for("ambassadors/")) as response:
        assert response.status == 200 and "营商公益大使" in response.read().decode("utf-8")
    for url, status in ((server.origin + "/campaign", 301), (server.origin + "/", 404),
                        (server.origin + "/ambassadors/", 404), (server.url_for("no-such-page/"), 404)):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.build_opener(NoRedirect).open(url)
        assert error.value.code == status, url
