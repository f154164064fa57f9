"""Search in a real browser: the demo site, Material's search box, our worker (templates/theme/assets/search-worker.js).

The accuracy test draws queries from the demo's own pages with a seeded random choice (n-grams,
sub-words inside longer runs, full and given names, Latin names, places, single characters,
two-word queries, strings found nowhere). The truth for a query is the set of pages whose
searchable text (the article minus `data-search-exclude`, read from the built HTML) contains it.

Run `pytest tests/test_search_browser.py -k accuracy -s` to see recall and precision printed.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from browser_support import chromium_browser, open_page, site_server_factory  # noqa: F401 (fixtures)
from conftest import run_build_py
from publisher import search as search_index
from test_browser import (CASE_PAGE, SEARCH_DONE, SEARCH_META, SEARCH_RESULT_LINKS, content, goto, phone,  # noqa: F401
                          result_paths, search, site)

pytestmark = pytest.mark.browser

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
RECALL_GOAL, PRECISION_GOAL = 0.99, 0.95
BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "section",
         "article", "aside", "header", "footer", "figure", "figcaption", "blockquote", "details", "summary", "br",
         "dt", "dd", "dl", "nav", "audio", "video", "hr"}


# --- the truth: what each page shows as searchable text ------------------------------------------------------


class SearchableText(HTMLParser):
    """Text of <article class="md-content__inner">, without data-search-exclude parts, permalinks and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside the article when > 0
        self.skipping = 0  # depth at which an excluded element started (0: not skipping)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if self.depth == 0:
            if tag == "article" and "md-content__inner" in (names.get("class") or ""):
                self.depth = 1
            return
        if tag in ("br", "hr", "img", "input", "source", "meta", "link", "wbr"):
            self.parts.append("\n")
            return
        self.depth += 1
        if not self.skipping and ("data-search-exclude" in names or tag in ("script", "style")
                                  or "headerlink" in (names.get("class") or "")):
            self.skipping = self.depth
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0 or tag in ("br", "hr", "img", "input", "source", "meta", "link", "wbr"):
            return
        if self.skipping == self.depth:
            self.skipping = 0
        self.depth -= 1
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts)).lower()


@pytest.fixture(scope="session")
def page_texts(demo_site: Path) -> dict[str, str]:
    """Site path → searchable text, for every page the search indexes."""
    manifest = json.loads((demo_site / search_index.INDEX_FILE).read_text(encoding="utf-8"))["config"]["publisher"]["zh"]
    urls = [url for number in range(0, manifest["pages"], manifest["titles"])
            for url, _ in json.loads((demo_site / "search" / manifest["path"] / f"t{number // manifest['titles']}.json")
                                     .read_text(encoding="utf-8"))]
    texts = {url: SearchableText.of((demo_site / url / "index.html").read_text(encoding="utf-8")) for url in urls}
    assert all(texts.values()) and len(texts) > 40, "precondition: the demo's pages have searchable text"
    return texts


# --- queries drawn from the demo ------------------------------------------------------------------------------


def draw_queries(texts: dict[str, str], cases_dir: Path, seed: int = 12) -> list[tuple[str, str]]:
    """(kind, query) pairs: the same kinds the issue measured, chosen by a seeded random generator."""
    rng = random.Random(seed)
    runs = sorted({run for text in texts.values() for run in HAN_RUN.findall(text)})
    long_runs = [run for run in runs if len(run) >= 4]
    people = [yaml.safe_load(p.read_text(encoding="utf-8"))
              for p in sorted(cases_dir.glob("*/top-people/*.yaml")) + sorted(cases_dir.glob("ambassadors/*.yaml"))]
    chinese_names = sorted({p["name"] for p in people if re.fullmatch(r"[\u4e00-\u9fff]{3}", p["name"])})
    latin_names = sorted({p["name_en"] for p in people if p.get("name_en")})
    site_yaml = yaml.safe_load((cases_dir / "site.yaml").read_text(encoding="utf-8"))
    places = sorted({d["name"] for d in site_yaml["districts"]} | {p["region"] for p in people if p.get("region")})
    everything = "\n".join(texts.values())

    def ngram(low: int, high: int) -> str:
        run = rng.choice([r for r in runs if len(r) >= low])
        size = rng.randint(low, min(high, len(run)))
        start = rng.randrange(len(run) - size + 1)
        return run[start:start + size]

    def inside() -> str:  # a sub-word: ends a longer run without starting it (found only by substring search)
        run = rng.choice(long_runs)
        size = rng.randint(2, 3)
        return run[len(run) - size:]

    def nowhere() -> str:
        while True:
            query = "".join(rng.choice(rng.choice(runs)) for _ in range(rng.randint(2, 4)))
            if query not in everything:
                return query

    queries = [("n-gram", ngram(2, 8)) for _ in range(20)] + [("single character", ngram(1, 1)) for _ in range(4)]
    queries += [("sub-word", inside()) for _ in range(10)]
    queries += [("full name", name) for name in rng.sample(chinese_names, 6)]
    queries += [("given name", name[1:]) for name in rng.sample(chinese_names, 6)]
    queries += [("Latin name", name) for name in rng.sample(latin_names, min(3, len(latin_names)))]
    queries += [("Latin name", name.split()[-1]) for name in rng.sample(latin_names, min(2, len(latin_names)))]
    queries += [("place", place) for place in rng.sample(places, 5)]
    queries += [("two words", f"{ngram(2, 3)} {ngram(2, 3)}") for _ in range(4)]
    queries += [("nowhere", nowhere()) for _ in range(10)]
    return queries


