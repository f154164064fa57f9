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


def set_field(path: Path, line: str) -> int:
    """Write the top-level `line` (`image: …`) into an entry: in place of the field's line if it has one,
    else after `unit:`; returns its line number."""
    key = line.split(":", 1)[0] + ":"
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(key)}.*$", text, re.M)
    if found:
        path.write_text(text[:found.start()] + line + text[found.end():], encoding="utf-8")
    else:
        replace(path, "unit: 青岛市行政审批服务局\n", f"unit: 青岛市行政审批服务局\n{line}\n")
    return line_of(path, line)


def _missing_image(root: Path) -> int:
    return set_field(root / CASE, "image: media/images/missing.jpg")


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
    "wrong_type": Fault(CASE, _wrong_type, "rank", "要写整数"),
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


@pytest.mark.parametrize("argv", [["--lang", "en", "check"], ["check", "--lang", "en"]],
                         ids=["before the command", "after it, as the docs write it"])
def test_messages_in_english_on_request(argv: list[str], project: Path, capsys: pytest.CaptureFixture) -> None:
    _unknown(project)
    code = cli(project, argv)
    output = "".join(capsys.readouterr())
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


# --- hostile and careless inputs (issue 10): files around the entries, parsing limits, media, content pages ---

TOP_CASES = "cases/2022/top-cases"
SITE = "cases/site.yaml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def _add_after_unit(root: Path, lines: str, path: str = CASE) -> int:
    """Set the top-level field of the one line `lines` (replacing the entry's own); returns its line number."""
    return set_field(root / path, lines.rstrip("\n"))


