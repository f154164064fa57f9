"""Publishing: the CI workflow, the link checker, share tags and JSON-LD, sitemap, robots.txt,
the 404 page, deterministic output, and the whole site under a sub-path in a real browser."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from browser_support import CHROMIUM, CHROMIUM_ARGS, open_page, require_browser, serve_site
from conftest import ROOT, SUB_URL, copy_project, run_build_py
from publisher.linkcheck import LinkProblem, check_site
from publisher.text import one_line

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
SITE_URL = "https://example.org/"  # mkdocs.yml's
EPOCH = 1700000000  # conftest.run_build_py's SOURCE_DATE_EPOCH
CASE, PERSON, AMBASSADOR = ("2022/top-cases/smart-form-registration/", "2022/top-people/zhang-mingyuan/",
                            "ambassadors/thomas-schmidt/")
RANKING = "2022/top-cases/"


# --- the workflow ----------------------------------------------------------------------------------------


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(job: str) -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a `run:` script (GitHub fills in ${{ }} before the shell runs)."""
    script = re.sub(r"\$\{\{.*?\}\}", "X", script, flags=re.S)
    found = []
    for part in re.split(r"&&|\|\||;|\||\n", script):
        words = [w for w in shlex.split(part, comments=True)]
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # VAR=value before a command
        if words and words[0] == "sudo":
            words = words[1:]
        if words:
            found.append(words)
    return found