def all_listed(page, site) -> list[str]:
    """Every page the search lists: scroll the result list until all of the announced results are rendered."""
    announced = re.search(r"\d+", page.locator(SEARCH_META).inner_text())
    expected = int(announced.group()) if announced else 0
    items = page.locator(".md-search-result__item")
    for _ in range(100):
        if items.count() >= expected:
            break
        # Material renders four more each time the list's end comes into view (again: leave it first)
        wrap = page.locator(".md-search__scrollwrap")
        wrap.evaluate("el => el.scrollTo(0, 0)")
        page.wait_for_timeout(20)
        wrap.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(20)
    assert items.count() == expected, f"the search announced {expected} results but rendered {items.count()}"
    # results after the first ten arrive as placeholders; the worker fills in their titles and links
    page.wait_for_function("() => !document.querySelector('.md-search-result__list [data-pub-more]')", timeout=10_000)
    hrefs = page.eval_on_selector_all(SEARCH_RESULT_LINKS, "links => links.map(a => a.href)")
    return list(dict.fromkeys(path for path in result_paths(site, hrefs) if path is not None))


def ask(page, query: str) -> None:
    """Put `query` into the open search box (an input event, as a paste sends) and wait for the answer."""
    page.locator("input.md-search__input").fill(query)
    page.locator(SEARCH_META).filter(has_text=SEARCH_DONE).wait_for(timeout=10_000)


def clear_search(page) -> None:
    page.locator("input.md-search__input").fill("")
    page.locator(SEARCH_META).filter(has_not_text=SEARCH_DONE).wait_for(timeout=10_000)


# --- accuracy ----------------------------------------------------------------------------------------------


def test_search_accuracy_on_queries_drawn_from_the_demo(chromium_browser, site, demo_site, page_texts):  # noqa: F811
    queries = draw_queries(page_texts, demo_site.parent / "cases")
    rows = []
    with open_page(chromium_browser, site.url) as page:
        goto(page, site, "")
        search(page, "青岛")  # opens search the way a reader does
        clear_search(page)
        for kind, query in queries:
            truth = {url for url, text in page_texts.items() if all(w.lower() in text for w in query.split())}
            ask(page, query)
            found = set(all_listed(page, site))
            rows.append((kind, query, truth, found))
            clear_search(page)

    chinese = [row for row in rows if row[0] not in ("Latin name", "nowhere")]
    recall = sum(len(t & f) / len(t) for _, _, t, f in chinese if t) / sum(1 for row in chinese if row[2])
    precision = sum(len(t & f) / len(f) for _, _, t, f in chinese if f) / sum(1 for row in chinese if row[3])
    print(f"\nsearch accuracy over {len(chinese)} Chinese queries: recall {recall:.3f}, precision {precision:.3f}")
    for kind, query, truth, found in rows:
        if truth != found:
            print(f"  {kind} {query!r}: missed {sorted(truth - found)}, wrong {sorted(found - truth)}")
    missed = [(q, sorted(t - f)) for _, q, t, f in rows if t - f]
    wrong = [(q, sorted(f - t)) for _, q, t, f in rows if f - t]
    assert recall >= RECALL_GOAL, f"recall {recall:.3f} < {RECALL_GOAL}: {missed}"
    assert precision >= PRECISION_GOAL, f"precision {precision:.3f} < {PRECISION_GOAL}: {wrong}"
    assert all(not found for kind, _, _, found in rows if kind == "nowhere"), "a query found nowhere listed pages"
    for kind, query, truth, found in rows:
        if kind in ("full name", "given name", "Latin name"):
            assert truth <= found, f"the {kind} {query!r} misses {sorted(truth - found)}"


