"""Text left exactly as `build.py new` wrote it: a warning in `check`, an error in `build --strict`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from publisher.cli import main as cli


def run(root: Path, capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = cli(root, list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def line_of(path: Path, prefix: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(prefix))


def test_untouched_template_is_a_warning_with_file_line_and_field(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(project, capsys, "new", "case", "yi-wang-tong-ban", "--year", "2023")[0] == 0
    path = project / "cases/2023/top-cases/yi-wang-tong-ban.yaml"
    code, output = run(project, capsys, "check")
    assert code == 0, output
    assert "检查通过" in output
    for field in ("title", "summary", "unit", "body"):
        where = f"cases/2023/top-cases/yi-wang-tong-ban.yaml:{line_of(path, field + ':')}:1: {field}: 提醒：还是模板里的示例文字"
        assert where in output, output
    assert "category:" not in output and "rank:" not in output  # chosen values are never placeholders
    hint = output.splitlines()[output.splitlines().index(next(l for l in output.splitlines() if ": title: " in l)) + 1]
    assert hint.strip().startswith("提示:")


def test_strict_build_refuses_placeholders_and_leaves_the_site(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(project, capsys, "new", "ambassador", "li-si")
    code, output = run(project, capsys, "build", "--strict")
    assert code == 1, output
    assert re.search(r"^cases/ambassadors/li-si\.yaml:\d+:1: name: 还是模板里的示例文字“李四”$", output, re.M), output
    assert "提醒" not in output.split("\n共")[0]  # errors now, not warnings
    assert "网站没有更新" in output and not (project / "site").exists()


def test_replaced_text_is_no_longer_flagged(project: Path, capsys: pytest.CaptureFixture) -> None:
    run(project, capsys, "new", "person", "wang-wu", "--year", "2023")
    path = project / "cases/2023/top-people/wang-wu.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("name: 张三", "name: 王五"), ("role: ××处处长", "role: 窗口负责人"),
                     ("organization: 市行政审批服务局", "organization: 青岛市崂山区行政审批服务局"),
                     ("citation: |\n  第一行\n  第二行", "citation: |\n  一窗受理\n  一次办好")):
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    code, output = run(project, capsys, "check")
    assert code == 0 and "提醒" not in output, output


def test_the_demo_has_no_placeholder(project: Path, capsys: pytest.CaptureFixture) -> None:
    """Real values (青岛, a real district, a real case) must never read as placeholders."""
    code, output = run(project, capsys, "check")
    assert code == 0 and "提醒" not in output and "示例文字" not in output, output
