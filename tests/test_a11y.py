"""Accessibility and the phone look, in a real browser: what auditors and readers on phones check.

- axe-core (pinned in tests/js/package.json, installed with `npm ci` on first use) finds no violation
  on any page kind, at phone and desktop size;
- text the audit flagged before (prev/next labels, figure units, source links) was really checked
  for contrast, and passed;
- everything a thumb taps on a phone is at least 44 × 44 px;
- without JavaScript, rankings, entries and the whole ambassador wall read well, with no dead filter;
- the interface speaks Chinese, the current tab is marked, and keyboard focus stays out of the
  closed phone menu.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_support import CHROMIUM, DESKTOP, PHONE, in_ci, open_page, require_browser
from test_browser import (AMBASSADOR_PAGE, CASE_PAGE, CASES_RANKING, PAGES, PEOPLE_RANKING, PERSON_PAGE,  # noqa: F401
                          content, goto, phone, site)

pytestmark = pytest.mark.browser

JS_DIR = Path(__file__).resolve().parent / "js"
AXE = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
TAP = 44  # px: WCAG 2.5.5 and Apple's guideline for a thumb
AUDITED = PAGES + ["en/", f"en/{CASE_PAGE}", "en/ambassadors/", "en/about/"]  # and the English edition
# axe's "experimental" and best-practice rules are included: Lighthouse runs several of them
AXE_OPTIONS = {"resultTypes": ["violations", "passes"]}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, installed from the lock file the first time (npm ci)."""
    if not AXE.exists():
        if shutil.which("npm") is None:
            message = "axe-core is not installed and npm is missing (install Node.js 20 and npm)"
            pytest.fail(message, pytrace=False) if in_ci() else pytest.skip(message)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS_DIR, check=True,
                       timeout=600)
    return AXE.read_text(encoding="utf-8")


def run_axe(page, axe_source: str, rules: list[str] | None = None) -> dict:
    page.add_script_tag(content=axe_source)
    options = {**AXE_OPTIONS, **({"runOnly": {"type": "rule", "values": rules}} if rules else {})}
    return page.evaluate("options => axe.run(document, options)", options)


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n" +
                     "\n".join(f"    {n['target']}: {n['failureSummary'].splitlines()[-1].strip()}" for n in v["nodes"][:5])
                     for v in violations)


# --- axe: no violations on any page kind ------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violations_on_any_page_kind(chromium_browser, site, axe_source, viewport):  # noqa: F811
    found = {}
    with open_page(chromium_browser, site.url, viewport=viewport) as page:
        for path in AUDITED:
            goto(page, site, path)
            result = run_axe(page, axe_source)
            assert result["passes"], f"{path or 'home'}: axe checked nothing"
            if result["violations"]:
                found[path or "home"] = describe(result["violations"])
    assert not found, "axe-core found violations:\n" + "\n".join(f"{p}:\n{v}" for p, v in found.items())


# the elements the audit found too faint, and where they are
CHECKED_FOR_CONTRAST = [(CASE_PAGE, ".pub-pager small"), ("", ".pub-figures small"), (CASE_PAGE, ".pub-sources a"),
                        (CASES_RANKING, ".pub-card__text"), ("ambassadors/", ".pub-filter legend")]


@pytest.mark.parametrize(("path", "selector"), CHECKED_FOR_CONTRAST, ids=[s for _, s in CHECKED_FOR_CONTRAST])
def test_once_faint_text_is_checked_and_has_contrast(phone, site, axe_source, path, selector):
    goto(phone, site, path)
    assert phone.locator(selector).count(), f"precondition: {path or 'home'} has no {selector}"

    result = run_axe(phone, axe_source, ["color-contrast", "link-in-text-block"])

    checked = phone.evaluate("""([selector, targets]) => {
        const wanted = [...document.querySelectorAll(selector)];
        return wanted.filter(el => targets.some(t => { const n = document.querySelector(t); return n && (n === el || el.contains(n)); })).length;
    }""", [selector, [n["target"][-1] for rule in result["passes"] for n in rule["nodes"]
                      if rule["id"] == "color-contrast"]])
    assert checked, f"axe did not check the contrast of {selector} on {path or 'home'}"
    assert not result["violations"], describe(result["violations"])


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two opaque CSS colours given as rgb(r, g, b)."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_rank_marks_on_pictures_have_text_contrast(phone, site):
    """axe cannot judge them (they sit on pictures), so their own colours are measured: gold, silver, bronze
    and the rest, small bold text, need 4.5:1."""
    goto(phone, site, CASES_RANKING)
    marks = phone.evaluate("""() => [...document.querySelectorAll('.pub-rank')].map(el => {
        const style = getComputedStyle(el);
        return [el.textContent.trim(), style.color, style.backgroundColor];
    })""")
    assert {text for text, _, _ in marks} >= {"1", "2", "3", "4"}
    faint = [(text, round(contrast(colour, background), 2)) for text, colour, background in marks
             if contrast(colour, background) < 4.5]
    assert not faint, faint


