"""Critical CSS (publisher/critical_css.py): a page paints its first screen from its inline CSS alone.

The unit part checks which rules a page keeps; the browser part loads each page kind twice, once as
built and once with the full stylesheets blocked, and compares the first screens pixel for pixel.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from browser_support import open_page
from publisher.critical_css import Stylesheets, page_names, parse, selector_matches_names, subset
from test_browser import PAGES, goto, site  # noqa: F401

NAMES = frozenset({".md-typeset", ".pub-card", "#main", "html", "body", "div", "p", "a"})


@pytest.mark.parametrize(("selector", "needed"), [
    (".md-typeset p", True),
    (".md-typeset .admonition", False),  # a class the page lacks
    (".md-typeset table", False),  # an element the page lacks
    ("#main>.pub-card:hover::after", True),
    (".md-typeset :is(.admonition,.pub-card)", True),  # one alternative is there
    (".md-typeset :is(.admonition,details)", False),
    (".pub-card:not(.md-hidden)", True),  # :not() is not judged: kept in doubt
    ('a[href$=".pdf"]', True),  # a dot in an attribute test is no class
    ("[dir=rtl] .md-typeset", True),
])
def test_a_rule_is_kept_when_the_page_has_everything_its_selector_names(selector, needed):
    assert selector_matches_names(selector, NAMES) is needed


def test_subset_keeps_media_groups_and_only_the_custom_properties_used():
    css = (":root{--used:red;--unused:url(data:x);--chain:var(--used)}.md-typeset p{color:var(--chain)}"
           "@media screen{.admonition{color:red}.md-typeset{margin:0}}@media print{.admonition{x:y}}"
           'a::after{content:"{"}')
    kept = subset(parse(css), NAMES)
    assert "--unused" not in kept and "--used:red" in kept and "--chain:var(--used)" in kept
    assert "@media screen{.md-typeset{margin:0}}" in kept and "admonition" not in kept and "@media print" not in kept
    assert 'a::after{content:"{"}' in kept


def test_page_names_reads_classes_ids_and_elements():
    assert page_names('<div class="a  b" id="x"><P>t</P></div>') >= {".a", ".b", "#x", "div", "p"}


def test_pages_get_their_rules_inline_and_load_the_sheets_without_blocking(tmp_path: Path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main.css").write_text(".used{color:red}.unused{color:blue}", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    page = tmp_path / "sub" / "index.html"  # where the page will be written: its links resolve from there
    written = ('<html><head><link rel="stylesheet" href="../assets/main.css"></head>'
               '<body class="used"></body></html>')

    html = Stylesheets(tmp_path, "https://example.org/").rewrite(written, page)

    assert html != written
    assert "<style>.used{color:red}</style>" in html and ".unused" not in html
    assert '<link rel="stylesheet" href="../assets/main.css" media="print" data-pub-deferred>' in html
    assert " onload=" not in html  # applied by one script, not by inline event handlers
    assert '<noscript><link rel="stylesheet" href="../assets/main.css"></noscript>' in html


def test_pages_differing_only_in_a_modifier_share_one_subset_holding_every_modifier_of_that_block(tmp_path: Path):
    (tmp_path / "main.css").write_text(".ph{x:0}.ph--1{color:red}.ph--2{color:blue}.chip--a{y:1}.other{z:2}",
                                       encoding="utf-8")
    sheets = Stylesheets(tmp_path)
    one, two = (sheets.critical((tmp_path / "main.css",), frozenset({".ph", f".ph--{n}"})) for n in (1, 2))

    assert one == two == ".ph{x:0}.ph--1{color:red}.ph--2{color:blue}"  # not .chip--a: the page has no chip
    assert sheets.critical((tmp_path / "main.css",), frozenset({".ph"})) == ".ph{x:0}"  # no modifier, none added


# --- in the browser: the first screen from inline CSS alone is the first screen ----------------------------------


@pytest.mark.browser
def test_first_screen_needs_nothing_but_the_inline_css(chromium_browser, site):  # noqa: F811
    different = []
    for path in PAGES:
        shots = []
        for block in (False, True):
            with open_page(chromium_browser, site.url) as page:
                if block:
                    page.route("**/*.css", lambda route: route.abort())
                goto(page, site, path)
                page.wait_for_load_state("networkidle")  # the first screen's pictures, with or without CSS
                page.evaluate("() => Promise.race([new Promise(done => setTimeout(done, 3000)), Promise.all("
                              "[document.fonts.ready, ...[...document.images].filter(image => image.complete)"
                              ".map(image => image.decode().catch(() => null))])]).then(() => true)")
                page.wait_for_timeout(100)
                sheets = page.evaluate("[...document.styleSheets].filter(s => !s.ownerNode.matches('style')"
                                       " && s.ownerNode.media === 'all').length")  # loaded and applied
                shots.append((page.screenshot(), sheets))
        (full, full_sheets), (inline_only, _) = shots
        assert full_sheets >= 2, f"{path or 'home'}: the full stylesheets did not load"
        if not _same_screen(full, inline_only):
            different.append(path or "home")
    assert not different, f"first screens that differ without the full stylesheets: {different}"


def _same_screen(one: bytes, other: bytes) -> bool:
    """Equal to the eye: Chromium may antialias a rounded corner one or two levels apart between two
    loads of the same page; a rule missing from the inline CSS changes colours or moves things."""
    first, second = (Image.open(io.BytesIO(shot)).convert("RGB") for shot in (one, other))
    if first.size != second.size:
        return False
    return max(high for _, high in ImageChops.difference(first, second).getextrema()) <= 8
