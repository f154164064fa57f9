"""Problems found in entries, and the sentences editors read about them.

Every fault has a code; MESSAGES maps it to a message and a hint in Chinese
(default) and English. Editors' guide and tests refer to the codes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from .launch import build_command

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
        "zh": ("文件是空的", "用 {build_py} new {kind} 生成带全部字段的模板，或删除这个文件。"),
        "en": ("file is empty", "Run {build_py} new {kind} for a template with every field, or delete the file."),
    },
    "too_large": {
        "zh": ("文件太大（{size} 字节，上限 {limit} 字节）", "条目文件只放文字；图片、音频、视频请放到 cases/media/ 下并在字段里写路径。"),
        "en": ("file too large ({size} bytes, limit {limit})", "Entry files hold text only; put media under cases/media/ and reference it by path."),
    },
    "not_mapping": {
        "zh": ("文件内容应是“字段: 值”的列表", "每行以字段名开头，如 title: 标题。参考 {build_py} new {kind} 生成的模板。"),
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
        "zh": ("写法不对：这里要写{expected}，{got}", "{expected_hint}"),
        "en": ("expected {expected}, {got}", "{expected_hint}"),
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
    "placeholder": {
        "zh": ("还是模板里的示例文字“{value}”", "改成这个条目自己的内容；用不到的可选字段，在行首加“# ”或删掉这几行。"),
        "en": ("still the template's example text '{value}'", "Replace it with this entry's own text; comment out or delete optional fields you do not use."),
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
    "missing_en": {
        "zh": ("缺少英文：{field}（中文：“{chinese}”）", "英文写在 en: 块里，名称的英文写在 name_en、title_en 这类字段里（见 docs/fields.md、docs/english.md）。暂不翻译时，检查不加 --strict-en 即可。"),
        "en": ("English missing: {field} (Chinese: '{chinese}')", "Texts go in the en: block, names in name_en / title_en (see docs/fields.md). Drop --strict-en to allow it."),
    },
    "missing_en_page": {
        "zh": ("页面没有英文版：缺少 content/{field}", "把页面的英文写在 content/{field}（与中文页面同名，放在 content/en/ 下）。"),
        "en": ("page has no English: content/{field} is missing", "Write the page's English in content/{field}."),
    },
    "invalid": {
        "zh": ("值不符合要求：{detail}", "对照 docs/fields.md 中的字段说明修改。"),
        "en": ("invalid value: {detail}", "See docs/fields.md."),
    },
    "page_clash": {
        "zh": ("这个页面的网址 {value} 已被自动生成的页面占用", "给这个文件改名（例如加上 -info），或把内容写进条目里。"),
        "en": ("this page's address {value} belongs to a generated page", "Rename the file (e.g. add -info)."),
    },
    # --- files under cases/ that are not entries (publisher/load.py survey) ---
    "symlink": {
        "zh": ("“{value}”是符号链接（快捷方式），不会被读取或发布", "把真正的文件或文件夹复制到这里，删除这个链接。链接可能指向本机的任何文件，所以一律不跟随。"),
        "en": ("'{value}' is a symbolic link; it is neither read nor published", "Copy the real file or folder here and delete the link; links could point at any file on the machine."),
    },
    "entry_extension": {
        "zh": ("文件“{value}”的扩展名不对，不会被当作条目读取", "改名为 {name}（扩展名小写 .yaml）。记事本“另存为”时请把“保存类型”选为“所有文件”，否则会多出 .txt。"),
        "en": ("'{value}' has the wrong extension and is not read as an entry", "Rename it {name} (lower-case .yaml). In Notepad choose 'All files' when saving, or it appends .txt."),
    },
    "stray_file": {
        "zh": ("“{value}”不是条目文件，不会被发布", "cases/ 下只放条目（.yaml）和 cases/site.yaml；图片、音频、视频放到 cases/media/ 下。不需要的文件请删除。"),
        "en": ("'{value}' is not an entry file and is not published", "cases/ holds entries (.yaml) and cases/site.yaml only; media goes under cases/media/. Delete files you do not need."),
    },
    "file_name_chars": {
        "zh": ("文件名“{value}”含有看不见的字符或无法识别的编码", "重新命名这个文件，只用字母、数字和连字符。"),
        "en": ("file name '{value}' holds invisible characters or is not valid UTF-8", "Rename the file using letters, digits and hyphens."),
    },
    "unreadable": {
        "zh": ("无法读取这个文件（{detail}）", "确认它是普通文件，没有被其他程序占用，然后再试一次。"),
        "en": ("cannot read this file ({detail})", "Make sure it is an ordinary file not held open by another program, then try again."),
    },
    # --- what is in a file (publisher/load.py) ---
    "control_char": {
        "zh": ("这里有看不见的控制字符 {char}", "删掉这个字符（常见于从网页、PDF 或聊天软件复制的文字）：把这一行的文字删掉后重新输入。"),
        "en": ("invisible control character {char} here", "Delete it (it often comes with text copied from web pages, PDFs or chat apps): retype the text on this line."),
    },
    "yaml_octal": {
        "zh": ("YAML 把 {value} 读成了八进制数 {read}", "开头的 0 会让 YAML 按八进制读：要写数字 {decimal} 就写成 {decimal}；如果是编号等文字，请加半角引号：\"{value}\"。"),
        "en": ("YAML read {value} as the octal number {read}", "A leading 0 makes YAML read octal: write {decimal} for the number, or quote it (\"{value}\") if it is text such as a code."),
    },
    "yaml_sexagesimal": {
        "zh": ("YAML 把 {value} 读成了数字 {read}（六十进制）", "时间、比分等带冒号的数字请加半角引号：\"{value}\"。"),
        "en": ("YAML read {value} as the number {read} (base 60)", "Quote times and scores that contain a colon: \"{value}\"."),
    },
    "yaml_bool": {
        "zh": ("YAML 把 {value} 读成了 {read}（是/否）", "如果这是文字（如国家代码 NO），请加半角引号：\"{value}\"；如果是“是/否”，请写 true 或 false。"),
        "en": ("YAML read {value} as {read} (yes/no)", "If it is text (such as the country code NO), quote it: \"{value}\"; for yes/no write true or false."),
    },
    "windows_path": {
        "zh": ("“{value}”是 Windows 路径写法", "用 / 分隔，去掉引号，写相对于 cases/ 的路径，如 media/images/a.png。"),
        "en": ("'{value}' is written as a Windows path", "Use / between folders, drop the quotes, and write the path relative to cases/, e.g. media/images/a.png."),
    },
    "link_no_scheme": {
        "zh": ("链接“{value}”缺少 https://，会被当成本站的页面", "在网址前加上 https://，如 [青岛政务网](https://www.qingdao.gov.cn)。"),
        "en": ("link '{value}' lacks https:// and would point into this site", "Add https:// in front, e.g. [Qingdao](https://www.qingdao.gov.cn)."),
    },
    # --- names that collide (publisher/validate.py) ---
    "name_taken": {
        "zh": ("文件“{value}”与 {other} 会生成同一个网址", "两个文件只能留一个：合并内容后删除其中一个，或给其中一个改名。"),
        "en": ("'{value}' and {other} would make the same web address", "Keep one: merge them and delete the other, or rename one."),
    },
    "name_reserved": {
        "zh": ("文件名“{value}”已被自动生成的 {folder} 列表页占用", "给这个文件改一个英文短名，如 zhang-san.yaml。"),
        "en": ("the name '{value}' belongs to the generated list page {folder}", "Give the file another short name, e.g. zhang-san.yaml."),
    },
    "district_taken": {
        "zh": ("“{value}”与 {other} 重复", "每个区（市）的 name 和 slug 都只能出现一次：修改或删除重复的一项。"),
        "en": ("'{value}' repeats {other}", "Each district's name and slug may appear once: change or delete the repeat."),
    },
    # --- media files (publisher/media.py) ---
    "media_outside": {
        "zh": ("“{value}”不在 cases/media/ 文件夹里", "图片、音频、视频都放到 cases/media/ 下，路径写成 media/images/xxx.jpg 这样。"),
        "en": ("'{value}' is not inside cases/media/", "Put images, audio and video under cases/media/ and write paths like media/images/x.jpg."),
    },
    "media_name": {
        "zh": ("文件名“{name}”里有网址不能用的字符（空格、#、?、% 等）", "把文件改名为 {rename} 这样只含字母、汉字、数字、-、_ 和 . 的名字，并同步修改这里的路径。"),
        "en": ("'{name}' holds characters URLs cannot carry (spaces, #, ?, % …)", "Rename the file, e.g. {rename} (letters, digits, -, _ and . only), and change the path here."),
    },
    "media_type": {
        "zh": ("“{value}”的内容是 {found}，这里需要{expected_zh}", "按文件的实际内容导出为需要的格式，扩展名用 {extensions} 之一。HTML 网页不能当作媒体文件。"),
        "en": ("'{value}' holds {found}; this field needs {expected_en}", "Export the file in one of those formats with one of these extensions: {extensions}. An HTML page is never a media file."),
    },
    "media_svg": {
        "zh": ("“{value}”是 SVG 矢量图，出于安全原因不能使用", "SVG 里可以藏脚本：请在作图软件中导出为 PNG（或 JPEG）后使用。"),
        "en": ("'{value}' is an SVG image, which is not allowed", "SVG can carry scripts: export it as PNG (or JPEG) from your drawing tool."),
    },
    "media_too_large": {
        "zh": ("“{value}”有 {size} MB，超过上限 {limit} MB", "{shrink_zh}"),
        "en": ("'{value}' is {size} MB, over the {limit} MB limit", "{shrink_en}"),
    },
    "media_broken": {
        "zh": ("“{value}”无法完整读出：文件不完整或已损坏", "常见原因是从聊天软件或网盘没下载完。请重新下载或导出原图，确认看图软件能完整打开后再放进 cases/media/。"),
        "en": ("'{value}' cannot be read in full: the file is cut short or damaged", "Often it was not fully downloaded from a chat app or cloud drive. Download or export it again, check that it opens in full in an image viewer, then put it in cases/media/."),
    },
    "media_pixels": {
        "zh": ("“{value}”的像素太多（上限 {limit} 万像素）", "{shrink_zh}"),
        "en": ("'{value}' has too many pixels (the limit is {limit_en} million)", "{shrink_en}"),
    },
    # --- hand-written pages in content/ (publisher/content_pages.py) ---
    "content_html": {
        "zh": ("手写页面里有会运行的 HTML 代码“{value}”", "content/ 里的页面只写 Markdown：脚本、iframe、onclick 等 HTML 代码会被删除。需要特殊版式时请联系技术人员改 templates/。"),
        "en": ("live HTML '{value}' in a hand-written page", "Pages in content/ are Markdown: scripts, iframes and on… attributes are removed. Layout that needs HTML belongs in templates/ (ask a developer)."),
    },
    "content_cdn": {
        "zh": ("{feature} 图表需要从其他网站加载脚本，本站不支持", "国内读者常常打不开境外网站：请把图表画好后导出为 PNG 图片放进页面。"),
        "en": ("{feature} diagrams load a script from another host, which this site does not allow", "Draw the diagram elsewhere and include it as a PNG image."),
    },
    "content_remote": {
        "zh": ("图片“{value}”在其他网站上，本站不从其他网站加载内容", "把图片下载下来放进 content/ 文件夹（如 content/images/），用相对路径引用。"),
        "en": ("image '{value}' is on another host; this site loads nothing from other hosts", "Download the image into content/ (e.g. content/images/) and link it by a relative path."),
    },
}

EXPECTED = {
    "int": ("整数（阿拉伯数字）", "名次等数字直接写阿拉伯数字，如 rank: 3，不要写汉字，也不要加引号。", "a whole number", "Write digits, e.g. rank: 3."),
    "str": ("文字", "数字、日期、true/false 会被当成别的东西：给整个值加上半角引号，如 value: \"50\"，它就是文字了。",
            "text", "Numbers, dates and true/false are read as such: put the whole value in straight quotes, e.g. \"50\"."),
    "bool": ("true 或 false", "写 true（是）或 false（否），不加引号。", "true or false", "Write true or false."),
    "list": ("列表", "每项另起一行，以“- ”开头。", "a list", "Put each item on its own line starting with '- '."),
    "dict": ("一组“字段: 值”", "在下一行缩进两格写子字段。", "a group of 'field: value' lines", "Indent the sub-fields by two spaces on the next lines."),
}

EMPTY_HINT = {"zh": "在冒号后面空一格，写上内容；用不到的可选字段，在行首加“# ”。",
              "en": "Write the value after the colon and a space; comment out an optional field you do not use."}

# What an editor wrote, in their words (validate.py passes the YAML type of the value as `got`).
WRITTEN = {
    "number": ("数字", "a number"), "bool": ("true/false", "true/false"), "date": ("日期", "a date"),
    "list": ("一个列表", "a list"), "dict": ("一组子字段", "a group of fields"), "text": ("文字", "text"),
}

# Lists as an editor names their items: field → (noun, measure word), for "第 2 条亮点的 value".
LIST_ITEMS = {
    "highlights": ("亮点", "条", "highlight"), "sources": ("来源", "条", "source"), "tags": ("标签", "个", "tag"),
    "cases": ("相关案例", "个", "related case"), "figures": ("首页数据", "项", "figure"),
    "districts": ("区（市）", "个", "district"),
}


def readable_field(field: str, lang: str = "zh") -> str:
    """`highlights[1].value` as the editor sees it in the file: "第 2 条亮点的 value"; "" for a plain top-level field."""
    parts = re.findall(r"([^.\[\]]+)((?:\[\d+\])*)", field)
    if len(parts) <= 1 and not (parts and parts[0][1]):
        return ""
    words = []
    for name, indexes in parts:
        numbers = [int(n) + 1 for n in re.findall(r"\d+", indexes)]
        if not numbers:
            words.append(name)
            continue
        noun, measure, english = LIST_ITEMS.get(name, (None, None, f"{name} item"))
        if lang != "zh":
            words.append(f"{english} {numbers[0]}")
        elif noun:
            words.append(f"第 {numbers[0]} {measure}{noun}")
        else:
            words.append(f"{name} 的第 {numbers[0]} 项")
    if lang != "zh":
        return ", ".join(words)
    joined = "的".join(words)  # a space between Chinese and a field name, as the rest of the message does
    return re.sub(r"的(?=[A-Za-z])", "的 ", re.sub(r"(?<=[A-Za-z0-9_])的", " 的", joined))


def _written(args: dict[str, object], lang: str) -> str:
    """ "现在写的是数字“50”" — what was written instead, for the `type` message."""
    got = str(args.get("got") or "")
    if got == "none":
        return "现在是空的" if lang == "zh" else "the value is empty"
    zh, en = WRITTEN.get(got, ("", ""))
    if lang == "zh":
        return f"现在写的是{zh}“{args.get('value')}”"
    return f"got {en} '{args.get('value')}'" if en else f"got '{args.get('value')}'"


@dataclass(frozen=True)
class Problem:
    """One fault in one file, located as precisely as the fault allows."""

    path: Path
    code: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    args: dict[str, object] = dataclasses.field(default_factory=dict)
    warning: bool = False  # reported, but does not stop the command (e.g. a placeholder under `check`)

    def format(self, lang: str = "zh", root: Path | None = None) -> str:
        where, label, message, hint = self.parts(lang, root)
        prefix = "提示" if lang == "zh" else "hint"
        return f"{where}: {label}: {message}\n    {prefix}: {hint}"

    def parts(self, lang: str = "zh", root: Path | None = None) -> tuple[str, str, str, str]:
        """Where (file:line:column), which field, what is wrong, what to do."""
        message, hint = MESSAGES[self.code][lang]
        args = {"field": self.field, "build_py": build_command(), **self.args}
        args["suggestion"] = _suggestion(str(args.get("suggestion") or ""), lang)
        if args.get("expected") in EXPECTED:
            zh, zh_hint, en, en_hint = EXPECTED[str(args["expected"])]
            args["expected"], args["expected_hint"] = (zh, zh_hint) if lang == "zh" else (en, en_hint)
        if self.code == "type":
            if args.get("got") == "none":
                args["expected_hint"] = EMPTY_HINT[lang]
            args["got"] = _written(args, lang)
        message, hint = _fill(message, args), _fill(hint, args)
        where = _relative(self.path, root)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        message = _as_seen(message, self.field, self.warning, lang)
        return where, self.field or "-", message, hint


def _as_seen(message: str, field: str, warning: bool, lang: str) -> str:
    """The message led by the field as the editor sees it in the file, and marked when only a warning."""
    readable = readable_field(field, lang)
    if readable:
        message = f"{readable}：{message}" if lang == "zh" else f"{readable}: {message}"
    if warning:
        message = ("提醒：" if lang == "zh" else "warning: ") + message
    return message


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
            # the folder resolved, not the file: a symbolic link is shown where it is, not where it points
            return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
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