def _media(root: Path, rel: str, content: bytes) -> Path:
    target = root / "cases" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def _set_unit(value: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        replace(root / CASE, "unit: 青岛市行政审批服务局", f"unit: {value}")
        return line_of(root / CASE, "unit:")
    return edit


def _octal_rank(root: Path) -> int:
    replace(root / CASE, "rank: 1\n", "rank: 010\n")
    return line_of(root / CASE, "rank:")


def _region_no(root: Path) -> int:
    replace(root / AMBASSADOR, "region: 青岛", "region: NO")
    return line_of(root / AMBASSADOR, "region:")


def _tag_yes(root: Path) -> int:
    replace(root / CASE, "  - 登记注册\n", "  - yes\n")
    return line_of(root / CASE, "  - yes")


def _raw_char(char: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        replace(root / CASE, "unit: 青岛市行政审批服务局", f"unit: 青岛市{char}行政审批服务局")
        return line_of(root / CASE, "unit:")
    return edit


def _bidi_name(root: Path) -> int:
    replace(root / PERSON, "name: 张明远", "name: 张明远\u202egpj.exe")
    return line_of(root / PERSON, "name:")


def _zero_width_title(escaped: bool) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        old = "title: 智能表单让企业登记注册“一次过”"
        replace(root / CASE, old, 'title: "\\u200B\\u200B"' if escaped else "title: \u200b\u200b")
        return line_of(root / CASE, "title:")
    return edit


def _odd_space_after_colon(char: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        replace(root / CASE, "unit: 青岛", f"unit:{char}青岛")
        return line_of(root / CASE, "unit:")
    return edit


def _deep(text: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        (root / TOP_CASES / "deep.yaml").write_text(text, encoding="utf-8")
        return 1
    return edit


def _windows_image(written: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        return _add_after_unit(root, f"image: {written}\n")
    return edit


def _body_line(markdown: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        replace(root / CASE, "  ## 改革前的难点\n", f"  ## 改革前的难点\n\n  {markdown}\n")
        return line_of(root / CASE, "body:")
    return edit


def _copy_case_as(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / TOP_CASES / name).write_bytes((root / CASE).read_bytes())
    return edit


def _rename_case(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / CASE).rename(root / TOP_CASES / name)
    return edit


def _link(name: str, target: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / name).symlink_to(target)
    return edit


def _linked_year(root: Path) -> None:
    (root / "cases/2023").symlink_to(root / "cases/2022", target_is_directory=True)


def _stray(root: Path) -> None:
    (root / TOP_CASES / "notes.docx").write_bytes(b"PK\x03\x04")


def _ambassador_index(root: Path) -> None:
    (root / "cases/ambassadors/index.yaml").write_bytes((root / AMBASSADOR).read_bytes())


def _yml_beside_yaml(root: Path) -> None:
    (root / TOP_CASES / "smart-form-registration.yml").write_bytes((root / CASE).read_bytes())


def _district_slug(root: Path) -> int:
    replace(root / SITE, "    slug: shibei\n", "    slug: shinan\n")
    return [n for n, line in enumerate((root / SITE).read_text(encoding="utf-8").splitlines(), 1)
            if line == "    slug: shinan"][1]


def _image_file(rel: str, content: bytes | None, field: str = "image") -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        if content is not None:
            _media(root, rel, content)
        return _add_after_unit(root, f"{field}: {rel}\n")
    return edit


def _linked_image(root: Path) -> int:
    (root / "cases/media/images").mkdir(parents=True, exist_ok=True)
    (root / "cases/media/images/passwd.png").symlink_to("/etc/passwd")
    return _add_after_unit(root, "image: media/images/passwd.png\n")


def _linked_media_folder(root: Path) -> int:
    outside = root / "outside"
    outside.mkdir()
    (outside / "a.png").write_bytes(PNG)
    (root / "cases/media/linked").symlink_to(outside, target_is_directory=True)
    return _add_after_unit(root, "image: media/linked/a.png\n")


def _html_video(root: Path) -> int:
    _media(root, "media/video/clip.mp4", HTML)
    replace(root / CASE, "unit: 青岛市行政审批服务局\n", "unit: 青岛市行政审批服务局\nvideo:\n  file: media/video/clip.mp4\n")
    return line_of(root / CASE, "  file: media/video/clip.mp4")


def _huge_image(root: Path) -> int:
    path = _media(root, "media/images/huge.png", PNG)
    with open(path, "r+b") as file:
        file.truncate(13 * 1024 * 1024)  # sparse: 13 MB without writing 13 MB
    return _add_after_unit(root, "image: media/images/huge.png\n")


def _content(text: str, marker: str) -> Callable[[Path], int]:
    def edit(root: Path) -> int:
        (root / "content/page.md").write_text(text, encoding="utf-8")
        return line_of(root / "content/page.md", marker)
    return edit


def _broken_front_matter(root: Path) -> int:
    (root / "content/page.md").write_text("---\ntitle: [broken\n---\n\n正文\n", encoding="utf-8")
    return 3  # where the bracket would have to close: the front matter's end


NEW_FAULTS: dict[str, Fault] = {
    # YAML 1.1 reads some values as something else
    "octal_rank": Fault(CASE, _octal_rank, "rank", "读成了八进制数 8"),
    "time_as_number": Fault(CASE, _set_unit("12:30"), "unit", "读成了数字 750"),
    "country_no": Fault(AMBASSADOR, _region_no, "region", "把 NO 读成了 false"),
    "tag_yes": Fault(CASE, _tag_yes, "tags[0]", "把 yes 读成了 true"),
    # invisible characters
    "nul_escape": Fault(CASE, _set_unit('"青岛\\0市"'), "unit", "U+0000"),
    "esc_escape": Fault(CASE, _set_unit('"\\e[31m青岛"'), "unit", "U+001B"),
    "raw_nul": Fault(CASE, _raw_char("\x00"), "unit", "U+0000"),
    "raw_esc": Fault(CASE, _raw_char("\x1b"), "unit", "U+001B"),
    "raw_bidi_override": Fault(PERSON, _bidi_name, "name", "U+202E"),
    "bidi_escape": Fault(CASE, _set_unit('"青岛\\u202E市"'), "unit", "U+202E"),
    "zero_width_title": Fault(CASE, _zero_width_title(escaped=False), "title", "内容不能为空"),
    "zero_width_escaped_title": Fault(CASE, _zero_width_title(escaped=True), "title", "内容不能为空"),
    "fullwidth_space_after_colon": Fault(CASE, _odd_space_after_colon("\u3000"), "unit", "全角空格"),
    "nbsp_after_colon": Fault(CASE, _odd_space_after_colon("\u00a0"), "unit", "不间断空格"),
    # nesting that crashed the C parser (SIGSEGV)
    "deep_flow_lists": Fault(f"{TOP_CASES}/deep.yaml", _deep("x: " + "[" * 50_000), "-", "嵌套层级过深"),
    "deep_dashes": Fault(f"{TOP_CASES}/deep.yaml", _deep("- " * 50_000 + "x\n"), "-", "嵌套层级过深"),
    "deep_flow_maps": Fault(f"{TOP_CASES}/deep.yaml", _deep("{a: " * 50_000), "-", "嵌套层级过深"),
    # Windows paths
    "windows_backslashes": Fault(CASE, _windows_image("media\\images\\a.png"), "image", "Windows 路径"),
    "windows_copy_as_path": Fault(CASE, _windows_image('"C:\\Users\\me\\Pictures\\a.png"'), "image", "Windows 路径"),
    # links in Markdown
    "reference_javascript_link": Fault(CASE, _body_line("[点我][x]\n\n  [x]: javascript:alert(1)"), "body",
                                       "不安全的链接"),
    "link_without_scheme": Fault(CASE, _body_line("[政务网](www.qingdao.gov.cn)"), "body", "缺少 https://"),
    # every file under cases/ accounted for
    "notepad_yaml_txt": Fault(f"{TOP_CASES}/copy.yaml.txt", _copy_case_as("copy.yaml.txt"), "-", "扩展名不对", line=None),
    "upper_case_extension": Fault(f"{TOP_CASES}/smart-form-registration.YAML",
                                  _rename_case("smart-form-registration.YAML"), "-", "扩展名不对", line=None),
    "symlink_to_secret": Fault(f"{TOP_CASES}/secret.yaml", _link(f"{TOP_CASES}/secret.yaml", "/etc/passwd"), "-",
                               "符号链接", line=None),
    "dangling_symlink": Fault(f"{TOP_CASES}/gone.yaml", _link(f"{TOP_CASES}/gone.yaml", "/nonexistent/gone.yaml"), "-",
                              "符号链接", line=None),
    "symlinked_year_folder": Fault("cases/2023", _linked_year, "-", "符号链接", line=None),
    "stray_file": Fault(f"{TOP_CASES}/notes.docx", _stray, "-", "不是条目文件", line=None),
    # collisions, naming both
    "ambassador_named_index": Fault("cases/ambassadors/index.yaml", _ambassador_index, "-", "列表页占用", line=None),
    "yml_beside_yaml": Fault(f"{TOP_CASES}/smart-form-registration.yml", _yml_beside_yaml, "-",
                             "与 smart-form-registration.yaml 会生成同一个网址", line=None),
    "yaml_beside_yml": Fault(CASE, _yml_beside_yaml, "-", "与 smart-form-registration.yml 会生成同一个网址", line=None),
    "district_slug_twice": Fault(SITE, _district_slug, "districts[1].slug", "与 districts[0] 重复"),
    # media files
    "media_symlink_to_secret": Fault(CASE, _linked_image, "image", "符号链接"),
    "media_in_linked_folder": Fault(CASE, _linked_media_folder, "image", "符号链接"),
    "svg_with_script": Fault(CASE, _image_file("media/images/logo.svg", SVG), "image", "SVG"),
    "svg_named_png": Fault(CASE, _image_file("media/images/logo.png", SVG), "image", "SVG"),
    "html_named_png": Fault(CASE, _image_file("media/images/page.png", HTML), "image", "HTML 网页"),
    "html_as_video": Fault(CASE, _html_video, "video.file", "HTML 网页"),
    "audio_as_image": Fault(CASE, _image_file("media/audio/treat-first-pay-later.ogg", None), "image", "内容是 OGG"),
    "entry_file_as_image": Fault(CASE, _image_file("2022/top-cases/chief-approval-officer.yaml", None), "image",
                                 "不在 cases/media/"),
    "image_too_large": Fault(CASE, _huge_image, "image", "超过上限 12 MB"),
    "hash_in_media_name": Fault(CASE, _image_file("media/images/a#1.png", PNG), "image", "网址不能用的字符"),
    "space_in_media_name": Fault(CASE, _image_file("'media/images/a b.png'", None), "image", "网址不能用的字符"),
    "picture_cut_short": Fault(CASE, _image_file("media/images/half.png", PNG), "image", "无法完整读出"),
    "percent_in_media_name": Fault(CASE, _image_file("media/images/a%20b.png", PNG), "image", "网址不能用的字符"),
    # hand-written pages
    "content_script": Fault("content/page.md", _content("# 页\n\n<script>alert(1)</script>\n", "<script>"), "-",
                            "会运行的 HTML"),
    "content_title_markup": Fault("content/page.md", _content('---\ntitle: "<img src=x onerror=alert(1)>"\n---\n\n正文\n',
                                                              "title:"), "title", "会运行的 HTML"),
    "content_mermaid": Fault("content/page.md", _content("# 页\n\n```mermaid\ngraph TD; A-->B\n```\n", "```mermaid"),
                             "-", "mermaid"),
    "content_remote_image": Fault("content/page.md", _content("# 页\n\n![图](https://evil.example/a.png)\n", "![图]"),
                                  "-", "其他网站"),
    # MkDocs would show front matter it cannot read as text on the page: the bracket is found where it ends
    "content_front_matter_broken": Fault("content/page.md", _broken_front_matter, "-", "方括号 [ ] 没有成对"),
}


@pytest.mark.parametrize("name", list(NEW_FAULTS))
def test_hostile_input_gets_a_precise_message(name: str, project: Path, capsys: pytest.CaptureFixture) -> None:
    FAULTS[name] = NEW_FAULTS[name]
    try:
        test_fault_gets_a_precise_message(name, project, capsys)
    finally:
        del FAULTS[name]


def test_editor_backup_and_lock_files_are_skipped(project: Path, capsys: pytest.CaptureFixture) -> None:
    folder = project / TOP_CASES
    (folder / ".#smart-form-registration.yaml").symlink_to("someone@host.1234:1700000000")  # Emacs: a dangling link
    for name in ("~$smart-form.yaml", "smart-form-registration.yaml~", "smart-form-registration.yaml.bak",
                 ".smart-form-registration.yaml.swp", "Thumbs.db", ".DS_Store"):
        (folder / name).write_bytes(b"\x00\xff garbage")
    code, output = run_check(project, capsys)
    assert code == 0, output


def test_an_error_in_site_yaml_is_not_also_a_missing_site_yaml(project: Path, capsys: pytest.CaptureFixture) -> None:
    replace(project / SITE, "districts:", "districts：")
    code, output = run_check(project, capsys)
    assert code == 1
    assert "cases/site.yaml:" in output and "全角符号" in output, output
    assert "缺少全站设置文件" not in output, output


def test_new_faults_in_english(project: Path, capsys: pytest.CaptureFixture) -> None:
    _octal_rank(project)
    _linked_image(project)
    code, output = run_check(project, capsys, "--lang", "en")
    assert code == 1
    assert "YAML read 010 as the octal number 8" in output and "write 10" in output, output
    assert "is a symbolic link" in output
    assert "提示" not in output


def test_new_entry_beside_a_folder_named_like_it(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / TOP_CASES / "new-case.yaml").mkdir()
    (project / TOP_CASES / "new-case-2.yaml").symlink_to("/nonexistent/target.yaml")
    code = cli(project, ["new", "case"])
    output = capsys.readouterr()
    assert code == 1 and "已满" in output.out, output  # the demo ranking is full: a message, not a traceback
    code = cli(project, ["new", "case", "--year", "2023"])
    assert code == 0, capsys.readouterr()
    assert not Path("/nonexistent/target.yaml").exists()


def test_fields_are_named_as_the_editor_sees_them_in_the_file(project: Path, capsys: pytest.CaptureFixture) -> None:
    path = project / CASE
    text = path.read_text(encoding="utf-8")
    value_line = re.search(r"^    value: .*$", text, re.M).group(0)
    path.write_text(text.replace(value_line, "    value: 50", 1).replace("unit: 青岛市行政审批服务局", "unit:"),
                    encoding="utf-8")
    code, output = run_check(project, capsys)
    assert code == 1
    number = line_of(path, "    value: 50")
    assert f"{CASE}:{number}:5: highlights[0].value: 第 1 条亮点的 value：写法不对：这里要写文字，现在写的是数字“50”" in output
    assert 'value: "50"' in output  # the hint shows the fix
    assert f"{CASE}:{line_of(path, 'unit:')}:1: unit: 写法不对：这里要写文字，现在是空的" in output
    assert "应为" not in output and "None" not in output