def test_a_title_match_comes_first_and_matches_are_highlighted(phone, site):
    goto(phone, site, "")
    search(phone, "国栋")  # 郑国栋's own page, and pages that mention him
    first = phone.locator(".md-search-result__item").first
    assert site.site_path(first.locator("a").first.get_attribute("href")) == "2022/top-people/zheng-guodong/"
    assert first.locator("h1 mark").first.inner_text() == "国栋"
    assert "国栋" in first.locator("article mark").all_inner_texts()


def test_a_long_answer_shows_its_exact_count_and_first_results_then_the_rest_as_the_reader_scrolls(
        phone, site, page_texts):
    query = "青岛"
    truth = {url for url, text in page_texts.items() if query in text}
    assert len(truth) > 20, "precondition: the answer is longer than the first ten and a few scrolls"
    titles_read: list[str] = []
    phone.context.on("request", lambda r: titles_read.append(r.url) if re.search(r"/search/zh\.\w+/t\d+\.json", r.url) else None)
    goto(phone, site, "")
    search(phone, query)
    assert phone.locator(SEARCH_META).inner_text().startswith(f"{len(truth)} "), "the count is every page found"
    items = phone.locator(".md-search-result__item")
    first = items.evaluate_all("""items => items.map(item => ({href: item.querySelector('a').href,
        title: item.querySelector('h1').innerText, marked: !!item.querySelector('h1 mark'),
        pending: !!item.querySelector('[data-pub-more]'), excerpt: !!item.querySelector('article mark:not(h1 mark)')}))""")
    assert 10 <= len(first) < len(truth), "Material renders the first ten, the rest when scrolled to"
    assert not any(item["pending"] for item in first[:10]) and all(item["excerpt"] for item in first[:10])
    assert {site.site_path(item["href"]) for item in first[:10]} <= truth
    marked = [item["marked"] for item in first[:10]]
    assert marked[0] and marked == sorted(marked, reverse=True), "pages with the query in their title come first"
    listed = all_listed(phone, site)  # scrolls to the end: every placeholder becomes a link to its page
    assert len(listed) == len(truth) and set(listed) == truth
    assert titles_read, "titles of later results are read from the title files"
    titles = phone.locator(".md-search-result__item h1").all_inner_texts()
    assert all(title.strip() and title.strip() != "…" for title in titles)


def test_a_shared_query_link_lists_results_and_a_result_highlights_its_words_on_the_page(phone, site):
    goto(phone, site, "?q=付费")  # Material's ?q= link: search opens with the query
    link = phone.locator(SEARCH_RESULT_LINKS + "[href*='treat-first-pay-later']").first
    link.wait_for(timeout=5_000)
    assert "h=" in link.get_attribute("href")
    phone.goto(link.get_attribute("href"))
    marked = phone.locator("article mark[data-md-highlight]")
    marked.first.wait_for(timeout=5_000)
    assert set(marked.all_inner_texts()) == {"付费"}


# --- phone keyboards ---------------------------------------------------------------------------------------


def open_search_box(page):
    page.locator("label.md-header__button[for=__search]").first.tap()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.tap()
    return box


def test_results_follow_a_chinese_input_method_without_enter(phone, site):
    goto(phone, site, "")
    box = open_search_box(phone)
    ime = phone.context.new_cdp_session(phone)
    person = phone.locator(SEARCH_RESULT_LINKS + "[href*='zheng-guodong']").first
    ime.send("Input.imeSetComposition", {"text": "guo", "selectionStart": 3, "selectionEnd": 3})
    ime.send("Input.imeSetComposition", {"text": "国栋", "selectionStart": 2, "selectionEnd": 2})
    person.wait_for(timeout=5_000)  # listed while the input method is still composing
    ime.send("Input.insertText", {"text": "国栋"})  # the input method commits; nobody presses Enter
    assert box.input_value() == "国栋"
    person.wait_for(timeout=5_000)
    ime.send("Input.imeSetComposition", {"text": "郑", "selectionStart": 1, "selectionEnd": 1})
    ime.send("Input.insertText", {"text": " 郑"})  # a second word: still the same page, nothing else
    phone.wait_for_function("() => document.querySelector('input.md-search__input').value === '国栋 郑'")
    phone.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 1")
    assert site.site_path(person.get_attribute("href")) == "2022/top-people/zheng-guodong/"


def test_a_pasted_query_searches(phone, site):
    goto(phone, site, "")
    open_search_box(phone)
    phone.keyboard.insert_text("先诊疗后付费")  # what a paste does: text arrives without any key event
    phone.locator(SEARCH_RESULT_LINKS + "[href*='treat-first-pay-later']").first.wait_for(timeout=5_000)


