"""Files derived from the schema: JSON Schema for editors' tools and the field reference.

`python build.py schemas` writes them; a test fails when the committed copies drift.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from . import schema
from .scaffold import _example, _nested, _scalar, _strip_optional

SCHEMA_DIR = "schemas"
REFERENCE = "docs/fields.md"
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


def field_reference() -> str:
    lines = ["# 字段说明（自动生成）", "",
             "本文件由 `python build.py schemas` 根据 `publisher/schema.py` 自动生成，请勿手工修改。", ""]
    nested: dict[str, type[BaseModel]] = {}
    for kind, model in schema.KINDS.items():
        lines += [f"## {schema.KIND_TITLES[kind]}（{kind}）", "", f"文件位置：`{_PLACES[kind]}`", ""]
        lines += _table(model) + [""]
        for info in model.model_fields.values():
            inner = _nested(info.annotation)
            if inner is not None:
                nested.setdefault(inner.__name__, inner)
    for name, model in nested.items():
        lines += [f"### {name}", ""] + _table(model) + [""]
    lines += ["## 固定的可选值", "", "全生命周期（category）：", ""]
    lines += [f"- `{k}`：{v}" for k, v in schema.CATEGORY_LABELS.items()]
    lines += ["", "大使身份（identity）：", ""] + [f"- `{k}`：{v}" for k, v in schema.IDENTITY_LABELS.items()]
    return "\n".join(lines) + "\n"