def test_source_links_stand_out_by_more_than_colour(phone, site):
    goto(phone, site, CASE_PAGE)
    links = phone.locator(".pub-sources a")
    assert links.count(), "precondition: the case has linked sources"
    decorations = links.evaluate_all("links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert all("underline" in d for d in decorations), decorations


# --- tap targets ------------------------------------------------------------------------------------------------

TAPPABLE = [("", ".pub-more a"), ("", ".pub-actions a"), (CASES_RANKING, ".pub-crumbs a"),
            (CASES_RANKING, ".pub-actions a"), (CASE_PAGE, ".pub-crumbs a"), (CASE_PAGE, "a.pub-chip"),
            (CASE_PAGE, ".pub-pager a"), (PERSON_PAGE, ".pub-crumbs a"), (AMBASSADOR_PAGE, "a.pub-chip"),
            ("ambassadors/", ".pub-filter__identity label"), ("ambassadors/", ".pub-filter select"),
            ("archive/", ".pub-editions a"), ("categories/", ".pub-category-tiles a")]


@pytest.mark.parametrize(("path", "selector"), TAPPABLE, ids=[f"{p or 'home'} {s}" for p, s in TAPPABLE])
def test_tap_targets_are_at_least_44px_on_a_phone(phone, site, path, selector):
    goto(phone, site, path)
    boxes = phone.locator(selector).evaluate_all(
        "els => els.filter(e => e.getClientRects().length).map(e => { const r = e.getBoundingClientRect();"
        " return [e.textContent.trim().slice(0, 12), Math.round(r.width), Math.round(r.height)]; })")
    assert boxes, f"precondition: {path or 'home'} shows no {selector}"
    small = [box for box in boxes if box[1] < TAP or box[2] < TAP]
    assert not small, f"{path or 'home'}: {selector} smaller than {TAP}×{TAP} px (text, width, height): {small}"


def test_rank_badges_keep_their_number_inside_the_circle(phone, site):
    goto(phone, site, CASES_RANKING)
    badges = phone.locator(".pub-cards > li .pub-rank").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e), t = document.createRange();"
        " t.selectNodeContents(e); const w = t.getBoundingClientRect().width;"
        " return {text: e.textContent.trim(), width: r.width, text_width: w, background: s.backgroundColor}; })")
    ten = next(b for b in badges if b["text"] == "10")
    assert ten["text_width"] <= 0.7 * ten["width"], f"“10” fills its badge: {ten}"
    greys = [b for b in badges[3:] if "rgba" in b["background"]]
    assert not greys, f"ranks 4–10 should sit on a solid brand colour, not a translucent grey: {greys}"


def test_person_picture_is_centred_on_a_phone(phone, site):
    goto(phone, site, PERSON_PAGE)
    box = phone.locator(".pub-head__visual .pub-visual").bounding_box()
    column = phone.locator(".pub-head").bounding_box()
    left, right = box["x"] - column["x"], column["x"] + column["width"] - box["x"] - box["width"]
    assert abs(left - right) <= 2, f"the picture sits {left:.0f} px from the left, {right:.0f} px from the right"


def test_no_blank_band_under_the_header_on_the_phone_home_page(phone, site):
    goto(phone, site, "")
    header = phone.locator(".md-header").bounding_box()
    banner = phone.locator(".pub-banner").bounding_box()
    gap = banner["y"] - (header["y"] + header["height"])
    assert gap <= 1, f"{gap:.0f} px of blank band between the header and the banner"


def test_desktop_reading_measure_is_about_35_to_40_em(chromium_browser, site):  # noqa: F811
    with open_page(chromium_browser, site.url, viewport=DESKTOP) as page:
        for path in (CASE_PAGE, "about/"):
            goto(page, site, path)
            # paragraphs that wrap (a one-line note may sit in a wider box: its line is short anyway)
            ems = page.locator(".md-typeset p").evaluate_all("""ps => ps.map(p => {
                const s = getComputedStyle(p), box = p.getBoundingClientRect();
                return box.height >= 1.9 * parseFloat(s.lineHeight) ? box.width / parseFloat(s.fontSize) : 0; })""")
            assert max(ems) >= 20, f"precondition: {path} has no paragraph of several lines"
            assert max(ems) <= 41, f"{path}: paragraphs {max(ems):.0f} em wide"


# --- without JavaScript --------------------------------------------------------------------------------------------


@pytest.fixture
def phone_without_js(chromium_browser, site):  # noqa: F811
    context = chromium_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                           java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_without_javascript_the_wall_shows_everyone_and_no_dead_filter(phone_without_js, site, content):
    goto(phone_without_js, site, "ambassadors/")
    tiles = phone_without_js.locator("[data-filter-items] > li")
    shown = tiles.evaluate_all("els => els.filter(e => e.getClientRects().length > 0).length")
    assert shown == tiles.count() == len(content.ambassadors)
    assert phone_without_js.locator("[data-filter]").is_hidden(), "a filter that cannot filter must not show"


