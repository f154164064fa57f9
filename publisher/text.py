"""Small pure functions on editors' text."""

from __future__ import annotations

import re

# Han characters and the full-width punctuation Chinese text uses: no space belongs next to these
_CJK = (r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        r"\ufe30-\ufe4f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014\u00b7")
_CJK_PUNCTUATION = r"\u3000-\u303f\ufe30-\ufe4f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014"
_BREAK_BETWEEN_HAN = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_SPACE_BY_PUNCTUATION = re.compile(rf"\s+(?=[{_CJK_PUNCTUATION}])|(?<=[{_CJK_PUNCTUATION}])\s+")
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Several lines as one excerpt: a line break between Chinese characters or by Chinese punctuation
    disappears (Chinese puts no space there: "长队，\\n折成" → "长队，折成"); any other run of white space
    becomes one space ("Made in\\nQingdao" → "Made in Qingdao"), so Latin words stay apart."""
    text = _BREAK_BETWEEN_HAN.sub("", text.strip())
    text = _SPACE_BY_PUNCTUATION.sub("", text)
    return _SPACES.sub(" ", text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
