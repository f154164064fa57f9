"""Does our refined search index still find what Material's default index finds?

Both indexes are queried the way Material 9's search worker does it, emulated
in Python:

* indexing: a document's title and text, HTML tags removed, lower-cased, split
  by the index's own `separator` (which includes the zero-width space Material
  puts between jieba segments) → tokens;
* querying: a Chinese run in the query is segmented against the index's own
  vocabulary (the worker's `segment()` over `index.invertedIndex`, ported line
  by line below), each segment becomes a term with a trailing wildcard, and a
  page matches when any of its tokens starts with any term (lunr OR query).

Queries are Chinese words of the pages, chosen deterministically: whole words as
jieba and Material segment them, and sub-words (dictionary words found inside
longer words, e.g. 注册 in 登记注册, which the refinement exists for). The truth
for a query is every page whose text contains it. Reported per group: recall
(true pages found), and results per query (how many pages a reader is shown).
Ranking is not emulated.
"""

from __future__ import annotations

import bisect
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jieba

_TAG = re.compile(r"<[^>]+>")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


@dataclass
class Index:
    """A search index, reduced to what matching needs: page → tokens, and sorted vocabulary."""

    texts: dict[str, str]  # page → plain text (segment marks removed): the ground truth
    postings: dict[str, set[str]]  # token → pages
    vocabulary: list[str]  # sorted tokens

    @classmethod
    def load(cls, path: Path) -> Index:
        data = json.loads(path.read_text(encoding="utf-8"))
        separator = re.compile(data["config"]["separator"])
        texts: dict[str, list[str]] = defaultdict(list)
        postings: dict[str, set[str]] = defaultdict(set)
        for doc in data["docs"]:
            page = doc["location"].split("#")[0]
            for field in ("title", "text"):
                plain = _TAG.sub(" ", doc.get(field) or "").lower()
                texts[page].append(plain.replace("\u200b", ""))
                for token in separator.split(plain):
                    if token:
                        postings[token].add(page)
        return cls({p: "\n".join(t) for p, t in texts.items()}, dict(postings), sorted(postings))

    def segment(self, text: str) -> set[str]:
        """Material's worker `segment(query, invertedIndex)` (search worker, 9.x), in Python."""
        table = [0] * len(text)
        for start in range(len(text)):
            for end in range(start + 1, len(text)):  # sic: the worker never looks up the whole rest
                if text[start:end] in self.postings:
                    table[start] = end - start
        found: set[str] = set()
        stack = [0]
        while stack:
            at = stack.pop()
            for step in range(1, table[at]):
                if table[at + step] > table[at] - step:
                    found.add(text[at:at + step])
                    stack.append(at + step)
            after = at + table[at]
            if after < len(text) - 1 and table[after]:
                stack.append(after)
            found.add(text[at:after])
        return {text} if "" in found else found

    def pages_with_prefix(self, term: str) -> set[str]:
        pages: set[str] = set()
        start = bisect.bisect_left(self.vocabulary, term)
        for token in self.vocabulary[start:]:
            if not token.startswith(term):
                break
            pages |= self.postings[token]
        return pages

    def search(self, query: str) -> set[str]:
        pages: set[str] = set()
        for term in self.segment(query):
            pages |= self.pages_with_prefix(term)
        return pages


def _queries(index: Index, count: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    words = sorted(t for t in index.postings if _HAN_WORD.match(t) and len(t) <= 4)
    whole = rng.sample(words, min(count, len(words)))
    jieba.setLogLevel(60)
    jieba.initialize()
    dictionary = jieba.dt.FREQ
    inner = sorted({t[i:i + 2] for t in words if len(t) >= 3 for i in range(1, len(t) - 1)
                    if dictionary.get(t[i:i + 2])} - set(whole))
    return {"whole words": whole, "sub-words": rng.sample(inner, min(count, len(inner)))}


def compare(default_path: Path, ours_path: Path, count: int = 150, seed: int = 5) -> dict[str, object]:
    """Recall and result counts of Material's default index vs ours, over the same queries."""
    default, ours = Index.load(default_path), Index.load(ours_path)
    pages = sorted(default.texts)
    report: dict[str, object] = {"pages": len(pages), "groups": {}}
    lost_examples: list[str] = []
    for group, queries in _queries(default, count, seed).items():
        sums = {"default_recall": 0.0, "ours_recall": 0.0, "default_results": 0, "ours_results": 0, "lost": 0}
        for query in queries:
            truth = {p for p in pages if query in default.texts[p]}
            found_default, found_ours = default.search(query), ours.search(query)
            sums["default_recall"] += len(found_default & truth) / len(truth) if truth else 1.0
            sums["ours_recall"] += len(found_ours & truth) / len(truth) if truth else 1.0
            sums["default_results"] += len(found_default)
            sums["ours_results"] += len(found_ours)
            if (found_default & truth) - found_ours:
                sums["lost"] += 1
                if len(lost_examples) < 8:
                    lost_examples.append(query)
        n = max(1, len(queries))
        report["groups"][group] = {  # type: ignore[index]
            "queries": len(queries),
            "default_recall": round(sums["default_recall"] / n, 4), "ours_recall": round(sums["ours_recall"] / n, 4),
            "default_results": round(sums["default_results"] / n, 1), "ours_results": round(sums["ours_results"] / n, 1),
            "queries_losing_pages": sums["lost"],
        }
    report["lost_examples"] = lost_examples
    return report
