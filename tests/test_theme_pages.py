"""Material's own pages as our templates dress them (templates/theme/): the share block of hand-written pages,
the skip link of every page, and the 404 page a host serves for a mistyped address, in both languages.

The share block's paths come from publisher/urls.py and its words from publisher/i18n.py, as a generated
page's do: a project whose QR-code file name and share sentence are changed in those two places shows the
change on its hand-written pages too. The rest runs in headless Chromium at phone size (390 × 844).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from browser_support import PHONE
from conftest import copy_project, run_build_py
from test_browser import SHOTS_DIR, goto, phone, site  # noqa: F401 (fixtures)

SITE_URL = "https://x.example.cn/campaign/"


def share_block(html: str) -> str:
    return re.search(r'<aside class="pub-share[^"]*".*?</aside>', html, re.S).group(0)


def test_hand_written_pages_share_like_generated_ones_from_urls_and_i18n(project: Path) -> None:
    changed = {"publisher/urls.py": [('QR_FILE = "qr.svg"', 'QR_FILE = "scan-me.svg"')],
               "publisher/i18n.py": [("用手机扫一扫，打开或转发本页。", "扫一扫，转给朋友。"),
                                     ("Scan with a phone to open or pass on this page.", "Scan it, pass it on.")]}
    for name, replacements in changed.items():
        path = project / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    result = run_build_py(project, "build", "--site-url", SITE_URL)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    for page, sentence in (("about/", "扫一扫，转给朋友。"), ("en/about/", "Scan it, pass it on.")):
        block = share_block((site / page / "index.html").read_text(encoding="utf-8"))
        assert '<img class="pub-share__qr" src="scan-me.svg"' in block and (site / page / "scan-me.svg").is_file()
        assert f"<p>{sentence}</p>" in block
        assert f'<p class="pub-share__url">{SITE_URL}{page}</p>' in block
        ranking = site / page.replace("about/", "2022/top-cases/") / "index.html"
        generated = share_block(ranking.read_text(encoding="utf-8"))
        assert f"<p>{sentence}</p>" in generated  # the very same words as a generated page's


# --- in a browser -----------------------------------------------------------------------------------------

SKIP_PAGES = {"2022/top-cases/": "跳到正文", "ambassadors/thomas-schmidt/": "跳到正文", "en/": "Skip to content",
              "about/": "跳到正文", "en/about/": "Skip to content"}  # generated and hand-written, both languages


@pytest.mark.browser
@pytest.mark.parametrize("path", list(SKIP_PAGES))
def test_the_first_tab_shows_a_skip_link_and_enter_moves_focus_into_the_content(phone, site, path: str) -> None:
    goto(phone, site, path)
    phone.keyboard.press("Tab")
    focused = phone.evaluate("() => ({text: document.activeElement.textContent.trim(),"
                             " href: document.activeElement.hash})")
    assert focused == {"text": SKIP_PAGES[path], "href": "#pub-main"}
    # Material fades it in when focused: wait for it, then it is on screen, over the header
    phone.wait_for_function("() => getComputedStyle(document.activeElement).opacity === '1'")
    box = phone.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["width"] > 40 and box["height"] > 20 and 0 <= box["top"] < 100 and box["left"] >= 0
    assert phone.locator(".md-skip:visible").count() == 1  # Material's own (pages with a table of contents) gave way
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "pub-main"
    phone.keyboard.press("Tab")  # the next stop is the content's first link, past the header and the tabs
    assert phone.evaluate("!!document.activeElement.closest('article.md-content__inner')")


@contextlib.contextmanager
def not_found_page(browser, server, javascript: bool = True):
    """A phone page whose missing addresses get 404.html with status 404, as a host serves it."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript,
                                  locale="zh-CN", service_workers="block")
    page = context.new_page()
    server.answer_missing_with_404(page)
    try:
        yield page
    finally:
        page.unroute_all(behavior="ignoreErrors")
        context.close()


def screenshot(page, name: str) -> None:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / name))


def parts(page) -> list[list[str]]:
    """The 404 page's language parts in reading order: [lang, "H1 heading" or "H2 heading"]."""
    return page.eval_on_selector_all(".pub-404 [data-pub-lang]", """parts => parts.map(part => {
        const heading = part.querySelector('h1, h2');
        return [part.lang, heading.tagName + ' ' + heading.textContent]; })""")


@pytest.mark.browser
def test_a_missing_english_address_gets_the_404_page_in_english_first(chromium_browser, subpath_site: Path,
                                                                      site_server_factory) -> None:
    server = site_server_factory(subpath_site, "/campaign/")
    with not_found_page(chromium_browser, server) as page:
        response = page.goto(server.url_for("en/nothing/"))
        assert response.status == 404
        assert page.evaluate("document.documentElement.lang") == "en" and page.title().startswith("Page not found")
        assert parts(page) == [["en", "H1 Page not found"], ["zh-CN", "H2 页面没有找到"]]
        assert page.locator(".pub-skip").inner_text() == "Skip to content"
        screenshot(page, "404-en.png")
        # search (behind the header's magnifier) looks in the English edition, in English
        page.locator("label.md-header__button[for=__search]").tap()
        box = page.locator("input.md-search__input")
        assert box.get_attribute("placeholder") == "Search"
        box.fill("hospital")
        meta = page.locator(".md-search-result__meta").filter(has_text="matching document")
        meta.wait_for(timeout=10_000)
        links = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
        assert links and all(server.site_path(href).startswith("en/") for href in links), links
        page.goto(server.url_for("en/no/such/page/"))
        page.click("text=Go to the English edition")
        page.wait_for_load_state()
        assert page.url == server.url_for("en/")

        page.goto(server.url_for("no/such/page/"))  # a Chinese address: Chinese first, as before
        assert page.evaluate("document.documentElement.lang") == "zh"
        assert parts(page) == [["zh-CN", "H1 页面没有找到"], ["en", "H2 Page not found"]]


@pytest.mark.browser
def test_without_javascript_the_404_page_still_leads_an_english_reader_to_the_english_edition(
        chromium_browser, subpath_site: Path, site_server_factory) -> None:
    server = site_server_factory(subpath_site, "/campaign/")
    with not_found_page(chromium_browser, server, javascript=False) as page:
        assert page.goto(server.url_for("en/nothing/")).status == 404
        assert parts(page) == [["zh-CN", "H1 页面没有找到"], ["en", "H2 Page not found"]]
        english = page.locator("a", has_text="Go to the English edition")
        box = english.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"]  # on the first screen of a phone
        screenshot(page, "404-en-no-js.png")
        english.click()
        page.wait_for_load_state()
        assert page.url == server.url_for("en/")
