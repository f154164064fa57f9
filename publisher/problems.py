"""Problems found in entries, and the sentences editors read about them.

Every fault has a code; MESSAGES maps it to a message and a hint in Chinese
(default) and English. Editors' guide and tests refer to the codes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

# code -> lang -> (message, hint). `{…}` fields come from Problem.args.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "yaml_syntax": {
        "zh": ("YAML 格式错误：{detail}", "检查这一行和上一行：冒号后要有空格，缩进要对齐，引号要成对。"),
        "en": ("YAML syntax error: {detail}", "Check this line and the one above: a space after each colon, aligned indentation, paired quotes."),
    },
    "tab": {
        "zh": ("缩进中使用了 Tab 制表符", "YAML 只能用空格缩进：删除 Tab，改为两个空格。在 VS Code 中可点击右下角“Tab 大小”改为“使用空格缩进”。"),
        "en": ("tab character used for indentation", "YAML indents with spaces only: replace the tab with two spaces."),
    },
    "fullwidth": {
        "zh": ("这里用了全角符号“{char}”，YAML 需要半角（英文）符号“{ascii}”", "把输入法切换到半角/英文标点（中文输入法下按 Ctrl+. 或 Shift），重新输入这个符号。"),
        "en": ("full-width '{char}' where YAML needs the ASCII '{ascii}'", "Switch the input method to half-width (English) punctuation and type it again."),
    },
    "encoding": {
        "zh": ("文件不是 UTF-8 编码（第 {byte} 个字节无法识别）", "用 VS Code 打开文件，点击右下角编码（如 GBK/GB2312），选择“通过编码保存”→“UTF-8”。记事本请选“另存为”→编码“UTF-8”。"),
        "en": ("file is not UTF-8 (undecodable byte at offset {byte})", "Re-save the file as UTF-8 (VS Code: click the encoding in the status bar, 'Save with Encoding', 'UTF-8')."),
    },
    "empty": {
        "zh": ("文件是空的", "用 python build.py new {kind} 生成带全部字段的模板，或删除这个文件。"),
        "en": ("file is empty", "Run python build.py new {kind} for a template with every field, or delete the file."),
    },
    "too_large": {
        "zh": ("文件太大（{size} 字节，上限 {limit} 字节）", "条目文件只放文字；图片、音频、视频请放到 cases/media/ 下并在字段里写路径。"),
        "en": ("file too large ({size} bytes, limit {limit})", "Entry files hold text only; put media under cases/media/ and reference it by path."),
    },
    "not_mapping": {
        "zh": ("文件内容应是“字段: 值”的列表", "每行以字段名开头，如 title: 标题。参考 python build.py new {kind} 生成的模板。"),
        "en": ("the file must be a mapping of 'field: value' lines", "Start each line with a field name, e.g. title: ..."),
    },
    "duplicate_key": {
        "zh": ("字段“{field}”重复出现（第一次在第 {first} 行）", "同一个字段只能写一次：删除或合并其中一处。"),
        "en": ("field '{field}' appears twice (first on line {first})", "Keep only one of them."),
    },
    "alias": {
        "zh": ("不支持 YAML 锚点/别名（& 和 *）", "直接把内容写出来；如果 * 是正文的一部分，请给整个值加上引号。"),
        "en": ("YAML anchors/aliases (& and *) are not allowed", "Write the value out; if * is part of the text, quote the whole value."),
    },
    "tag": {
        "zh": ("不支持 YAML 标签“{tag}”", "删掉以 ! 开头的标签；如果 ! 是正文的一部分，请给整个值加上引号。"),
        "en": ("YAML tag '{tag}' is not allowed", "Remove the tag starting with '!'; quote the value if '!' is part of the text."),
    },
    "too_deep": {
        "zh": ("嵌套层级过深", "条目最多只需要三层缩进，请检查缩进。"),
        "en": ("nesting too deep", "Entries need at most three levels of indentation."),
    },
    "unknown_field": {
        "zh": ("没有“{field}”这个字段{suggestion}", "可用字段：{allowed}。"),
        "en": ("there is no field '{field}'{suggestion}", "Allowed fields: {allowed}."),
    },
    "missing": {
        "zh": ("缺少必填字段“{field}”", "添加一行 {field}: …（字段说明见 docs/fields.md）。"),
        "en": ("required field '{field}' is missing", "Add a line '{field}: ...' (see docs/fields.md)."),
    },
    "type": {
        "zh": ("值的类型不对：应为{expected}，实际是“{value}”", "{expected_hint}"),
        "en": ("wrong type: expected {expected}, got '{value}'", "{expected_hint}"),
    },
    "choice": {
        "zh": ("“{value}”不是可选值{suggestion}", "可选值：{allowed}。"),
        "en": ("'{value}' is not one of the allowed values{suggestion}", "Allowed: {allowed}."),
    },
    "range": {
        "zh": ("数值 {value} 超出范围（{low}–{high}）", "名次只能是 {low} 到 {high} 之间的整数。"),
        "en": ("{value} is out of range ({low}-{high})", "Use a whole number from {low} to {high}."),
    },
    "too_long": {
        "zh": ("内容太长（{length} 字，上限 {limit} 字）", "请精简文字。"),
        "en": ("too long ({length} characters, limit {limit})", "Shorten the text."),
    },
    "too_many": {
        "zh": ("条目太多（{length} 项，上限 {limit} 项）", "删去几项。"),
        "en": ("too many items ({length}, limit {limit})", "Remove some items."),
    },
    "blank": {
        "zh": ("内容不能为空", "填写内容，或删除这个可选字段。"),
        "en": ("must not be blank", "Fill it in, or remove the optional field."),
    },
    "date": {
        "zh": ("日期格式不对：“{value}”", "日期写成 YYYY-MM-DD，如 2022-10-26（不加引号）。"),
        "en": ("malformed date '{value}'", "Write dates as YYYY-MM-DD, e.g. 2022-10-26."),
    },
    "link_scheme": {
        "zh": ("不安全的链接“{value}”", "链接只能以 https://、http://、mailto: 或 /（本站页面）开头；javascript:、data: 等一律不允许。"),
        "en": ("unsafe link '{value}'", "Links must start with https://, http://, mailto: or / (this site)."),
    },
    "link_malformed": {
        "zh": ("链接格式不对：“{value}”", "写完整的网址，如 https://www.example.com/page，中间不能有空格。"),
        "en": ("malformed link '{value}'", "Write a full address such as https://www.example.com/page, without spaces."),
    },
    "media_path": {
        "zh": ("文件路径“{value}”不对", "写相对于 cases/ 文件夹的路径，如 media/images/xxx.jpg，不能以 / 开头，也不能含 ..。"),
        "en": ("bad file path '{value}'", "Write a path relative to cases/, e.g. media/images/x.jpg."),
    },
    "slug": {
        "zh": ("“{value}”不是有效的英文短名", "只用小写字母、数字和连字符，如 smart-form-registration。"),
        "en": ("'{value}' is not a valid slug", "Use lowercase letters, digits and hyphens only."),
    },
    "file_name": {
        "zh": ("文件名“{value}”不能用作网址", "文件名只用小写字母、数字和连字符，如 smart-form-registration.yaml。"),
        "en": ("file name '{value}' cannot be used as a URL", "Use lowercase letters, digits and hyphens, e.g. smart-form.yaml."),
    },
    "misplaced": {
        "zh": ("文件放错了位置", "案例放在 cases/<年份>/top-cases/，人物放在 cases/<年份>/top-people/，大使放在 cases/ambassadors/。"),
        "en": ("file is in the wrong folder", "Cases go in cases/<year>/top-cases/, people in cases/<year>/top-people/, ambassadors in cases/ambassadors/."),
    },
    "rank_taken": {
        "zh": ("名次 {value} 与 {other} 重复", "同一年份中每个名次只能用一次：修改其中一个文件的 rank。"),
        "en": ("rank {value} is also used by {other}", "Each rank may be used once per year: change one of them."),
    },
    "ranking_full": {
        "zh": ("{year} 年的{ranking}有 {count} 个条目，最多 10 个", "删除或移走多出的条目。"),
        "en": ("the {year} {ranking} has {count} entries; at most 10", "Remove the extra entries."),
    },
    "unknown_case": {
        "zh": ("找不到案例“{value}”{suggestion}", "写 cases/{year}/top-cases/ 中已有案例的文件名（不含 .yaml）。"),
        "en": ("no case '{value}'{suggestion}", "Use the file name (without .yaml) of a case in cases/{year}/top-cases/."),
    },
    "unknown_district": {
        "zh": ("“{value}”不在区（市）列表中{suggestion}", "可选：{allowed}。如需新增，请在 cases/site.yaml 的 districts 中添加。"),
        "en": ("'{value}' is not a listed district{suggestion}", "Allowed: {allowed}. New districts go in cases/site.yaml."),
    },
    "missing_file": {
        "zh": ("找不到文件 cases/{value}", "确认文件已放到 cases/ 下对应位置，路径和大小写一致。"),
        "en": ("file cases/{value} does not exist", "Put the file there, or fix the path (case matters)."),
    },
    "video_source": {
        "zh": ("视频需要 file 或 url 之一", "本站视频写 file，外部视频页面写 url，二选一。"),
        "en": ("video needs exactly one of file or url", "Use file for a video on this site, url for a page elsewhere."),
    },
    "no_site": {
        "zh": ("缺少全站设置文件 cases/site.yaml", "从演示项目复制 cases/site.yaml 并修改。"),
        "en": ("cases/site.yaml is missing", "Copy cases/site.yaml from the demo and edit it."),
    },
    "invalid": {
        "zh": ("值不符合要求：{detail}", "对照 docs/fields.md 中的字段说明修改。"),
        "en": ("invalid value: {detail}", "See docs/fields.md."),
    },
    "page_clash": {
        "zh": ("这个页面的网址 {value} 已被自动生成的页面占用", "给这个文件改名（例如加上 -info），或把内容写进条目里。"),
        "en": ("this page's address {value} belongs to a generated page", "Rename the file (e.g. add -info)."),
    },
}

EXPECTED = {
    "int": ("整数", "名次等数字直接写阿拉伯数字，如 rank: 3，不要写汉字或加引号。", "a whole number", "Write digits, e.g. rank: 3."),
    "str": ("文字", "直接写文字；以特殊符号开头时给整个值加上半角引号。", "text", "Write the text; quote it if it starts with a symbol."),
    "bool": ("true 或 false", "写 true 或 false。", "true or false", "Write true or false."),
    "list": ("列表", "每项另起一行，以“- ”开头。", "a list", "Put each item on its own line starting with '- '."),
    "dict": ("一组“字段: 值”", "在下一行缩进两格写子字段。", "a group of 'field: value' lines", "Indent the sub-fields by two spaces on the next lines."),
}


@dataclass(frozen=True)
class Problem:
    """One fault in one file, located as precisely as the fault allows."""

    path: Path
    code: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    args: dict[str, object] = dataclasses.field(default_factory=dict)

    def format(self, lang: str = "zh", root: Path | None = None) -> str:
        where, label, message, hint = self.parts(lang, root)
        prefix = "提示" if lang == "zh" else "hint"
        return f"{where}: {label}: {message}\n    {prefix}: {hint}"

    def parts(self, lang: str = "zh", root: Path | None = None) -> tuple[str, str, str, str]:
        """Where (file:line:column), which field, what is wrong, what to do."""
        message, hint = MESSAGES[self.code][lang]
        args = {"field": self.field, **self.args}
        args["suggestion"] = _suggestion(str(args.get("suggestion") or ""), lang)
        if args.get("expected") in EXPECTED:
            zh, zh_hint, en, en_hint = EXPECTED[str(args["expected"])]
            args["expected"], args["expected_hint"] = (zh, zh_hint) if lang == "zh" else (en, en_hint)
        message, hint = _fill(message, args), _fill(hint, args)
        where = _relative(self.path, root)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return where, self.field or "-", message, hint


def _suggestion(candidate: str, lang: str) -> str:
    if not candidate:
        return ""
    return f"，是不是“{candidate}”？" if lang == "zh" else f" (did you mean '{candidate}'?)"


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, args: dict[str, object]) -> str:
    return template.format_map(_Missing({k: str(v) for k, v in args.items()}))


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


class ContentError(Exception):
    """Raised when entries have problems; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in entries")
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.column or 0, p.field))

    def report(self, lang: str = "zh", root: Path | None = None) -> str:
        lines = [p.format(lang, root) for p in self.problems]
        files = len({p.path for p in self.problems})
        if lang == "zh":
            lines.append(f"\n共 {len(self.problems)} 个问题，涉及 {files} 个文件。网站没有更新。")
        else:
            lines.append(f"\n{len(self.problems)} problem(s) in {files} file(s). The site was not updated.")
        return "\n".join(lines)
