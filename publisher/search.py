"""Segment the search index's Chinese so that words inside compounds are found.

Material's search matches word *prefixes* and splits text at a separator;
jieba keeps compounds whole (登记注册, 后付费), so 注册 or 付费 would find
nothing. We segment with jieba and split every long word further into its
dictionary sub-words, which the browser-side query segmenter then matches.
Segmenting is most of a large build's time, so results are cached per text
across builds. The index is written as UTF-8 instead of `\\uXXXX` escapes,
which halves its size for Chinese.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import jieba

from .cache import Memo

ZWSP = "\u200b"  # Material's separator between segments: invisible in result snippets
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_REPEATED_ZWSP = re.compile(ZWSP + "{2,}")
CACHE_VERSION = "2"  # bump when segmentation changes

jieba.setLogLevel(60)  # jieba prints to stderr on first use; keep builds quiet


@lru_cache(maxsize=65536)
def finer_segments(word: str) -> tuple[str, ...]:
    """Split a dictionary word into its best segmentation *without* the word itself.

    Keeps the word whole when the only alternative is single characters
    (a name such as 张明远 should stay one token).
    """
    if len(word) <= 2:
        return (word,)
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    dag = tokenizer.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(word, dag, route)
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append(word[start:end])
        start = end
    if all(len(p) == 1 for p in pieces):
        return (word,)
    return tuple(part for piece in pieces for part in finer_segments(piece))


def refine(text: str) -> str:
    """Separate every Chinese word (and sub-word) with ZWSP, as Material's own jieba step would, but finer."""
    marked = _HAN_RUN.sub(lambda m: ZWSP + ZWSP.join(_split_run(m.group(0))) + ZWSP, text)
    return _REPEATED_ZWSP.sub(ZWSP, marked).strip(ZWSP)


def _split_run(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [part for word in jieba.cut(run, HMM=True) for part in finer_segments(word)]


def refine_index(path: Path, cache_file: Path | None = None) -> None:
    """Rewrite Material's search_index.json in place with finer segments, as UTF-8.

    `cache_file` keeps segmented texts between builds.
    """
    memo = Memo(cache_file, CACHE_VERSION)
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index.get("docs", []):
        for key in ("title", "text"):
            if text := doc.get(key):
                digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
                doc[key] = memo.get(digest, lambda: refine(text))
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    memo.save()
