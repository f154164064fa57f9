"""Command-line mistakes are explained in Chinese with a usage line; `new`'s slug goes before or after --year."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_build_py
from publisher import launch
from publisher.cli import main as cli

ENGLISH = re.compile(r"usage:|error:|invalid choice|unrecognized arguments|the following arguments are required|"
                     r"expected one argument|invalid int value")


@pytest.mark.parametrize("order", [["--year", "2023", "yi-wang-tong-ban"], ["yi-wang-tong-ban", "--year", "2023"],
                                   ["--year=2023", "yi-wang-tong-ban"]])
def test_slug_and_year_in_either_order(order: list[str], project: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli(project, ["new", "case", *order]) == 0
    assert (project / "cases/2023/top-cases/yi-wang-tong-ban.yaml").is_file()
    assert "已新建 cases/2023/top-cases/yi-wang-tong-ban.yaml" in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    (["nwe"], "命令（check 检查、build 生成网站、serve 预览、new 新建条目 …）不能是“nwe”；可以写：check、build、serve、new"),
    ([], "缺少命令"),
    (["new"], "缺少条目类型（case 案例、person 人物、ambassador 大使）"),
    (["new", "kase"], "条目类型（case 案例、person 人物、ambassador 大使）不能是“kase”；可以写：case、person、ambassador"),
    (["new", "case", "a", "b"], "多出了看不懂的内容：b"),
    (["check", "--fast"], "多出了看不懂的内容：--fast"),
    (["new", "case", "--year", "二〇二三"], "年份要写四位数字，如 2023，不能是“二〇二三”"),
    (["new", "case", "--year"], "年份（--year）后面要写一个值"),
])
def test_argument_errors_are_chinese_with_a_usage_line(argv: list[str], says: str, project: Path) -> None:
    result = run_build_py(project, *argv)
    assert result.returncode == 2
    assert says in result.stderr, result.stderr
    assert re.search(r"^用法：python3? build\.py", result.stderr, re.M), result.stderr
    assert re.search(r"^提示：运行 python3? build\.py .*--help", result.stderr, re.M)
    assert not ENGLISH.search(result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_chinese_too(project: Path) -> None:
    result = run_build_py(project, "new", "--help")
    assert result.returncode == 0
    assert "用法：" in result.stdout and "选项：" in result.stdout and "显示这段说明" in result.stdout
    assert "usage:" not in result.stdout


def test_argument_errors_in_english_on_request(project: Path) -> None:
    result = run_build_py(project, "--lang", "en", "new", "kase")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "invalid choice: 'kase'" in result.stderr and "用法" not in result.stderr


def test_a_bad_slug_is_refused_before_anything_is_written(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli(project, ["new", "case", "Smart Form"]) == 2
    assert "只用小写英文字母、数字和连字符" in capsys.readouterr().out
    assert not list((project / "cases").rglob("Smart*"))


def test_usage_names_the_command_as_typed_on_windows(monkeypatch: pytest.MonkeyPatch, project: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    import types
    import os

    monkeypatch.setattr(launch, "os", types.SimpleNamespace(name="nt", environ=os.environ))
    monkeypatch.setattr(launch.shutil, "which", lambda name: "C:\\Windows\\py.exe" if name == "py" else None)
    with pytest.raises(SystemExit):
        cli(project, ["nwe"])
    err = capsys.readouterr().err
    assert err.startswith("用法：py build.py") and "运行 py build.py --help" in err
    monkeypatch.setattr(launch.shutil, "which", lambda name: None)
    assert launch.build_command("check") == "python build.py check"
