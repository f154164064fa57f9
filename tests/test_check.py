"""Every mistake an editor makes ends in a precise message: file:line:column: field: what, and a hint.

Each case edits one demo entry the way an editor would, runs `build.py check`
(in-process, through the same CLI function), and asserts the file, the line,
the field and the message — and that no traceback ever reaches the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from publisher.cli import main as cli

CASE = "cases/2022/top-cases/smart-form-registration.yaml"
CASE2 = "cases/2022/top-cases/chief-approval-officer.yaml"
PERSON = "cases/2022/top-people/zhang-mingyuan.yaml"
AMBASSADOR = "cases/ambassadors/gao-zhenyu.yaml"


def line_of(path: Path, prefix: str) -> int:
    """1-based number of the first line starting with `prefix` (the line the message must point at)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"{prefix!r} not in {path}")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass
class Fault:
    file: str
    edit: Callable[[Path], object]  # edits the project; may return the expected line
    field: str
    says: str  # a fragment of the Chinese message
    line: int | None | str = "edit"  # "edit": the line returned by edit(); None: no line for this fault


def _syntax(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛市行政审批服务局", 'unit: "青岛市行政审批服务局')
    return line_of(path, 'unit: "')


def _tab(root: Path) -> int:
    path = root / CASE
    replace(path, "  - 登记注册", "\t- 登记注册")
    return line_of(path, "\t- 登记注册")


def _fullwidth_colon(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛", "unit：青岛")
    return line_of(path, "unit：")


def _fullwidth_comma(root: Path) -> int:
    path = root / CASE
    replace(path, "tags:\n  - 登记注册\n  - 智能表单\n  - 企业开办", "tags: [登记注册，智能表单]")
    return line_of(path, "tags:")


def _fullwidth_quotes(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛市行政审批服务局", "unit: “青岛市行政审批服务局”")
    return line_of(path, "unit:")


def _gbk(root: Path) -> int:
    path = root / CASE
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    return next(n for n, line in enumerate(text.splitlines(), start=1) if not line.isascii())


def _duplicate(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛市行政审批服务局\n", "unit: 青岛市行政审批服务局\nunit: 另一个单位\n")
    return line_of(path, "unit: 另一个单位")


def _unknown(root: Path) -> int:
    path = root / CASE
    replace(path, "summary:", "sumary:")
    return line_of(path, "sumary:")


def _missing(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛市行政审批服务局\n", "")
    return 1


def _wrong_type(root: Path) -> int:
    path = root / CASE
    replace(path, "rank: 1\n", "rank: 十一\n")
    return line_of(path, "rank:")


def _range(root: Path) -> int:
    path = root / CASE
    replace(path, "rank: 1\n", "rank: 11\n")
    return line_of(path, "rank:")


def _rank_taken(root: Path) -> int:
    path = root / CASE2
    replace(path, "rank: 4\n", "rank: 1\n")
    return line_of(path, "rank:")


def _ranking_full(root: Path) -> None:
    source = root / CASE
    target = source.with_name("eleventh.yaml")
    target.write_text(source.read_text(encoding="utf-8").replace("rank: 1\n", "rank: 1\n"), encoding="utf-8")


def _unknown_case(root: Path) -> int:
    path = root / PERSON
    text = path.read_text(encoding="utf-8")
    slug = re.search(r"^cases:\n  - (\S+)", text, re.M).group(1)
    replace(path, f"  - {slug}", "  - chief-approval-oficer")
    return line_of(path, "  - chief-approval-oficer")


def _missing_image(root: Path) -> int:
    path = root / CASE
    demo_picture = re.compile(r"(?m)^image:.*\n")  # the demo case has a picture of its own: replace it
    path.write_text(demo_picture.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    replace(path, "unit: 青岛市行政审批服务局\n", "unit: 青岛市行政审批服务局\nimage: media/images/missing.jpg\n")
    return line_of(path, "image:")


def _bad_date(root: Path) -> int:
    path = root / AMBASSADOR
    replace(path, "joined: 2022-03-15", "joined: 2022-13-45")
    return line_of(path, "joined:")


def _bad_url(root: Path) -> int:
    path = root / CASE
    text = path.read_text(encoding="utf-8")
    old = re.search(r"url: (\S+)", text).group(0)
    replace(path, old, "url: javascript:alert(1)")
    return line_of(path, "    url: javascript") if "    url: javascript" in path.read_text(encoding="utf-8") else line_of(path, "  url: javascript")


def _body_link(root: Path) -> int:
    path = root / CASE
    replace(path, "  ## 改革前的难点\n", "  ## 改革前的难点\n\n  [点我](javascript:alert(1))\n")
    return line_of(path, "body:")


def _empty(root: Path) -> None:
    (root / CASE).write_text("# yaml-language-server: $schema=../../../schemas/case.schema.json\n", encoding="utf-8")


def _too_large(root: Path) -> None:
    path = root / CASE
    path.write_text(path.read_text(encoding="utf-8") + "# " + "长" * 400_000 + "\n", encoding="utf-8")


def _object_tag(root: Path) -> int:
    path = root / CASE
    replace(path, "unit: 青岛市行政审批服务局", "unit: !!python/object/apply:os.system ['touch pwned']")
    return line_of(path, "unit:")


def _alias_bomb(root: Path) -> int:
    path = root / CASE
    bomb = "".join(f'x{i}: &x{i} [*x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}]\n' for i in range(1, 9))
    replace(path, "unit: 青岛市行政审批服务局\n", 'unit: 青岛市行政审批服务局\nx0: &x0 "哈"\n' + bomb)
    return line_of(path, "x1:")


def _bad_file_name(root: Path) -> None:
    (root / CASE).rename((root / CASE).with_name("Smart Form.yaml"))


def _misplaced(root: Path) -> None:
    target = root / "cases/2022/top-case/smart-form-registration.yaml"
    target.parent.mkdir()
    (root / CASE).rename(target)


def _wrong_choice(root: Path) -> int:
    path = root / CASE
    replace(path, "category: enterprise", "category: enterprize")
    return line_of(path, "category:")


FAULTS: dict[str, Fault] = {
    "yaml_syntax": Fault(CASE, _syntax, "unit", "引号没有成对"),
    "tab": Fault(CASE, _tab, "tags", "Tab"),
    "fullwidth_colon": Fault(CASE, _fullwidth_colon, "unit", "全角符号“：”"),
    "fullwidth_comma": Fault(CASE, _fullwidth_comma, "tags", "全角符号“，”"),
    "fullwidth_quotes": Fault(CASE, _fullwidth_quotes, "unit", "全角符号““”"),
    "not_utf8": Fault(CASE, _gbk, "-", "不是 UTF-8"),
    "duplicate_key": Fault(CASE, _duplicate, "unit", "重复出现"),
    "unknown_field": Fault(CASE, _unknown, "sumary", "是不是“summary”"),
    "missing_field": Fault(CASE, _missing, "unit", "缺少必填字段“unit”"),
    "wrong_type": Fault(CASE, _wrong_type, "rank", "应为整数"),
    "rank_range": Fault(CASE, _range, "rank", "超出范围"),
    "rank_taken": Fault(CASE2, _rank_taken, "rank", "与 smart-form-registration.yaml 重复"),
    "ranking_full": Fault("cases/2022/top-cases", _ranking_full, "-", "最多 10 个", line=None),
    "unknown_case": Fault(PERSON, _unknown_case, "cases[0]", "是不是“chief-approval-officer”"),
    "missing_media": Fault(CASE, _missing_image, "image", "找不到文件 cases/media/images/missing.jpg"),
    "bad_date": Fault(AMBASSADOR, _bad_date, "joined", "日期格式不对"),
    "unsafe_url": Fault(CASE, _bad_url, "sources[0].url", "不安全的链接"),
    "unsafe_body_link": Fault(CASE, _body_link, "body", "不安全的链接"),
    "empty_file": Fault(CASE, _empty, "-", "文件是空的", line=None),
    "too_large": Fault(CASE, _too_large, "-", "文件太大", line=None),
    "object_tag": Fault(CASE, _object_tag, "unit", "不支持 YAML 标签"),
    "bad_file_name": Fault("cases/2022/top-cases/Smart Form.yaml", _bad_file_name, "-", "不能用作网址", line=None),
    "misplaced": Fault("cases/2022/top-case/smart-form-registration.yaml", _misplaced, "-", "放错了位置", line=None),
    "wrong_choice": Fault(CASE, _wrong_choice, "category", "是不是“enterprise”"),
    "alias_bomb": Fault(CASE, _alias_bomb, "x1[0]", "不支持 YAML 锚点/别名"),
}


def run_check(root: Path, capsys: pytest.CaptureFixture, *extra: str) -> tuple[int, str]:
    code = cli(root, [*extra, "check"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_gets_a_precise_message(name: str, project: Path, capsys: pytest.CaptureFixture) -> None:
    fault = FAULTS[name]
    expected_line = fault.edit(project)
    code, output = run_check(project, capsys)
    assert code == 1, output
    assert "Traceback" not in output
    location = fault.file if fault.line is None else f"{fault.file}:{expected_line}:"
    lines = [line for line in output.splitlines() if line.startswith(location)]
    assert lines, f"no message for {location}\n{output}"
    message = next((line for line in lines if fault.says in line), None)
    assert message is not None, f"expected {fault.says!r} in\n{output}"
    assert re.match(rf"^{re.escape(fault.file)}(:\d+:\d+)?: {re.escape(fault.field)}: ", message), message
    hint = output.splitlines()[output.splitlines().index(message) + 1]
    assert hint.strip().startswith("提示:") and len(hint.strip()) > 6, hint


def test_every_problem_in_every_file_is_reported_at_once(project: Path, capsys: pytest.CaptureFixture) -> None:
    _unknown(project)
    _bad_date(project)
    _unknown_case(project)
    code, output = run_check(project, capsys)
    assert code == 1
    for file in (CASE, AMBASSADOR, PERSON):
        assert f"\n{file}:" in "\n" + output, output
    assert "共 4 个问题，涉及 3 个文件" in output  # sumary: unknown, summary: missing, and one in each other file


def test_messages_in_english_on_request(project: Path, capsys: pytest.CaptureFixture) -> None:
    _unknown(project)
    code, output = run_check(project, capsys, "--lang", "en")
    assert code == 1
    assert "there is no field 'sumary' (did you mean 'summary'?)" in output
    assert "hint:" in output and "提示" not in output


def test_utf8_bom_is_accepted(project: Path, capsys: pytest.CaptureFixture) -> None:
    path = project / CASE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, output = run_check(project, capsys)
    assert code == 0, output


def test_windows_line_endings_are_accepted(project: Path, capsys: pytest.CaptureFixture) -> None:
    path = project / CASE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code, output = run_check(project, capsys)
    assert code == 0, output


def test_object_tags_never_run(project: Path, capsys: pytest.CaptureFixture) -> None:
    _object_tag(project)
    run_check(project, capsys)
    assert not (project / "pwned").exists()
    assert not Path("pwned").exists()


def test_clean_demo_passes(project: Path, capsys: pytest.CaptureFixture) -> None:
    code, output = run_check(project, capsys)
    assert code == 0, output
    assert "检查通过" in output