@pytest.mark.parametrize("path", [CASES_RANKING, PEOPLE_RANKING, CASE_PAGE, PERSON_PAGE, AMBASSADOR_PAGE])
def test_without_javascript_rankings_and_entries_read_well(phone_without_js, site, path):
    goto(phone_without_js, site, path)
    heading = phone_without_js.locator(".md-content h1")
    assert heading.count() == 1 and heading.is_visible()
    width = phone_without_js.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{path} scrolls sideways without JavaScript: {width}"
    assert phone_without_js.locator(".pub-crumbs a").first.is_visible()
    if path in (CASES_RANKING, PEOPLE_RANKING):
        assert phone_without_js.locator(".pub-cards > li").count() == 10


# --- interface language, navigation and focus ------------------------------------------------------------------------


def test_interface_strings_are_chinese(chromium_browser, site):  # noqa: F811
    with open_page(chromium_browser, site.url, viewport=DESKTOP) as page:
        goto(page, site, "about/")
        alts = page.locator(".md-header img, .md-nav img").evaluate_all("imgs => imgs.map(i => i.alt)")
        assert alts and all(alt and alt.lower() != "logo" for alt in alts), alts
        titles = page.locator("a.headerlink").evaluate_all("links => links.map(a => a.title)")
        assert titles and all("Permanent" not in t and t for t in titles), set(titles)
        dialog = page.locator(".md-search[role=dialog]")
        assert dialog.count() == 1 and (dialog.get_attribute("aria-label") or "").strip(), "the search dialog needs a name"


@pytest.mark.parametrize(("path", "tab"), [(CASE_PAGE, CASES_RANKING), (PERSON_PAGE, PEOPLE_RANKING),
                                           (AMBASSADOR_PAGE, "ambassadors/"), ("about/", "about/")])
def test_current_tab_is_marked_on_entry_pages(chromium_browser, site, path, tab):  # noqa: F811
    with open_page(chromium_browser, site.url, viewport=DESKTOP) as page:
        goto(page, site, path)
        active = page.locator(".md-tabs__item--active a").evaluate_all("links => links.map(a => a.href)")
        assert [site.site_path(href) for href in active] == [tab], active
        assert page.locator(".md-tabs__item--active a[aria-current=page], .md-tabs__item--active a[aria-current=true]"
                            ).count() == 1


def test_keyboard_focus_skips_the_closed_phone_menu(phone, site):
    goto(phone, site, CASE_PAGE)
    focused = []
    for _ in range(12):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("""() => { const e = document.activeElement;
            return e.closest('.md-sidebar--primary') ? 'menu' : (e.isConnected && e.getClientRects().length ? 'ok' : 'hidden'); }"""))
    assert "menu" not in focused and "hidden" not in focused, focused


@pytest.mark.parametrize("path", [CASE_PAGE, PERSON_PAGE, "about/"])
def test_pages_carry_breadcrumb_and_share_block(phone, site, path):
    goto(phone, site, path)
    assert phone.locator(".pub-crumbs a").first.is_visible()
    assert phone.locator(".pub-share").is_visible()


def test_about_page_has_no_lone_sidebar(chromium_browser, site):  # noqa: F811
    with open_page(chromium_browser, site.url, viewport=DESKTOP) as page:
        goto(page, site, "about/")
        assert page.locator(".md-sidebar--primary").evaluate_all(
            "els => els.filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden' "
            "&& e.querySelectorAll('a').length).length") == 0


# --- Lighthouse's accessibility score (its performance score swings with the machine: bench/lighthouse.py) ---------

LIGHTHOUSE = JS_DIR / "node_modules" / ".bin" / "lighthouse"
# one page, the richest: a Lighthouse run takes 30–50 s here; axe above covers every page kind
LIGHTHOUSE_PAGES = [CASE_PAGE]


@pytest.mark.parametrize("path", LIGHTHOUSE_PAGES, ids=[p or "home" for p in LIGHTHOUSE_PAGES])
def test_lighthouse_accessibility_is_100(site, axe_source, tmp_path, path):  # axe_source: npm ci has run
    require_browser()
    report = tmp_path / "report.json"
    flags = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-sync"
    subprocess.run([str(LIGHTHOUSE), site.url_for(path), "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=accessibility", f"--chrome-flags={flags}"],
                   check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    result = json.loads(report.read_text(encoding="utf-8"))
    category = result["categories"]["accessibility"]
    failing = [ref["id"] for ref in category["auditRefs"] if result["audits"][ref["id"]].get("score") == 0]
    assert category["score"] == 1, f"{path or 'home'}: Lighthouse accessibility {category['score'] * 100:.0f}, failing {failing}"