# --- where it loads from -------------------------------------------------------------------------------------


def test_search_works_under_a_sub_path_and_downloads_only_when_used(chromium_browser, demo_site,  # noqa: F811
                                                                    site_server_factory):  # noqa: F811
    server = site_server_factory(demo_site, "/campaign/")
    with open_page(chromium_browser, server.url) as page:
        requested: list[str] = []
        page.context.on("request", lambda request: requested.append(request.url))  # workers' requests too
        goto(page, server, CASE_PAGE)
        page.wait_for_timeout(300)
        # (the worker script itself starts with the page, as Material's did: code, cached, no index)
        assert not [url for url in requested if "/search/" in url], "the index loaded before the reader searched"
        summary, hrefs = search(page, "付费")
        assert "treat-first-pay-later/" in "".join(hrefs), summary
        assert all(server.site_path(href) is not None for href in hrefs), hrefs
    fetched = [url for url in requested if "/search" in url]  # worker and index
    assert fetched and all(url.startswith(server.url) for url in fetched), fetched
    assert all(status < 400 for status, _ in server.requests), [r for r in server.requests if r[0] >= 400]


def test_worker_helpers_match_python(phone, site, page_texts):
    goto(phone, site, "")
    worker = next((Path(site.root) / "assets").glob("search-worker.*.js")).read_text(encoding="utf-8")
    phone.add_script_tag(content=worker)  # its functions become the page's globals; no worker needed
    pairs = sorted({run[i:i + 2] for text in page_texts.values() for run in HAN_RUN.findall(text)
                    for i in range(len(run) - 1)})
    words = sorted({w for text in page_texts.values() for w in re.findall(r"[a-z0-9]+", text)} |
                   {"registrations", "policies", "business", "status", "boxes", "caress", "ponies", "2022s"})
    sample = "ＡＢＣ１２３ａｂｃ Hello 𠀀付费 Ünïcode"
    got = phone.evaluate("([pairs, words, sample]) => [pairs.map(fnv1a), words.map(stem), fold(sample)]",
                         [pairs, words, sample])
    assert got == [[search_index.fnv1a(p) for p in pairs], [search_index.stem(w) for w in words],
                   search_index.fold(sample)]


def test_worker_escapes_markup_it_shows(phone, site):
    goto(phone, site, "")
    worker = next((Path(site.root) / "assets").glob("search-worker.*.js")).read_text(encoding="utf-8")
    phone.add_script_tag(content=worker)
    html = phone.evaluate("() => highlight('<img src=x onerror=alert(1)> 付费 &amp;', ['付费'])")
    assert html == "&lt;img src=x onerror=alert(1)&gt; <mark data-md-highlight>付费</mark> &amp;amp;"


# --- one index per language ----------------------------------------------------------------------------------


def test_each_language_searches_only_its_own_pages(chromium_browser, project, site_server_factory):  # noqa: F811
    (project / "content" / "en").mkdir(exist_ok=True)
    (project / "content" / "en" / "quorvex.md").write_text(
        "# Quorvex registration of companies\n\nSmart forms cut the policies down to one page.\n", encoding="utf-8")
    result = run_build_py(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    server = site_server_factory(project / "site")
    with open_page(chromium_browser, server.url) as page:
        goto(page, server, "")
        worker = page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).search")
        assert worker.endswith("?lang=zh")
        ask = """async ([worker, query]) => {
            const index = await (await fetch('search/search_index.json')).json()
            const run = new Worker(worker)
            const answer = new Promise(resolve => run.onmessage = event => event.data.type === 3 && resolve(event.data))
            run.postMessage({type: 0, data: index})
            run.postMessage({type: 2, data: query})
            const result = await answer
            run.terminate()
            return result.data.items.map(items => items[0].location)
        }"""
        english = worker.replace("?lang=zh", "?lang=en")
        assert "en/quorvex/" in page.evaluate(ask, [english, "register"])  # stems and prefixes: registration
        assert page.evaluate(ask, [english, "quorvex policy"]) == ["en/quorvex/"]  # policies → policy
        assert all(url.startswith("en/") for url in page.evaluate(ask, [english, "registration"]))
        assert page.evaluate(ask, [english, "付费"]) == []  # the Chinese pages have it, the English do not
        assert page.evaluate(ask, [worker, "quorvex"]) == []  # only the English page has it
        chinese = page.evaluate(ask, [worker, "付费"])
        assert "2022/top-cases/treat-first-pay-later/" in chinese and not any(u.startswith("en/") for u in chinese)
    shutil.rmtree(project / "site")
