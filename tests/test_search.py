"""publisher/search.py: Material's entries → a sharded index our worker reads (browser side: test_search_browser.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from publisher import search

DOCS = [
    {"location": "2022/top-cases/pay/", "title": "先诊疗后付费", "text": "<p>患者&lt;先&gt;看病，后付费。H5页面与５Ｇ</p>"},
    {"location": "2022/top-cases/pay/#how", "title": "怎么做", "text": "<p>信用就医</p>"},
    {"location": "ambassadors/thomas/", "title": "托马斯·施密特", "text": "<p>Thomas Schmidt 在青岛</p>"},
    {"location": "en/about/", "title": "About", "text": "<p>Registrations and policies</p>"},
]


def write(tmp_path: Path, docs: list[dict] = DOCS) -> dict:
    (tmp_path / "search").mkdir(exist_ok=True)
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"config": {"separator": "[\\s]+"}, "docs": docs}))
    search.write_index(tmp_path, docs)
    return json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))


def shard(tmp_path: Path, manifest: dict, name: str) -> dict | list:
    return json.loads((tmp_path / "search" / manifest["path"] / name).read_text(encoding="utf-8"))


def test_material_entries_become_pages_of_plain_text_in_site_order() -> None:
    pages = search.pages_of(DOCS)
    assert [p.url for p in pages] == ["2022/top-cases/pay/", "ambassadors/thomas/", "en/about/"]
    assert pages[0].sections == [("", "先诊疗后付费", "患者<先>看病，后付费。H5页面与５Ｇ"), ("how", "怎么做", "信用就医")]
    assert search.page_text(pages[0]) == "先诊疗后付费\n患者<先>看病，后付费。H5页面与５Ｇ\n怎么做\n信用就医\n"
    assert search.title_and_body(pages[0]) == ("先诊疗后付费", "患者<先>看病，后付费。H5页面与５Ｇ\n怎么做\n信用就医\n")


def postings_of(*pages: tuple[str, str], language: str = "zh") -> search.Postings:
    postings = search.Postings(language)
    for number, (title, body) in enumerate(pages):
        postings.add(number, title, body)
    return postings


def test_pairs_and_words_carry_page_and_position_in_one_number() -> None:
    page, body = search.PAGE_LIMIT, search.TITLE_SPAN
    found = postings_of(("先诊疗后付费", "H5页面，５Ｇ与h5"), ("", "付费"))
    assert found.pairs["付费"] == [4, page + body] and found.pairs["先诊"] == [0] and found.pairs["页面"] == [body + 2]
    assert found.singles["费"] == [0, 1] and found.singles["与"] == [0] and "H" not in found.singles
    assert found.title_singles["费"] == [0] and "与" not in found.title_singles
    assert found.words == {"h5": [body, body + 8], "5g": [body + 5]}  # lower-cased, full-width folded


def test_a_title_stays_below_the_span_where_the_rest_of_the_page_starts() -> None:
    found = postings_of(("付费" * 600, "付费"))  # an absurdly long title is cut, never mistaken for the text
    title = [p for p in found.pairs["付费"] if p < search.TITLE_SPAN]
    assert title and title[-1] + 2 <= search.TITLE_SPAN and found.pairs["付费"][len(title)] == search.TITLE_SPAN


def test_positions_count_utf16_units_like_javascript() -> None:
    found = postings_of(("", "𠀀付费 ok"))  # U+20000 is two UTF-16 units
    assert found.pairs["付费"] == [search.TITLE_SPAN + 2] and found.words["ok"] == [search.TITLE_SPAN + 5]


def test_english_words_are_indexed_by_stem() -> None:
    assert postings_of(("Registrations open", ""), language="en").words == {"registr": [0], "open": [14]}


@pytest.mark.parametrize(("query", "word"), [("register", "registration"), ("register", "registered"),
                                            ("policy", "policies"), ("policies", "policy"), ("company", "companies"),
                                            ("invest", "investors"), ("service", "services"), ("open", "opening")])
def test_an_english_query_stem_starts_the_stems_of_its_relatives(query: str, word: str) -> None:
    assert search.stem(word).startswith(search.stem(query))


@pytest.mark.parametrize("word", ["business", "status", "2022s", "bus", "for", "h5"])
def test_short_words_digits_and_ss_us_endings_stay_whole(word: str) -> None:
    assert search.stem(word) == word


def test_index_is_split_by_language_and_lists_no_documents(tmp_path: Path) -> None:
    index = write(tmp_path)
    assert index["docs"] == [] and index["config"]["separator"] == "[\\s]+"  # Material's config kept
    zh, en = index["config"]["publisher"]["zh"], index["config"]["publisher"]["en"]
    assert (zh["pages"], en["pages"], zh["stem"], en["stem"]) == (2, 1, False, True)
    assert shard(tmp_path, zh, "t0.json") == [["2022/top-cases/pay/", "先诊疗后付费"], ["ambassadors/thomas/", "托马斯·施密特"]]
    assert shard(tmp_path, en, "t0.json") == [["en/about/", "About"]]
    assert list(shard(tmp_path, en, "wr.json")) == ["registr"]  # Registrations
    assert "thomas" in shard(tmp_path, zh, "wt.json") and not (tmp_path / "search" / en["path"] / "wt.json").exists()


def test_a_pair_is_in_the_shard_its_hash_names_with_its_pages_and_positions(tmp_path: Path) -> None:
    zh = write(tmp_path)["config"]["publisher"]["zh"]
    found = shard(tmp_path, zh, f"b{search.fnv1a('付费') & (zh['pairs'] - 1)}.json")
    assert found["付费"] == [4, zh["title_span"] + 9 - 4]  # gaps: page 0 at 4 (the title) and …后付费 in the text
    single = shard(tmp_path, zh, f"u{search.fnv1a('青') & (zh['singles'] - 1)}.json")
    assert single["青"] == [[1], []]  # page 1 only, not in its title
    single = shard(tmp_path, zh, f"u{search.fnv1a('施') & (zh['singles'] - 1)}.json")
    assert single["施"] == [[1], [1]]  # page 1, in its title


def test_page_files_hold_location_and_sections_as_text(tmp_path: Path) -> None:
    zh = write(tmp_path)["config"]["publisher"]["zh"]
    raw = (tmp_path / "search" / zh["path"] / "p0.json").read_text(encoding="utf-8")
    page = json.loads(raw)
    assert "\\u" not in raw and page["url"] == "2022/top-cases/pay/" and page["sections"][1] == ["how", "怎么做", "信用就医"]


def test_a_language_without_pages_gets_no_index_and_old_folders_go(tmp_path: Path) -> None:
    first = write(tmp_path)["config"]["publisher"]
    second = write(tmp_path, DOCS[:3])["config"]["publisher"]
    assert list(second) == ["zh"] and second["zh"]["path"] == first["zh"]["path"]  # same content, same name
    assert sorted(p.name for p in (tmp_path / "search").iterdir()) == sorted([second["zh"]["path"].strip("/"),
                                                                              "search_index.json"])
    assert "信用就医" in search.indexed_text(tmp_path)


def test_shards_grow_in_number_not_in_size() -> None:
    assert search.shard_count(0) == 1 and search.shard_count(search.SHARD_TARGET_BYTES * 5) == 8


# --- a page's entries: the same as Material's search plugin makes them --------------------------------------

TRICKY_PAGES = {
    "a heading nested in an element, then text after it": '<div><h2 id="a">A</h2><p>in a</p></div><p>after</p>',
    "a section once left is never returned to": '<div><div><h2 id="b">B</h2></div><p>after b</p>'
                                                '<div><div><h3 id="c">C</h3></div>z</div></div>',
    "no h1 first, a preface and a permalink": '<p>first</p><h2 id="x">X<a class="headerlink" href="#x">¶</a></h2><p>x</p>',
    "excluded blocks, nested alike and unalike": '<h1 id="t">T</h1><div data-search-exclude><div>in</div>out</div>'
                                                 '<nav data-search-exclude><p>menu</p></nav><p>kept</p>',
    "an excluded heading drops its section": '<h2 id="s" data-search-exclude>S</h2><p>gone</p><h2 id="k">K</h2><p>k</p>',
    "scripts, styles, comments and a > in an attribute": '<p>a<script>var x = "<p>no</p>";</script>b</p><style>p{}</style>'
                                                         '<!-- <p>hidden</p> --><img alt="1 > 0"><p title="a>b">c</p>',
    "entities, zero-width spaces and empty elements": '<p>&lt;先&gt; &amp; &#8203;后</p><p></p><p> </p><ul><li>一</li><li></li></ul>',
    "pre keeps its spaces": '<pre><code>a\n\n  b</code></pre><p>c\n d</p>',
    "upper case and self-closing tags": '<H2 ID="u">U</H2><P>x<br/>y</P><sub>2</sub>',
}


def material_entries(url: str, title: str, content: str, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    from types import SimpleNamespace

    from material.plugins.search import plugin as material

    monkeypatch.setattr(material, "jieba", None)  # the build never segments (the benchmark installs jieba)
    index = material.SearchIndex()
    index.add_entry_from_context(SimpleNamespace(meta={"title": title}, title=title, content=content, toc=[], url=url))
    return [{key: entry[key] for key in ("location", "title", "text")} for entry in index.entries]


@pytest.mark.parametrize("content", TRICKY_PAGES.values(), ids=TRICKY_PAGES.keys())
def test_entries_are_what_materials_search_plugin_makes(content: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert search.entries("p/", "Page", content) == material_entries("p/", "Page", content, monkeypatch)


def test_every_demo_page_gets_materials_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    from publisher import pipeline

    build = pipeline.prepare(Path(__file__).resolve().parent.parent, site_url="https://example.org/")
    assert len(build.pages) > 100
    for page in build.pages:
        assert search.entries(page.url, page.title, page.html) == material_entries(page.url, page.title, page.html,
                                                                                   monkeypatch), page.url
    build.close()


# --- the index made beside the build ------------------------------------------------------------------------

PAGES = [("2022/top-cases/pay/", "先诊疗后付费", '<p>患者&lt;先&gt;看病，后付费。H5页面与５Ｇ</p><h2 id="how">怎么做</h2><p>信用就医</p>'),
         ("ambassadors/thomas/", "托马斯·施密特", "<p>Thomas Schmidt 在青岛</p>"),
         ("en/about/", "About", "<p>Registrations and policies</p>")]


def folder_contents(site_dir: Path) -> dict[str, str]:
    return {str(path.relative_to(site_dir)): path.read_text(encoding="utf-8")
            for path in sorted((site_dir / "search").rglob("*")) if path.is_file()}


def indexed_beside(site_dir: Path) -> tuple[dict[str, str], dict]:
    (site_dir / "search").mkdir(parents=True)
    (site_dir / search.INDEX_FILE).write_text(json.dumps({"config": {"separator": "[\\s]+"}, "docs": []}))
    index = search.IndexBeside(site_dir, PAGES)
    processes = {language: worker.process for language, worker in index.workers.items()}
    assert sorted(processes) == ["en", "zh"] and all(process is not None for process in processes.values())
    return index, processes


@pytest.mark.parametrize("failure", ["none", "raises", "killed"])
def test_the_index_made_beside_is_the_same_and_survives_its_processes_failing(
        tmp_path: Path, failure: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    write(tmp_path / "here")
    expected = folder_contents(tmp_path / "here")
    assert search.entries(*PAGES[0])[1] == DOCS[1] and expected  # the same pages as DOCS
    build_process, index_here = os.getpid(), search._index_rendered

    def failing_beside(language: str, *rest: object) -> dict:
        if os.getpid() != build_process and language == "zh":
            if failure == "raises":
                raise OSError("No space left on device")
            if failure == "killed":
                time.sleep(60)  # until the test kills it, as the out-of-memory killer would
        return index_here(language, *rest)

    monkeypatch.setattr(search, "_index_rendered", failing_beside)
    index, processes = indexed_beside(tmp_path / "beside")
    if failure == "killed":
        processes["zh"].kill()
    index.write()
    assert not any(process.is_alive() for process in processes.values())  # none left running
    assert folder_contents(tmp_path / "beside") == expected


def test_the_preview_rewrites_only_the_language_whose_entries_changed(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    first = search.write_index(tmp_path, DOCS)
    zh_folder = tmp_path / "search" / first["zh"][1]["path"]
    (zh_folder / "t0.json").write_text("[]")  # were it written again, this would be undone
    english = [dict(doc, text="<p>Permits in one day</p>") if doc["location"] == "en/about/" else doc for doc in DOCS]
    second = search.write_index(tmp_path, english, first)
    assert second["zh"] is first["zh"] and (zh_folder / "t0.json").read_text() == "[]"
    assert second["en"][1]["path"] != first["en"][1]["path"]
    assert sorted(p.name for p in (tmp_path / "search").iterdir() if p.is_dir()) == sorted(
        manifest["path"].rstrip("/") for _, manifest in second.values())  # the old English folder is gone
    shutil.rmtree(zh_folder)  # a full rebuild emptied the preview's folder
    third = search.write_index(tmp_path, english, second)
    assert (zh_folder / "t0.json").read_text() != "[]" and third["zh"][1] == first["zh"][1]


def test_chips_and_badges_are_words_of_their_own_in_what_search_finds() -> None:
    """A page shows its labels (category, district, identity, "示例" …) as separate chips; their text must
    not run into the next word, or "Qingdao" is not found in "Youth representativeQingdaoSample"."""
    from publisher import pipeline

    build = pipeline.prepare(Path(__file__).resolve().parent.parent, site_url="https://example.org/")
    label = re.compile(r'(class="pub-(?:chip|badge)\b[^"]*"[^>]*>)[^<]+<')
    run_together, labels = [], 0
    for page in build.pages:
        marked = label.sub(r"\1LABEL<", page.html)  # each label's text, replaced by one word
        text = " ".join(search.plain(part) for entry in search.entries(page.url, page.title, marked)
                        for part in (entry["title"], entry["text"]))
        labels += text.count("LABEL")
        run_together += [(page.url, found) for found in re.findall(r"\S*LABEL\S*", text) if found != "LABEL"]
    build.close()
    assert labels > 100 and not run_together, run_together[:10]
