"""Make Material's search find Chinese words inside compounds.

Material segments Chinese with jieba and its search matches word *prefixes*;
jieba keeps compounds whole (登记注册, 后付费), so 注册 or 付费 would find
nothing. We split every long segment further into its dictionary sub-words,
which the browser-side query segmenter then matches. We also write the index
as UTF-8 instead of `\\uXXXX` escapes, which halves its size for Chinese.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jieba

ZWSP = "\u200b"  # Material's separator between segments: invisible in result snippets
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}")

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
    """Re-segment Material's jieba-segmented text so sub-words become tokens of their own."""
    return _HAN_RUN.sub(lambda m: ZWSP.join(_split_run(m.group(0))), text)


def _split_run(run: str) -> list[str]:
    # The run may still be several words when Material's segmentation left it joined.
    return [part for word in jieba.cut(run, HMM=True) for part in finer_segments(word)]


def refine_index(path: Path) -> None:
    """Rewrite Material's search_index.json in place with finer segments, as UTF-8."""
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index.get("docs", []):
        for key in ("title", "text"):
            if doc.get(key):
                doc[key] = refine(doc[key])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
