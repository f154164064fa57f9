"""On a phone (390 × 844, touch): the header's language switch is a thumb-sized target, and a hand-written
page's share block carries a QR code of its own address, as every generated entry page's does."""

from __future__ import annotations

import io
import re

import pytest

from test_browser import goto, phone, site  # noqa: F401

pytestmark = pytest.mark.browser
TAP = 44  # px: WCAG 2.5.5 and Apple's guideline for a thumb (as in test_a11y.py)


@pytest.mark.parametrize(("path", "label"), [("", "EN"), ("about/", "EN"), ("en/", "中文")])
def test_language_switch_is_at_least_44px_and_inside_the_header(phone, site, path, label):  # noqa: F811
    goto(phone, site, path)
    switch = phone.locator(".md-header .pub-lang-switch")
    assert switch.inner_text().strip() == label
    box, header = switch.bounding_box(), phone.locator(".md-header").bounding_box()
    assert box["width"] >= TAP and box["height"] >= TAP, f"{path or 'home'}: {box['width']}×{box['height']} px"
    assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], (box, header)
    # the tap lands on it, not on a neighbour: the element at its centre is the switch itself
    assert phone.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.pub-lang-switch') !== null",
                          [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])


@pytest.mark.parametrize("path", ["about/", "en/about/"])
def test_hand_written_page_shares_a_qr_code_of_its_own_address(phone, site, path):  # noqa: F811
    import zxingcpp
    from PIL import Image

    goto(phone, site, path)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', phone.content()).group(1)
    block = phone.locator(".pub-share")
    block.scroll_into_view_if_needed()
    code = block.locator("img.pub-share__qr")
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=code.element_handle(), timeout=10_000)
    assert code.get_attribute("alt")
    assert canonical.endswith(path) and canonical in block.inner_text()  # the address shown beside it
    decoded = [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))]
    assert decoded == [canonical]


@pytest.mark.parametrize("path", ["", "2022/top-cases/", "about/"])
def test_header_is_complete_before_materials_bundle_runs(phone, site, path):  # noqa: F811
    """The first paint may come before Material's script has run (a slow phone, a slow network). Its header
    already holds the search button, so nothing in it moves when the script arrives: no layout shift."""
    phone.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())  # the script never arrives
    goto(phone, site, path)
    assert "no-js" not in phone.evaluate("document.documentElement.className")
    search = phone.locator(".md-header label.md-header__button[for=__search]")
    assert search.is_visible()
    switch = phone.locator(".md-header .pub-lang-switch").bounding_box()
    assert switch["x"] + switch["width"] <= search.bounding_box()["x"] + 1  # beside it, where it stays


def test_without_javascript_the_header_hides_the_search_button(chromium_browser, site):  # noqa: F811
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                           java_script_enabled=False)
    try:
        page = context.new_page()
        goto(page, site, "")
        assert "no-js" in page.evaluate("document.documentElement.className")
        assert not page.locator(".md-header label.md-header__button[for=__search]").is_visible()  # it could not search
    finally:
        context.close()
