"""publisher/search.py: Material's entries → a sharded index our worker reads (browser side: test_search_browser.py)."""

from __future__ import annotations

import json
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
