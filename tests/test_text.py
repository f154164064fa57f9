"""Excerpts made from several lines of editors' text (publisher/text.py)."""

import pytest

from publisher.text import one_line

CASES = [
    ("她把缴费窗口前的长队，\n折成一条顺畅的就诊动线；\n让信用替病人多走一步。\n", "她把缴费窗口前的长队，折成一条顺畅的就诊动线；让信用替病人多走一步。"),
    ("先走一遍； 一部", "先走一遍；一部"),
    ("“规则透明” ， 沟通顺畅", "“规则透明”，沟通顺畅"),
    ("从青岛\n出发", "从青岛出发"),
    ("Made in\nQingdao", "Made in Qingdao"),
    ("2022 年，第 1 名", "2022 年，第 1 名"),  # spaces between digits and Han are the editor's choice: kept
    ("  引进\tBMW  项目 \n", "引进 BMW 项目"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1] or "empty" for c in CASES])
def test_one_line_leaves_no_space_by_chinese_punctuation(text, expected):
    assert one_line(text) == expected
