"""`build.py new`: a new entry file with every field and a comment on each, from the schema."""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel

from . import schema

SCHEMA_LINE = "# yaml-language-server: $schema={path}"


def schema_comment(kind: str, entry_path: Path, root: Path) -> str:
    """The first line of every entry file: points VS Code at the committed JSON Schema."""
    target = root / "schemas" / f"{kind}.schema.json"
    relative = Path(*([".."] * (len(entry_path.parent.relative_to(root).parts)))) / target.relative_to(root)
    return SCHEMA_LINE.format(path=relative.as_posix())


def _scalar(value: object) -> str:
    if isinstance(value, (dt.date, bool, int)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip()
    return text[: -len("...")].strip() if text.endswith("...") else text


def _example(info) -> object:
    if info.examples:
        return info.examples[0]
    return info.default if isinstance(info.default, bool) else None


def _value_lines(name: str, value: object) -> list[str]:
    if isinstance(value, str) and "\n" in value:
        return [f"{name}: |"] + [f"  {line}".rstrip() for line in value.splitlines()]
    return [f"{name}: {_scalar(value)}"]


def _nested_lines(model: type[BaseModel], is_list: bool) -> list[str]:
    """Example lines of a nested block (sub-fields that have an example, and blocks inside it that do)."""
    lines: list[str] = []
    for name, info in model.model_fields.items():
        inner = _nested(info.annotation)
        if inner is not None:
            inner_lines = _nested_lines(inner, typing.get_origin(_strip_optional(info.annotation)) is list)
            lines += [f"{name}:"] + [f"  {line}" for line in inner_lines] if inner_lines else []
        elif info.examples:
            lines += _value_lines(name, _example(info))
    if is_list:
        return [("- " if number == 0 else "  ") + line for number, line in enumerate(lines)]
    return lines


def _lines(model: type[BaseModel], values: dict[str, object]) -> list[str]:
    lines: list[str] = []
    for name, info in model.model_fields.items():
        lines.append(f"# {info.description}")
        value = values.get(name, _example(info))
        commented = name not in values and not info.is_required()
        nested = _nested(info.annotation)
        if nested is not None:
            is_list = typing.get_origin(_strip_optional(info.annotation)) is list
            block = [f"{name}:"] + [f"  {line}" for line in _nested_lines(nested, is_list)]
        elif value is None:
            block, commented = [f"{name}:"], True
        else:
            block = _value_lines(name, value)
        lines += [f"# {line}".rstrip() if commented else line.rstrip() for line in block]
        lines.append("")
    return lines


def _strip_optional(annotation):
    """`X | None` → X."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return args[0] if union and len(args) == 1 else annotation


def _nested(annotation) -> type[BaseModel] | None:
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def scaffold(kind: str, entry_path: Path, root: Path, values: dict[str, object]) -> str:
    """The text of a new entry file of `kind`, with `values` filled in and every other field explained."""
    model = schema.KINDS[kind]
    head = [schema_comment(kind, entry_path, root), f"# {model.__doc__.strip()}",
            "# 以 # 开头的行是说明或可选字段：需要时删掉行首的 “# ” 再填写。", ""]
    return "\n".join(head + _lines(model, values)) + "\n"
