"""Segment the search index's Chinese so that words inside compounds are found.

Material's search matches word *prefixes* and splits text at a separator;
jieba keeps compounds whole (登记注册, 后付费), so 注册 or 付费 would find
nothing. We segment with jieba and split every long word further into its
dictionary sub-words, which the browser-side query segmenter then matches.
The index is written as UTF-8 instead of `\\uXXXX` escapes, which halves its
size for Chinese.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jieba


ZWSP = "\u200b"  # Material's separator between segments: invisible in result snippets
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_REPEATED_ZWSP = re.compile(ZWSP + "{2,}")

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


def refine_entry(doc: dict) -> dict:
    return {**doc, **{key: refine(doc[key]) for key in ("title", "text") if doc.get(key)}}


def write_index(path: Path, index: dict) -> None:
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
