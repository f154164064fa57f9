"""Files derived from the schema: JSON Schema for editors' tools and the field reference.

`python build.py schemas` writes them; a test fails when the committed copies drift.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from . import cms, schema
from .problems import MESSAGES
from .scaffold import _example, _nested, _scalar, _strip_optional

SCHEMA_DIR = "schemas"
REFERENCE = "docs/fields.md"
MESSAGES_DOC = "docs/messages.md"
# A typical line that causes each message, shown in the editors' guide.
_EXAMPLES = {
    "yaml_syntax": 'title: "智能表单（引号没有成对）', "tab": "tags:\n\t- 登记注册    ← 行首是 Tab",
    "fullwidth": "title：智能表单    ← 全角冒号", "encoding": "（用记事本另存为 ANSI/GBK 编码）",
    "empty": "（文件里只有注释）", "too_large": "（把图片内容粘贴进了 YAML）",
    "not_mapping": "- 智能表单\n- 登记注册", "duplicate_key": "unit: 市审批局\nunit: 市大数据局",
    "alias": "summary: *简介", "tag": "unit: !!python/object/apply:os.system [ls]",
    "too_deep": "a: {b: {c: {d: {e: {f: {g: {h: {i: 1}}}}}}}}", "unknown_field": "sumary: 一句话简介",
    "missing": "（没有 unit: 这一行）", "type": "rank: 十一", "choice": "category: 企业",
    "range": "rank: 11", "too_long": "summary: （超过 120 字）", "too_many": "tags: （超过 8 个）",
    "blank": 'title: ""', "placeholder": "name: 张三    ← build.py new 写下的示例，没有改", "date": "joined: 2022/10/26", "link_scheme": "url: javascript:alert(1)",
    "link_malformed": "url: www.example.com", "media_path": "image: /home/me/照片.jpg",
    "slug": "cases:\n  - 智能表单", "file_name": "（文件名是 智能表单.yaml）",
    "misplaced": "（案例放在了 cases/2022/ 下，而不是 cases/2022/top-cases/）",
    "rank_taken": "（两个案例都写了 rank: 1）", "ranking_full": "（top-cases 里有 11 个文件）",
    "unknown_case": "cases:\n  - smart-form-registraton", "unknown_district": "district: 市南",
    "missing_file": "image: media/images/不存在.jpg", "video_source": "video:\n  title: 宣传片",
    "no_site": "（删掉了 cases/site.yaml）", "invalid": "",
    "page_clash": "（手写了 content/archive.md，而“往届榜单”页是自动生成的）",
    "symlink": "（cases/media/images/a.png 是指向别处的快捷方式/符号链接）",
    "entry_extension": "（记事本把文件存成了 smart-form.yaml.txt，或扩展名写成了 .YAML）",
    "stray_file": "（把 Word 文档 说明.docx 放进了 cases/2022/top-cases/）",
    "file_name_chars": "（文件名里有从网页复制来的看不见的字符）", "unreadable": "（文件正被其他程序占用）",
    "control_char": 'unit: "青岛\\0市"    ← \\0、\\e 等转义也算', "yaml_octal": "rank: 010",
    "yaml_sexagesimal": "time: 12:30", "yaml_bool": "region: NO",
    "windows_path": 'image: "C:\\Users\\me\\a.png"\nimage: media\\images\\a.png',
    "link_no_scheme": "body: |\n  见[青岛政务网](www.qingdao.gov.cn)",
    "name_taken": "（smart-form.yaml 旁边还有 smart-form.yml）", "name_reserved": "（cases/ambassadors/index.yaml）",
    "district_taken": "districts:\n  - name: 市南区\n    slug: shinan\n  - name: 市北区\n    slug: shinan",
    "media_outside": "image: 2022/top-cases/other.yaml", "media_name": "image: media/images/照片 #1.jpg",
    "media_type": "video:\n  file: media/video/page.mp4    ← 实际是网页", "media_svg": "image: media/images/logo.svg",
    "media_too_large": "（手机原图 8 MB）", "media_broken": "（从聊天软件只下载了一半的照片）",
    "media_pixels": "（30000 × 30000 像素的图片）", "content_html": "<script>alert(1)</script>",
    "content_cdn": "```mermaid", "content_remote": "![图](https://example.com/a.png)",
    "missing_en": "（用 check --strict-en 检查时，案例还没有 en: 块）", "missing_en_page": "（有 content/about.md，没有 content/en/about.md）",
}
_PLACES = {"case": "cases/<年份>/top-cases/<英文短名>.yaml", "person": "cases/<年份>/top-people/<英文短名>.yaml",
           "ambassador": "cases/ambassadors/<英文短名>.yaml", "site": "cases/site.yaml"}


def json_schema(kind: str) -> str:
    model = schema.KINDS[kind]
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
    document["title"] = f"{schema.KIND_TITLES[kind]}（{kind}）"
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def derived_files() -> dict[str, str]:
    """Repository path → content of every file generated from the schema."""
    files = {f"{SCHEMA_DIR}/{kind}.schema.json": json_schema(kind) for kind in schema.KINDS}
    files[REFERENCE] = field_reference()
    files[MESSAGES_DOC] = message_reference()
    files[cms.CONFIG] = cms.config_yaml(cms.edition_years(Path(__file__).resolve().parent.parent))  # the form editor
    return files


def write_derived(root: Path) -> list[str]:
    changed = []
    for relative, content in derived_files().items():
        path = root / relative
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(relative)
    return changed


def _type_name(annotation: typing.Any) -> str:
    annotation = _strip_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        return "列表：" + _type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return "可选值之一：" + "、".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"一组子字段（见 {annotation.__name__}）"
    names = {str: "文字", int: "整数", bool: "true / false"}
    if annotation in names:
        return names[annotation]
    return "日期 YYYY-MM-DD" if getattr(annotation, "__name__", "") == "date" else str(annotation)


def _table(model: type[BaseModel]) -> list[str]:
    rows = ["| 字段 | 必填 | 类型 | 说明 | 示例 |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        example = _example(info)
        if isinstance(example, str) and "\n" in example:
            shown = "多行文字，见 `build.py new` 生成的模板"
        else:
            shown = "" if example is None else f"`{_scalar(example)}`".replace("|", "\\|")
        rows.append(f"| `{name}` | {'是' if info.is_required() else '否'} | {_type_name(info.annotation)} "
                     f"| {info.description} | {shown} |")
    return rows


def _collect_nested(model: type[BaseModel], found: dict[str, type[BaseModel]]) -> None:
    """Every block inside `model`, at any depth (the `en:` blocks hold blocks of their own), in order."""
    for info in model.model_fields.values():
        inner = _nested(info.annotation)
        if inner is not None and inner.__name__ not in found:
            found[inner.__name__] = inner
            _collect_nested(inner, found)


def field_reference() -> str:
    lines = ["# 字段说明（自动生成）", "",
             "本文件由 `python build.py schemas` 根据 `publisher/schema.py` 自动生成，请勿手工修改。", ""]
    nested: dict[str, type[BaseModel]] = {}
    for kind, model in schema.KINDS.items():
        lines += [f"## {schema.KIND_TITLES[kind]}（{kind}）", "", f"文件位置：`{_PLACES[kind]}`", ""]
        lines += _table(model) + [""]
        _collect_nested(model, nested)
    for name, model in nested.items():
        doc = [model.__doc__.strip(), ""] if model.__doc__ else []
        lines += [f"### {name}", "", *doc] + _table(model) + [""]
    lines += ["## 固定的可选值", "", "全生命周期（category）：", ""]
    lines += [f"- `{k}`：{v}" for k, v in schema.CATEGORY_LABELS.items()]
    lines += ["", "大使身份（identity）：", ""] + [f"- `{k}`：{v}" for k, v in schema.IDENTITY_LABELS.items()]
    return "\n".join(lines) + "\n"


def message_reference() -> str:
    """Every message `build.py check` can print, with what causes it and what to do."""
    lines = ["# 检查提示一览（自动生成）", "",
             "`python build.py check` 可能给出的每一种提示。每条提示的格式是：", "",
             "    文件路径:行:列: 字段: 问题", "        提示: 怎么改", "",
             "本文件由 `python build.py schemas` 根据 `publisher/problems.py` 生成，请勿手工修改。", ""]
    for code, texts in MESSAGES.items():
        message, hint = (text.replace("{build_py}", "py build.py") for text in texts["zh"])  # as editors type it
        lines += [f"## `{code}` — {message.split('：')[0].split('（')[0]}", "", f"- 提示内容：{message}",
                  f"- 怎么改：{hint}"]
        if _EXAMPLES.get(code):
            lines += ["- 常见的写法：", "", "  ```yaml", *[f"  {line}" for line in _EXAMPLES[code].splitlines()],
                      "  ```"]
        lines.append("")
    return "\n".join(lines)