def test_workflow_publishes_main_and_only_checks_pull_requests() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "github.event_name != 'pull_request'" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert flow["permissions"] == {"contents": "read"}  # the build job cannot write anything
    names = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    runs = [s.get("run", "") for s in build["steps"]]
    order = [next(i for i, r in enumerate(runs) if f"build.py {command}" in r) for command in ("test", "build", "links")]
    assert order == sorted(order), "test, then build, then check links"
    upload = build["steps"][names.index("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "site" and upload["if"] == "github.event_name != 'pull_request'"
    assert names.index("actions/upload-pages-artifact") > order[-1]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_workflow_uses_only_official_actions_pinned_to_a_major_version() -> None:
    uses = [s["uses"] for job in workflow()["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses
    assert {u.split("@")[0] for u in uses} >= {"actions/checkout", "actions/setup-python", "actions/configure-pages",
                                               "actions/upload-pages-artifact", "actions/deploy-pages"}


def test_every_run_step_names_a_command_that_exists() -> None:
    checked = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for words in shell_commands(step.get("run", "")):
                checked.append(words[0])
                if words[0] in ("python", "python3"):
                    assert (ROOT / words[1]).is_file(), words
                    if words[1] == "build.py":
                        result = run_build_py(ROOT, words[2], "--help")
                        assert result.returncode == 0, (words, result.stderr)
                        for option in (w.split("=")[0] for w in words[3:] if w.startswith("--")):
                            assert option in result.stdout, (words, option)
                elif "/" in words[0]:
                    assert (ROOT / words[0]).is_file() and os.access(ROOT / words[0], os.X_OK), words
                else:
                    assert shutil.which(words[0]), f"{words[0]} is not a command here"
    assert "python3" in checked and "apt-get" in checked


# --- the link checker --------------------------------------------------------------------------------------


def test_demo_site_has_no_broken_link_asset_or_anchor(demo_site: Path) -> None:
    assert check_site(demo_site) == []


def test_links_command_passes_on_the_demo(demo_site: Path) -> None:
    result = run_build_py(demo_site.parent, "links")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "链接检查通过" in result.stdout


def test_link_checker_reports_what_is_broken(demo_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    page = site / CASE / "index.html"
    html = page.read_text(encoding="utf-8")
    planted = ('<a href="../no-such-case/">x</a><a href="../newborn-one-step/#no-such-anchor">x</a>'
               '<a href="#nowhere">x</a><img src="missing.png" alt=""><img srcset="qr.svg 1x, gone.png 2x" alt="">'
               '<script src="https://cdn.example.com/lib.js"></script><a href="https://other.example/">fine</a>'
               '<a href="mailto:a@example.org">fine</a><a href="../newborn-one-step/?from=x">fine</a>'
               '<a href="javascript:alert(1)">x</a>')
    page.write_text(html.replace("<h1>", planted + "<h1>", 1), encoding="utf-8")
    (site / PERSON / "qr.svg").unlink()
    css = next((site / "assets").glob("publisher.*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n.x { background: url(img/none.png) }\n", encoding="utf-8")
    found = {(p.page, p.target): p.reason for p in check_site(site)}
    case = f"{CASE}index.html"
    assert found.pop((case, "../no-such-case/")) == "missing file"
    assert found.pop((case, "../newborn-one-step/#no-such-anchor")) == "missing anchor #no-such-anchor"
    assert found.pop((case, "#nowhere")) == "missing anchor #nowhere"
    assert found.pop((case, "missing.png")) == "missing file"
    assert found.pop((case, "gone.png")) == "missing file"
    assert found.pop((case, "https://cdn.example.com/lib.js")).startswith("loads from another host")
    assert found.pop((case, "javascript:alert(1)")) == "javascript: link"
    assert found.pop((f"{PERSON}index.html", "qr.svg")) == "missing file"
    assert found.pop((css.relative_to(site).as_posix(), "img/none.png")) == "missing file"
    assert found == {}
    result = run_build_py(demo_site.parent, "links", str(site))
    assert result.returncode == 1 and "no-such-anchor" in result.stderr


def test_link_problem_reads_as_one_line() -> None:
    assert str(LinkProblem("a/index.html", "../b/", "missing file")) == "a/index.html: ../b/: missing file"


# --- share tags and JSON-LD ---------------------------------------------------------------------------------


class Head(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.json_ld: list[dict] = []
        self.title = ""
        self._in: str | None = None
        self.feed(html[: html.index("</head>")])

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content")
        if tag == "link":
            self.links.append(a)
        self._in = "ld" if tag == "script" and a.get("type") == "application/ld+json" else tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "ld":
            self.json_ld.append(json.loads(data))
        elif self._in == "title":
            self.title += data


def head(site: Path, url: str) -> Head:
    return Head((site / url / "index.html").read_text(encoding="utf-8"))


def entry(site: Path, folder: str, slug: str) -> dict:
    return yaml.safe_load((site.parent / "cases" / folder / f"{slug}.yaml").read_text(encoding="utf-8"))


def check_common(site: Path, url: str, title: str, description: str, og_type: str) -> Head:
    page = head(site, url)
    canonical = SITE_URL + url
    assert page.title.strip() == f"{title} - 营商青岛·共赢之道"
    assert [link["href"] for link in page.links if link.get("rel") == "canonical"] == [canonical]
    meta = page.meta
    assert meta["description"] == meta["og:description"] == meta["twitter:description"] == description
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:url"] == canonical and meta["og:type"] == og_type and meta["og:locale"] == "zh_CN"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    assert meta["og:image"].startswith(canonical + "share.") and meta["og:image"].endswith(".png")
    image = site / meta["og:image"][len(SITE_URL):]
    assert image.is_file()
    from PIL import Image

    assert Image.open(image).size == (int(meta["og:image:width"]), int(meta["og:image:height"])) == (1200, 630)
    assert len(page.json_ld) == 1
    ld = page.json_ld[0]
    assert ld["@context"] == "https://schema.org" and ld["url"] == canonical
    return page


def test_case_page_share_tags_and_article(demo_site: Path) -> None:
    case = entry(demo_site, "2022/top-cases", "smart-form-registration")
    ld = check_common(demo_site, CASE, case["title"], case["summary"], "article").json_ld[0]
    assert ld["@type"] == "Article" and ld["headline"] == case["title"] and ld["description"] == case["summary"]
    assert ld["image"] == head(demo_site, CASE).meta["og:image"]
    assert ld["author"] == {"@type": "Organization", "name": case["unit"]}
    assert ld["publisher"]["name"] == "营商青岛·共赢之道" and ld["inLanguage"] == "zh-CN"


def test_person_page_share_tags_and_person(demo_site: Path) -> None:
    person = entry(demo_site, "2022/top-people", "zhang-mingyuan")
    citation = one_line(person["citation"])  # the excerpt: lines joined without stray spaces
    ld = check_common(demo_site, PERSON, person["name"], citation, "profile").json_ld[0]
    assert ld["@type"] == "Person" and ld["name"] == person["name"] and ld["jobTitle"] == person["role"]
    assert ld["worksFor"] == {"@type": "Organization", "name": person["organization"]}
    assert ld["award"] == f"2022 年度十大创新人物 第 {person['rank']} 名"


def test_ambassador_page_share_tags_and_person(demo_site: Path) -> None:
    ambassador = entry(demo_site, "ambassadors", "thomas-schmidt")
    ld = check_common(demo_site, AMBASSADOR, ambassador["name"], ambassador["quote"], "profile").json_ld[0]
    assert ld["@type"] == "Person" and ld["name"] == ambassador["name"]
    assert ld["alternateName"] == ambassador["name_en"] and ld["jobTitle"] == "营商公益大使"
    assert ld["worksFor"]["name"] == ambassador["organization"]


def test_ranking_page_share_tags_and_item_list_in_rank_order(demo_site: Path) -> None:
    page = head(demo_site, RANKING)
    ld = page.json_ld[0]
    assert ld["@type"] == "ItemList" and ld["name"] == "2022 年度十大创新案例" == page.meta["og:title"]
    assert ld["url"] == page.meta["og:url"] == SITE_URL + RANKING
    cases = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
             for p in (demo_site.parent / "cases/2022/top-cases").glob("*.yaml")}
    by_rank = sorted(cases.items(), key=lambda item: item[1]["rank"])
    assert ld["numberOfItems"] == len(by_rank) == 10
    assert [item["position"] for item in ld["itemListElement"]] == [case["rank"] for _, case in by_rank]
    assert [item["url"] for item in ld["itemListElement"]] == [f"{SITE_URL}{RANKING}{slug}/" for slug, _ in by_rank]
    assert [item["name"] for item in ld["itemListElement"]] == [case["title"] for _, case in by_rank]
    html = (demo_site / RANKING / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<li class="pub-card pub-card--case[^"]*">\s*<a href="([^"]+)"', html)
    assert [f"{SITE_URL}{RANKING}{href}" for href in cards] == [item["url"] for item in ld["itemListElement"]]
    assert (demo_site / RANKING / "qr.svg").is_file()


def test_other_pages_share_the_brand_image(demo_site: Path) -> None:
    for url in ["", "ambassadors/", "archive/", "2022/", "about/", "en/about/"]:  # about/: hand-written (content/)
        meta = head(demo_site, url).meta
        assert meta["og:title"] and meta["twitter:card"] == "summary_large_image", url
        assert re.fullmatch(re.escape(SITE_URL) + r"assets/share/site\.[0-9a-f]{12}\.png", meta["og:image"]), url
        assert (demo_site / meta["og:image"][len(SITE_URL):]).is_file()
        assert meta["og:url"] == SITE_URL + url


# --- sitemap, robots.txt, 404, assets, determinism ------------------------------------------------------------


def test_robots_and_sitemap_use_the_site_url(demo_site: Path) -> None:
    assert (demo_site / "robots.txt").read_text(encoding="utf-8") == \
        f"User-agent: *\nAllow: /\n\nSitemap: {SITE_URL}sitemap.xml\n"
    sitemap = (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert SITE_URL in locations and SITE_URL + CASE in locations and len(locations) == len(set(locations))
    for location in locations:
        assert (demo_site / location[len(SITE_URL):] / "index.html").is_file(), location
    day = dt.datetime.fromtimestamp(EPOCH, dt.timezone.utc).date().isoformat()
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {day}  # from SOURCE_DATE_EPOCH, not the clock


def test_404_page_is_ours_with_links_from_the_site_root(demo_site: Path) -> None:
    html = (demo_site / "404.html").read_text(encoding="utf-8")
    assert 'class="pub pub-404"' in html and "页面没有找到" in html and 'content="noindex"' in html
    links = re.findall(r'<a class="md-button[^"]*" href="([^"]+)">([^<]+)</a>', html)
    assert ("/2022/top-cases/", "创新案例") in links and ("/2022/top-people/", "创新人物") in links
    assert re.search(r'href="/assets/publisher\.[0-9a-f]{10}\.css"', html)


def test_own_assets_are_fingerprinted(demo_site: Path) -> None:
    for suffix in ("css", "js"):
        [asset] = (demo_site / "assets").glob(f"publisher.*.{suffix}")
        digest = asset.name.split(".")[1]
        assert digest == hashlib.sha256(asset.read_bytes()).hexdigest()[:10]
        source = ROOT / "templates/theme/assets" / f"publisher.{suffix}"
        assert asset.read_bytes() == source.read_bytes()
        assert f"../../../assets/{asset.name}" in (demo_site / CASE / "index.html").read_text(encoding="utf-8")
    assert not (demo_site / "assets/publisher.css").exists()


def test_two_builds_without_cache_are_byte_identical(project: Path, tmp_path: Path) -> None:
    first = run_build_py(project, "build", "--site-dir", str(tmp_path / "one"))
    assert first.returncode == 0, first.stderr
    shutil.rmtree(project / ".cache")  # draw every share image and QR code again
    second = run_build_py(project, "build", "--site-dir", str(tmp_path / "two"))
    assert second.returncode == 0, second.stderr

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    one, two = digest(tmp_path / "one"), digest(tmp_path / "two")
    assert one.keys() == two.keys() and [k for k in one if one[k] != two[k]] == []
    assert any(k.endswith(".png") for k in one) and any(k.endswith("qr.svg") for k in one)


# --- under a sub-path --------------------------------------------------------------------------------------


def test_subpath_build_links_and_tags(subpath_site: Path) -> None:
    assert check_site(subpath_site) == []  # site URL from robots.txt: 404.html's /campaign/… links resolve
    wrong_root = {p.target for p in check_site(subpath_site, SITE_URL)}
    assert "/campaign/2022/top-cases/" in wrong_root  # so root-relative links really are checked
    meta = head(subpath_site, CASE).meta
    assert meta["og:url"] == SUB_URL + CASE and meta["og:image"].startswith(SUB_URL + CASE + "share.")
    assert f"Sitemap: {SUB_URL}sitemap.xml" in (subpath_site / "robots.txt").read_text(encoding="utf-8")
    html = (subpath_site / "404.html").read_text(encoding="utf-8")
    assert 'href="/campaign/2022/top-cases/"' in html and 'href="/campaign/assets/stylesheets/' in html


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def with_own_chromium(test) -> None:
    """Run `test(browser)` with a Chromium of its own, in a fresh thread: Playwright's sync API will not
    start a second time in a thread where another one runs (test_browser.py's session browser)."""
    def run() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                test(browser)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


@pytest.mark.browser
def test_site_works_under_a_sub_path_in_a_browser(subpath_site: Path) -> None:
    require_browser()
    with_own_chromium(lambda browser: browse_under_a_sub_path(browser, subpath_site))


def browse_under_a_sub_path(chromium_browser, subpath_site: Path) -> None:
    shots = Path("/tmp/browser-shots")
    shots.mkdir(exist_ok=True)
    with serve_site(subpath_site, "/campaign/") as server, open_page(chromium_browser) as page:
        elsewhere: list[str] = []
        failed: list[tuple[int, str]] = []
        page.on("request", lambda r: None if r.url.startswith((server.origin + "/", "data:", "blob:"))
                else elsewhere.append(r.url))
        page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
        internal: set[str] = set()
        for url in ["", RANKING, CASE, PERSON, AMBASSADOR, "ambassadors/", "archive/", "about/", "categories/"]:
            response = page.goto(server.url_for(url))
            assert response and response.status == 200, url
            sea = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pub-sea').trim()")
            assert sea == "#0b5cad", f"publisher CSS not applied on {url}"
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            internal |= {h.split("#")[0] for h in hrefs if h.startswith(server.origin)}
        for href in sorted(internal):  # every internal link on those pages is served, inside the prefix
            assert href.startswith(server.url), href
            with urllib.request.urlopen(href) as reply:
                assert reply.status == 200, href

        # search: open it, type, follow the first result
        page.goto(server.url_for(""))
        page.click("label[for=__search]")
        page.fill("input[data-md-component=search-query]", "注册")
        page.wait_for_selector(".md-search-result__link", timeout=15_000)
        page.click(".md-search-result__link >> nth=0")
        page.wait_for_load_state()
        assert page.url.startswith(server.url) and page.url != server.url

        # ambassador filter: choose an identity; only those ambassadors stay, the query sits under the prefix
        page.goto(server.url_for("ambassadors/"))
        values = page.eval_on_selector_all("[data-filter] input[name=identity]",
                                           "inputs => inputs.map(i => i.value).filter(Boolean)")
        chosen = values[0]
        page.click(f"[data-filter] input[name=identity][value='{chosen}'] + span")
        assert page.evaluate("location.pathname") == "/campaign/ambassadors/"
        assert f"identity={chosen}" in page.evaluate("location.search")
        shown = page.eval_on_selector_all("[data-filter-items] > li:not([hidden])", "items => items.map(i => i.dataset.identity)")
        assert shown and set(shown) == {chosen}

        # the QR code, as the page shows it on a phone, decodes to the canonical URL
        for url in [CASE, RANKING]:
            page.goto(server.url_for(url))
            block = page.locator(".pub-share")
            block.scroll_into_view_if_needed()
            page.wait_for_function("() => { const i = document.querySelector('.pub-share img');"
                                   " return i && i.complete && i.naturalWidth > 0; }")
            if url == CASE:
                block.screenshot(path=str(shots / "share-block-phone.png"))
            assert decode_qr(page.locator(".pub-share img").screenshot()) == [SUB_URL + url]
        page.emulate_media(media="print")  # printable: the code stays, bigger; the pager goes
        width = page.evaluate("document.querySelector('.pub-share img').getBoundingClientRect().width")
        assert 120 <= width <= 140  # 3.5 cm
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).display") == "none"
        page.emulate_media(media="screen")
        assert elsewhere == [] and failed == []

    # any unknown address under the prefix gets our 404 page, styled, with working links (as a host serves it)
    with serve_site(subpath_site, "/campaign/") as server, open_page(chromium_browser) as page:
        server.answer_missing_with_404(page)
        response = page.goto(server.url_for("2019/no/such/page/"))
        assert response.status == 404 and page.locator("h1").first.inner_text() == "页面没有找到"
        sea = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pub-sea').trim()")
        assert sea == "#0b5cad"
        page.screenshot(path=str(shots / "404-phone.png"))
        page.unroute_all(behavior="ignoreErrors")  # in-flight handlers of this page must not race the next one
        page.click(".pub-404__links a:has-text('创新案例')")
        page.wait_for_load_state()
        assert page.url == server.url_for(RANKING)
